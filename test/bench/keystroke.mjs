// `npm run bench`: the performance budget of DESIGN.md, measured over LSP.
//
// Opens the Python standard library's _pydecimal.py in the built server
// (dist/cli.js --stdio) and measures
//   - open to first diagnostics (fresh URIs, each closed again);
//   - a single-character edit to the diagnostics of that version (a character
//     inserted, then deleted again, at places spread over the whole file);
//   - the server's resident memory after the first 100 edits and after 5,000;
//   - ruff's wasm build (@astral-sh/ruff-wasm-nodejs, the S rules) linting the
//     same text after the same kind of edit: ruff has no incremental mode, so
//     a keystroke costs it a lint of the whole file;
//   - the same edits (the first pass) in a second server started with the flow
//     layer off (PYSEC_BENCH_FLOW=off, a switch for the bench only,
//     flow-switch.ts: no flow analysis for the rules nor the grading),
//     warmed up by the same opens, for the flow layer's share of a keystroke
//     in the same run (issue 14).
// A benchmark, not a test: it prints PASS/OVER against the core issue's targets
// and exits 0 either way (non-zero only when it could not measure at all).
//
//   node --expose-gc test/bench/keystroke.mjs [--file PATH] [--opens N] [--places N] [--edits N] [--json PATH]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GC_PRELOAD, ROOT, startServer, stats } from './lsp-client.mjs';
import { ruffLinter } from './ruff.mjs';
import { stdlibDir } from './stdlib-dir.mjs';
import { benchArgs } from './args.mjs';

// DESIGN.md's anchors ("Performance budget") and the core issue's targets.
const ANCHORS = {
  keystrokeBudget: 10, // ms, one keystroke to published diagnostics
  keystrokeP95: 5, // ms, issue #9: the 95th percentile of a keystroke to published diagnostics
  reparse: 2, // ms, an incremental reparse alone
  wholeQuery: 12, // ms, the rule queries over the whole file
  ruff: 35, // ms, ruff's wasm build linting the file
  bandit: 560, // ms, bandit on the file
  openBudget: 150, // ms, open to first diagnostics
  memoryGrowth: 0.1, // after 5,000 edits within 10% of after 100
};

function parseArgs(argv) {
  const opts = { file: undefined, opens: 20, places: 250, edits: 5000, ruffEdits: 100, json: join(ROOT, '.bench', 'keystroke.json') };
  benchArgs(argv, opts, {
    '--file': (v) => (opts.file = v),
    '--opens': (v) => (opts.opens = Number(v)),
    '--places': (v) => (opts.places = Number(v)),
    '--edits': (v) => (opts.edits = Number(v)),
    '--ruff-edits': (v) => (opts.ruffEdits = Number(v)),
  });
  if (opts.edits < 100) throw new Error('--edits must be at least 100');
  return opts;
}


const ms = (v) => `${v.toFixed(2)} ms`;
const x = (v, anchor) => `${(v / anchor).toPrecision(2)}×`;
const verdict = (ok) => (ok ? 'PASS' : 'OVER');

/**
 * Places spread evenly over the file: the middle of a non-blank line, so that
 * a character goes into code, comments and strings alike.
 */
function spreadPlaces(lines, count) {
  const places = [];
  const used = new Set();
  for (let k = 0; k < count; k++) {
    let line = Math.floor(((k + 0.5) * lines.length) / count);
    while (line < lines.length - 1 && (lines[line].trim() === '' || used.has(line))) line++;
    if (used.has(line)) continue;
    used.add(line);
    places.push({ line, character: Math.floor(lines[line].length / 2) });
  }
  return places;
}

/**
 * The first pass's edits (insert then delete at each place) replayed on a
 * tree in this process: each reparse's time. The parser reads the text as
 * the server's does (256 code units a read, documents/document.ts); the
 * edited string is flattened before the clock starts (its first read would
 * copy the whole text into a new string: the server keeps its text in
 * pieces and does not pay that, documents/text.ts).
 */
function reparseTimes(text0, lines, places) {
  const lineStart = [];
  let o = 0;
  for (const l of lines) {
    lineStart.push(o);
    o += l.length + 1;
  }
  let text = text0;
  let tree = engine.parser.parse(text);
  const times = [];
  for (let j = 0; j < 2 * places.length; j++) {
    const { line, character } = places[Math.floor(j / 2)];
    const insert = j % 2 === 0;
    const at = lineStart[line] + character;
    tree.edit({
      startIndex: at,
      oldEndIndex: insert ? at : at + 1,
      newEndIndex: insert ? at + 1 : at,
      startPosition: { row: line, column: character },
      oldEndPosition: { row: line, column: character + (insert ? 0 : 1) },
      newEndPosition: { row: line, column: character + (insert ? 1 : 0) },
    });
    text = insert ? text.slice(0, at) + 'x' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
    text.charCodeAt(0);
    const source = text;
    const t0 = performance.now();
    const next = engine.parser.parse((index) => source.slice(index, index + 256), tree);
    times.push(performance.now() - t0);
    tree.delete();
    tree = next;
  }
  tree.delete();
  return times;
}

