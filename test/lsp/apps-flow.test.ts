/**
 * Over LSP, a fixture app's findings carry their attack path: each
 * vulnerable handler's diagnostic in flask/views.py (marked `# path:
 * <rule>`, see test/cli/apps-risk.test.ts) lists the steps from the request
 * to the sink as `relatedInformation`, source first and sink last; a safe
 * twin's finding (B602 with shlex.quote) lists none. An edit above the
 * handlers moves the steps with the text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, REPO_ROOT } from './client.js';

const FILE = join(REPO_ROOT, 'test/fixtures/apps/flask/views.py');
const TEXT = readFileSync(FILE, 'utf8');
const URI = pathToFileURL(FILE).href;

/** The `# path: <rule>` markers: 0-based line and rule. */
const MARKED = TEXT.split('\n').flatMap((l, i) => {
  const m = /#\s*path:\s*([A-Z]+\d+)\s*$/.exec(l);
  return m ? [{ line: i, rule: m[1] }] : [];
});

let c: LspClient;

beforeAll(async () => {
  c = await LspClient.start({ rootPath: join(REPO_ROOT, 'test/fixtures/apps/flask') });
});

afterAll(async () => {
  await c?.shutdown();
});

const at = (ds: Diagnostic[], rule: string, line: number) => ds.find((d) => d.code === rule && d.range.start.line === line);

describe('the Flask app over LSP: attack paths as relatedInformation', () => {
  it('every vulnerable handler\'s diagnostic lists its path, source to sink, in this document', async () => {
    expect(MARKED.length).toBeGreaterThanOrEqual(15);
    await c.open(URI, TEXT, 1);
    const { diagnostics } = await c.waitForDiagnostics(URI, { version: 1 });
    for (const m of MARKED) {
      const d = at(diagnostics, m.rule, m.line);
      expect(d, `${m.rule} on line ${m.line + 1}`).toBeDefined();
      const steps = (d!.relatedInformation ?? []).filter((r) => /^\d+\/\d+ (source|step|sink): /.test(r.message));
      expect(steps.length, `${m.rule} on line ${m.line + 1}: steps`).toBeGreaterThanOrEqual(2);
      const n = steps.length;
      expect(steps[0].message).toMatch(new RegExp(`^1/${n} source: `));
      expect(steps[n - 1].message).toMatch(new RegExp(`^${n}/${n} sink: `));
      for (const s of steps) expect(s.location.uri).toBe(URI);
      // The source is in the handler, above or on the sink's line; the sink's step is on it.
      expect(steps[0].location.range.start.line).toBeLessThanOrEqual(m.line);
      expect(m.line - steps[0].location.range.start.line).toBeLessThan(6);
      expect(steps[n - 1].location.range.start.line).toBe(m.line);
    }
    // The safe twin of /convert: bandit's B602 still fires (parity), with no path to show.
    const twin = MARKED.find((m) => m.rule === 'B602')!;
    const safe = diagnostics.find((d) => d.code === 'B602' && d.range.start.line > twin.line);
    expect(safe).toBeDefined();
    expect((safe!.relatedInformation ?? []).some((r) => /source: /.test(r.message))).toBe(false);
  });

  it('an edit above the handlers moves each step with its line', async () => {
    await c.change(URI, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# reviewed\n\n' }]);
    const { diagnostics } = await c.waitForDiagnostics(URI, { version: 2 });
    for (const m of MARKED) {
      const d = at(diagnostics, m.rule, m.line + 2);
      expect(d, `${m.rule} on line ${m.line + 3}`).toBeDefined();
      const steps = (d!.relatedInformation ?? []).filter((r) => /^\d+\/\d+ (source|step|sink): /.test(r.message));
      expect(steps[steps.length - 1].location.range.start.line).toBe(m.line + 2);
    }
  });
});
