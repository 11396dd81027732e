/**
 * Incremental equals from scratch, over real LSP: random edit sequences sent
 * as didChange notifications (one change or several per notification, in
 * the negotiated position encoding); the diagnostics published for the
 * final version must equal those of a document freshly opened with the
 * same text. Fewer sequences than the in-process test: this one is about
 * the wire (positions, encodings, batching, versions).
 *
 * A failure prints the base seed, the sequence's seed and its edits; rerun
 * with PYSEC_FUZZ_SEED=<base seed>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSeed, bases, int, mulberry32, pick, randomBatch, type Base, type Enc, type OffsetEdit } from '../support/random.js';
import { diagnosticKey, docUri, LspClient } from './client.js';

const SEQUENCES = Number(process.env.PYSEC_LSP_FUZZ_SEQUENCES ?? 24);
const ENCODINGS: Enc[] = ['utf-16', 'utf-8', 'utf-32'];

const clients = new Map<Enc, LspClient>();
let all: Base[];

beforeAll(async () => {
  all = bases();
  for (const enc of ENCODINGS) clients.set(enc, await LspClient.start({ positionEncodings: [enc] }));
});

afterAll(async () => {
  for (const c of clients.values()) expect(await c.shutdown()).toBe(0);
});

describe('random edits over LSP', () => {
  it('each client got the encoding it asked for', () => {
    for (const [enc, c] of clients) expect(c.initializeResult.capabilities.positionEncoding).toBe(enc);
  });

  it(`${SEQUENCES} sequences: published diagnostics equal a fresh open of the same text`, async () => {
    const start = (baseSeed() + 1_000_000) >>> 0;
    const failures: string[] = [];
    let nonEmpty = 0;
    for (let i = 0; i < SEQUENCES; i++) {
      const seed = (start + i) >>> 0;
      const rng = mulberry32(seed);
      const base = pick(rng, all);
      const enc = ENCODINGS[i % ENCODINGS.length];
      const client = clients.get(enc)!;
      const uri = docUri(`fuzz-${seed}.py`);
      const freshUri = docUri(`fuzz-${seed}-fresh.py`);

      let text = base.text;
      let version = 1;
      await client.open(uri, text, version);
      const steps: OffsetEdit[][] = [];
      const n = 3 + int(rng, 8);
      for (let s = 0; s < n; s++) {
        const batch = randomBatch(rng, text, enc, 0.3);
        const { edits, changes } = batch;
        text = batch.text;
        steps.push(edits);
        await client.change(uri, ++version, changes);
      }
      const edited = await client.waitForDiagnostics(uri, { version });
      await client.open(freshUri, text, 1);
      const fresh = await client.waitForDiagnostics(freshUri, { version: 1 });
      const a = edited.diagnostics.map(diagnosticKey).sort();
      const b = fresh.diagnostics.map(diagnosticKey).sort();
      if (a.length) nonEmpty++;
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        failures.push(
          [
            `sequence seed ${seed} (base seed ${baseSeed()}, PYSEC_FUZZ_SEED), base "${base.name}", encoding ${enc}`,
            `  steps (UTF-16 offsets into the text before each edit):`,
            ...steps.map((s, k) => `    ${k + 1}. ${JSON.stringify(s)}`),
            `  final text: ${JSON.stringify(text)}`,
            `  edited: ${JSON.stringify(a)}`,
            `  fresh:  ${JSON.stringify(b)}`,
          ].join('\n'),
        );
      }
      // The data's version is the document's.
      for (const d of edited.diagnostics) expect((d.data as { version: number }).version).toBe(version);
      await client.close(uri);
      await client.close(freshUri);
    }
    if (failures.length) expect.fail(`${failures.length}/${SEQUENCES} sequences differ\n${failures.join('\n')}`);
    expect(nonEmpty).toBeGreaterThan(0);
    for (const c of clients.values()) expect(c.alive).toBe(true);
  }, 240_000);
});
