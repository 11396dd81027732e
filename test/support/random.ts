/**
 * Reproducible random edits for the incremental-equals-from-scratch tests.
 *
 * Every sequence is generated from one integer seed (mulberry32), so a
 * failure prints its seed and its edits, and `PYSEC_FUZZ_SEED=<base>` reruns
 * the same sequences.
 */
import { readFileSync } from 'node:fs';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixtureFiles, fixtureName } from './fixtures.js';

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, n: number) => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** The base seed: `PYSEC_FUZZ_SEED` or a fixed default, printed with every failure. */
export function baseSeed(): number {
  const env = process.env.PYSEC_FUZZ_SEED;
  return env !== undefined && env !== '' ? Number(env) >>> 0 : 0x5eed2025;
}

/** Single characters typed at random. */
const CHARS = 'abxyz_019 ()[]{}:,.=+-*%\'"\n\n\t#\\';

/** Tokens that change what the rules see: calls, imports and aliases, comments, strings, blocks. */
const TOKENS = [
  'eval(',
  'eval(x)',
  'eval(x)\n',
  ')',
  '(',
  '"',
  "'",
  '"""',
  "'''",
  '# nosec',
  '  # nosec B307',
  '  # nosec B307  # reviewed',
  '  # nosec B602, B404  # ok',
  '  # nosec: eval  # by name',
  '  # pysec: ignore[PS501]  # ok',
  '#',
  'import subprocess as sp\n',
  'import subprocess\n',
  'from subprocess import Popen as P\n',
  'import os\n',
  'from os import system as s\n',
  'import hashlib as h\n',
  'import pickle\n',
  'import yaml\n',
  'import builtins as b\n',
  'from builtins import eval as ev\n',
  'ev(x)',
  'b.eval(y)',
  'sp.call("ls -l", shell=True)',
  'sp.Popen(["ls"])',
  'P(cmd, shell=True)',
  'os.system(cmd)',
  's("rm -rf /")',
  'h.md5(data)',
  'pickle.loads(blob)',
  'yaml.load(stream)',
  'exec(code)',
  'assert x',
  'password = "hunter2"',
  'f(password="s3cret")',
  'app.run(debug=True)',
  'random.random()',
  'os.chmod(p, 0o777)',
  'bind(("0.0.0.0", 80))',
  'open("/tmp/x")',
  'requests.get(u, verify=False)',
  'cursor.execute("SELECT * FROM t WHERE a = %s" % x)',
  'q = "DELETE FROM t WHERE id = " + uid',
  'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)',
  // Settings facts and the PS rules (facts.ts, checks/ps/): cross-statement verdicts and silentWhen pairs.
  'CORS_ALLOW_CREDENTIALS = True\n',
  'CORS_ALLOW_ALL_ORIGINS = True\n',
  'INSTALLED_APPS = []\n',
  'DEBUG = True\n',
  'ALLOWED_HOSTS = ["*"]\n',
  'from flask import request\n',
  'import django\n',
  'requests.get(request.args["u"], timeout=5)',
  'hashlib.sha256(password)',
  'logger.info(password)',
  'tarfile.open(p).extractall()',
  'def f(x):\n    ',
  'class C:\n    ',
  'if x:\n    ',
  'try:\n    pass\nexcept Exception:\n    pass\n',
  '@decorator\n',
  'lambda: ',
  'f"{x}"',
  '\n    ',
  '\n\n',
  '\r\n',
  '\r',
  '\\\n',
  '😀',
  'é',
  '中',
  '\t',
];

export interface OffsetEdit {
  /** UTF-16 offsets into the text before the edit. */
  start: number;
  end: number;
  text: string;
}

/** An offset that does not split a surrogate pair or a CRLF (no client puts a cursor there). */
function snap(text: string, o: number): number {
  const c = text.charCodeAt(o);
  const p = text.charCodeAt(o - 1);
  if (c >= 0xdc00 && c <= 0xdfff && p >= 0xd800 && p <= 0xdbff) return o - 1;
  if (c === 0x0a && p === 0x0d) return o - 1;
  return o;
}

function piece(rng: Rng): string {
  const r = rng();
  if (r < 0.45) return pick(rng, TOKENS);
  let s = '';
  const n = 1 + int(rng, 4);
  for (let i = 0; i < n; i++) s += CHARS[int(rng, CHARS.length)];
  return s;
}

export function randomEdit(rng: Rng, text: string): OffsetEdit {
  // Edits cluster at line starts and ends half the time: that is where typing happens.
  let start = int(rng, text.length + 1);
  if (rng() < 0.3) {
    const nl = text.indexOf('\n', start);
    start = nl < 0 ? text.length : nl;
  }
  start = snap(text, start);
  const kind = rng();
  if (kind < 0.5) return { start, end: start, text: piece(rng) }; // insertion
  const len = rng() < 0.7 ? 1 + int(rng, 6) : 1 + int(rng, 60);
  const end = snap(text, Math.min(text.length, start + len));
  if (kind < 0.8) return { start, end, text: '' }; // deletion
  return { start, end, text: piece(rng) }; // replacement
}

