#!/usr/bin/env node
// Parity with bandit's own functional tests (issue 4's yardstick).
//
//   node scripts/parity.mjs <bandit-repo | examples-folder> [--functional PATH] [--all] [--verbose]
//                           [--bandit CMD [ARG...]]
//
// (a) Reads bandit's tests/functional/test_functional.py (from the repository
//     given, or from --functional) and keeps every `check_example(...)` of a
//     test that runs with bandit's default profile: no custom test set
//     (`with_test_set`), no profile, no plugin `_config` override, no
//     `ignore_nosec=True`; tests that only gather metrics have no
//     check_example and so do not count. For each such example it runs
//     `node dist/cli.js check --no-bandit --format json` and compares the
//     SEVERITY and CONFIDENCE counts of the unsuppressed findings of bandit's
//     rules (B…; our own PS rules are not bandit's) with the test's
//     expectation, exactly. Prints each miss with its reason and
//     "N of M example checks match".
// (b) With `--bandit CMD...` (everything after it is the command, e.g.
//     `--bandit bandit19`), also runs that bandit over the same examples
//     (`-q -f json -o FILE`) and prints the precision and recall of our
//     (file, rule, line) triples against bandit's; `--all` measures over every
//     .py file of the examples folder instead.
//
// Nothing of bandit's is copied into the project: the repository is read
// where it lies. Run `npm run build` first. Exit status 0 when every
// countable example matches (and, with --bandit, precision and recall are
// both at least 0.95), 1 otherwise, 2 on a usage error.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const LEVELS = ['UNDEFINED', 'LOW', 'MEDIUM', 'HIGH'];
const THRESHOLD = 0.95;

function usage(msg) {
  if (msg) console.error(`parity: ${msg}`);
  console.error('usage: node scripts/parity.mjs <bandit-repo | examples-folder> [--functional PATH] [--all] [--verbose] [--bandit CMD [ARG...]]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { target: undefined, functional: undefined, bandit: undefined, all: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--bandit') {
      opts.bandit = argv.slice(i + 1);
      if (opts.bandit.length === 0) usage('--bandit needs a command');
      break;
    } else if (a === '--functional') {
      opts.functional = argv[++i];
      if (!opts.functional) usage('--functional needs a path');
    } else if (a === '--all') opts.all = true;
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.target) usage(`one folder only (got ${opts.target} and ${a})`);
    else opts.target = a;
  }
  if (!opts.target) usage('which bandit repository or examples folder?');
  return opts;
}

/** The examples folder and test_functional.py from a repository or an examples folder. */
function locate(opts) {
  const target = resolve(opts.target);
  if (!existsSync(target) || !statSync(target).isDirectory()) usage(`${target} is not a folder`);
  let examples = target;
  let functional = opts.functional ? resolve(opts.functional) : undefined;
  if (existsSync(join(target, 'examples')) && existsSync(join(target, 'tests'))) {
    examples = join(target, 'examples');
    functional ??= join(target, 'tests', 'functional', 'test_functional.py');
  } else {
    functional ??= join(target, '..', 'tests', 'functional', 'test_functional.py');
  }
  if (!existsSync(functional)) usage(`cannot find test_functional.py (looked at ${functional}); pass --functional PATH`);
  return { examples, functional };
}

// ---------------------------------------------------------------- reading test_functional.py

