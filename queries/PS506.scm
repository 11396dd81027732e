; Settings as Django, Flask and FastAPI read them: NAME = value (settings modules, config classes),
; app.config["NAME"] = value, app.debug = value, and calls (app.config.update(NAME=value), ...).
((assignment left: (subscript value: [(identifier) (attribute)] @config)) @node (#match? @config "(^|[.])config$"))
((assignment left: (attribute attribute: (identifier) @attr)) @node (#eq? @attr "debug"))
(call) @node
