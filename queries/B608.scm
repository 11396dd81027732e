; Every string: the check rebuilds the statement bandit sees around each str constant
; (a %/+ chain, .format/.replace, an f-string) and matches it against bandit's SQL regex.
(string) @node
