/**
 * Random edits over real Python: files of the local standard library
 * (/usr/lib/python3.11, present wherever python3 is; CI installs it).
 *
 * 1. Incremental equals from scratch: sequences of random edits (the
 *    generator of test/support/random.ts) on a stdlib file, as LSP changes
 *    in a random position encoding; the findings after the sequence must
 *    equal those of a fresh document on the final text. Same allowance as
 *    test/unit/random-edits.test.ts for tree-sitter's own rare incremental
 *    divergence (then the findings must equal a full run on the document's
 *    tree).
 * 2. Memory stays flat: thousands of edits on one document, measured after
 *    a warm-up and again at the end, in wasm memory (trees live there and
 *    are never garbage-collected: a tree not deleted per edit grows it by a
 *    whole tree each time) and in the JS heap after a full GC. Sizes, never
 *    times.
 *
 * A failure prints the base seed and the sequence's seed; rerun with
 * PYSEC_FUZZ_SEED=<base seed>.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'web-tree-sitter';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';
import type { Finding } from '../../server/src/findings/finding.js';
import { applyEdit, baseSeed, int, mulberry32, pick, randomBatch, randomEdit, toLspChange, type Enc, type OffsetEdit } from '../support/random.js';

const STDLIB = '/usr/lib/python3.11';
const FILES = [
  'subprocess.py',
  'tempfile.py',
  'pickle.py',
  'tarfile.py',
  'shutil.py',
  'ftplib.py',
  'smtplib.py',
  'ssl.py',
  'zipfile.py',
  'http/server.py',
  'urllib/request.py',
  'logging/__init__.py',
  'xml/dom/minidom.py',
];
const SEQUENCES = Number(process.env.PYSEC_STDLIB_FUZZ_SEQUENCES ?? 60);
const MEMORY_EDITS = Number(process.env.PYSEC_MEMORY_EDITS ?? 1500);

/**
 * The wasm module's own object: web-tree-sitter keeps the options given to
 * its first `Parser.init` as the module, and sets `HEAPU8` on it (a view
 * of the whole wasm memory, replaced whenever the memory grows). Given
 * here before the engine loads, so the engine's later `init()` finds the
 * module already made.
 */
const wasmModule: { HEAPU8?: Uint8Array } = {};
const wasmBytes = () => wasmModule.HEAPU8!.length;

let engine: Engine;
let sources: { name: string; text: string }[];

beforeAll(async () => {
  await Parser.init(wasmModule as object);
  engine = await Engine.load();
  sources = FILES.filter((f) => existsSync(`${STDLIB}/${f}`)).map((f) => ({ name: f, text: readFileSync(`${STDLIB}/${f}`, 'utf8') }));
});

const PATH = '/virtual/stdlib.py';
const URI = 'file:///virtual/stdlib.py';
const fresh = (text: string) => new PythonDocument(URI, 1, text, engine.parser, engine.analysis(PATH));

function view(f: Finding) {
  const { rule, name, range, anchor, severity, confidence, risk, cwe, owasp, message, suppressed, related } = f;
  return { rule, name, range, anchor, severity, confidence, risk, cwe, owasp, message, suppressed, related };
}

const key = (fs: readonly Finding[]) => JSON.stringify(fs.map((f) => [f.rule, f.range, f.anchor, f.root, f.severity, f.confidence, f.message]));

interface Outcome {
  seed: number;
  file: string;
  steps: OffsetEdit[][];
  count: number;
  /** null: equal; else what differed and whether tree-sitter's incremental tree is the cause. */
  mismatch: null | { divergentTree: boolean; ownTreeAgrees: boolean; incremental: string; fromScratch: string };
}

function runSequence(seed: number): Outcome {
  const rng = mulberry32(seed);
  const base = pick(rng, sources);
  const encoding = pick(rng, ['utf-16', 'utf-8', 'utf-32'] as const satisfies readonly Enc[]);
  let text = base.text;
  const doc = fresh(text);
  const steps: OffsetEdit[][] = [];
  try {
    const n = 5 + int(rng, 20);
    for (let s = 0; s < n; s++) {
      const batch = randomBatch(rng, text, encoding);
      const { edits, changes } = batch;
      text = batch.text;
      steps.push(edits);
      doc.applyChanges(changes, s + 2, encoding);
    }
    expect(doc.textDocument.getText()).toBe(text);
    const scratch = fresh(text);
    try {
      const a = JSON.stringify(doc.findings().map(view));
      const b = JSON.stringify(scratch.findings().map(view));
      const roots = (d: PythonDocument) => JSON.stringify(d.analysis.findings.map((f) => [f.rule, f.root]));
      if (a === b && roots(doc) === roots(scratch)) return { seed, file: base.name, steps, count: scratch.analysis.findings.length, mismatch: null };
      const divergentTree = doc.syntaxTree.rootNode.toString() !== scratch.syntaxTree.rootNode.toString();
      const own = engine.analysis(PATH);
      own.full(doc.syntaxTree);
      return { seed, file: base.name, steps, count: 0, mismatch: { divergentTree, ownTreeAgrees: key(own.findings) === key(doc.analysis.findings), incremental: a, fromScratch: b } };
    } finally {
      scratch.dispose();
    }
  } finally {
    doc.dispose();
  }
}

