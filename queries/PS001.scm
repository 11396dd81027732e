; Every call: the check resolves the called name (imports and aliases) and reads the arguments.
; Inside a def, the def is the match: the check follows request input through its
; earlier assignments and a FastAPI route's parameters, re-run whenever the def changes.
(call) @node
(function_definition) @node
(decorated_definition) @node
