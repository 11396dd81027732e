import type { Node } from 'web-tree-sitter';
import { assignTargets, assignValue, banditParent, isPlainAssign, keywordArgs, unparen, unparenTarget } from '../../pyast.js';
import { pyConstantStr } from '../../pyrepr.js';
import { plainStr } from '../../pystring.js';
import type { Check, Hit } from '../../rule.js';
import { looksLikePassword } from '../support/secrets.js';
import { astSpan, defLineNode, isSyncDef, paramsText, positionalParams } from '../support/statements.js';
import { strVisits } from '../support/strings.js';

/**
 * bandit/plugins/general_hardcoded_password.py: B105 hardcoded_password_string,
 * B106 hardcoded_password_funcarg and B107 hardcoded_password_default.
 */

function passwordHit(value: string, node: Node, anchor: Node): Hit {
  return { node, anchor, message: `Possible hardcoded password: '${value}'` };
}

/** The name a target binds, for B105: a name's id or an attribute's attr. */
function targetName(target: Node): string | null {
  const t = unparenTarget(target);
  if (t.type === 'identifier') return t.text;
  if (t.type === 'attribute') return t.childForFieldName('attribute')?.text ?? null;
  return null;
}

/**
 * B105 hardcoded_password_string, for a constant string whose ast parent is
 * an assignment to a password-like name or attribute, a password-like dict
 * key (any constant value), a password-like subscript assigned a string, or
 * a comparison of a password-like name with a string.
 */
const hardcodedPasswordString: Check = (m) => {
  const out: Hit[] = [];
  for (const v of strVisits(m.node)) {
    const parent = v.parent;
    if (!parent) continue;
    const self = unparen(v.node);
    if (parent.type === 'assignment') {
      if (!isPlainAssign(parent)) continue;
      if (assignTargets(parent).some((t) => {
        const name = targetName(t);
        return name !== null && looksLikePassword(name);
      })) out.push(passwordHit(v.value, v.node, v.anchor));
    } else if (parent.type === 'dictionary') {
      if (!looksLikePassword(v.value)) continue;
      for (const pair of parent.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const key = pair.childForFieldName('key');
        if (!key || unparen(key).id !== self.id) continue;
        const value = pyConstantStr(pair.childForFieldName('value'));
        if (value !== undefined) out.push(passwordHit(value, v.node, v.anchor));
      }
    } else if (parent.type === 'subscript') {
      // Python's Subscript is the parent only with one index (several make a Tuple).
      const indexes = parent.childrenForFieldName('subscript');
      const isValue = parent.childForFieldName('value') && unparen(parent.childForFieldName('value')!).id === self.id;
      if (!isValue && indexes.length !== 1) continue;
      if (!looksLikePassword(v.value)) continue;
      const assign = banditParent(parent);
      if (!isPlainAssign(assign)) continue;
      const value = plainStr(assignValue(assign));
      if (value !== null) out.push(passwordHit(value, v.node, v.anchor));
    } else if (parent.type === 'comparison_operator') {
      const operands = parent.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (operands.length < 2) continue;
      const left = unparen(operands[0]);
      let name: string | null = null;
      if (left.type === 'identifier') name = left.text;
      else if (left.type === 'attribute') name = left.childForFieldName('attribute')?.text ?? null;
      if (name === null || !looksLikePassword(name)) continue;
      const value = plainStr(operands[1]);
      if (value !== null) out.push(passwordHit(value, v.node, v.anchor));
    }
  }
  return out;
};

/**
 * B106 hardcoded_password_funcarg: the first keyword argument with a
 * password-like name and a constant string value. bandit reports the
 * value's line; the context is the whole call.
 */
const hardcodedPasswordFuncarg: Check = (m) => {
  const call = m.node;
  // The call's keyword names (memoised, other rules read them): most calls have no password-like one.
  let named = false;
  for (const name of keywordArgs(call).keys()) if (looksLikePassword(name)) named = true;
  if (!named) return null;
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return null;
  for (const kw of args.namedChildren) {
    if (kw?.type !== 'keyword_argument') continue;
    const name = kw.childForFieldName('name')?.text;
    const value = kw.childForFieldName('value');
    if (!name || !value) continue;
    const s = plainStr(value);
    if (s === null || !looksLikePassword(name)) continue;
    const node = kw.startPosition.row === unparen(value).startPosition.row ? kw : unparen(value);
    return { node, message: `Possible hardcoded password: '${s}'` };
  }
  return null;
};

// ---------------------------------------------------------------- B107

/**
 * B107 hardcoded_password_default: the first regular parameter (not
 * positional-only, not keyword-only) with a password-like name whose
 * default, paired bandit's way (`args` zipped with `defaults` padded on the
 * left), is a constant str. Reported on the `def` line; the context is the
 * whole function.
 */
/** A word every password-like name holds (`looksLikePassword`; same flags, so the same case folding). */
const PASSWORD_WORD = /pas|pwd|token|secret/iu;

const hardcodedPasswordDefault: Check = (m) => {
  const fn = m.node;
  if (!PASSWORD_WORD.test(paramsText(fn))) return null;
  if (!isSyncDef(fn)) return null;
  const { args, defaults } = positionalParams(fn);
  const pad = args.length - defaults.length;
  const defs: (Node | null)[] = pad > 0 ? [...Array<null>(pad).fill(null), ...defaults] : defaults;
  const n = Math.min(args.length, defs.length);
  for (let i = 0; i < n; i++) {
    const val = defs[i];
    // The name first: a string test, where the default's value is calls into wasm.
    if (!val || !looksLikePassword(args[i].name) || unparen(val).type === 'none') continue;
    const s = plainStr(val);
    if (s !== null) {
      return { node: defLineNode(fn, args[i].node), anchor: astSpan(fn), message: `Possible hardcoded password: '${s}'` };
    }
  }
  return null;
};

export const CHECKS: Record<string, Check> = {
  hardcoded_password_string: hardcodedPasswordString,
  hardcoded_password_funcarg: hardcodedPasswordFuncarg,
  hardcoded_password_default: hardcodedPasswordDefault,
};
