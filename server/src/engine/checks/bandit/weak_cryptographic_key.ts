import type { Node } from 'web-tree-sitter';
import { astArgs, calledName, shortName } from '../../context.js';
import { unparen, type PyValue } from '../../literal.js';
import type { Check, Hit, Rule } from '../../rule.js';
import { astSpan, callArgAt, callArgValue, callArgs, callArgsCount, checkCallArgValue, pyTruthy } from '../support/calls.js';
import { defLineNode, isSyncDef, paramsText, positionalParams } from '../bandit/tarfile_unsafe_members.js';
import { keywordHit } from '../bandit/general_hardcoded_password.js';

/**
 * bandit 1.9.4's TLS, key-size, SSH and SNMP plugins: insecure_ssl_tls.py
 * (B502, B503, B504), weak_cryptographic_key.py (B505),
 * ssh_no_host_key_verification.py (B507) and snmp_security_check.py
 * (B508, B509).
 */

const BAD_VERSIONS = new WeakMap<Rule, PyValue[]>();

/** `bad_protocol_versions` from the rule's params (bandit's ssl_with_bad_version config). */
function badVersions(rule: Rule): PyValue[] {
  let v = BAD_VERSIONS.get(rule);
  if (!v) {
    const p = rule.params.bad_protocol_versions;
    if (!Array.isArray(p)) throw new Error(`${rule.id}: params.bad_protocol_versions must be a list`);
    v = p as string[];
    BAD_VERSIONS.set(rule, v);
  }
  return v;
}

// ---------------------------------------------------------------- B502

/**
 * B502 ssl_with_bad_version: `ssl.wrap_socket(ssl_version=<bad>)` and
 * `pyOpenSSL.SSL.Context(method=<bad>)` (HIGH, HIGH), and any other call
 * with a bad `method=` or `ssl_version=` (MEDIUM, MEDIUM). Reported on the
 * line of the keyword's value (for the others: `method=`'s if present,
 * whatever its value, else `ssl_version=`'s).
 */
const sslWithBadVersion: Check = (m, rule, ctx) => {
  const call = m.node;
  const bad = badVersions(rule);
  const qual = ctx.qualname(call);
  if (qual === 'ssl.wrap_socket') {
    if (!checkCallArgValue(call, 'ssl_version', bad)) return null;
    return { node: keywordHit(call, 'ssl_version') };
  }
  if (qual === 'pyOpenSSL.SSL.Context') {
    if (!checkCallArgValue(call, 'method', bad)) return null;
    return { node: keywordHit(call, 'method'), message: 'SSL.Context call with insecure SSL/TLS protocol version identified, security issue.' };
  }
  if (!checkCallArgValue(call, 'method', bad) && !checkCallArgValue(call, 'ssl_version', bad)) return null;
  return {
    node: keywordHit(call, 'method') ?? keywordHit(call, 'ssl_version'),
    severity: 'MEDIUM',
    confidence: 'MEDIUM',
    risk: 'Medium',
    message: 'Function call with insecure SSL/TLS protocol identified, possible security issue.',
  };
};

// ---------------------------------------------------------------- B503

/**
 * B503 ssl_with_bad_defaults: a `def` (not `async def`) whose positional
 * parameters default to an attribute named for a bad protocol version
 * (`ssl.PROTOCOL_SSLv2`). Reported on the `def` line, the whole function
 * being the context.
 */
const sslWithBadDefaults: Check = (m, rule) => {
  const fn = m.node;
  if (!isSyncDef(fn)) return null;
  const bad = badVersions(rule);
  // A default's attribute name is in the parameters' text: no bad name there, no issue.
  if (bad.every((b) => typeof b === 'string') && !bad.some((b) => paramsText(fn).includes(b as string))) return null;
  for (const d of positionalParams(fn).defaults) {
    const v = unparen(d);
    if (v.type !== 'attribute') continue;
    const attr = v.childForFieldName('attribute')?.text;
    if (attr !== undefined && bad.includes(attr)) return { node: defLineNode(fn, d.parent), anchor: astSpan(fn) };
  }
  return null;
};

// ---------------------------------------------------------------- B504

/**
 * B504 ssl_with_no_version: `ssl.wrap_socket(...)` without a literal
 * `ssl_version=` (a non-literal one counts as missing: bandit's check
 * returns None for it, and reports on its line).
 */
const sslWithNoVersion: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (ctx.qualname(call) !== 'ssl.wrap_socket') return null;
  if (checkCallArgValue(call, 'ssl_version') !== undefined) return null;
  const node = keywordHit(call, 'ssl_version');
  return node ? { node } : true;
};

// ---------------------------------------------------------------- B505

const KEY_LIMITS: Record<string, [number, 'HIGH' | 'MEDIUM'][]> = {
  DSA: [
    [1024, 'HIGH'],
    [2048, 'MEDIUM'],
  ],
  RSA: [
    [1024, 'HIGH'],
    [2048, 'MEDIUM'],
  ],
  EC: [
    [160, 'HIGH'],
    [224, 'MEDIUM'],
  ],
};

const CRYPTOGRAPHY_KEYS: Record<string, string> = {
  'cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key': 'DSA',
  'cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key': 'RSA',
  'cryptography.hazmat.primitives.asymmetric.ec.generate_private_key': 'EC',
};