function describeFailure(o: Outcome): string {
  return [
    `sequence seed ${o.seed} (base seed ${baseSeed()}, PYSEC_FUZZ_SEED) on ${STDLIB}/${o.file}: incremental findings differ from a from-scratch run`,
    `  tree-sitter's incremental tree differs from a fresh parse: ${o.mismatch?.divergentTree}`,
    `  steps (UTF-16 offsets into the text before each edit):`,
    ...o.steps.map((s, i) => `    ${i + 1}. ${JSON.stringify(s)}`),
    `  incremental:  ${o.mismatch?.incremental.slice(0, 2000)}`,
    `  from scratch: ${o.mismatch?.fromScratch.slice(0, 2000)}`,
  ].join('\n');
}

describe('random edits over the standard library', () => {
  it('has the standard library files to work on', () => {
    expect(sources.length, `python3's standard library under ${STDLIB} (apt-get install python3)`).toBeGreaterThanOrEqual(8);
    expect(wasmBytes()).toBeGreaterThan(0);
  });

  it(`${SEQUENCES} sequences: incremental findings equal from-scratch findings`, () => {
    const start = (baseSeed() + 2_000_000) >>> 0;
    const failures: Outcome[] = [];
    const divergent: Outcome[] = [];
    const files = new Set<string>();
    let withFindings = 0;
    for (let i = 0; i < SEQUENCES; i++) {
      const o = runSequence((start + i) >>> 0);
      files.add(o.file);
      if (!o.mismatch) {
        if (o.count > 0) withFindings++;
      } else if (o.mismatch.divergentTree && o.mismatch.ownTreeAgrees) divergent.push(o);
      else failures.push(o);
    }
    if (failures.length) expect.fail(`${failures.length}/${SEQUENCES} sequences failed; seeds ${failures.map((f) => f.seed).join(', ')}\n${describeFailure(failures[0])}`);
    expect(divergent.length, `tree-sitter divergences should stay rare:\n${divergent.map(describeFailure).join('\n')}`).toBeLessThanOrEqual(Math.max(1, Math.floor(SEQUENCES / 50)));
    // Real files have findings (subprocess, pickle, tempfile…), and the sequences visit many files.
    expect(withFindings).toBeGreaterThan(SEQUENCES / 2);
    expect(files.size).toBeGreaterThanOrEqual(Math.min(sources.length, 6));
  }, 240_000);
});

describe('memory over many edits', () => {
  it(`${MEMORY_EDITS} random edits on one document: wasm memory and the JS heap after GC stay flat`, () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const base = sources.find((s) => s.name === 'tempfile.py') ?? sources[0];
    const rng = mulberry32(baseSeed() ^ 0x6d656d);
    let text = base.text;
    const doc = fresh(text);
    const measure = () => {
      gc();
      gc();
      return { wasm: wasmBytes(), heap: process.memoryUsage().heapUsed };
    };
    let version = 1;
    const edit = () => {
      // Mostly keystrokes (a letter typed or deleted), sometimes a structural edit.
      let e: OffsetEdit;
      if (rng() < 0.7) {
        const at = int(rng, text.length);
        e = rng() < 0.5 || !/[a-z]/.test(text[at] ?? '') ? { start: at, end: at, text: pick(rng, ['a', 'x', '_', ' ', '1']) } : { start: at, end: at + 1, text: '' };
      } else e = randomEdit(rng, text);
      // Every 50 edits the whole text goes back to the file as it is (a full replacement, as some clients send):
      // syntax errors would otherwise pile up and make every parse a long error recovery.
      if (version % 50 === 0) e = { start: 0, end: text.length, text: base.text };
      const change = toLspChange(text, e, 'utf-16');
      text = applyEdit(text, e);
      doc.applyChanges([change], ++version, 'utf-16');
    };
    try {
      // Warm-up: caches, the parser's buffers, the first wasm growth steps. (The
      // document's edit log, bounded at 1000 entries of a few numbers each,
      // grows on meanwhile: well inside the heap allowance below.)
      for (let i = 0; i < 200; i++) edit();
      const before = measure();
      for (let i = 0; i < MEMORY_EDITS; i++) edit();
      const after = measure();
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      const msg = `wasm ${mb(before.wasm)} → ${mb(after.wasm)}, JS heap after GC ${mb(before.heap)} → ${mb(after.heap)}`;
      // A tree of this file takes hundreds of kB of wasm memory: one leaked per edit would grow it by hundreds of MB.
      // Wasm memory grows in steps of 20% or more and never shrinks: allow one step.
      expect(after.wasm, msg).toBeLessThanOrEqual(before.wasm * 1.25);
      expect(after.heap, msg).toBeLessThanOrEqual(before.heap * 1.25 + 8 * 1024 * 1024);
      // And the document is still right.
      const scratch = fresh(text);
      try {
        expect(JSON.stringify(doc.findings().map(view))).toBe(JSON.stringify(scratch.findings().map(view)));
      } finally {
        scratch.dispose();
      }
    } finally {
      doc.dispose();
    }
  }, 600_000);
});
