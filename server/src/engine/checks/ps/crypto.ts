import { plainStr } from '../../pystring.js';
import type { Check } from '../../rule.js';
import { quote } from '../support/settings.js';
import { secretIn } from '../support/secrets.js';
import { argument } from '../support/settings.js';

/**
 * OWASP A02 (cryptographic failures): PS201, a fast hash for passwords.
 */

const set = (...xs: string[]) => new Set(xs);

const FAST_HASHES = set('md4', 'md5', 'sha', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3_224', 'sha3_256', 'sha3_384', 'sha3_512', 'blake2b', 'blake2s', 'new');

const fastPasswordHash: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (!qual.includes('hashlib')) return null;
  const parts = qual.split('.');
  const func = parts[parts.length - 1];
  if (!parts.includes('hashlib') || !FAST_HASHES.has(func)) return null;
  const data = func === 'new' ? argument(call, 1, 'data', 'string') : argument(call, 0, 'data', 'string');
  if (!data) return null;
  const secret = secretIn(data, 'password');
  if (!secret) return null;
  const algo = func === 'new' ? plainStr(argument(call, 0, 'name') ?? null) ?? 'a fast hash' : func;
  return {
    node: call,
    message: `A password (${quote(secret.name)}) is hashed with ${algo.toUpperCase()}, a fast hash: a leaked table of such hashes is cracked at billions of guesses per second. Store passwords with a slow, salted password hash: argon2 (argon2-cffi), bcrypt, scrypt, or hashlib.pbkdf2_hmac with 600,000+ iterations (Django and Werkzeug ship make_password / generate_password_hash).`,
  };
};

export const CHECKS: Record<string, Check> = {
  fast_password_hash: fastPasswordHash,
};
