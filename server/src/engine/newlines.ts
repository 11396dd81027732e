/**
 * The text as Python reads it, for the parser: Python reads source with
 * universal newlines, so a lone `\r` (classic Mac line endings) ends a line
 * — bandit sees `eval(s)\reval(s)\r` as two statements — while
 * tree-sitter-python knows only `\n` and `\r\n`. Each lone `\r` becomes
 * `\n`: one code unit for one, so every offset into the text stays the
 * same, and the tree's rows are the lines LSP counts (it counts a lone `\r`
 * too). Unchanged (the same string) when the text has no `\r` at all.
 */
export function asPythonReadsIt(text: string): string {
  if (text.indexOf('\r') < 0) return text;
  return text.replace(/\r(?!\n)/g, '\n');
}
