/**
 * `narrow` (server/src/engine/carry.ts) runs on the slowest keystrokes and
 * is written for speed: it walks the new tree down once and searches the
 * old one from the path of its last find, where the first version asked
 * wasm for `descendantForIndex`, `parent`, `previousSibling` and
 * `nextSibling` (each a descent from the root). It must cut exactly what
 * that plain version (test/support/narrow-reference.ts) cut. Likewise
 * `widen` (widen.ts), which searches a module's or block's children where
 * its first version (test/support/widen-reference.ts) read them all.
 *
 * Random edit sequences (the generator of test/support/random.ts, and
 * characters typed into indentation and deleted again, the edits that
 * re-parent a class) on the rule fixtures, the snippets and stdlib files;
 * at every update, both are asked to narrow the ranges the update re-runs,
 * the whole text and random ranges, with the new tree, the old one and the
 * edited spans the update has; and both widens to widen the update's
 * changed ranges, the whole text, random ranges and points.
 *
 * A failure prints the base seed and the sequence's seed; rerun with
 * PYSEC_FUZZ_SEED=<base seed>.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Tree } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { PythonDocument } from '../../server/src/documents/document.js';
import { narrow } from '../../server/src/engine/carry.js';
import { Engine } from '../../server/src/engine/engine.js';
import { type OffsetEdit } from '../../server/src/engine/incremental.js';
import { mergeSpans, widen } from '../../server/src/engine/widen.js';
import type { Span } from '../../server/src/findings/finding.js';
import { shiftSpan } from '../../server/src/findings/span.js';
import { narrowReference } from '../support/narrow-reference.js';
import { widenReference } from '../support/widen-reference.js';
import { baseSeed, bases, int, mulberry32, pick, randomBatch, toLspChange, type Base, type Rng } from '../support/random.js';

const SEQUENCES = Number(process.env.PYSEC_NARROW_SEQUENCES ?? 120);
const STDLIB = ['/usr/lib/python3.11/_pydecimal.py', '/usr/lib/python3.11/tarfile.py', '/usr/lib/python3.11/logging/__init__.py'];
const URI = 'file:///virtual/narrow.py';

let engine: Engine;
let all: Base[];

beforeAll(async () => {
  engine = await Engine.load();
  const stdlib = STDLIB.filter((f) => existsSync(f)).map((f) => ({ name: f, text: readFileSync(f, 'utf8') }));
  all = [...bases(), ...stdlib, ...stdlib];
});

/** What an update re-runs before narrowing (as incremental.ts computes it), the edited spans, and what was widened. */
function updateRanges(tree: Tree, edits: readonly OffsetEdit[], changed: readonly Span[]): { ranges: Span[]; edited: Span[]; dirty: Span[] } {
  const dirty: Span[] = [];
  for (const e of edits) {
    for (let i = 0; i < dirty.length; i++) {
      const d = dirty[i];
      dirty[i] = shiftSpan(d, e) ?? { start: Math.min(d.start, e.start), end: Math.max(e.newEnd, d.end + e.newEnd - e.oldEnd) };
    }
    dirty.push({ start: e.start, end: e.newEnd });
  }
  const edited = dirty.slice();
  return { ranges: mergeSpans([...dirty, ...changed].map((r) => widen(tree, r))), edited, dirty: [...dirty, ...changed] };
}

/** A character typed into the indentation (or the middle) of a random non-blank line, then deleted. */
function indentationEdits(rng: Rng, text: string): { start: number; end: number; text: string }[] {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim() !== '');
  if (candidates.length === 0) return [];
  const [line, row] = pick(rng, candidates);
  const indent = line.search(/\S/);
  const column = indent > 0 && rng() < 0.7 ? int(rng, indent + 1) : Math.floor(line.length / 2);
  let at = column;
  for (let r = 0; r < row; r++) at += lines[r].length + 1;
  return [
    { start: at, end: at, text: pick(rng, ['x', ' ', '#', ':', '(']) },
    { start: at, end: at + 1, text: '' },
  ];
}

