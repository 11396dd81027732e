import type { Node } from 'web-tree-sitter';
import { memo } from '../../memo.js';
import type { Check, Rule } from '../../rule.js';
import { blacklistCallName, qualnames, qualnameSet, withName } from '../support/blacklisting.js';

/**
 * bandit's built-in import blacklist (bandit/blacklists/imports.py, through
 * bandit/core/blacklisting.py): one rule per entry, the names in
 * `params.qualnames`.
 */

/**
 * bandit 1.9.4's import blacklist (bandit/blacklists/imports.py) in the
 * order bandit tries it. bandit's blacklist test reports one issue per
 * import statement: the first entry, in this order, that matches any of
 * the statement's names. A rule reports only when it is that entry.
 */
const BANDIT_IMPORT_BLACKLIST: readonly [string, readonly string[]][] = [
  ['B401', ['telnetlib']],
  ['B402', ['ftplib']],
  ['B403', ['pickle', 'cPickle', 'dill', 'shelve']],
  ['B404', ['subprocess']],
  ['B405', ['xml.etree.cElementTree', 'xml.etree.ElementTree']],
  ['B406', ['xml.sax']],
  ['B407', ['xml.dom.expatbuilder']],
  ['B408', ['xml.dom.minidom']],
  ['B409', ['xml.dom.pulldom']],
  ['B411', ['xmlrpc']],
  ['B412', ['wsgiref.handlers.CGIHandler', 'twisted.web.twcgi.CGIScript', 'twisted.web.twcgi.CGIDirectory']],
  ['B413', ['Crypto.Cipher', 'Crypto.Hash', 'Crypto.IO', 'Crypto.Protocol', 'Crypto.PublicKey', 'Crypto.Random', 'Crypto.Signature', 'Crypto.Util']],
  ['B415', ['pyghmi']],
];

/** The names an import statement imports, as ast's `alias.name` (`*` for a wildcard). */
function importedNames(node: Node): string[] {
  const out: string[] = [];
  for (const n of node.childrenForFieldName('name')) {
    if (!n) continue;
    const nameNode = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
    out.push(nameNode?.text.replace(/\s+/g, '') ?? '');
  }
  if (out.length === 0 && node.namedChildren.some((c) => c?.type === 'wildcard_import')) out.push('*');
  return out;
}

/** `from m import x`'s prefix `m.` (bandit: `node.module`, which a relative import's dots are not part of). */
function importPrefix(node: Node): string {
  if (node.type !== 'import_from_statement') return '';
  const mod = node.childForFieldName('module_name');
  if (!mod) return '';
  if (mod.type === 'relative_import') {
    const inner = mod.namedChildren.find((c) => c?.type === 'dotted_name');
    return inner ? inner.text.replace(/\s+/g, '') + '.' : '';
  }
  return mod.text.replace(/\s+/g, '') + '.';
}

/**
 * Import blacklists (bandit applies them to `Import`, `ImportFrom` and
 * `Call` nodes):
 * - `import x` / `from m import x`: the imported name, prefixed by the
 *   module for `from`, starts with a listed name; one issue per statement,
 *   the first blacklist entry (bandit's order) that matches, naming the
 *   first matching name (without the module);
 * - a call: `__import__("x")`, `importlib.import_module("x")` or a call
 *   whose qualified name is exactly a listed name.
 */
export const blacklistImport: Check = (m, rule, ctx) => {
  const node = m.node;
  const statement = importStatement(node);
  if (!statement) {
    if (node.type !== 'call') return null;
    const name = blacklistCallName(node, ctx);
    if (name === undefined || !qualnameSet(rule).has(name)) return null;
    return { message: withName(rule.message, name) };
  }
  const { prefix, names } = statement;
  for (const [id, qns] of importOrder(rule)) {
    for (const name of names) {
      if (qns.some((qn) => (prefix + name).startsWith(qn))) {
        return id === rule.id ? { message: withName(rule.message, name) } : null;
      }
    }
  }
  return null;
};

/** An import statement's prefix and names; null for any other node. */
interface ImportStatement {
  prefix: string;
  names: string[];
}

/** Memoised: the thirteen import blacklist rules read the same statement. */
function importStatement(node: Node): ImportStatement | null {
  return memo(node, 'blacklistImport', (n) => {
    const type = n.type;
    if (type !== 'import_statement' && type !== 'import_from_statement') return null;
    return { prefix: importPrefix(n), names: importedNames(n) };
  });
}

const IMPORT_ORDERS = new WeakMap<Rule, readonly (readonly [string, readonly string[]])[]>();

/** The blacklist entries in bandit's order, with the rule's own names in its entry (or last): built once per rule. */
function importOrder(rule: Rule): readonly (readonly [string, readonly string[]])[] {
  let order = IMPORT_ORDERS.get(rule);
  if (!order) {
    const own = qualnames(rule.params);
    order = BANDIT_IMPORT_BLACKLIST.some(([id]) => id === rule.id)
      ? BANDIT_IMPORT_BLACKLIST.map(([id, qns]) => [id, id === rule.id ? own : qns] as const)
      : [...BANDIT_IMPORT_BLACKLIST, [rule.id, own] as const];
    IMPORT_ORDERS.set(rule, order);
  }
  return order;
}