let engine;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { Engine } = await import(pathToFileURL(join(ROOT, 'dist', 'engine', 'engine.js')).href);
  engine = await Engine.load();
  const file = opts.file ?? join(stdlibDir(), '_pydecimal.py');
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/\r\n|\r|\n/);
  console.log(`pysec-lsp bench: ${file} (${lines.length} lines, ${(Buffer.byteLength(text) / 1024).toFixed(0)} kB), node ${process.version}`);

  const server = await startServer({ nodeArgs: GC_PRELOAD });
  const results = { file, lines: lines.length, node: process.version };
  try {
    // --- open to first diagnostics -----------------------------------------
    const openTimes = [];
    let diagnosticsCount;
    let byCode;
    for (let i = 0; i < opts.opens; i++) {
      const uri = pathToFileURL(join(dirname(file), `pysec-bench-open-${i}`, '_pydecimal.py')).href;
      const published = server.waitForDiagnostics(uri, 1);
      const t0 = performance.now();
      await server.open(uri, text, 1);
      const { at, params } = await published;
      openTimes.push(at - t0);
      if (diagnosticsCount === undefined) {
        diagnosticsCount = params.diagnostics.length;
        byCode = {};
        for (const d of params.diagnostics) byCode[d.code] = (byCode[d.code] ?? 0) + 1;
      }
      const cleared = server.waitForDiagnostics(uri, undefined);
      await server.close(uri);
      await cleared;
    }
    const open = stats(openTimes);
    results.open = { ...open, first: openTimes[0] };
    results.diagnostics = { count: diagnosticsCount, byCode };

    // --- single-character edits --------------------------------------------
    const uri = pathToFileURL(file).href;
    let version = 1;
    const opened = server.waitForDiagnostics(uri, version);
    await server.open(uri, text, version);
    await opened;

    const places = spreadPlaces(lines, opts.places);
    const editTimes = [];
    const editWhere = [];
    const rssTrail = [];
    const trailAt = new Set([100, 500, 1000, 2000, 3000, 4000, 5000, opts.edits]);
    let rssAfter100;
    let gcRssAfter100;
    for (let j = 0; j < opts.edits; j++) {
      const place = places[Math.floor(j / 2) % places.length];
      const insert = j % 2 === 0;
      const change = insert
        ? { range: { start: place, end: place }, rangeLength: 0, text: 'x' }
        : { range: { start: place, end: { line: place.line, character: place.character + 1 } }, rangeLength: 1, text: '' };
      version++;
      const published = server.waitForDiagnostics(uri, version);
      const t0 = performance.now();
      await server.change(uri, version, [change]);
      const { at } = await published;
      editTimes.push(at - t0);
      editWhere.push({ line: place.line + 1, character: place.character + 1, insert });
      if (trailAt.has(j + 1)) rssTrail.push([j + 1, server.rssKb()]);
      if (j + 1 === 100) {
        rssAfter100 = server.rssKb();
        gcRssAfter100 = await server.rssAfterGcKb();
      }
    }
    const rssAfterAll = server.rssKb();
    const gcRssAfterAll = await server.rssAfterGcKb();
    // The timed edits: every place once, insert and delete (the first pass over the file).
    const firstPass = stats(editTimes.slice(0, Math.min(editTimes.length, 2 * places.length)));
    const all = stats(editTimes);
    results.edits = { places: places.length, firstPass, all };
    results.memory = { afterFirst100Kb: rssAfter100, afterAllKb: rssAfterAll, edits: opts.edits, trailKb: rssTrail, afterGc: { afterFirst100Kb: gcRssAfter100, afterAllKb: gcRssAfterAll } };
    const slowest = editTimes
      .map((t, i) => ({ t, ...editWhere[i] }))
      .slice(0, 2 * places.length)
      .sort((a, b) => b.t - a.t)
      .slice(0, 5);
    results.edits.slowest = slowest;

    // --- tree-sitter's incremental reparse alone, for the same edits ----------
    // The floor under a keystroke: no rule can run before the tree is there.
    const reparse = stats(reparseTimes(text, lines, places));
    results.reparse = reparse;

    // --- ruff's wasm build on the same text and the same kind of edits -------
    const ruff = await ruffLinter();
    for (let k = 0; k < 3; k++) ruff.check(text); // warm up (the first call compiles)
    const ruffTimes = [];
    let ruffCount;
    for (let j = 0; j < opts.ruffEdits; j++) {
      const place = places[Math.floor((j * places.length) / opts.ruffEdits)];
      const edited = lines.map((l, i) => (i === place.line ? l.slice(0, place.character) + 'x' + l.slice(place.character) : l)).join('\n');
      const t0 = performance.now();
      const diags = ruff.check(edited);
      ruffTimes.push(performance.now() - t0);
      ruffCount ??= ruff.check(text).length;
    }
    const ruffKeystroke = stats(ruffTimes);
    results.ruff = { version: ruff.version, keystroke: ruffKeystroke, diagnostics: ruffCount };

    // --- the same first pass with the flow layer off ---------------------------
    const noFlow = stats(await firstPassWithoutFlow(file, text, places, opts.opens));
    results.noFlow = { firstPass: noFlow };

    // --- report ------------------------------------------------------------
    console.log('');
    console.log(`diagnostics on the file: ${diagnosticsCount}${byCode && Object.keys(byCode).length ? ` (${Object.entries(byCode).sort().map(([k, v]) => `${k}×${v}`).join(', ')})` : ''}`);
    console.log('');
    console.log(`open → first diagnostics (${open.n} opens of fresh URIs, each closed again; the first, cold: ${ms(openTimes[0])})`);
    console.log(`  median ${ms(open.median)}   p95 ${ms(open.p95)}   min ${ms(open.min)}   max ${ms(open.max)}`);
    console.log(`  median vs open budget ${ANCHORS.openBudget} ms: ${x(open.median, ANCHORS.openBudget)}   vs ruff wasm ~${ANCHORS.ruff} ms: ${x(open.median, ANCHORS.ruff)}   vs bandit ~${ANCHORS.bandit} ms: ${x(open.median, ANCHORS.bandit)}`);
    console.log('');
    console.log(`one-character edit → diagnostics of that version (${firstPass.n} edits: a character inserted then deleted at ${places.length} places spread over the file)`);
    console.log(`  median ${ms(firstPass.median)}   p95 ${ms(firstPass.p95)}   min ${ms(firstPass.min)}   max ${ms(firstPass.max)}`);
    console.log(
      `  median vs keystroke budget ${ANCHORS.keystrokeBudget} ms: ${x(firstPass.median, ANCHORS.keystrokeBudget)}   vs incremental reparse alone ~${ANCHORS.reparse} ms: ${x(firstPass.median, ANCHORS.reparse)}   vs whole-file query ~${ANCHORS.wholeQuery} ms: ${x(firstPass.median, ANCHORS.wholeQuery)}   vs ruff wasm ~${ANCHORS.ruff} ms: ${x(firstPass.median, ANCHORS.ruff)}   vs bandit ~${ANCHORS.bandit} ms: ${x(firstPass.median, ANCHORS.bandit)}`,
    );
    console.log(`  over all ${all.n} edits: median ${ms(all.median)}   p95 ${ms(all.p95)}   max ${ms(all.max)}`);
    console.log(`  tree-sitter's incremental reparse alone for the same edits, in this process: median ${ms(reparse.median)}   p95 ${ms(reparse.p95)}   max ${ms(reparse.max)}   (the floor under a keystroke)`);
    console.log(`  ruff ${ruff.version} (wasm, S rules, ${ruffCount} diagnostics on the file) linting the text after such an edit, in this process (${ruffKeystroke.n} edits): median ${ms(ruffKeystroke.median)}   p95 ${ms(ruffKeystroke.p95)}`);
    console.log(`  pysec vs ruff: median ${x(firstPass.median, ruffKeystroke.median)}   p95 ${x(firstPass.p95, ruffKeystroke.p95)}   (pysec's figure includes the LSP round trip; ruff's is the lint alone)`);
    console.log(`  the same edits with the flow layer off (PYSEC_BENCH_FLOW=off, a second server): median ${ms(noFlow.median)}   p95 ${ms(noFlow.p95)}   (flow on vs off: p95 ${x(firstPass.p95, noFlow.p95)}, median ${x(firstPass.median, noFlow.median)})`);
    console.log(`  slowest: ${slowest.map((s) => `${ms(s.t)} (${s.insert ? 'insert' : 'delete'} at ${s.line}:${s.character})`).join(', ')}`);
    console.log('');
    const growth = rssAfter100 && rssAfterAll ? rssAfterAll / rssAfter100 : undefined;
    const gcGrowth = gcRssAfter100 && gcRssAfterAll ? gcRssAfterAll / gcRssAfter100 : undefined;
    const mb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MB`);
    console.log(`server memory (VmRSS of pid ${server.pid})`);
    console.log(`  after the first 100 edits ${mb(rssAfter100)}   after ${opts.edits} edits ${mb(rssAfterAll)}   ratio ${growth === undefined ? 'n/a' : `${growth.toFixed(3)}×`} (budget ≤ ${(1 + ANCHORS.memoryGrowth).toFixed(2)}×)`);
    console.log(`  along the way: ${rssTrail.map(([n, kb]) => `${n}: ${mb(kb)}`).join('   ')}`);
    console.log(`  after a full GC in the server: after 100 edits ${mb(gcRssAfter100)}   after ${opts.edits} edits ${mb(gcRssAfterAll)}   ratio ${gcGrowth === undefined ? 'n/a' : `${gcGrowth.toFixed(3)}×`}`);
    console.log('  (raw VmRSS moves with V8 collecting garbage whenever it likes; the figure after a full GC is what the server keeps)');
    console.log('');

    const checks = [
      [`median keystroke ${ms(firstPass.median)} < ${ANCHORS.keystrokeBudget} ms`, firstPass.median < ANCHORS.keystrokeBudget],
      [`p95 keystroke ${ms(firstPass.p95)} ≤ ${ANCHORS.keystrokeP95} ms`, firstPass.p95 <= ANCHORS.keystrokeP95],
      [`p95 keystroke with the flow layer ${ms(firstPass.p95)} ≤ ${ANCHORS.keystrokeBudget} ms (issue 14; ${ms(noFlow.p95)} with it off)`, firstPass.p95 <= ANCHORS.keystrokeBudget],
      [`median open ${ms(open.median)} < ${ANCHORS.openBudget} ms`, open.median < ANCHORS.openBudget],
      [
        `memory growth ${growth === undefined ? 'n/a' : `${((growth - 1) * 100).toFixed(1)}%`} ≤ ${ANCHORS.memoryGrowth * 100}% (after ${opts.edits} edits vs after 100)`,
        growth !== undefined && growth <= 1 + ANCHORS.memoryGrowth,
      ],
      [
        `memory growth after a full GC ${gcGrowth === undefined ? 'n/a' : `${((gcGrowth - 1) * 100).toFixed(1)}%`} ≤ ${ANCHORS.memoryGrowth * 100}%`,
        gcGrowth !== undefined && gcGrowth <= 1 + ANCHORS.memoryGrowth,
      ],
    ];
    if (opts.edits < 5000) for (const c of checks.slice(4)) c[0] += ` — only ${opts.edits} edits: not the issue's measure`;
    console.log('targets (core issue):');
    for (const [what, ok] of checks) console.log(`  ${verdict(ok)}  ${what}`);
    results.targets = Object.fromEntries(checks.map(([what, ok]) => [what, ok]));

    if (opts.json) {
      mkdirSync(dirname(opts.json), { recursive: true });
      writeFileSync(opts.json, JSON.stringify(results, null, 2) + '\n');
      console.log(`\n(figures also written to ${opts.json})`);
    }
  } finally {
    await server.stop();
  }
}