describe('narrow and widen give exactly what their plain references gave', () => {
  it(`${SEQUENCES} sequences: the same pieces for every range asked, the same widened ranges`, () => {
    let compared = 0;
    let widened = 0;
    let cut = 0;
    for (let n = 0; n < SEQUENCES; n++) {
      const seed = (baseSeed() + n * 7919) >>> 0;
      const rng = mulberry32(seed);
      const base = pick(rng, all);
      const doc = new PythonDocument(URI, 1, base.text, engine.parser, engine.analysis('/virtual/narrow.py'));
      const update = doc.analysis.update.bind(doc.analysis);
      let step = 0;
      doc.analysis.update = (tree, edits, changed, old) => {
        if (old) {
          const { ranges, edited, dirty } = updateRanges(tree, edits, changed);
          const end = tree.rootNode.endIndex;
          const spots = [...dirty, { start: 0, end }];
          for (let k = 0; k < 4; k++) {
            const a = int(rng, end + 1);
            const b = k < 2 ? a : int(rng, end + 1);
            spots.push({ start: Math.min(a, b), end: Math.max(a, b) });
          }
          for (const r of spots) {
            expect(widen(tree, r), `base seed ${baseSeed()} (PYSEC_FUZZ_SEED), sequence ${seed} on "${base.name}", update ${step}, widening ${JSON.stringify(r)}`).toEqual(widenReference(tree, r));
            widened++;
          }
          const asked = [...ranges, { start: 0, end }];
          for (let k = 0; k < 3; k++) {
            const a = int(rng, end + 1);
            const b = int(rng, end + 1);
            asked.push({ start: Math.min(a, b), end: Math.max(a, b) });
            // Ranges that begin or end at a node's edges, or one off.
            const node = tree.rootNode.descendantForIndex(a, a)?.parent;
            if (node) asked.push({ start: Math.max(0, node.startIndex + int(rng, 3) - 1), end: Math.min(end, node.endIndex + int(rng, 3) - 1) });
          }
          for (const r of asked) {
            const want = narrowReference(tree, old, r, edited);
            const got = narrow(tree, old, r, edited);
            expect(got, `base seed ${baseSeed()} (PYSEC_FUZZ_SEED), sequence ${seed} on "${base.name}", update ${step}, range ${JSON.stringify(r)}`).toEqual(want);
            compared++;
            if (want.length > 1) cut++;
          }
        }
        step++;
        update(tree, edits, changed, old);
      };
      try {
        let text = base.text;
        const steps = 2 + int(rng, 4);
        for (let s = 0; s < steps; s++) {
          if (rng() < 0.4) {
            for (const e of indentationEdits(rng, text)) {
              doc.applyChanges([toLspChange(text, e, 'utf-16')], doc.version + 1, 'utf-16');
              text = text.slice(0, e.start) + e.text + text.slice(e.end);
            }
          } else {
            const batch = randomBatch(rng, text, 'utf-16');
            doc.applyChanges(batch.changes, doc.version + 1, 'utf-16');
            text = batch.text;
          }
          expect(doc.textDocument.getText()).toBe(text);
        }
      } finally {
        doc.dispose();
      }
    }
    if (process.env.PYSEC_NARROW_STATS) console.log(`compared ${compared}, cut ${cut}, widened ${widened}`);
    // The comparisons reached ranges where statements were kept, not only trivial ones.
    expect(cut).toBeGreaterThan(compared / 10);
  }, 600_000);

  it('a holder whose next child is empty and on its line: nextSibling passes over it, as the reference did', () => {
    // `:` typed before `try`: the try's header breaks, its except clause
    // lands in an ERROR, and the try's body is an empty block after the
    // ERROR, where the clause ends. `nextSibling` of the ERROR skips that
    // block (it ends where the ERROR does): the clause has its lines to
    // itself and is kept. The child after the ERROR would be that block,
    // on the clause's line.
    const old = '    try:\n    except ValueError:\n';
    const text = `:${old}`;
    const oldTree = engine.parser.parse(old)!;
    oldTree.edit({ startIndex: 0, oldEndIndex: 0, newEndIndex: 1, startPosition: { row: 0, column: 0 }, oldEndPosition: { row: 0, column: 0 }, newEndPosition: { row: 0, column: 1 } });
    const tree = engine.parser.parse(text, oldTree)!;
    try {
      const clause = text.indexOf('except');
      const error = tree.rootNode.descendantForIndex(clause, clause + 6)!.parent!.parent!;
      expect(error.type).toBe('ERROR');
      expect(error.nextSibling).toBeNull();
      const after = error.parent!.children[error.parent!.children.findIndex((c) => c!.id === error.id) + 1]!;
      expect([after.type, after.startIndex, after.endIndex]).toEqual(['block', error.endIndex, error.endIndex]);
      const range = { start: 0, end: text.length };
      const edited = [{ start: 0, end: 1 }];
      const pieces = narrow(tree, oldTree, range, edited);
      expect(pieces).toEqual(narrowReference(tree, oldTree, range, edited));
      // The clause is a hole between two pieces.
      expect(pieces.some((p, i) => p.end === clause && pieces[i + 1]?.start === text.indexOf('\n', clause))).toBe(true);
    } finally {
      tree.delete();
      oldTree.delete();
    }
  });

  it('between statements, widening takes in a compound statement that ends where the range starts or starts where it ends, whole', () => {
    const text = 'x = 0\nif a:\n    b = 1\nc = 2\nif d:\n    e = 3\n';
    const tree = engine.parser.parse(text)!;
    try {
      const firstIf = { start: text.indexOf('if a'), end: text.indexOf('\nc') };
      const secondIf = { start: text.indexOf('if d'), end: text.length - 1 };
      // Right after the first `if`'s body: the whole `if`, not only its last statement.
      const after = { start: firstIf.end, end: firstIf.end };
      expect(widen(tree, after)).toEqual(widenReference(tree, after));
      expect(widen(tree, after)).toEqual(firstIf);
      // The line break before the second `if` and its first character: the `if` whole, and `c = 2`.
      const before = { start: secondIf.start - 1, end: secondIf.start };
      expect(widen(tree, before)).toEqual(widenReference(tree, before));
      expect(widen(tree, before)).toEqual({ start: text.indexOf('c = 2'), end: secondIf.end });
    } finally {
      tree.delete();
    }
  });
});