export function applyEdit(text: string, e: OffsetEdit): string {
  return text.slice(0, e.start) + e.text + text.slice(e.end);
}

export type Enc = 'utf-8' | 'utf-16' | 'utf-32';

/** A column in `enc`, counted from the line's own text (not the server's code). */
function column(prefix: string, enc: Enc): number {
  if (enc === 'utf-8') return Buffer.byteLength(prefix, 'utf8');
  if (enc === 'utf-16') return prefix.length;
  return [...prefix].length;
}

/** The LSP change for an offset edit on `text`, with columns in `enc`. */
export function toLspChange(text: string, e: OffsetEdit, enc: Enc): TextDocumentContentChangeEvent {
  const doc = TextDocument.create('file:///x.py', 'python', 0, text);
  const pos = (o: number) => {
    const p = doc.positionAt(o);
    const lineStart = doc.offsetAt({ line: p.line, character: 0 });
    return { line: p.line, character: column(text.slice(lineStart, o), enc) };
  };
  return { range: { start: pos(e.start), end: pos(e.end) }, text: e.text };
}

/**
 * One didChange worth of random edits (with probability `several`, 2–4 of
 * them, each on the text the previous one left): the offset edits, the LSP
 * changes with columns in `enc`, and the text after them all.
 */
export function randomBatch(rng: Rng, text: string, enc: Enc, several = 0.25): { edits: OffsetEdit[]; changes: TextDocumentContentChangeEvent[]; text: string } {
  const batch = rng() < several ? 2 + int(rng, 3) : 1;
  const edits: OffsetEdit[] = [];
  const changes: TextDocumentContentChangeEvent[] = [];
  for (let b = 0; b < batch; b++) {
    const e = randomEdit(rng, text);
    changes.push(toLspChange(text, e, enc));
    text = applyEdit(text, e);
    edits.push(e);
  }
  return { edits, changes, text };
}

export interface Base {
  name: string;
  text: string;
}

/** Hand-written starting points, beside the rule fixtures. */
export const SNIPPETS: Base[] = [
  { name: 'empty', text: '' },
  { name: 'one-call', text: 'eval(x)\n' },
  {
    name: 'aliases',
    text: [
      'import subprocess as sp',
      'from os import system as s',
      'import hashlib as h',
      '',
      'def run(cmd):',
      '    sp.call(cmd, shell=True)',
      '    s(cmd)',
      '    return h.md5(cmd.encode())',
      '',
      'eval(input())  # nosec B307  # reviewed',
      'eval(x)',
      '',
    ].join('\n'),
  },
  {
    name: 'blocks',
    text: [
      'import os',
      '',
      'class Handler:',
      '    """Handles things."""',
      '',
      '    @staticmethod',
      '    def handle(self, request):',
      '        if request.args:',
      '            return eval(request.args["q"])',
      '        elif request.form:',
      '            exec(request.form["code"])',
      '        else:',
      '            try:',
      '                os.system("ls " + request.path)',
      '            except Exception:',
      '                pass',
      '        return None',
      '',
      'query = """',
      'SELECT * FROM users',
      '"""',
      'x = [eval(a) for a in items]',
      'lam = lambda v: eval(v)',
      '',
    ].join('\n'),
  },
  {
    name: 'unicode',
    text: 'é = "😀中"; eval(x)\n\tif True:\n\t\teval(y)  # nosec\nimport pickle as 中文\n中文.loads(b)\n',
  },
  {
    name: 'crlf',
    text: 'import os\r\neval(x)\r\nos.system(c)\r\n\r\ndef f():\r\n    return eval(y)\r\n',
  },
  {
    // Classic Mac line endings: Python (and bandit) read a lone \r as a line break.
    name: 'cr-only',
    text: 'import os\reval(x)\ros.system(c)\r\rdef f():\r    return eval(y)  # nosec B307  # ok\reval(z)\r',
  },
  {
    name: 'broken',
    text: 'def f(:\n    eval(x\n\nclass (\neval(y)\ns = "unterminated\neval(z)\n',
  },
  {
    name: 'nosec-multiline',
    text: ['result = eval(', '    data,  # nosec B307  # multi-line', ')', 'other = eval(', '    data,', ')  # nosec', ''].join('\n'),
  },
];

/** The rule fixtures that exist now, plus the snippets. */
export function bases(): Base[] {
  return [...fixtureFiles().map((f) => ({ name: `fixture:${fixtureName(f)}`, text: readFileSync(f, 'utf8') })), ...SNIPPETS];
}
