; The def is the match: the check lists the places in it where a value reaches
; the rule's sink and asks the data-flow layer (engine/flow) what reaches each,
; re-run whenever the def changes (its decorators too: widen.ts).
(function_definition) @node
