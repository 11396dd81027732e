; The scopes bandit's test evaluates a mark_safe argument in: the module and each def. The
; verdict depends on earlier assignments in the scope, so the scope is the match: the check
; finds its mark_safe calls and judges them, re-run whenever the scope changes.
(module) @node
(function_definition) @node
