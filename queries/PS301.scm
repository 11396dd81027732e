; Every call: the check resolves the called name (imports and aliases) and reads the arguments.
(call) @node
