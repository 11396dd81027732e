// Part of `npm run bench`: the server's resident memory with many large
// documents open. Opens --docs documents of --lines lines each (the standard
// library's largest files, each cut or continued with the next to that many
// lines, so that every document is different real code) in the built server
// over LSP, waits for each one's diagnostics, and reads the server's VmRSS
// (/proc/<pid>/status) before, after the opens, and after a full GC.
//
//   node test/bench/memory.mjs [--docs N] [--lines N] [--json PATH]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GC_PRELOAD, ROOT, startServer } from './lsp-client.mjs';
import { stdlibDir } from './stdlib-dir.mjs';
import { benchArgs } from './args.mjs';

const BUDGET_MB = 400;

function parseArgs(argv) {
  const opts = { docs: 50, lines: 5000, json: join(ROOT, '.bench', 'memory.json') };
  return benchArgs(argv, opts, {
    '--docs': (v) => (opts.docs = Number(v)),
    '--lines': (v) => (opts.lines = Number(v)),
  });
}


/** `count` texts of `lines` lines each, from the library's largest files, in a fixed order. */
async function documents(stdlib, count, lines) {
  const { pythonFiles } = await import(join(ROOT, 'dist/files/walk.js'));
  const sources = pythonFiles([stdlib])
    .files.map((f) => ({ f, text: readFileSync(f, 'utf8') }))
    .filter(({ f }) => !f.includes('/pydoc_data/'))
    .sort((a, b) => b.text.length - a.text.length || (a.f < b.f ? -1 : 1));
  const pool = sources.flatMap(({ text }) => text.split('\n'));
  const docs = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + lines > pool.length) at = 0;
    docs.push(pool.slice(at, at + lines).join('\n') + '\n');
    at += lines;
  }
  return docs;
}

const mb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MB`);

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const stdlib = stdlibDir();
  const docs = await documents(stdlib, opts.docs, opts.lines);
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
  console.log(`pysec-lsp bench: ${opts.docs} open documents of ${opts.lines} lines (${(bytes / 1e6).toFixed(1)} MB of the standard library's code), node ${process.version}`);
  const server = await startServer({ nodeArgs: GC_PRELOAD });
  const results = { docs: opts.docs, lines: opts.lines, bytes };
  try {
    results.idleKb = server.rssKb();
    const t0 = performance.now();
    let diagnostics = 0;
    for (let i = 0; i < docs.length; i++) {
      const uri = pathToFileURL(join(stdlib, `pysec-bench-memory`, `doc${String(i).padStart(2, '0')}.py`)).href;
      const published = server.waitForDiagnostics(uri, 1, 120_000);
      await server.open(uri, docs[i], 1);
      diagnostics += (await published).params.diagnostics.length;
    }
    results.openMs = performance.now() - t0;
    results.diagnostics = diagnostics;
    results.openKb = server.rssKb();
    results.gcKb = await server.rssAfterGcKb();
  } finally {
    await server.stop();
  }
  const worst = Math.max(results.openKb ?? 0, results.gcKb ?? 0);
  results.pass = worst > 0 && worst / 1024 <= BUDGET_MB;
  console.log('');
  console.log(`server VmRSS: idle ${mb(results.idleKb)}   with the ${opts.docs} documents open ${mb(results.openKb)}   after a full GC ${mb(results.gcKb)}`);
  console.log(`  (${results.diagnostics} diagnostics; the opens took ${(results.openMs / 1000).toFixed(1)} s, ${(results.openMs / opts.docs).toFixed(0)} ms each)`);
  console.log(`  vs the ${BUDGET_MB} MB budget: ${(worst / 1024 / BUDGET_MB).toFixed(2)}×   ${results.pass ? 'PASS' : 'OVER'}`);
  if (opts.json) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, JSON.stringify(results, null, 2) + '\n');
    console.log(`\n(figures also written to ${opts.json})`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench: could not measure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
