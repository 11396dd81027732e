; Every def: the check reads its parameters (bandit runs FunctionDef tests on sync defs only).
; The whole function is the match, as it is bandit's context (its lines are where a nosec counts).
(function_definition) @node
