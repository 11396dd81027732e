import type { Risk } from '../findings/finding.js';
import { RISKS } from '../findings/finding.js';
import { CRITICAL_SINKS, type Reach, type SinkKind } from '../engine/flow/types.js';

/**
 * The review checklist's grading by attack path, as one pure table: what a
 * finding risks given what reaches its sink. Both engines' findings go
 * through it (grading/pass.ts); the rules only say which sink a finding
 * stands for (`sink` in queries/*.json) or that it is a hardcoded
 * credential (`credential`).
 *
 * | what is known                                             | risk                          |
 * |-----------------------------------------------------------|-------------------------------|
 * | test code (tests/, test_*.py, *_test.py, conftest.py)     | at most Low (after all below) |
 * | hardcoded credential, placeholder value                   | Low                           |
 * | hardcoded credential, real-looking value                  | Critical                      |
 * | request input traced into command/code/SQL/deser./template| Critical                      |
 * | operator input (input(), argv, environ) into those sinks  | High                          |
 * | request input traced into the program of an argv (no shell)| Critical                     |
 * | request input traced into an argv's arguments only         | High                          |
 * | operator input: into an argv's program / its arguments     | High / Medium                 |
 * | untrusted input traced into any other sink                | the default, at most High     |
 * | only constants, or values sanitised for that sink         | Low                           |
 * | weak hash / random whose value is a secret                | High                          |
 * | weak hash / random otherwise                              | the default, at most Medium   |
 * | nothing traced (unknown, or a rule without a sink)        | the default, at most High     |
 */

export interface GradeInput {
  /** The rule's default risk (queries/*.json `risk`), or the risk its check chose for this hit. */
  base: Risk;
  /** What the finding's sink does with the value; null: the rule has none. */
  sink: SinkKind | null;
  /** What reaches the sink's argument; null when not asked (no sink, or the argument was not found). */
  reach: Reach | null;
  /** The file is test code (`isTestPath`). */
  testCode: boolean;
  /** A hardcoded-credential rule's finding: whether its value is a placeholder (`isPlaceholderSecret`). */
  credential?: { placeholder: boolean };
  /** For a `crypto` sink: the hash or random value is used as a password, token, key, session id or cookie. */
  secretUse?: boolean;
  /**
   * For an `argv` sink (a program run without a shell) whose argv is
   * untrusted: what reaches the program itself (`subprocess.run([prog, x])`'s
   * `prog`, `os.execv(path, args)`'s `path`). Choosing the program runs any
   * code; an argument only is argument injection (`--upload-pack=…`).
   */
  program?: Reach | null;
}

const rank = (r: Risk) => RISKS.indexOf(r);
/** The less serious of two risks (RISKS is most serious first). */
export const atMost = (r: Risk, cap: Risk): Risk => (rank(r) < rank(cap) ? cap : r);

export function gradeRisk(g: GradeInput): Risk {
  const risk = pathRisk(g);
  return g.testCode ? atMost(risk, 'Low') : risk;
}

function pathRisk(g: GradeInput): Risk {
  // A hardcoded credential's path is its exposure in the repository.
  if (g.credential) return g.credential.placeholder ? 'Low' : 'Critical';
  if (g.sink === 'crypto') return g.secretUse ? 'High' : atMost(g.base, 'Medium');
  const reach = g.sink ? g.reach : null;
  switch (reach?.kind) {
    case 'constant':
    case 'sanitised':
      return 'Low';
    case 'untrusted':
      if (CRITICAL_SINKS.has(g.sink!)) return reach.trust === 'request' ? 'Critical' : 'High';
      if (g.sink === 'argv') {
        const program = g.program?.kind === 'untrusted' ? g.program : null;
        const request = (program ?? reach).trust === 'request';
        return program ? (request ? 'Critical' : 'High') : request ? 'High' : 'Medium';
      }
      return atMost(g.base, 'High');
    default:
      return atMost(g.base, 'High');
  }
}

// ----------------------------------------------------------------- test code

