// `npm run bench`: every benchmark in one run, then one table of the figures
// with their ratios to the anchors (DESIGN.md "Performance budget", issue #9):
//   keystroke.mjs  _pydecimal.py: open and keystroke → diagnostics, vs ruff-wasm, and with the flow layer off;
//   stdlib.mjs     check --no-bandit over the standard library, vs ruff-wasm and bandit -r, and with the flow layer off;
//   memory.mjs     resident memory with 50 open 5,000-line documents;
//   burst.mjs      hover/code-action latency while a burst of 100 opens keeps bandit busy;
//   startup.mjs    --version, check of one 50-line file vs bandit 1.6.2 and 1.9.x, server spawn → first diagnostics (issue 19).
//   audit.mjs      the dependency audit: loading and indexing 20,000 advisories, auditing a 300-line lock file.
// BENCH_QUICK=1 measures less (fewer edits, a part of the library, 10 documents):
// a smoke run, not the figures. A benchmark, not a test: exits 0
// whatever the figures, non-zero only when something could not be measured.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lsp-client.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const OUT = join(ROOT, '.bench');
const HERE = join(ROOT, 'test', 'bench');

const RUNS = [
  { name: 'keystroke', args: QUICK ? ['--opens', '5', '--edits', '200', '--places', '100', '--ruff-edits', '20'] : [] },
  { name: 'stdlib', args: QUICK ? ['--subset', '--runs', '1'] : [] },
  { name: 'memory', args: QUICK ? ['--docs', '10'] : [] },
  { name: 'burst', args: QUICK ? ['--files', '20'] : [] },
  { name: 'startup', args: QUICK ? ['--runs', '3'] : [] },
  { name: 'audit', args: QUICK ? ['--advisories', '2000', '--runs', '1', '--audits', '10'] : [] },
];

function run(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', join(HERE, `${script}.mjs`), ...args, '--json', join(OUT, `${script}.json`)], { stdio: 'inherit', shell: false });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script}.mjs exited ${code}`))));
  });
}

const ms = (v) => (v === undefined ? 'n/a' : `${v.toFixed(2)} ms`);
const sec = (v) => (v === undefined ? 'n/a' : `${(v / 1000).toFixed(2)} s`);
const MB = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const ratio = (a, b) => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : 'n/a');

