; Every call: the check resolves the called name (imports and aliases) and reads the arguments.
; Inside a def, the def is the match: the check follows request input through its
; earlier assignments and a FastAPI route's parameters, re-run whenever the def changes
; (a decorator too: the range an edit to it is widened to ends where the def starts).
(call) @node
(function_definition) @node
