; Every call: the check applies bandit's test to the resolved qualified name and arguments.
(call) @node
