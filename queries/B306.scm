; Every call: the blacklist check compares its resolved qualified name.
(call) @node
