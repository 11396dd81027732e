; The module: bandit's File test reads the whole text (the first line with a bidirectional
; control character). Matching the root, it is re-run on every edit.
(module) @node
