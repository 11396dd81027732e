; Every call: the check resolves the called name (imports and aliases) and reads the arguments.
(call) @node
; django-cors-headers: CORS_ALLOW_ALL_ORIGINS = True, with CORS_ALLOW_CREDENTIALS = True anywhere in the module (a settings fact).
((assignment left: (identifier) @name) @node (#match? @name "^[A-Z][A-Z0-9_]*$"))