/** Python tokens enough for the test file's literals: names, numbers, strings, punctuation, newlines. */
function tokenize(src) {
  const out = [];
  let depth = 0;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      if (depth === 0) out.push({ t: 'nl' });
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const str = /^([rRbBuUfF]{0,2})("""|'''|"|')/.exec(src.slice(i, i + 5));
    if (str) {
      const prefix = str[1].toLowerCase();
      const q = str[2];
      let j = i + str[0].length;
      let value = '';
      while (j < src.length && !src.startsWith(q, j)) {
        if (src[j] === '\\' && !prefix.includes('r')) {
          const e = src[j + 1];
          value += { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"', '\n': '' }[e] ?? '\\' + e;
          j += 2;
        } else value += src[j++];
      }
      out.push({ t: 'str', v: value, f: prefix.includes('f') });
      i = j + q.length;
      continue;
    }
    const num = /^\d[\d_]*/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: Number(num[0].replace(/_/g, '')) });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (name) {
      out.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    out.push({ t: 'op', v: c });
    i++;
  }
  return out;
}

/** Splits a token list into statements (newline-separated at bracket depth 0). */
function statements(tokens) {
  const out = [];
  let cur = [];
  for (const t of tokens) {
    if (t.t === 'nl') {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

const UNKNOWN = Symbol('unknown');

/** Evaluates a literal expression (dicts, lists, numbers, strings, known names); UNKNOWN otherwise. */
function evaluate(tokens, env) {
  let i = 0;
  const peek = () => tokens[i];
  const isOp = (v) => peek()?.t === 'op' && peek().v === v;
  const expr = () => {
    const t = tokens[i++];
    if (!t) return UNKNOWN;
    if (t.t === 'num') return t.v;
    if (t.t === 'str') {
      if (t.f) return UNKNOWN;
      let s = t.v;
      while (peek()?.t === 'str') {
        const n = tokens[i++];
        if (n.f) return UNKNOWN;
        s += n.v;
      }
      return s;
    }
    if (t.t === 'name') {
      if (t.v === 'True') return true;
      if (t.v === 'False') return false;
      if (t.v === 'None') return null;
      if (isOp('.') || isOp('(') || isOp('[')) return skipRest();
      return Object.prototype.hasOwnProperty.call(env, t.v) ? env[t.v] : UNKNOWN;
    }
    if (t.t === 'op' && t.v === '{') {
      const d = {};
      while (!isOp('}')) {
        const k = expr();
        if (!isOp(':')) return skipRest();
        i++;
        const v = expr();
        if (k === UNKNOWN) return skipRest();
        d[k] = v;
        if (isOp(',')) i++;
        else if (!isOp('}')) return skipRest();
      }
      i++;
      return d;
    }
    if (t.t === 'op' && (t.v === '[' || t.v === '(')) {
      const close = t.v === '[' ? ']' : ')';
      const l = [];
      while (!isOp(close)) {
        l.push(expr());
        if (isOp(',')) i++;
        else if (!isOp(close)) return skipRest();
      }
      i++;
      return l;
    }
    return UNKNOWN;
  };
  const skipRest = () => {
    i = tokens.length;
    return UNKNOWN;
  };
  const v = expr();
  return i >= tokens.length || isOp(',') ? v : UNKNOWN;
}

/** Splits call arguments at depth-0 commas: positional token lists and keyword token lists. */
function callArgs(tokens) {
  const args = [];
  const kwargs = {};
  let cur = [];
  let depth = 0;
  const flush = () => {
    if (!cur.length) return;
    if (cur.length > 2 && cur[0].t === 'name' && cur[1].t === 'op' && cur[1].v === '=') kwargs[cur[0].v] = cur.slice(2);
    else args.push(cur);
    cur = [];
  };
  for (const t of tokens) {
    if (t.t === 'op' && '([{'.includes(t.v)) depth++;
    if (t.t === 'op' && ')]}'.includes(t.v)) depth--;
    if (depth === 0 && t.t === 'op' && t.v === ',') flush();
    else cur.push(t);
  }
  flush();
  return { args, kwargs };
}

/** Marks of a test that does not run with bandit's default profile. */
const CUSTOM = [
  [/with_test_set\s*\(/, 'custom test set'],
  [/profile\s*=/, 'custom profile'],
  [/\._config\s*=/, 'plugin config changed'],
  [/ignore_nosec\s*=\s*True/, 'ignore_nosec'],
  [/BanditConfig\s*\(/, 'custom config'],
];

/**
 * The tests of test_functional.py: for each, its check_example calls
 * (example, expected counts) and why it does not count, if it does not.
 */
export function readFunctionalTests(src) {
  const tests = [];
  const lines = src.split('\n');
  let cur = null;
  for (const line of lines) {
    const m = /^    def (test_\w+)\s*\(/.exec(line);
    if (m) {
      cur = { name: m[1], body: [] };
      tests.push(cur);
      continue;
    }
    if (/^    \S/.test(line) || /^\S/.test(line)) {
      cur = null;
      continue;
    }
    if (cur) cur.body.push(line);
  }
  return tests.map(({ name, body }) => {
    const text = body.join('\n');
    const custom = CUSTOM.filter(([re]) => re.test(text)).map(([, why]) => why);
    const env = {};
    const checks = [];
    const toks = tokenize(text);
    // Docstrings come back as a lone string statement: harmless.
    for (const st of statements(toks)) {
      if (st.length >= 3 && st[0].t === 'name' && st[1].t === 'op' && st[1].v === '=' && !(st[2].t === 'op' && st[2].v === '=')) {
        env[st[0].v] = evaluate(st.slice(2), env);
        continue;
      }
      // self.check_example( ... )
      for (let k = 0; k + 3 < st.length; k++) {
        if (st[k].t === 'name' && st[k].v === 'self' && st[k + 1].v === '.' && st[k + 2].v === 'check_example' && st[k + 3].v === '(') {
          let depth = 0;
          let end = k + 3;
          for (; end < st.length; end++) {
            if (st[end].t === 'op' && '([{'.includes(st[end].v)) depth++;
            if (st[end].t === 'op' && ')]}'.includes(st[end].v) && --depth === 0) break;
          }
          const { args, kwargs } = callArgs(st.slice(k + 4, end));
          const example = args[0] ? evaluate(args[0], env) : UNKNOWN;
          const expect = args[1] ? evaluate(args[1], env) : kwargs.expect ? evaluate(kwargs.expect, env) : UNKNOWN;
          const ignoreNosec = kwargs.ignore_nosec ? evaluate(kwargs.ignore_nosec, env) : args[2] ? evaluate(args[2], env) : false;
          checks.push({ example, expect, ignoreNosec });
        }
      }
    }
    const skip = [...custom];
    if (checks.some((c) => c.ignoreNosec === true) && !skip.includes('ignore_nosec')) skip.push('ignore_nosec');
    if (checks.some((c) => c.example === UNKNOWN || c.expect === UNKNOWN)) skip.push('cannot read the expectation');
    return { name, checks, skip };
  });
}

// ---------------------------------------------------------------- running

function runOurs(files) {
  if (!existsSync(CLI)) {
    console.error(`parity: ${CLI} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, [CLI, 'check', '--no-bandit', '--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0 && r.status !== 1) {
    console.error(`parity: check failed (exit ${r.status}):\n${r.stderr}`);
    process.exit(2);
  }
  const report = JSON.parse(r.stdout);
  for (const e of report.errors ?? []) console.error(`parity: check: ${e.path}: ${e.message}`);
  return report.findings.filter((f) => !f.suppressed && /^B\d{3}$/.test(f.rule));
}

function runBandit(cmd, files) {
  const dir = mkdtempSync(join(tmpdir(), 'pysec-parity-'));
  const out = join(dir, 'bandit.json');
  try {
    // cwd: an empty folder, so that no project configuration is picked up (bandit's default profile).
    const r = spawnSync(cmd[0], [...cmd.slice(1), '-q', '-f', 'json', '-o', out, ...files], { cwd: dir, encoding: 'utf8', maxBuffer: 256 << 20 });
    if (r.error) throw r.error;
    if (!existsSync(out)) throw new Error(`${cmd.join(' ')} wrote no report (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    return { results: report.results ?? [], errors: report.errors ?? [], version: banditVersion(cmd) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function banditVersion(cmd) {
  try {
    const v = execFileSync(cmd[0], [...cmd.slice(1), '--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /(\d+\.\d+\.\d+)/.exec(v)?.[1] ?? '?';
  } catch (e) {
    return /(\d+\.\d+\.\d+)/.exec(String(e.stdout ?? ''))?.[1] ?? '?';
  }
}

function counts(findings) {
  const c = { SEVERITY: Object.fromEntries(LEVELS.map((l) => [l, 0])), CONFIDENCE: Object.fromEntries(LEVELS.map((l) => [l, 0])) };
  for (const f of findings) {
    c.SEVERITY[f.severity] += 1;
    c.CONFIDENCE[f.confidence] += 1;
  }
  return c;
}

function diffCounts(expect, got) {
  const out = [];
  for (const kind of ['SEVERITY', 'CONFIDENCE']) {
    for (const l of LEVELS) {
      const e = expect[kind]?.[l] ?? 0;
      const g = got[kind][l];
      if (e !== g) out.push(`${kind} ${l}: expected ${e}, got ${g}`);
    }
  }
  return out;
}

const key = (file, rule, line) => `${file}\u0000${rule}\u0000${line}`;

function multiset(items) {
  const m = new Map();
  for (const k of items) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { examples, functional } = locate(opts);
  const tests = readFunctionalTests(readFileSync(functional, 'utf8'));

  const counted = tests.filter((t) => t.checks.length > 0 && t.skip.length === 0);
  const skipped = tests.filter((t) => t.checks.length > 0 && t.skip.length > 0);
  const noChecks = tests.filter((t) => t.checks.length === 0);
  const checks = counted.flatMap((t) => t.checks.map((c) => ({ ...c, test: t.name, path: join(examples, c.example) })));
  const missingFiles = checks.filter((c) => !existsSync(c.path));
  for (const c of missingFiles) console.error(`parity: ${c.test}: ${c.path} does not exist`);

  console.log(`bandit functional tests: ${functional}`);
  console.log(
    `${tests.length} tests; ${counted.length} tests checking ${checks.length} example files with the default profile ` +
      `(${new Set(checks.map((c) => c.example)).size} distinct files); ` +
      `${skipped.length} tests left out (${skipped.map((t) => `${t.name}: ${t.skip.join(', ')}`).join('; ')}); ` +
      `${noChecks.length} tests without check_example`,
  );

  const present = checks.filter((c) => existsSync(c.path));
  const files = [...new Set(present.map((c) => c.path))];
  const ours = runOurs(files);
  const byFile = new Map(files.map((f) => [f, []]));
  for (const f of ours) byFile.get(resolve(f.path))?.push(f);

  let bandit;
  let measured = files;
  if (opts.bandit) {
    if (opts.all) {
      measured = readdirSync(examples, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.py'))
        .map((f) => join(examples, f))
        .sort();
    }
    bandit = runBandit(opts.bandit, measured);
  }
  const banditByFile = new Map();
  for (const r of bandit?.results ?? []) {
    const p = resolve(bandit ? join('/', r.filename).replace(/^\/+/, '/') : r.filename);
    const list = banditByFile.get(p) ?? [];
    list.push(r);
    banditByFile.set(p, list);
  }

  let matched = 0;
  const misses = [];
  for (const c of present) {
    const got = counts(byFile.get(c.path) ?? []);
    const diff = diffCounts(c.expect, got);
    if (diff.length === 0) {
      matched++;
      if (opts.verbose) console.log(`  ok    ${c.test}: ${c.example}`);
      continue;
    }
    misses.push({ ...c, diff });
  }
  for (const m of missingFiles) misses.push({ ...m, diff: ['the example file does not exist'] });

  if (misses.length) {
    console.log('\nmisses:');
    for (const m of misses) {
      console.log(`  MISS  ${m.test}: ${m.example}`);
      for (const d of m.diff) console.log(`          ${d}`);
      const mine = (byFile.get(m.path) ?? []).map((f) => `${f.rule}@${f.line}:${f.severity[0]}${f.confidence[0]}`);
      if (bandit) {
        const theirs = (banditByFile.get(m.path) ?? []).map((r) => `${r.test_id}@${r.line_number}:${r.issue_severity[0]}${r.issue_confidence[0]}`);
        const a = multiset(mine);
        const b = multiset(theirs);
        const extra = [...a].flatMap(([k, n]) => Array(Math.max(0, n - (b.get(k) ?? 0))).fill(k));
        const lacking = [...b].flatMap(([k, n]) => Array(Math.max(0, n - (a.get(k) ?? 0))).fill(k));
        console.log(`          reason: ours only ${extra.join(' ') || '-'}; bandit only ${lacking.join(' ') || '-'}`);
      } else {
        console.log(`          ours: ${mine.join(' ') || '-'} (run with --bandit CMD to see what bandit reports)`);
      }
    }
  }
  console.log(`\n${matched} of ${present.length + missingFiles.length} example checks match`);

  let ok = misses.length === 0;
  if (bandit) {
    const measuredSet = new Set(measured.map((f) => resolve(f)));
    let oursAll = ours;
    if (opts.all) oursAll = runOurs(measured);
    const errored = new Set(bandit.errors.map((e) => resolve(e.filename)));
    const mine = multiset(oursAll.filter((f) => measuredSet.has(resolve(f.path)) && !errored.has(resolve(f.path))).map((f) => key(resolve(f.path), f.rule, f.line)));
    const theirs = multiset(bandit.results.map((r) => key(resolve(r.filename), r.test_id, r.line_number)));
    let common = 0;
    for (const [k, n] of mine) common += Math.min(n, theirs.get(k) ?? 0);
    const nMine = [...mine.values()].reduce((a, b) => a + b, 0);
    const nTheirs = [...theirs.values()].reduce((a, b) => a + b, 0);
    const precision = nMine ? common / nMine : 1;
    const recall = nTheirs ? common / nTheirs : 1;
    console.log(
      `\n(file, rule, line) against ${opts.bandit.join(' ')} (bandit ${bandit.version}) over ${measured.length - errored.size} example files` +
        (errored.size ? ` (${errored.size} that bandit could not parse left out)` : '') +
        `: ours ${nMine}, bandit ${nTheirs}, both ${common}`,
    );
    console.log(`precision ${precision.toFixed(4)}   recall ${recall.toFixed(4)}`);
    const show = (from, other, label) => {
      const out = [];
      for (const [k, n] of from) for (let i = (other.get(k) ?? 0); i < n; i++) out.push(k);
      if (!out.length) return;
      console.log(`  ${label}:`);
      for (const k of out.sort()) {
        const [f, r, l] = k.split('\u0000');
        console.log(`    ${relative(examples, f)}:${l} ${r}`);
      }
    };
    show(mine, theirs, 'ours only');
    show(theirs, mine, 'bandit only');
    // Where both report a (file, rule, line): the same severity, confidence and message?
    const theirsByKey = new Map();
    for (const r of bandit.results) {
      const k = key(resolve(r.filename), r.test_id, r.line_number);
      theirsByKey.set(k, [...(theirsByKey.get(k) ?? []), `${r.issue_severity}/${r.issue_confidence} ${r.issue_text}`]);
    }
    const differ = [];
    for (const f of oursAll) {
      const k = key(resolve(f.path), f.rule, f.line);
      const t = theirsByKey.get(k);
      if (!t) continue;
      const mineText = `${f.severity}/${f.confidence} ${f.message}`;
      if (!t.includes(mineText)) differ.push(`${relative(examples, resolve(f.path))}:${f.line} ${f.rule}: ours ${mineText} | bandit ${t.join(' ; ')}`);
    }
    console.log(`same (file, rule, line) with a different severity, confidence or message: ${differ.length}`);
    for (const d of differ) console.log(`    ${d}`);
    if (precision < THRESHOLD || recall < THRESHOLD) ok = false;
  }
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
