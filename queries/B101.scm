; Every assert statement.
(assert_statement) @node
