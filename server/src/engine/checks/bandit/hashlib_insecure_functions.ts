import type { Node } from 'web-tree-sitter';
import type { PyValue } from '../../literal.js';
import { argValue, astArgs, keywordArg } from '../../pyast.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/hashlib_insecure_functions.py: B324 hashlib (hashlib's and
 * crypt's weak hashes).
 */

/** bandit's `call_keywords.get(name, default)`: a keyword's attr name or literal value. */
function keywordGet(call: Node, name: string, fallback: PyValue): PyValue {
  const k = keywordArg(call, name);
  return k ? argValue(k) : fallback;
}

/** bandit's `call_args`: each positional argument's attr name or literal value. */
function callArgs(call: Node): PyValue[] {
  return astArgs(call).map((a) => argValue(a));
}

const WEAK_HASHES = ['md4', 'md5', 'sha', 'sha1'];
const WEAK_CRYPT_HASHES = ['METHOD_CRYPT', 'METHOD_MD5', 'METHOD_BLOWFISH'];

/**
 * B324 hashlib: `hashlib.md4/md5/sha/sha1(...)` and `hashlib.new("md5", ...)`
 * unless `usedforsecurity` is given as anything but True (HIGH, HIGH);
 * `crypt.crypt(word, salt)` / `crypt.mksalt(method)` with a weak method
 * (MEDIUM, HIGH). Any qualified name with a `hashlib` (or `crypt`) part counts.
 */
const hashlibInsecure: Check = (m, _rule, ctx) => {
  const call = m.node;
  const parts = ctx.qualname(call).split('.');
  const func = parts[parts.length - 1];
  if (parts.includes('hashlib')) {
    if (WEAK_HASHES.includes(func)) {
      if (keywordGet(call, 'usedforsecurity', 'True') !== 'True') return null;
      return { message: `Use of weak ${func.toUpperCase()} hash for security. Consider usedforsecurity=False` };
    }
    if (func === 'new') {
      const args = callArgs(call);
      const name = args.length > 0 ? args[0] : keywordGet(call, 'name', undefined);
      if (typeof name !== 'string' || !WEAK_HASHES.includes(name.toLowerCase())) return null;
      if (keywordGet(call, 'usedforsecurity', 'True') !== 'True') return null;
      return { message: `Use of weak ${name.toUpperCase()} hash for security. Consider usedforsecurity=False` };
    }
    return null;
  }
  if (parts.includes('crypt') && (func === 'crypt' || func === 'mksalt')) {
    const args = callArgs(call);
    const name =
      func === 'crypt'
        ? args.length > 1
          ? args[1]
          : keywordGet(call, 'salt', undefined)
        : args.length > 0
          ? args[0]
          : keywordGet(call, 'method', undefined);
    if (typeof name !== 'string' || !WEAK_CRYPT_HASHES.includes(name)) return null;
    return { severity: 'MEDIUM', message: `Use of insecure crypt.${name.toUpperCase()} hash function.` };
  }
  return null;
};

export const CHECKS: Record<string, Check> = {
  hashlib: hashlibInsecure,
};
