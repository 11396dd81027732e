import type { Tree } from 'web-tree-sitter';

/**
 * Whether `name` is the module of that name, bound at module level, when
 * the statement at `before` runs: a top-level `import name` (or
 * `import name.sub`) came first and nothing at top level rebound or
 * deleted it since. An import inside a function, a class body or an
 * `if TYPE_CHECKING:` block does not bind it there, so a fix that writes
 * `name.x` at module level would raise NameError. A compound statement
 * that mentions the name other than as `name.attr` is taken as a possible
 * rebinding: the answer is then no (the fix is not offered, never wrong).
 * Pure; top-level statements only, no recursion.
 */
export function moduleBoundAt(tree: Tree, name: string, before: number): boolean {
  let bound = false;
  for (const stmt of tree.rootNode.namedChildren) {
    if (!stmt || stmt.startIndex >= before) break;
    switch (stmt.type) {
      case 'comment':
      case 'future_import_statement':
        break;
      case 'import_statement':
        for (const item of stmt.childrenForFieldName('name')) {
          if (!item) continue;
          if (item.type === 'dotted_name' && item.namedChildren[0]?.text === name) bound = true;
          else if (item.type === 'aliased_import' && item.childForFieldName('alias')?.text === name) bound = item.childForFieldName('name')?.text === name;
        }
        break;
      case 'expression_statement':
      case 'import_from_statement':
      case 'delete_statement':
      case 'global_statement':
        // `os.x = 1` keeps the module; `os = …`, `del os`, `from y import os` do not.
        if (mentionsBare(stmt.text, name)) bound = false;
        break;
      case 'function_definition':
      case 'class_definition':
        if (stmt.childForFieldName('name')?.text === name) bound = false;
        break;
      case 'decorated_definition':
        if (stmt.childForFieldName('definition')?.childForFieldName('name')?.text === name) bound = false;
        break;
      default:
        // if/try/with/for/while/match and the rest: whatever they hold may rebind it.
        if (mentionsBare(stmt.text, name)) bound = false;
    }
  }
  return bound;
}

const WORD = /[\p{L}\p{N}_]/u;

/** Whether `text` names `name` as a whole word other than as `name.attr` (a scan: one pass, no pattern built from input). */
function mentionsBare(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if (at > 0 && WORD.test(text[at - 1])) continue;
    let j = at + name.length;
    if (j < text.length && WORD.test(text[j])) continue;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] !== '.') return true;
  }
  return false;
}
