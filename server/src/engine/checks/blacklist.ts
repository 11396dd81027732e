import type { Node } from 'web-tree-sitter';
import { astArgs, keywordArg, argValue, type FileContext } from '../context.js';
import { stringLiteral, unparen } from '../literal.js';
import type { Check } from '../rule.js';

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

/** The name bandit's blacklist compares for a call (`__import__` and importlib resolve to their argument). */
export function blacklistCallName(call: Node, ctx: FileContext): string | undefined {
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

export const blacklistCall: Check = (m, rule, ctx) => {
  const name = blacklistCallName(m.node, ctx);
  if (name === undefined) return null;
  if (!qualnames(rule.params).includes(name)) return null;
  return { message: rule.message.replace('{name}', name) };
};

/**
 * Import blacklists: `import x` / `from m import x` where the imported
 * name (prefixed by the module for `from`) starts with a listed name.
 * One issue per statement, the first name that matches.
 */
export const blacklistImport: Check = (m, rule) => {
  const node = m.node;
  let prefix = '';
  if (node.type === 'import_from_statement') {
    const mod = node.childForFieldName('module_name');
    if (mod && mod.type !== 'relative_import') prefix = mod.text.replace(/\s+/g, '') + '.';
    else if (mod && mod.type === 'relative_import') {
      const inner = mod.namedChildren.find((c) => c?.type === 'dotted_name');
      if (inner) prefix = inner.text.replace(/\s+/g, '') + '.';
    }
  }
  const qns = qualnames(rule.params);
  for (const n of node.childrenForFieldName('name')) {
    if (!n) continue;
    const nameNode = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
    const name = nameNode?.text.replace(/\s+/g, '') ?? '';
    for (const qn of qns) {
      if ((prefix + name).startsWith(qn)) return { message: rule.message.replace('{name}', name) };
    }
  }
  return null;
};
