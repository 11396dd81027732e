/**
 * Hover texts and related locations, in-process: every rule gets an
 * explanation that names its OWASP category, risk and the right suppression
 * comment; the review checklist's anti-patterns have before/after fixes;
 * a call resolved through an import alias carries that import as its
 * related location, kept right through edits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_MATRIX } from '../../server/src/diagnostics/severity.js';
import { PythonDocument } from '../../server/src/documents/document.js';
import { Engine } from '../../server/src/engine/engine.js';
import type { Finding } from '../../server/src/findings/finding.js';
import { explain, findingHover, findingsAt, md, prefersMarkdown, suppressionComment } from '../../server/src/hover/hover.js';
import { plainRisk } from '../../server/src/hover/risk.js';
import { fixSnippet } from '../../server/src/hover/snippets.js';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load();
});

const mapping = { matrix: DEFAULT_MATRIX, overrides: {} };
const doc = TextDocument.create('file:///x.py', 'python', 1, 'x = 1\n');

function findingOf(rule: { id: string; name: string; severity: Finding['severity']; confidence: Finding['confidence']; cwe: number | null; owasp: string; risk: Finding['risk']; message: string; docs: string }): Finding {
  return {
    rule: rule.id,
    name: rule.name,
    severity: rule.severity,
    confidence: rule.confidence,
    cwe: rule.cwe,
    owasp: rule.owasp,
    risk: rule.risk,
    message: rule.message,
    range: { start: 0, end: 5 },
    anchor: { start: 0, end: 5 },
    root: { start: 0, end: 5 },
    engine: 'tree-sitter',
    docs: rule.docs,
    suppressed: null,
  };
}

describe('hover text', () => {
  it('markdown escapes what could be markup, not an underscore inside a word (Eglot showed ast.literal\\_eval)', () => {
    expect(md('consider using safer ast.literal_eval.')).toBe('consider using safer ast.literal_eval.');
    expect(md('__init__ and _private and snake_case_')).toBe('\\_\\_init\\_\\_ and \\_private and snake_case\\_');
    expect(md('allow_origins=["*"] <b> `x` #1 a|b')).toBe('allow_origins=\\["\\*"\\] \\<b\\> \\`x\\` \\#1 a\\|b');
    const b307 = engine.ruleset.byId.get('B307')!;
    expect(explain(findingOf(b307), { markdown: true, remediation: () => undefined, mapping, doc })).toContain('safer ast.literal_eval.');
  });

  it('every rule: OWASP category, risk, severity × confidence, a fix, the right suppression comment, its docs', () => {
    for (const rule of engine.ruleset.rules) {
      for (const markdown of [true, false]) {
        const text = explain(findingOf(rule), { markdown, remediation: (id) => engine.ruleset.byId.get(id)?.remediation, mapping, doc });
        expect(text, rule.id).toContain(`${rule.owasp}:2021`);
        expect(text, rule.id).toContain(`${rule.risk} risk`);
        expect(text, rule.id).toContain(`${rule.severity} × ${rule.confidence}`);
        expect(text, rule.id).toContain('How to fix:');
        expect(text, rule.id).toContain(rule.id.startsWith('B') ? `# nosec ${rule.id}  # <justification>` : `# pysec: ignore[${rule.id}]  # <justification>`);
        expect(text, rule.id).toContain(rule.docs);
        if (rule.cwe !== null) expect(text, rule.id).toContain(`CWE-${rule.cwe}`);
        expect(plainRisk(findingOf(rule)).length, rule.id).toBeGreaterThan(20);
      }
    }
  });

  it('eval and exec speak of Python code, not of commands (bandit files them under CWE-78)', () => {
    for (const id of ['B102', 'B307']) {
      const text = plainRisk(findingOf(engine.ruleset.byId.get(id)!));
      expect(text, id).toMatch(/Python code/);
      expect(text, id).not.toMatch(/commands/);
    }
  });

  it("the checklist's ten anti-patterns have a before/after fix, for every rule that reports them", () => {
    const checklist: [string, string[]][] = [
      ['raw SQL', ['B608', 'B610', 'B611']],
      ['hardcoded secrets', ['B105', 'B106', 'B107']],
      ['DEBUG', ['PS502', 'PS506', 'B201']],
      ['CORS', ['PS501']],
      ['pickle', ['B301', 'B403']],
      ['shell', ['B602', 'B605']],
      ['yaml.load', ['B506']],
      ['secrets in logs', ['PS901']],
      ['verify=False', ['B501']],
      ['template strings', ['PS301']],
    ];
    for (const [what, ids] of checklist) {
      for (const id of ids) {
        const rule = engine.ruleset.byId.get(id);
        const s = fixSnippet({ id, name: rule?.name ?? '' });
        expect(s, `${what}: ${id}`).toBeDefined();
        expect(s!.before).not.toBe(s!.after);
        // Keyed by test name too, for the same rule under another id (bandit's own findings).
        if (rule) expect(fixSnippet({ id: 'X999', name: rule.name }), `${what}: ${rule.name}`).toBe(s);
      }
    }
    expect(fixSnippet({ id: 'B602', name: '' })!.after).toBe('subprocess.run(["ls", path])');
    expect(fixSnippet({ id: 'B506', name: '' })!.after).toBe('config = yaml.safe_load(data)');
  });

  it('a rule without a snippet falls back to its remediation text', () => {
    const text = explain(findingOf({ ...engine.ruleset.byId.get('B602')!, id: 'B999', name: 'some_plugin_test' }), {
      markdown: true,
      remediation: () => 'Do the safe thing.',
      mapping,
      doc,
    });
    expect(text).toContain('**How to fix:** Do the safe thing.');
    expect(text).not.toContain('Before:');
  });

  it('suppression comments: nosec for bandit ids, pysec: ignore for ours', () => {
    expect(suppressionComment('B602')).toBe('# nosec B602  # <justification>');
    expect(suppressionComment('PS501')).toBe('# pysec: ignore[PS501]  # <justification>');
  });

  it('markdown only when the client lists it (before plaintext)', () => {
    expect(prefersMarkdown(['markdown', 'plaintext'])).toBe(true);
    expect(prefersMarkdown(['plaintext', 'markdown'])).toBe(false);
    expect(prefersMarkdown(undefined)).toBe(false);
    expect(prefersMarkdown([])).toBe(false);
  });

  it('findings at a position: half-open ranges; null elsewhere', () => {
    const f = findingOf(engine.ruleset.byId.get('B602')!);
    expect(findingsAt([f], 0)).toEqual([f]);
    expect(findingsAt([f], 4)).toEqual([f]);
    expect(findingsAt([f], 5)).toEqual([]);
    const input = { doc, findings: [f], encoding: 'utf-16' as const, markdown: false, remediation: () => undefined, mapping };
    expect(findingHover({ ...input, position: { line: 0, character: 5 } })).toBeNull();
    expect(findingHover({ ...input, position: { line: 0, character: 9 } })).toBeNull();
    expect(findingHover({ ...input, position: { line: 7, character: 0 } })).toBeNull();
    expect(findingHover({ ...input, position: { line: 0, character: 2 } })?.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: 5 } });
  });
});

describe('related locations from the engine', () => {
  const URI = 'file:///virtual/related.py';
  const open = (text: string) => new PythonDocument(URI, 1, text, engine.parser, engine.analysis('/virtual/related.py'));
  const view = (d: PythonDocument) =>
    d.findings().map((f) => ({ rule: f.rule, line: d.textDocument.positionAt(f.range.start).line, related: f.related?.map((r) => [d.textDocument.getText().slice(r.span.start, r.span.end), r.message]) }));

  it('a call through an alias points at the import that made the alias; a plain import does not', () => {
    const d = open('import subprocess as sp\nfrom os import system\nimport yaml\n\nsp.call(x, shell=True)\nsystem(cmd)\nyaml.load(data)\n');
    const v = view(d).filter((f) => ['B602', 'B605', 'B506'].includes(f.rule));
    expect(v).toEqual([
      { rule: 'B602', line: 4, related: [['import subprocess as sp', 'sp is subprocess, imported here']] },
      { rule: 'B605', line: 5, related: [['from os import system', 'system is os.system, imported here']] },
      { rule: 'B506', line: 6, related: undefined },
    ]);
    d.dispose();
  });

  it('the related location moves with edits, and is recomputed when the import itself is edited', () => {
    const text = 'import os\nfrom subprocess import run as sh\n\nsh(cmd, shell=True)\n';
    const d = open(text);
    // Lines typed above the import: everything moves.
    d.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# header\n\n' }], 2, 'utf-16');
    const fresh1 = open(d.textDocument.getText());
    expect(view(d)).toEqual(view(fresh1));
    expect(view(d).find((f) => f.rule === 'B602')?.related).toEqual([['from subprocess import run as sh', 'sh is subprocess.run, imported here']]);
    // An edit inside the import that keeps what it binds (extra spaces): the import's span changes.
    d.applyChanges([{ range: { start: { line: 3, character: 4 }, end: { line: 3, character: 5 } }, text: '   ' }], 3, 'utf-16');
    const fresh2 = open(d.textDocument.getText());
    expect(view(d)).toEqual(view(fresh2));
    expect(view(d).find((f) => f.rule === 'B602')?.related).toEqual([['from   subprocess import run as sh', 'sh is subprocess.run, imported here']]);
    // An edit right after the import line.
    d.applyChanges([{ range: { start: { line: 3, character: 34 }, end: { line: 3, character: 34 } }, text: '  # the runner' }], 4, 'utf-16');
    expect(view(d)).toEqual(view(open(d.textDocument.getText())));
    for (const x of [d, fresh1, fresh2]) x.dispose();
  });
});
