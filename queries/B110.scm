; Every except clause (ExceptHandler): the check reads its type and its body, both inside it.
(except_clause) @node
