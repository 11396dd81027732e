/**
 * Random edits over real files through the wire: standard-library files
 * (/usr/lib/python3.11) opened over LSP, edited by random didChange
 * sequences in each position encoding; the diagnostics published for the
 * final version must equal those of the same text freshly opened.
 * (test/lsp/random-edits.test.ts does the same on the rule fixtures and
 * snippets; test/unit/stdlib-edits.test.ts runs many more in-process.)
 * A failure prints its seed; rerun with PYSEC_FUZZ_SEED=<base seed>.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSeed, int, mulberry32, pick, randomBatch, type Enc } from '../support/random.js';
import { diagnosticKey, docUri, LspClient } from './client.js';

const STDLIB = '/usr/lib/python3.11';
const FILES = ['subprocess.py', 'tempfile.py', 'pickle.py', 'shutil.py', 'smtplib.py', 'ftplib.py', 'http/server.py', 'tarfile.py'];
const SEQUENCES = Number(process.env.PYSEC_LSP_STDLIB_SEQUENCES ?? 9);
const ENCODINGS: Enc[] = ['utf-16', 'utf-8', 'utf-32'];

const clients = new Map<Enc, LspClient>();
let sources: { name: string; text: string }[];

beforeAll(async () => {
  sources = FILES.filter((f) => existsSync(`${STDLIB}/${f}`)).map((f) => ({ name: f, text: readFileSync(`${STDLIB}/${f}`, 'utf8') }));
  for (const enc of ENCODINGS) clients.set(enc, await LspClient.start({ positionEncodings: [enc] }));
});

afterAll(async () => {
  for (const c of clients.values()) expect(await c.shutdown()).toBe(0);
});

describe('random edits over the standard library, over LSP', () => {
  it(`${SEQUENCES} sequences: published diagnostics equal a fresh open of the same text`, async () => {
    expect(sources.length).toBeGreaterThanOrEqual(6);
    const start = (baseSeed() + 3_000_000) >>> 0;
    const failures: string[] = [];
    let nonEmpty = 0;
    for (let i = 0; i < SEQUENCES; i++) {
      const seed = (start + i) >>> 0;
      const rng = mulberry32(seed);
      const base = sources[i % sources.length];
      const enc = ENCODINGS[i % ENCODINGS.length];
      const client = clients.get(enc)!;
      const uri = docUri(`stdlib-${seed}.py`);
      const freshUri = docUri(`stdlib-${seed}-fresh.py`);
      let text = base.text;
      let version = 1;
      await client.open(uri, text, version);
      const n = 10 + int(rng, 30);
      for (let s = 0; s < n; s++) {
        const batch = randomBatch(rng, text, enc, 0.3);
        text = batch.text;
        await client.change(uri, ++version, batch.changes);
      }
      const edited = await client.waitForDiagnostics(uri, { version, timeoutMs: 120_000 });
      await client.open(freshUri, text, 1);
      const fresh = await client.waitForDiagnostics(freshUri, { version: 1, timeoutMs: 120_000 });
      const a = edited.diagnostics.map(diagnosticKey).sort();
      const b = fresh.diagnostics.map(diagnosticKey).sort();
      if (a.length) nonEmpty++;
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        const only = (x: string[], y: string[]) => x.filter((k) => !y.includes(k)).join('\n      ');
        failures.push(`seed ${seed} (base seed ${baseSeed()}) on ${base.name} in ${enc}:\n  only edited:\n      ${only(a, b)}\n  only fresh:\n      ${only(b, a)}`);
      }
      await client.close(uri);
      await client.close(freshUri);
    }
    if (failures.length) expect.fail(`${failures.length}/${SEQUENCES} sequences differ\n${failures.join('\n')}`);
    expect(nonEmpty).toBeGreaterThan(SEQUENCES / 2);
    for (const c of clients.values()) expect(c.alive).toBe(true);
  }, 300_000);
});
