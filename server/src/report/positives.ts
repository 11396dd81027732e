import { Query, type Language, type Node, type Tree } from 'web-tree-sitter';

/**
 * "What is working well": good practices the code shows, each with
 * evidence (file, line, the line of code). Found with tree-sitter queries,
 * so a practice named in a comment or a string does not count.
 */

export interface Evidence {
  path: string;
  /** 1-based. */
  line: number;
  code: string;
}

export interface Positive {
  id: string;
  title: string;
  /** Why it matters, in one sentence. */
  why: string;
  evidence: Evidence[];
  /** How many places show it (evidence keeps the first few). */
  count: number;
}

interface Practice {
  id: string;
  title: string;
  why: string;
  /** Captures `@hit`; `_`-prefixed captures are for predicates and `accept`. */
  query: string;
  accept?: (hit: Node, captures: Map<string, Node>) => boolean;
}

const SECRET_NAME = /(SECRET(_KEY)?|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIALS?)$/i;
const FROM_ENV = /^(os\.environ(\.get)?\s*[[(]|os\.getenv\s*\(|environ\.get\s*\(|getenv\s*\(|env\s*\(|config\s*\()/;
const HASHERS = /^(make_password|check_password|generate_password_hash|check_password_hash|bcrypt\.(hashpw|checkpw)|PasswordHasher|pbkdf2_hmac|hashlib\.pbkdf2_hmac|hashlib\.scrypt|argon2\.\w+|CryptContext|pwd_context\.(hash|verify))$/;

/** `SECRET_KEY`, `settings.SECRET_KEY`, `app.config["SECRET_KEY"]` → `SECRET_KEY`. */
function lastName(target: string): string {
  return target.replace(/["'\]\s]/g, '').split(/[.[]/).pop() ?? '';
}

/** A string literal with no interpolation and no f prefix: SQL that cannot carry a value. */
function plainString(n: Node | undefined): boolean {
  if (!n || n.type !== 'string') return false;
  if (/^[A-Za-z]*[fF]/.test(n.text)) return false;
  return !n.children.some((c) => c?.type === 'interpolation');
}

const PRACTICES: readonly Practice[] = [
  {
    id: 'yaml-safe-load',
    title: 'YAML is read with yaml.safe_load',
    why: 'safe_load builds only plain data, so a crafted YAML document cannot create arbitrary objects.',
    query: '(call function: (attribute object: (identifier) @_m attribute: (identifier) @_f) (#eq? @_m "yaml") (#match? @_f "^safe_load(_all)?$")) @hit',
  },
  {
    id: 'parameterized-queries',
    title: 'SQL queries are parameterized',
    why: 'Values travel separately from the SQL text, so input cannot change the query.',
    query:
      '(call function: (attribute attribute: (identifier) @_f) arguments: (argument_list . (string) @_sql . [(list) (tuple) (dictionary) (identifier)]) (#match? @_f "^(execute|executemany|raw)$")) @hit',
    accept: (_hit, c) => plainString(c.get('_sql')),
  },
  {
    id: 'secrets-from-environment',
    title: 'Secrets are read from the environment',
    why: 'Credentials stay out of the repository and can be rotated without a code change.',
    query: '(assignment left: [(identifier) (attribute) (subscript)] @_name right: (_) @_value) @hit',
    accept: (_hit, c) => SECRET_NAME.test(lastName(c.get('_name')!.text)) && FROM_ENV.test(c.get('_value')!.text),
  },
  {
    id: 'password-hashing',
    title: 'Passwords go through a password hasher',
    why: 'A slow, salted hash (bcrypt, argon2, PBKDF2) keeps leaked password tables from being cracked quickly.',
    query: '(call function: [(identifier) (attribute)] @_f) @hit',
    accept: (_hit, c) => HASHERS.test(c.get('_f')!.text),
  },
  {
    id: 'secrets-module',
    title: 'Tokens come from the secrets module',
    why: 'secrets draws from the operating system\'s cryptographic generator, so tokens cannot be predicted.',
    query: '(call function: (attribute object: (identifier) @_m attribute: (identifier) @_f) (#eq? @_m "secrets") (#match? @_f "^(token_hex|token_urlsafe|token_bytes|choice|randbelow|compare_digest)$")) @hit',
  },
  {
    id: 'subprocess-argument-list',
    title: 'Programs are started with an argument list, without a shell',
    why: 'Each argument reaches the program as is: no shell parses it, so input cannot add commands.',
    query: '(call function: (attribute object: (identifier) @_m attribute: (identifier)) arguments: (argument_list . (list)) @_args (#eq? @_m "subprocess")) @hit',
    accept: (_hit, c) => !/shell\s*=\s*True/.test(c.get('_args')!.text),
  },
  {
    id: 'access-control',
    title: 'Views and routes require authentication',
    why: 'Access checks live in one place (a decorator or a dependency) instead of being repeated, and forgotten, in each view.',
    query: '[(decorator) @hit (call function: (identifier) @_f (#eq? @_f "Depends") arguments: (argument_list . (identifier) @_dep)) @hit]',
    accept: (hit, c) => {
      const dep = c.get('_dep');
      if (dep) return /user|auth|login|permission|token/i.test(dep.text);
      return /\b(login_required|permission_required|user_passes_test|staff_member_required|roles_required|auth_required|jwt_required)\b/.test(hit.text);
    },
  },
  {
    id: 'debug-from-environment',
    title: 'Debug mode is off by default',
    why: 'Stack traces, settings and the interactive debugger are never shown to visitors.',
    query: '(assignment left: (identifier) @_name right: (_) @_value (#eq? @_name "DEBUG")) @hit',
    accept: (_hit, c) => {
      const v = c.get('_value')!.text;
      return v === 'False' || FROM_ENV.test(v);
    },
  },
  {
    id: 'defusedxml',
    title: 'XML is parsed with defusedxml',
    why: 'defusedxml refuses entity expansion and external entities, the XML bombs and XXE of untrusted documents.',
    query: '[(import_statement name: (dotted_name) @_m) (import_from_statement module_name: (dotted_name) @_m)] @hit',
    accept: (_hit, c) => /^defusedxml\b/.test(c.get('_m')!.text),
  },
];

/** The absence of `eval`/`exec` is a practice too: evidence is the number of files looked at. */
const EVAL_QUERY = '(call function: (identifier) @_f (#match? @_f "^(eval|exec)$")) @hit';

const MAX_EVIDENCE = 3;

export class PracticeScanner {
  private readonly queries: { practice: Practice; query: Query }[];
  private readonly evalQuery: Query;
  private readonly found = new Map<string, Positive>();
  private files = 0;
  private evalCalls = 0;

  constructor(language: Language) {
    this.queries = PRACTICES.map((practice) => ({ practice, query: new Query(language, practice.query) }));
    this.evalQuery = new Query(language, EVAL_QUERY);
  }

  /** Looks at one parsed file; `path` is what the report shows. */
  scan(tree: Tree, path: string, text: string): void {
    this.files++;
    const lines = text.split(/\r\n|\n|\r/);
    for (const { practice, query } of this.queries) {
      const seen = new Set<number>();
      for (const m of query.matches(tree.rootNode)) {
        const captures = new Map<string, Node>();
        for (const c of m.captures) if (!captures.has(c.name)) captures.set(c.name, c.node);
        const hit = captures.get('hit');
        if (!hit || seen.has(hit.id)) continue;
        if (practice.accept && !practice.accept(hit, captures)) continue;
        seen.add(hit.id);
        const p = this.found.get(practice.id) ?? { id: practice.id, title: practice.title, why: practice.why, evidence: [], count: 0 };
        p.count++;
        const line = hit.startPosition.row + 1;
        if (p.evidence.length < MAX_EVIDENCE) p.evidence.push({ path, line, code: (lines[line - 1] ?? '').trim() });
        this.found.set(practice.id, p);
      }
    }
    this.evalCalls += this.evalQuery.matches(tree.rootNode).length;
  }

  /** The practices seen, in the order they are defined, then "no eval/exec" when none was called. */
  result(): Positive[] {
    const out = PRACTICES.map((p) => this.found.get(p.id)).filter((p): p is Positive => p !== undefined);
    if (this.files > 0 && this.evalCalls === 0) {
      out.push({
        id: 'no-eval',
        title: 'No eval or exec',
        why: 'No code is built from strings at run time, so input can never become code.',
        evidence: [],
        count: this.files,
      });
    }
    return out;
  }

  dispose(): void {
    for (const { query } of this.queries) query.delete();
    this.evalQuery.delete();
  }
}