/**
 * Test code: a file under a `tests` folder, or named `test_*.py`,
 * `*_test.py` or `conftest.py` (pytest's conventions). It ships to no
 * server, so what it does risks at most Low. Forward or back slashes; a
 * singular `test` folder is not enough (this repository's own `test/`
 * holds fixture applications that are graded as application code).
 */
export function isTestPath(path: string): boolean {
  const parts = path.split(/[\\/]/);
  const base = parts[parts.length - 1] ?? '';
  if (base === 'conftest.py' || /^test_.*\.pyi?$/.test(base) || /_test\.pyi?$/.test(base)) return true;
  return parts.slice(0, -1).includes('tests');
}

// ------------------------------------------------------------- placeholders

/**
 * Values that are obviously not a real secret, compared lower-cased and
 * trimmed: the tutorial and test values (`"dev"`, `"test"`, `"changeme"`),
 * the empty string and `None`. Kept as an explicit list: anything else that
 * looks like a secret is one.
 */
export const PLACEHOLDER_SECRETS: ReadonlySet<string> = new Set([
  '',
  'none',
  'null',
  'dev',
  'development',
  'test',
  'testing',
  'secret',
  'password',
  'passwd',
  'pass',
  'changeme',
  'change-me',
  'change_me',
  'changeit',
  'default',
  'example',
  'sample',
  'dummy',
  'fake',
  'placeholder',
  'todo',
  'fixme',
  'xxx',
  'foo',
  'bar',
  'foobar',
  'abc',
  'abc123',
  '123',
  '1234',
  '12345',
  '123456',
  'qwerty',
  'admin',
  'root',
  'user',
  'username',
  'token',
  'key',
  'secret-key',
  'secret_key',
  'mysecret',
  'your-secret-key',
  'your_secret_key',
  'insecure',
  'not-a-secret',
  'notsecret',
]);

/**
 * Words that make a value a placeholder whatever surrounds them (`"test
 * key"`, `"dev-secret"`, `"<your token>"`). Not "insecure": Django's
 * generated `"django-insecure-…"` keys are real random keys, and in a
 * repository anyone can sign sessions with them.
 */
const PLACEHOLDER_WORDS = /\b(?:test|testing|dev|development|dummy|fake|example|sample|placeholder|changeme|change[-_ ]me|not[-_ ]?a[-_ ]?secret|your)\b/;

/**
 * Whether a hardcoded credential's value is a placeholder rather than a
 * secret: `null` stands for `None`. Also one character repeated
 * (`"x" * 32` written out, `"****"`), a value in angle brackets or braces
 * (`"<password>"`, `"${TOKEN}"`), and a value that says it is one (`"test
 * key"`, `"dev-secret"`). Linear in the value.
 */
export function isPlaceholderSecret(value: string | null): boolean {
  if (value === null) return true;
  const v = value.trim().toLowerCase();
  if (PLACEHOLDER_SECRETS.has(v)) return true;
  if (v.length > 0 && [...v].every((c) => c === v[0])) return true;
  if (/^<[^<>]*>$/.test(v) || /^\$?\{[^{}]*\}$/.test(v)) return true;
  return PLACEHOLDER_WORDS.test(v);
}

// ------------------------------------------------------------- secret use

/**
 * Names that say a value is a secret: a password, token, key, session id or
 * cookie (`reset_token`, `session_id`, `api_key`, `csrf`, `nonce`, `salt`,
 * `otp` too). Matched against an assignment's target, a keyword's name, a
 * dict key, a called function's name or the hashed argument's names. A bare
 * `key` is not one (`cache_key = md5(url).hexdigest()` is no secret).
 */
const SECRET_NAME =
  /pass(?:word|wd|phrase)|secret|token|(?:api|private|signing|access|encryption|hmac)_?key|session|sess_?id|cookie|csrf|nonce|salt|credential|(?:^|[^a-z])(?:pwd|otp)(?:$|[^a-z])/i;

export function namesSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}
