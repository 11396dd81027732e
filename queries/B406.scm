; Import statements, and calls (bandit checks __import__("x") and importlib.import_module("x")
; against the import blacklists too).
(import_statement) @node
(import_from_statement) @node
(call) @node
