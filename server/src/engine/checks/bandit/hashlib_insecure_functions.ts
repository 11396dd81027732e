import type { Node } from 'web-tree-sitter';
import { argValue, astArgs, keywordArg, shortName } from '../../context.js';
import type { PyValue } from '../../literal.js';
import type { Check } from '../../rule.js';
import { keywordHit } from '../bandit/general_hardcoded_password.js';

/**
 * bandit's crypto plugins: weak hashes through hashlib and crypt (B324),
 * and TLS verification turned off in requests/httpx (B501).
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

const HTTP_VERBS = ['get', 'options', 'head', 'post', 'put', 'patch', 'delete'];
const HTTPX_ATTRS = ['request', 'stream', 'Client', 'AsyncClient', ...HTTP_VERBS];

/**
 * B501 request_with_no_cert_validation: `requests.<verb>(..., verify=False)`
 * or `httpx.<verb|request|stream|Client|AsyncClient>(..., verify=False)`,
 * the package being the qualified name's first part. bandit reports the
 * line of the `verify` value.
 */
const requestWithNoCertValidation: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const pkg = qual.split('.')[0];
  const name = shortName(qual);
  if (!((pkg === 'requests' && HTTP_VERBS.includes(name)) || (pkg === 'httpx' && HTTPX_ATTRS.includes(name)))) return null;
  const verify = keywordArg(call, 'verify');
  if (!verify || argValue(verify) !== 'False') return null;
  return {
    node: keywordHit(call, 'verify'),
    message: `Call to ${pkg} with verify=False disabling SSL certificate checks, security issue.`,
  };
};

export const CHECKS_CRYPTO: Record<string, Check> = {
  hashlib: hashlibInsecure,
  request_with_no_cert_validation: requestWithNoCertValidation,
};