/**
 * The first pass of edits (each place, insert then delete) in a fresh server
 * with the flow layer off: the keystroke times. The server first opens and
 * closes the file as often as the first one did (its JIT as warm).
 */
async function firstPassWithoutFlow(file, text, places, opens) {
  const server = await startServer({ nodeArgs: GC_PRELOAD, env: { ...process.env, PYSEC_BENCH_FLOW: 'off' } });
  try {
    for (let i = 0; i < opens; i++) {
      const uri = pathToFileURL(join(dirname(file), `pysec-bench-open-${i}`, '_pydecimal.py')).href;
      const published = server.waitForDiagnostics(uri, 1);
      await server.open(uri, text, 1);
      await published;
      const cleared = server.waitForDiagnostics(uri, undefined);
      await server.close(uri);
      await cleared;
    }
    const uri = pathToFileURL(file).href;
    let version = 1;
    const opened = server.waitForDiagnostics(uri, version);
    await server.open(uri, text, version);
    await opened;
    const times = [];
    for (let j = 0; j < 2 * places.length; j++) {
      const place = places[Math.floor(j / 2)];
      const change = j % 2 === 0 ? { range: { start: place, end: place }, rangeLength: 0, text: 'x' } : { range: { start: place, end: { line: place.line, character: place.character + 1 } }, rangeLength: 1, text: '' };
      version++;
      const published = server.waitForDiagnostics(uri, version);
      const t0 = performance.now();
      await server.change(uri, version, [change]);
      const { at } = await published;
      times.push(at - t0);
    }
    return times;
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench: could not measure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
