#!/usr/bin/env node
// Checks rule fixtures: for each test/fixtures/rules/<ID>.py (or the files
// given), the (rule, line) findings of the tree-sitter engine must equal the
// `# expect: B105, B106` comments; with --bandit, bandit 1.9.4 (`bandit19`)
// must report the same (rule, line, severity, confidence, message) for the
// rules implemented here. Run `npm run build` first.
//   node scripts/check-fixtures.mjs [--bandit] [--no-expect] [FILE...]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const withBandit = args.includes('--bandit');
const withExpect = !args.includes('--no-expect');
const showMsg = args.includes('--messages');
let files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  const dir = join(root, 'test/fixtures/rules');
  files = readdirSync(dir).filter((f) => f.endsWith('.py')).sort().map((f) => join(dir, f));
}
const implemented = new Set(readdirSync(join(root, 'queries')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)));

function ours(file) {
  let out;
  try {
    out = execFileSync('node', [join(root, 'dist/cli.js'), 'check', '--no-bandit', '--format', 'json', file], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout;
  }
  return JSON.parse(out).findings;
}

function bandit(file) {
  let out;
  try {
    out = execFileSync('bandit19', ['-q', '-f', 'json', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    out = e.stdout;
  }
  const j = JSON.parse(out);
  if (j.errors.length) console.log(`  bandit errors: ${JSON.stringify(j.errors)}`);
  return j.results;
}

const key = (r, l) => `${r}@${l}`;
let failed = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const found = ours(file).filter((f) => !f.suppressed);
  const problems = [];
  if (withExpect) {
    const want = new Set();
    text.split('\n').forEach((line, i) => {
      const m = /#\s*expect:\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)/.exec(line);
      if (m) for (const id of m[1].split(',')) want.add(key(id.trim(), i + 1));
    });
    const got = new Set(found.map((f) => key(f.rule, f.line)));
    for (const k of want) if (!got.has(k)) problems.push(`missing ${k}`);
    for (const k of got) if (!want.has(k)) problems.push(`unexpected ${k}`);
  }
  if (withBandit) {
    const b = bandit(file).filter((r) => implemented.has(r.test_id));
    const bs = new Map();
    for (const r of b) bs.set(`${key(r.test_id, r.line_number)} ${r.issue_severity}/${r.issue_confidence}`, r.issue_text);
    const os = new Map();
    for (const f of found) if (f.rule.startsWith('B')) os.set(`${key(f.rule, f.line)} ${f.severity}/${f.confidence}`, f.message);
    for (const [k, msg] of bs) {
      if (!os.has(k)) problems.push(`bandit only: ${k} ${msg}`);
      else if (os.get(k) !== msg && !msg.startsWith('Possible hardcoded password') ) problems.push(`message differs at ${k}:\n      bandit: ${msg}\n      ours:   ${os.get(k)}`);
      else if (os.get(k) !== msg) {
        // B105: bandit reports several strings on a line; compare the set of messages.
        const ourMsgs = found.filter((f) => `${key(f.rule, f.line)} ${f.severity}/${f.confidence}` === k).map((f) => f.message);
        if (!ourMsgs.includes(msg)) problems.push(`message differs at ${k}:\n      bandit: ${msg}\n      ours:   ${ourMsgs.join(' | ')}`);
      }
    }
    for (const k of os.keys()) if (!bs.has(k)) problems.push(`ours only: ${k} ${os.get(k)}`);
  }
  if (showMsg) for (const f of found) console.log(`  ${f.rule}@${f.line} ${f.severity}/${f.confidence} ${f.message}`);
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${file} (${found.length} findings)`);
  for (const p of problems) console.log(`    ${p}`);
  if (problems.length) failed++;
}
process.exit(failed ? 1 : 0);