async function main() {
  const failed = [];
  for (const r of RUNS) {
    console.log(`\n=== ${r.name}.mjs ${r.args.join(' ')}`.trimEnd());
    try {
      await run(r.name, r.args);
    } catch (e) {
      failed.push(r.name);
      console.error(`bench: ${e.message}`);
    }
  }
  const read = (name) => {
    try {
      return JSON.parse(readFileSync(join(OUT, `${name}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const k = failed.includes('keystroke') ? undefined : read('keystroke');
  const s = failed.includes('stdlib') ? undefined : read('stdlib');
  const m = failed.includes('memory') ? undefined : read('memory');
  const b = failed.includes('burst') ? undefined : read('burst');
  const st = failed.includes('startup') ? undefined : read('startup');
  const a = failed.includes('audit') ? undefined : read('audit');

  // [measure, pysec's figure, anchor, ratio, target verdict]
  const rows = [];
  const verdict = (ok) => (ok === undefined ? '' : ok ? 'PASS' : 'OVER');
  if (k) {
    const ruffKey = k.ruff?.keystroke;
    rows.push(['keystroke → diagnostics, p95 (_pydecimal.py)', ms(k.edits.firstPass.p95), `target 5 ms`, ratio(k.edits.firstPass.p95, 5), verdict(k.edits.firstPass.p95 <= 5)]);
    if (k.noFlow) rows.push(['  with the flow layer, p95 (issue 14) vs the flow layer off', ms(k.edits.firstPass.p95), `off ${ms(k.noFlow.firstPass.p95)}`, ratio(k.edits.firstPass.p95, k.noFlow.firstPass.p95), verdict(k.edits.firstPass.p95 <= 10)]);
    rows.push(['  tree-sitter reparse alone, same edits, p95 (the floor)', ms(k.reparse?.p95), 'target 5 ms', ratio(k.reparse?.p95, 5), '']);
    rows.push(['  the same p95 vs ruff-wasm linting the edited text (p95)', ms(k.edits.firstPass.p95), `ruff ${ms(ruffKey?.p95)}`, ratio(k.edits.firstPass.p95, ruffKey?.p95), '']);
    rows.push(['keystroke → diagnostics, median', ms(k.edits.firstPass.median), `ruff ${ms(ruffKey?.median)}`, ratio(k.edits.firstPass.median, ruffKey?.median), verdict(k.edits.firstPass.median < 10)]);
    rows.push(['open → first diagnostics, median', ms(k.open.median), 'budget 150 ms', ratio(k.open.median, 150), verdict(k.open.median < 150)]);
  }
  if (s) {
    const what = s.subset ? 'part of the stdlib' : 'whole stdlib';
    rows.push([`check --no-bandit, ${what} (${s.files} files, best of ${s.runs ?? 1})`, sec(s.check.ms), `ruff-wasm ${sec(s.ruff.ms)}`, ratio(s.check.ms, s.ruff.ms), verdict(s.check.ms <= s.ruff.ms)]);
    if (s.checkNoFlow) rows.push([`  flow layer on vs off (PYSEC_BENCH_FLOW=off), target ≤ 1.25×`, sec(s.check.ms), `off ${sec(s.checkNoFlow.ms)}`, ratio(s.check.ms, s.checkNoFlow.ms), verdict(s.check.ms <= 1.25 * s.checkNoFlow.ms)]);
    rows.push([`  in one warm thread, no process start`, sec(s.serial.ms), `ruff-wasm ${sec(s.ruff.ms)}`, ratio(s.serial.ms, s.ruff.ms), '']);
    if (s.cacheWarm) {
      rows.push([`  result cache cold (fresh --cache-dir) vs --no-cache: no slower`, sec(s.cacheCold.ms), `no-cache ${sec(s.check.ms)}`, ratio(s.cacheCold.ms, s.check.ms), verdict(s.cacheCold.ms <= 1.05 * s.check.ms)]);
      rows.push([`  result cache warm (nothing changed), target ≤ 0.5× ruff cold`, sec(s.cacheWarm.ms), `ruff-wasm ${sec(s.ruff.ms)}`, ratio(s.cacheWarm.ms, s.ruff.ms), verdict(s.cacheWarm.ms <= 0.5 * s.ruff.ms)]);
    }
    if (s.cacheBandit) rows.push([`check with bandit, warm cache (${s.cacheBandit.what}, ${s.cacheBandit.files} files)`, sec(s.cacheBandit.warmMs), 'budget 1 s', ratio(s.cacheBandit.warmMs, 1000), verdict(s.cacheBandit.warmMs <= 1000)]);
    for (const b of s.bandit ?? []) {
      rows.push([`  vs ${b.name} -r (${b.files} files${b.files === s.files ? '' : ', a subset'})`, sec(b.pysecMs), `${b.timedOut ? '> ' : ''}${sec(b.ms)}`, ratio(b.pysecMs, b.ms), '']);
    }
  }
  if (m) {
    const worst = Math.max(m.openKb ?? 0, m.gcKb ?? 0);
    rows.push([`server VmRSS, ${m.docs} open ${m.lines}-line documents`, MB(worst), 'budget 400 MB', ratio(worst / 1024, 400), verdict(worst / 1024 <= 400)]);
  }
  if (b) {
    rows.push([`requests during a burst of ${b.files} opens (bandit busy), p99`, ms(b.p99), 'budget 50 ms', ratio(b.p99, 50), verdict(b.p99 <= 50)]);
    rows.push([`  p50 (${b.requests} hovers and code actions)`, ms(b.p50), 'budget 50 ms', ratio(b.p50, 50), '']);
  }
  if (st) {
    const s = (v) => sec(v?.median);
    rows.push([`pysec-lsp --version, median of ${st.runs} (load ${st.load.before.toFixed(1)}→${st.load.after.toFixed(1)})`, s(st.version), 'budget 0.15 s', ratio(st.version?.median, 150), verdict(st.version?.median <= 150)]);
    rows.push(['  beside a bare `node -e \'\'`', s(st.version), `node ${s(st.node)}`, ratio(st.version?.median, st.node?.median), '']);
    rows.push([`check --no-bandit --no-cache, one ${st.lines}-line file, median`, s(st.check), `bandit 1.6.2 ${s(st.bandit16)}`, ratio(st.check?.median, st.bandit16?.median), verdict(st.check?.median <= 0.8 * st.bandit16?.median)]);
    rows.push(['  the same vs bandit 1.9.x', s(st.check), `bandit 1.9 ${s(st.bandit19)}`, ratio(st.check?.median, st.bandit19?.median), '']);
    if (st.warm) rows.push(['  the same with the result cache warm, target ≤ 0.5× bandit 1.6.2', s(st.warm), `bandit 1.6.2 ${s(st.bandit16)}`, ratio(st.warm?.median, st.bandit16?.median), verdict(st.warm?.median <= 0.5 * st.bandit16?.median)]);
    rows.push([`server spawn → first diagnostics (${st.lines}-line file), median`, ms(st.first?.median), 'budget 300 ms', ratio(st.first?.median, 300), verdict(st.first?.median <= 300)]);
    if (st.folderFirst) rows.push([`  same, in a workspace folder (${st.projectFiles} files), median`, ms(st.folderFirst.median), 'budget 300 ms', ratio(st.folderFirst.median, 300), verdict(st.folderFirst.median <= 300)]);
    rows.push(['  spawn → initialize answered', ms(st.initialize?.median), 'budget 300 ms', ratio(st.initialize?.median, 300), '']);
  }
  if (a) {
    rows.push([`advisory database: load and index ${a.advisories} advisories (zip), best of runs`, ms(a.zip.ms), 'budget 1000 ms', ratio(a.zip.ms, 1000), verdict(a.zip.ms < 1000)]);
    rows.push([`  the same, CPU time (fairer on a shared machine)`, ms(a.zip.cpuMs), 'budget 1000 ms', ratio(a.zip.cpuMs, 1000), '']);
    rows.push([`  from a folder of ${a.advisories} JSON files`, ms(a.folder.ms), 'budget 1000 ms', ratio(a.folder.ms, 1000), '']);
    rows.push([`audit of a ${a.audit.lines}-line poetry.lock (${a.audit.findings} findings), p95`, ms(a.audit.p95), 'budget 50 ms', ratio(a.audit.p95, 50), verdict(a.audit.p95 < 50)]);
    rows.push([`  median (mean CPU ${ms(a.audit.cpuMs)})`, ms(a.audit.median), 'budget 50 ms', ratio(a.audit.median, 50), '']);
  }
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i].length), ['measure', 'pysec', 'anchor', 'ratio', 'target'][i].length));
  const line = (r) => r.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
  console.log(`\n=== summary${QUICK ? ' (BENCH_QUICK=1: a smoke run, not the issue\'s measure)' : ''}`);
  console.log(line(['measure', 'pysec', 'anchor', 'ratio', 'target']));
  for (const r of rows) console.log(line(r));
  if (failed.length) {
    console.error(`\nnot measured: ${failed.join(', ')}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
