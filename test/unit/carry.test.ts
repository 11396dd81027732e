/**
 * A character typed into indentation ends a class early and tree-sitter
 * re-parents everything after it: the changed range is most of the class.
 * The engine keeps the findings of the statements that did not change
 * (carry.ts) and re-runs only the rest. After each edit the findings must
 * equal a from-scratch run, and the re-run must be small.
 */
import { readFileSync } from 'node:fs';
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

describe('what narrowing must not keep (each found by the random-edit fuzz)', () => {
  /** Applies offset edits (each in the coordinates after the previous) with every range narrowed, comparing with a fresh run after each. */
  function replay(text: string, steps: { start: number; end: number; text: string }[][]): void {
    const doc = open(text);
    doc.analysis.narrowAbove = 0;
    let version = 1;
    try {
      for (const edits of steps) {
        const changes = edits.map((e) => {
          const pos = (o: number) => {
            const lines = text.slice(0, o).split('\n');
            return { line: lines.length - 1, character: lines[lines.length - 1].length };
          };
          const change = { range: { start: pos(e.start), end: pos(e.end) }, text: e.text };
          text = text.slice(0, e.start) + e.text + text.slice(e.end);
          return change;
        });
        doc.applyChanges(changes, ++version, 'utf-16');
        const fresh = open(text);
        try {
          expect(key(doc.findings()), text).toEqual(key(fresh.findings()));
        } finally {
          fresh.dispose();
        }
      }
    } finally {
      doc.dispose();
    }
  }

  it('a statement that a broken def line leaves at module level: its calls are judged on their own now (request-input rules)', () => {
    const text = [
      'import requests',
      'from flask import Flask, request',
      'app = Flask(__name__)',
      '',
      '@app.route("/fetch")',
      'def fetch():',
      '    page = requests.get(request.args["url"], timeout=5)',
      '    requests.get(request.json["hook"], timeout=5)',
      '    return page.text',
      '',
    ].join('\n');
    const at = text.indexOf('def fetch');
    replay(text, [[{ start: at, end: at + 1, text: '-x' }], [{ start: at, end: at + 2, text: 'd' }]]);
  });

  it('a statement that shares its line with re-run code: a PS rule and the bandit rule that silences it are computed together', () => {
    // Fuzz sequence 1201 (base seed 1) over the B303 fixture: `h2 = SHA.new(data)hashlib.sha256(password)` while typing.
    const text = readFileSync(new URL('../fixtures/rules/B303.py', import.meta.url), 'utf8');
    replay(text, [
      [{ start: 171, end: 171, text: '\n\n' }, { start: 590, end: 590, text: 'a{,' }, { start: 82, end: 88, text: '' }],
      [{ start: 521, end: 557, text: '' }],
      [{ start: 404, end: 404, text: 'hashlib.sha256(password)' }],
      [{ start: 475, end: 501, text: 'from os import system as s\n' }],
    ]);
  });
});
