/**
 * A character typed into indentation ends a class early and tree-sitter
 * re-parents everything after it: the changed range is most of the class.
 * The engine keeps the findings of the statements that did not change
 * (carry.ts) and re-runs only the rest. After each edit the findings must
 * equal a from-scratch run, and the re-run must be small.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';
import type { Finding } from '../../server/src/findings/finding.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

const URI = 'file:///virtual/carry.py';
const open = (text: string) => new PythonDocument(URI, 1, text, engine.parser, engine.analysis('/virtual/carry.py'));
const key = (fs: readonly Finding[]) => fs.map((f) => `${f.rule}@${f.range.start}-${f.range.end}/${f.root.start}-${f.root.end}:${f.message}:${f.suppressed ? 's' : ''}`);

/** A big class whose methods all have findings, some module code around it. */
function bigFile(methods: number): string {
  const out = ['import subprocess', 'import pickle', 'from os import system as run_it', '', 'PASSWORD = "hunter2"', '', 'class Service:', '    """A service."""', ''];
  for (let i = 0; i < methods; i++) {
    out.push(
      `    def method_${i}(self, data, password="secret${i}"):`,
      `        # step ${i}`,
      `        if data:`,
      `            subprocess.call("ls " + data, shell=True)`,
      `        value = eval(data)  # nosec B307`,
      `        assert value, "checked"`,
      `        run_it(data)`,
      `        try:`,
      `            return pickle.loads(data)`,
      `        except Exception:`,
      `            pass`,
      '',
    );
  }
  out.push('', 'def helper(x):', '    return eval(x)', '');
  return out.join('\n');
}

describe('large changed ranges keep the statements that did not change', () => {
  it('a character typed into indentation and deleted again, at many lines: findings equal a fresh run, and the re-run is small', () => {
    const text = bigFile(40);
    const lines = text.split('\n');
    const doc = open(text);
    // The same edits without narrowing: what the re-runs would cover otherwise.
    const twin = open(text);
    twin.analysis.narrowAbove = Infinity;
    let version = 1;
    let rerun = 0;
    let rerunWithout = 0;
    try {
      expect(doc.findings().length).toBeGreaterThan(200);
      // Every 7th non-blank line: into its indentation (or its middle), like the bench's edits.
      for (let line = 8; line < lines.length - 4; line += 7) {
        if (lines[line].trim() === '') continue;
        const character = Math.floor(lines[line].length / 2) % Math.max(1, lines[line].search(/\S|$/) + 1);
        for (const insert of [true, false]) {
          const change = insert
            ? { range: { start: { line, character }, end: { line, character } }, text: 'x' }
            : { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' };
          doc.applyChanges([change], ++version, 'utf-16');
          twin.applyChanges([change], version, 'utf-16');
          const fresh = open(doc.textDocument.getText());
          try {
            expect(key(doc.analysis.findings), `after ${insert ? 'inserting at' : 'deleting at'} ${line + 1}:${character + 1}`).toEqual(key(fresh.analysis.findings));
          } finally {
            fresh.dispose();
          }
          expect(doc.analysis.lastRun.full).toBe(false);
          rerun += doc.analysis.lastRun.chars;
          rerunWithout += twin.analysis.lastRun.chars;
        }
      }
      expect(doc.textDocument.getText()).toBe(text);
      // The edits re-parent much of the class: narrowed, the re-runs cover a small part of it.
      expect(rerunWithout).toBeGreaterThan(5 * rerun);
    } finally {
      doc.dispose();
      twin.dispose();
    }
  });

  it('without the old tree to compare with, nothing is carried (the re-run covers the whole changed range)', () => {
    const text = bigFile(20);
    const doc = open(text);
    try {
      const at = text.indexOf('    def method_3');
      const pos = doc.textDocument.positionAt(at + 2);
      doc.applyChanges([{ range: { start: pos, end: pos }, text: 'x' }], 2, 'utf-16');
      const narrowedRun = doc.analysis.lastRun.chars;
      doc.applyChanges([{ range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: '' }], 3, 'utf-16');
      // The same edit with narrowing turned off re-runs far more.
      doc.analysis.narrowAbove = Infinity;
      doc.applyChanges([{ range: { start: pos, end: pos }, text: 'x' }], 4, 'utf-16');
      const wholeRun = doc.analysis.lastRun.chars;
      expect(wholeRun).toBeGreaterThan(10 * narrowedRun);
      const fresh = open(doc.textDocument.getText());
      try {
        expect(key(doc.analysis.findings)).toEqual(key(fresh.analysis.findings));
      } finally {
        fresh.dispose();
      }
    } finally {
      doc.dispose();
    }
  });
});
