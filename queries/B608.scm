; Every string: the check rebuilds the statement bandit sees around each str constant
; (a %/+ chain, .format/.replace, an f-string) and matches it against bandit's SQL regex.
; The parent is captured too: the checks read it, and a match hands it over for nothing
; (a node's `parent` is otherwise a walk down from the root).
(_ (string) @node) @parent