const PYCRYPTO_KEYS: Record<string, string> = {
  'Crypto.PublicKey.DSA.generate': 'DSA',
  'Crypto.PublicKey.RSA.generate': 'RSA',
  'Cryptodome.PublicKey.DSA.generate': 'DSA',
  'Cryptodome.PublicKey.RSA.generate': 'RSA',
};

const CURVE_SIZES: Record<string, number> = {
  SECT571K1: 571,
  SECT571R1: 570,
  SECP521R1: 521,
  BrainpoolP512R1: 512,
  SECT409K1: 409,
  SECT409R1: 409,
  BrainpoolP384R1: 384,
  SECP384R1: 384,
  SECT283K1: 283,
  SECT283R1: 283,
  BrainpoolP256R1: 256,
  SECP256K1: 256,
  SECP256R1: 256,
  SECT233K1: 233,
  SECT233R1: 233,
  SECP224R1: 224,
  SECP192R1: 192,
  SECT163K1: 163,
  SECT163R2: 163,
};

const own = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** `_classify_key_size`: a number below a limit is an issue; a name (str) cannot be judged; other values make bandit's `<` fail. */
function classify(keyType: string, size: PyValue): Hit | null {
  if (typeof size !== 'number') return null;
  for (const [limit, level] of KEY_LIMITS[keyType]) {
    if (size < limit) {
      return {
        severity: level,
        risk: 'Medium',
        message: `${keyType} key sizes below ${limit} bits are considered breakable. `,
      };
    }
  }
  return null;
}

/** Python's `a or b or c` over literal values. */
function or(...vals: PyValue[]): PyValue {
  for (const v of vals.slice(0, -1)) if (pyTruthy(v)) return v;
  return vals[vals.length - 1];
}

/**
 * B505 weak_cryptographic_key: DSA/RSA keys below 1024 bits (HIGH) or 2048
 * (MEDIUM), EC curves below 160 (HIGH) or 224 bits (MEDIUM), generated
 * through cryptography (`generate_private_key`, the size by keyword or
 * position, the curve by keyword or first argument, an unknown curve
 * counting as 224 bits) or PyCrypto/PyCryptodome (`generate(bits)`).
 */
const weakCryptographicKey: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (own(CRYPTOGRAPHY_KEYS, qual)) {
    const keyType = CRYPTOGRAPHY_KEYS[qual];
    if (keyType === 'DSA' || keyType === 'RSA') {
      return classify(keyType, or(callArgValue(call, 'key_size'), callArgAt(call, keyType === 'DSA' ? 0 : 1), 2048));
    }
    const args = callArgs(call);
    const kw = callArgValue(call, 'curve');
    const curve: PyValue | boolean = pyTruthy(kw) ? kw : args.length > 0 ? args[0] : false;
    if (Array.isArray(curve)) return null; // unhashable: bandit's `in` fails
    const size = typeof curve === 'string' && own(CURVE_SIZES, curve) ? CURVE_SIZES[curve] : 224;
    return classify(keyType, size);
  }
  if (own(PYCRYPTO_KEYS, qual)) {
    return classify(PYCRYPTO_KEYS[qual], or(callArgValue(call, 'bits'), callArgAt(call, 0), 2048));
  }
  return null;
};

// ---------------------------------------------------------------- B507

/**
 * B507 ssh_no_host_key_verification: `<x>.set_missing_host_key_policy(p)`
 * in a file that imports something named like paramiko, with `p` naming
 * AutoAddPolicy or WarningPolicy (the class or an instance of it).
 */
const sshNoHostKeyVerification: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (shortName(ctx.qualname(call)) !== 'set_missing_host_key_policy') return null;
  if (!ctx.isModuleImportedLike('paramiko', call.startIndex)) return null;
  const args = astArgs(call);
  if (args.length === 0) return null;
  let policy: string | undefined;
  const a = unparen(args[0]);
  if (a.type === 'attribute') policy = a.childForFieldName('attribute')?.text;
  else if (a.type === 'identifier') policy = a.text;
  else if (a.type === 'call') policy = calledName(a) || undefined;
  return policy === 'AutoAddPolicy' || policy === 'WarningPolicy';
};

// ---------------------------------------------------------------- B508, B509

/** B508 snmp_insecure_version_check: `pysnmp.hlapi.CommunityData(..., mpModel=0|1)` (SNMPv1/v2c). */
const snmpInsecureVersion: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (ctx.qualname(call) !== 'pysnmp.hlapi.CommunityData') return null;
  return !!(checkCallArgValue(call, 'mpModel', 0) || checkCallArgValue(call, 'mpModel', 1));
};

/** B509 snmp_crypto_check: `pysnmp.hlapi.UsmUserData(...)` with fewer than three positional arguments (no privacy key). */
const snmpCrypto: Check = (m, _rule, ctx) => {
  const call: Node = m.node;
  return ctx.qualname(call) === 'pysnmp.hlapi.UsmUserData' && callArgsCount(call) < 3;
};

export const CHECKS_BANDIT_CRYPTO: Record<string, Check> = {
  ssl_with_bad_version: sslWithBadVersion,
  ssl_with_bad_defaults: sslWithBadDefaults,
  ssl_with_no_version: sslWithNoVersion,
  weak_cryptographic_key: weakCryptographicKey,
  ssh_no_host_key_verification: sshNoHostKeyVerification,
  snmp_insecure_version_check: snmpInsecureVersion,
  snmp_crypto_check: snmpCrypto,
};
