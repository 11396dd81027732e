; Every string: the check reads the str constants bandit's visit_Str sees (a whole
; concatenation once, from its first part; an f-string's literal parts) and their ast parent.
; The parent is captured too: the checks read it, and a match hands it over for nothing
; (a node's `parent` is otherwise a walk down from the root).
(_ (string) @node) @parent
