; Every string: the check reads the str constants bandit's visit_Str sees (a whole
; concatenation once, from its first part; an f-string's literal parts) and their ast parent.
(string) @node
