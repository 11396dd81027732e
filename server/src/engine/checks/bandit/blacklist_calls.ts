import type { Node } from 'web-tree-sitter';
import { astArgs, keywordArg, argValue, type FileContext } from '../../context.js';
import { stringLiteral, unparen } from '../../literal.js';
import { memo } from '../../memo.js';
import type { Check, CheckGate, Rule } from '../../rule.js';

/**
 * bandit's built-in blacklist test (bandit/core/blacklisting.py), one rule
 * per blacklist entry. `params.qualnames` lists the names; the message may
 * contain `{name}`, replaced by the name found.
 */
function qualnames(params: Record<string, unknown>): string[] {
  const q = params.qualnames;
  if (!Array.isArray(q)) throw new Error('params.qualnames must be a list');
  return q as string[];
}

const QUALNAME_SETS = new WeakMap<Rule, ReadonlySet<string>>();

/** A rule's qualnames as a set, built once per rule: some fifty blacklist rules ask of every call. */
function qualnameSet(rule: Rule): ReadonlySet<string> {
  let s = QUALNAME_SETS.get(rule);
  if (!s) QUALNAME_SETS.set(rule, (s = new Set(qualnames(rule.params))));
  return s;
}

/** The name bandit's blacklist compares for a call (`__import__` and importlib resolve to their argument). */
export function blacklistCallName(call: Node, ctx: FileContext): string | undefined {
  // One map per run (a FileContext lives for one run over one tree), keyed by node id:
  // cheaper than ctx.memo's string keys, and every blacklist rule asks of every call.
  let names = CALL_NAMES.get(ctx);
  if (!names) CALL_NAMES.set(ctx, (names = new Map()));
  let name = names.get(call.id);
  if (name === undefined) {
    name = blacklistCallNameUncached(call, ctx) ?? NO_NAME;
    names.set(call.id, name);
  }
  return name === NO_NAME ? undefined : name;
}

const CALL_NAMES = new WeakMap<FileContext, Map<number, string | typeof NO_NAME>>();
const NO_NAME = Symbol('no name');

function blacklistCallNameUncached(call: Node, ctx: FileContext): string | undefined {
  const fn = call.childForFieldName('function');
  if (fn && unparen(fn).type === 'identifier' && unparen(fn).text === '__import__') {
    const args = astArgs(call);
    if (args.length === 0) return '';
    const s = stringLiteral(args[0]);
    return s && !s.bytes ? s.value : 'UNKNOWN';
  }
  const name = ctx.qualname(call);
  if (name === 'importlib.import_module' || name === 'importlib.__import__') {
    const args = astArgs(call);
    const v = args.length > 0 ? argValue(args[0]) : (() => {
      const k = keywordArg(call, 'name');
      return k ? argValue(k) : undefined;
    })();
    return typeof v === 'string' ? v : undefined;
  }
  return name;
}

/** bandit's `check["message"].replace("{name}", name)`: every occurrence. */
function withName(message: string, name: string): string {
  return message.split('{name}').join(name);
}

export const blacklistCall: Check = (m, rule, ctx) => {
  const name = blacklistCallName(m.node, ctx);
  if (name === undefined) return null;
  if (!qualnameSet(rule).has(name)) return null;
  return { message: withName(rule.message, name) };
};

/**
 * The call blacklists' gate (both checks): on a call, the name they compare,
 * which must be one of the rule's qualnames; any other node (an import
 * statement) goes to every rule.
 */
export const BLACKLIST_GATE: CheckGate = {
  key: (m, ctx) => (m.node.type === 'call' ? blacklistCallName(m.node, ctx) : null),
  keys: qualnameSet,
};

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
