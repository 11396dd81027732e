; Settings as Django, Flask and FastAPI read them: NAME = value (settings modules, config classes),
; app.config["NAME"] = value, app.debug = value, and calls (app.config.update(NAME=value), ...).
(decorator) @node
(call) @node
((assignment left: (identifier) @name) @node (#match? @name "^[A-Z][A-Z0-9_]*$"))
((assignment left: (subscript value: [(identifier) (attribute)] @config)) @node (#match? @config "(^|[.])config$"))
