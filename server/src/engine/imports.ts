import type { Node } from 'web-tree-sitter';

/**
 * What one import statement adds to bandit's `import_aliases` and `imports`,
 * in the order bandit's visitor meets them (`visit_Import`/`visit_ImportFrom`).
 */
export interface ImportFact {
  start: number;
  end: number;
  /** `[local name, qualified name]` pairs. */
  aliases: [string, string][];
  /** Entries of bandit's `imports` set. */
  modules: string[];
}

export const IMPORT_QUERY = `
(import_statement) @import
(import_from_statement) @import
(future_import_statement) @import
`;

function dotted(node: Node | null): string {
  return node ? node.text.replace(/\s+/g, '') : '';
}

export function importFact(node: Node): ImportFact {
  const fact: ImportFact = { start: node.startIndex, end: node.endIndex, aliases: [], modules: [] };
  const names = node.childrenForFieldName('name').filter((n): n is Node => n !== null);
  let module: string | null = null;
  if (node.type === 'future_import_statement') module = '__future__';
  if (node.type === 'import_from_statement') {
    const m = node.childForFieldName('module_name');
    // `from . import x` has no module: bandit handles it as a plain import.
    if (m && m.type === 'relative_import') {
      const inner = m.namedChildren.find((c) => c?.type === 'dotted_name');
      module = inner ? dotted(inner) : null;
    } else {
      module = m ? dotted(m) : null;
    }
    if (names.length === 0 && node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      // `from m import *`: ast gives a single alias named "*".
      fact.modules.push(module === null ? '*' : `${module}.*`);
      return fact;
    }
  }
  for (const n of names) {
    let name: string;
    let asname: string | null = null;
    if (n.type === 'aliased_import') {
      name = dotted(n.childForFieldName('name'));
      asname = n.childForFieldName('alias')?.text ?? null;
    } else {
      name = dotted(n);
    }
    if (module === null) {
      if (asname) fact.aliases.push([asname, name]);
      fact.modules.push(name);
    } else {
      fact.aliases.push([asname ?? name, `${module}.${name}`]);
      fact.modules.push(`${module}.${name}`);
    }
  }
  return fact;
}

/** Whether two import lists resolve names the same way (positions aside). */
export function sameImports(a: readonly ImportFact[], b: readonly ImportFact[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.modules.length !== y.modules.length || x.aliases.length !== y.aliases.length) return false;
    for (let j = 0; j < x.modules.length; j++) if (x.modules[j] !== y.modules[j]) return false;
    for (let j = 0; j < x.aliases.length; j++) {
      if (x.aliases[j][0] !== y.aliases[j][0] || x.aliases[j][1] !== y.aliases[j][1]) return false;
    }
  }
  return true;
}
