; Every call: the check compares its resolved qualified name with bandit's shell_injection lists.
(call) @node
