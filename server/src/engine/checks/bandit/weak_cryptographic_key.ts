import type { PyValue } from '../../literal.js';
import { callArgAt, keywordValue } from '../../pyast.js';
import { callArgs, pyTruthy } from '../support/calls.js';
import type { Check, Hit } from '../../rule.js';

/**
 * bandit/plugins/weak_cryptographic_key.py: B505 weak_cryptographic_key.
 */

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
      return classify(keyType, or(keywordValue(call, 'key_size'), callArgAt(call, keyType === 'DSA' ? 0 : 1), 2048));
    }
    const args = callArgs(call);
    const kw = keywordValue(call, 'curve');
    const curve: PyValue | boolean = pyTruthy(kw) ? kw : args.length > 0 ? args[0] : false;
    if (Array.isArray(curve)) return null; // unhashable: bandit's `in` fails
    const size = typeof curve === 'string' && own(CURVE_SIZES, curve) ? CURVE_SIZES[curve] : 224;
    return classify(keyType, size);
  }
  if (own(PYCRYPTO_KEYS, qual)) {
    return classify(PYCRYPTO_KEYS[qual], or(keywordValue(call, 'bits'), callArgAt(call, 0), 2048));
  }
  return null;
};

export const CHECKS: Record<string, Check> = {
  weak_cryptographic_key: weakCryptographicKey,
};
