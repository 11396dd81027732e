/**
 * One finding per issue whichever bandit runs (issue 20, item 1): bandit
 * 1.6.2 names hashlib's md5/sha1 B303 (1.9: B324) and puts an issue in a
 * multi-line call on the call's first line; several findings of one rule on
 * one line are several. `check` gives the same multiset of (rule, line)
 * with 1.6.2, with 1.9.4 and with --no-bandit — and which engine's finding
 * stands shows that bandit's were paired, not dropped.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANDIT_16, requireBandits, SID_SITE } from '../support/bandit.js';
import { runCli } from '../support/cli.js';
import { pairFindings } from '../../server/src/findings/merge.js';
import type { Finding } from '../../server/src/findings/finding.js';

const VERSIONS = `# bandit 1.6.2 and 1.9.4 place and name these differently.
import hashlib
import random
import tempfile

hashlib.md5(b"x")  # 1.6: B303, 1.9: B324
x = hashlib.sha1(b"y").hexdigest() + hashlib.md5(b"z").hexdigest()  # two on one line
a = random.random() + random.random()  # B311 twice on one line
n = tempfile.mktemp() + tempfile.mktemp()  # B306 twice
conn = connect(
    host="db",
    password="hunter2",
)  # 1.6: B106 on the call's first line, 1.9 on the keyword's
tmp = ["/tmp/a", "/tmp/b"]  # B108 twice
`;

const EXPECTED = ['6 B324', '7 B324', '7 B324', '8 B311', '8 B311', '9 B306', '9 B306', '12 B106', '14 B108', '14 B108'];

let dir: string;
let bandit19: string;

beforeAll(() => {
  requireBandits();
  dir = mkdtempSync(join(tmpdir(), 'pysec-merge-versions-'));
  writeFileSync(join(dir, 'versions.py'), VERSIONS);
  bandit19 = join(dir, 'bandit19');
  writeFileSync(bandit19, `#!/bin/sh\nPYTHONPATH='${SID_SITE}' exec /usr/bin/python3 -m bandit "$@"\n`);
  chmodSync(bandit19, 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function findings(args: string[]): Promise<{ line: number; rule: string; engine: string }[]> {
  const r = await runCli(['check', '--format', 'json', ...args, 'versions.py'], { cwd: dir });
  expect(r.code, r.stderr).toBe(1);
  const report = JSON.parse(r.stdout) as { findings: { line: number; rule: string; engine: string }[]; errors: unknown[] };
  expect(report.errors).toEqual([]);
  return report.findings;
}

const keys = (fs: { line: number; rule: string }[]) => fs.map((f) => `${f.line} ${f.rule}`);

describe('the same findings with bandit 1.6.2, 1.9.4 and none', () => {
  it('--no-bandit: the tree-sitter rules, each occurrence', async () => {
    expect(keys(await findings(['--no-bandit']))).toEqual(EXPECTED);
  });

  it('bandit 1.9.4: every finding paired one to one with bandit (its wording stands)', async () => {
    const fs = await findings(['--bandit', bandit19]);
    expect(keys(fs)).toEqual(EXPECTED);
    expect(fs.every((f) => f.engine === 'bandit')).toBe(true);
  });

  it('bandit 1.6.2: B303 counted as the B324 it is, B106 moved to 1.9\'s line, the repeats kept', async () => {
    const fs = await findings(['--bandit', BANDIT_16]);
    expect(keys(fs)).toEqual(EXPECTED);
    // The B303s stand as the tree-sitter's B324 (1.9's view); the rest are bandit's, paired.
    expect(fs.filter((f) => f.rule === 'B324').map((f) => f.engine)).toEqual(['tree-sitter', 'tree-sitter', 'tree-sitter']);
    expect(fs.filter((f) => ['B311', 'B306', 'B106'].includes(f.rule)).map((f) => f.engine)).toEqual(Array(5).fill('bandit'));
  });
});

describe('pairFindings', () => {
  const text = 'aaaa\nbbbb\ncccc\n';
  const lineOf = (o: number) => text.slice(0, o).split('\n').length - 1;
  const f = (rule: string, start: number, engine: Finding['engine'], over: Partial<Finding> = {}): Finding => ({
    rule,
    name: rule,
    severity: 'MEDIUM',
    confidence: 'HIGH',
    cwe: null,
    owasp: 'A03',
    risk: 'Medium',
    message: `${rule} by ${engine}`,
    range: { start, end: start + 1 },
    anchor: { start, end: start + 1 },
    root: { start, end: start + 1 },
    engine,
    docs: '',
    suppressed: null,
    ...over,
  });

  it('one to one per rule and line; extra findings of either engine stay', () => {
    const ts = [f('B311', 0, 'tree-sitter'), f('B311', 2, 'tree-sitter'), f('B311', 5, 'tree-sitter')];
    const bandit = [f('B311', 0, 'bandit'), f('B311', 5, 'bandit'), f('B311', 6, 'bandit'), f('B999', 10, 'bandit')];
    expect(pairFindings(ts, bandit, lineOf).map((m) => `${lineOf(m.finding.range.start)} ${m.finding.engine}${m.twin ? '+' : ''}`)).toEqual(['0 bandit+', '0 tree-sitter', '1 bandit+', '1 bandit', '2 bandit']);
  });

  it('a renamed id (B303 for B324) takes the tree-sitter finding; a moved one is placed where the rule places it; a twin is never taken twice', () => {
    const ts = [f('B324', 1, 'tree-sitter'), f('B106', 11, 'tree-sitter', { anchor: { start: 0, end: 14 }, root: { start: 0, end: 14 } }), f('B106', 0, 'tree-sitter')];
    const bandit = [f('B303', 0, 'bandit'), f('B106', 0, 'bandit'), f('B106', 1, 'bandit')];
    const out = pairFindings(ts, bandit, lineOf);
    expect(out.map((m) => `${lineOf(m.finding.range.start)} ${m.finding.rule} ${m.finding.engine}${m.twin ? '+' : ''}`)).toEqual(['0 B106 bandit+', '0 B324 tree-sitter', '2 B106 bandit+']);
  });
});
