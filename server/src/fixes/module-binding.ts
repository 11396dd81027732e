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
  const mention = new RegExp(`\\b${name}\\b(?!\\s*\\.)`);
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
        if (mention.test(stmt.text)) bound = false;
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
        if (mention.test(stmt.text)) bound = false;
    }
  }
  return bound;
}

