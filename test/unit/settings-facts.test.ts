/**
 * Settings facts (server/src/engine/facts.ts) across edits: a rule whose
 * verdict depends on another statement (django-cors-headers' wildcard and
 * CORS_ALLOW_CREDENTIALS; DEBUG = True and a module's INSTALLED_APPS) must
 * change when only that other statement is edited, and incremental runs
 * must equal a run from scratch. Only edits that change a fact re-run
 * everything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

const URI = 'file:///virtual/config.py';
const PATH = '/virtual/config.py';
const open = (text: string) => new PythonDocument(URI, 1, text, engine.parser, engine.analysis(PATH));
const keys = (d: PythonDocument) => d.findings().map((f) => `${f.rule}@${d.textDocument.positionAt(f.range.start).line + 1}`);

/** Replaces the first `find` by `replace`, returns [incremental keys, from-scratch keys, whether the run was full]. */
function edit(doc: PythonDocument, find: string, replace: string, version: number): [string[], string[], boolean] {
  const text = doc.textDocument.getText();
  const at = text.indexOf(find);
  expect(at).toBeGreaterThanOrEqual(0);
  doc.applyChanges([{ range: { start: doc.textDocument.positionAt(at), end: doc.textDocument.positionAt(at + find.length) }, text: replace }], version, 'utf-16');
  const fresh = open(doc.textDocument.getText());
  try {
    return [keys(doc), keys(fresh), doc.analysis.lastRun.full];
  } finally {
    fresh.dispose();
  }
}

describe('settings facts across edits', () => {
  it('CORS_ALLOW_CREDENTIALS flips the wildcard line above it', () => {
    const doc = open('CORS_ALLOW_ALL_ORIGINS = True\nX = 1\nCORS_ALLOW_CREDENTIALS = True\n');
    try {
      expect(keys(doc)).toEqual(['PS501@1']);
      let [inc, scratch, full] = edit(doc, 'CREDENTIALS = True', 'CREDENTIALS = False', 2);
      expect(inc).toEqual([]);
      expect(inc).toEqual(scratch);
      expect(full).toBe(true);
      [inc, scratch] = edit(doc, 'CREDENTIALS = False', 'CREDENTIALS = True', 3);
      expect(inc).toEqual(['PS501@1']);
      expect(inc).toEqual(scratch);
      // Editing an unrelated statement is not a full run.
      [inc, scratch, full] = edit(doc, 'X = 1', 'X = 2', 4);
      expect(inc).toEqual(scratch);
      expect(full).toBe(false);
      [inc, scratch] = edit(doc, 'CORS_ALLOW_CREDENTIALS = True\n', '', 5);
      expect(inc).toEqual([]);
      expect(inc).toEqual(scratch);
    } finally {
      doc.dispose();
    }
  });

  it('INSTALLED_APPS typed below makes DEBUG = True a settings problem, and removing it takes it back', () => {
    const doc = open('DEBUG = True\n\nNAME = 1\n');
    try {
      expect(keys(doc)).toEqual([]);
      let [inc, scratch] = edit(doc, 'NAME = 1', 'INSTALLED_APPS = ["x"]', 2);
      expect(inc).toEqual(['PS502@1']);
      expect(inc).toEqual(scratch);
      // Editing the value of a presence-only fact is not a full run.
      let full: boolean;
      [inc, scratch, full] = edit(doc, '["x"]', '["x", "y"]', 3);
      expect(inc).toEqual(scratch);
      expect(full).toBe(false);
      [inc, scratch] = edit(doc, 'INSTALLED_APPS', 'INSTALLED_APP', 4);
      expect(inc).toEqual([]);
      expect(inc).toEqual(scratch);
    } finally {
      doc.dispose();
    }
  });

  it('a django import makes ALLOWED_HOSTS = ["*"] count (frameworks follow the imports)', () => {
    const doc = open('import os\nALLOWED_HOSTS = ["*"]\n');
    try {
      expect(keys(doc)).toEqual([]);
      const [inc, scratch] = edit(doc, 'import os', 'import django', 2);
      expect(inc).toEqual(['PS503@2']);
      expect(inc).toEqual(scratch);
    } finally {
      doc.dispose();
    }
  });
});
