// Part of `npm run bench`: request latency while a burst of opens keeps
// bandit busy (a session restore). Opens --files documents at once in the
// built server with the real bandit (sid's 1.9.4 when unpacked, else
// /usr/bin/bandit), then, until every document has bandit's findings, sends
// a hover and a code action in turn every 20 ms and times each answer.
// Budget (DESIGN.md "Performance budget"): p99 ≤ 50 ms.
//
//   node test/bench/burst.mjs [--files N] [--json PATH]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, startServer } from './lsp-client.mjs';
import { benchArgs } from './args.mjs';

const BUDGET_MS = 50;

function parseArgs(argv) {
  const opts = { files: 100, json: join(ROOT, '.bench', 'burst.json') };
  return benchArgs(argv, opts, { '--files': (v) => (opts.files = Number(v)) });
}

/** The bandit the tests use: sid's 1.9.4 on bookworm's python3 when unpacked, else Debian's 1.6.2. */
function banditCommand() {
  const site = join(process.env.PYSEC_BANDIT_SID_DIR ?? '/opt/pysec-bandit-sid', 'usr/lib/python3/dist-packages');
  if (existsSync(join(site, 'bandit/__init__.py'))) return { name: 'bandit 1.9.4 (sid)', command: ['/usr/bin/env', `PYTHONPATH=${site}`, '/usr/bin/python3', '-m', 'bandit'] };
  if (existsSync('/usr/bin/bandit')) return { name: '/usr/bin/bandit', command: ['/usr/bin/bandit'] };
  throw new Error('no bandit to run (neither the sid bandit nor /usr/bin/bandit)');
}

/** A small module with a few findings on known lines; `i` makes each one different. */
function moduleText(i) {
  return [
    'import pickle',
    'import subprocess',
    '',
    '',
    `def load_${i}(blob, cmd):`,
    '    value = pickle.loads(blob)',
    '    subprocess.call(cmd, shell=True)',
    '    return eval(value)',
    '',
    '',
    `class Handler${i}:`,
    '    def run(self, query, cursor):',
    `        cursor.execute("SELECT * FROM t%d WHERE id = %s" % (${i}, query))`,
    '        return cursor.fetchall()',
    '',
  ].join('\n');
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const bandit = banditCommand();
  const dir = mkdtempSync(join(tmpdir(), 'pysec-bench-burst-'));
  const uris = [];
  for (let i = 0; i < opts.files; i++) {
    const f = join(dir, `m${String(i).padStart(3, '0')}.py`);
    writeFileSync(f, moduleText(i));
    uris.push(pathToFileURL(f).href);
  }
  console.log(`pysec-lsp bench: requests during a burst of ${opts.files} opens with ${bandit.name}, ${availableParallelism()} cores, node ${process.version}`);
  const server = await startServer({
    rootUri: pathToFileURL(dir).href,
    initializationOptions: { bandit: { command: bandit.command, idleDelayMs: 3_600_000, timeoutSeconds: 120 } },
  });
  const results = { files: opts.files, bandit: bandit.name, cores: availableParallelism() };
  const banditDone = () => uris.every((u) => server.latest.get(u)?.diagnostics.some((d) => d.data?.engine === 'bandit'));
  const latencies = [];
  try {
    const t0 = performance.now();
    // All at once, as an editor restoring a session sends them.
    for (let i = 0; i < uris.length; i++) void server.open(uris[i], moduleText(i), 1);
    for (let i = 0; !banditDone(); i++) {
      if (performance.now() - t0 > 900_000) throw new Error('bandit findings did not arrive for every file within 900 s');
      const uri = uris[(i * 37) % uris.length];
      const start = performance.now();
      if (i % 2 === 0) {
        await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 7, character: 12 } });
      } else {
        const range = { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } };
        await server.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
      }
      latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 20));
    }
    results.banditMs = performance.now() - t0;
    const status = await server.connection.sendRequest('pysec/status');
    results.peakProcesses = status.banditPool?.peak;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  Object.assign(results, { requests: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] });
  results.pass = results.p99 <= BUDGET_MS;
  console.log('');
  console.log(`${results.requests} hovers and code actions while bandit ran: p50 ${results.p50.toFixed(1)} ms   p99 ${results.p99.toFixed(1)} ms   max ${results.max.toFixed(1)} ms`);
  console.log(`  every file had bandit's findings after ${(results.banditMs / 1000).toFixed(1)} s; at most ${results.peakProcesses} bandit processes at once`);
  console.log(`  p99 vs the ${BUDGET_MS} ms budget: ${(results.p99 / BUDGET_MS).toFixed(2)}×   ${results.pass ? 'PASS' : 'OVER'}`);
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
