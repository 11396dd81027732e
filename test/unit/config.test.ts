/**
 * The settings, as pure functions: schema and validation (one bad value
 * costs only that value), merging of sources, rule selection over the
 * project's bandit config, the severity mapping, exclude globs, and the
 * configuration reference agreeing with the defaults.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, defaultSettings } from '../../server/src/config/defaults.js';
import { isExcluded } from '../../server/src/config/exclude.js';
import { matchesGlob } from '../../server/src/config/glob.js';
import { mergeSettings } from '../../server/src/config/merge.js';
import { closestRule, extractSection, parseSettings, suggest } from '../../server/src/config/parse.js';
import { buildPolicy, visibleFindings } from '../../server/src/config/policy.js';
import { resolveSettings } from '../../server/src/config/resolve.js';
import { findingFilter, ruleSelector, selectionKey } from '../../server/src/config/rules.js';
import { SettingsSchema, type Settings } from '../../server/src/config/schema.js';
import { toDiagnostics } from '../../server/src/diagnostics/convert.js';
import { DEFAULT_MATRIX, findingSeverity, severityName } from '../../server/src/diagnostics/severity.js';
import type { Finding } from '../../server/src/findings/finding.js';
import { REPO_ROOT } from '../lsp/client.js';

const known = (s: string) => /^(B\d{3}|PS\d{3})$/.test(s) || ['assert_used', 'subprocess_popen_with_shell_equals_true', 'import_subprocess', 'hardcoded_sql_expressions'].includes(s);

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'B602',
    name: 'subprocess_popen_with_shell_equals_true',
    severity: 'HIGH',
    confidence: 'HIGH',
    cwe: 78,
    owasp: 'A03',
    risk: 'Critical',
    message: 'subprocess call with shell=True identified, security issue.',
    range: { start: 0, end: 5 },
    anchor: { start: 0, end: 5 },
    root: { start: 0, end: 5 },
    engine: 'tree-sitter',
    docs: 'https://bandit.readthedocs.io/',
    suppressed: null,
    ...over,
  };
}

const settings = (patch: unknown): Settings => resolveSettings({ initializationOptions: patch }).settings;

describe('schema and defaults', () => {
  it('the defaults are valid settings, as DESIGN.md and the brief state them', () => {
    expect(SettingsSchema.safeParse(DEFAULT_SETTINGS).success).toBe(true);
    expect(DEFAULT_SETTINGS.severity.matrix).toEqual(DEFAULT_MATRIX);
    expect(DEFAULT_SETTINGS.severity.matrix.HIGH).toEqual({ HIGH: 'error', MEDIUM: 'error', LOW: 'warning' });
    expect(DEFAULT_SETTINGS.severity.matrix.MEDIUM).toEqual({ HIGH: 'warning', MEDIUM: 'warning', LOW: 'information' });
    expect(DEFAULT_SETTINGS.severity.matrix.LOW).toEqual({ HIGH: 'information', MEDIUM: 'information', LOW: 'hint' });
    expect(DEFAULT_SETTINGS).toMatchObject({
      minSeverity: 'LOW',
      minConfidence: 'LOW',
      rules: { select: [], ignore: [] },
      exclude: [],
      ignoreNosec: false,
      bandit: { enabled: true, idleDelayMs: 1500, intervalSeconds: 0, timeoutSeconds: 30, workspaceScan: false },
      suppress: { placeholder: 'justification required', reasons: ['false positive: input is not user-controlled', 'accepted risk: reviewed'] },
    });
    expect(DEFAULT_SETTINGS.bandit.path).toBeUndefined();
    expect(DEFAULT_SETTINGS.bandit.command).toBeUndefined();
    expect(DEFAULT_SETTINGS.bandit.configFile).toBeUndefined();
  });

  it('the defaults cannot be changed by accident; defaultSettings() is a free copy', () => {
    expect(() => {
      (DEFAULT_SETTINGS.severity.matrix.HIGH as Record<string, string>).HIGH = 'hint';
    }).toThrow();
    const copy = defaultSettings();
    copy.severity.matrix.HIGH.HIGH = 'hint';
    expect(DEFAULT_SETTINGS.severity.matrix.HIGH.HIGH).toBe('error');
  });

  it('nothing at all, or null, is the defaults without a problem', () => {
    for (const raw of [undefined, null, {}]) {
      const r = resolveSettings({ initializationOptions: raw, global: raw, folder: raw });
      expect(r.settings).toEqual(DEFAULT_SETTINGS);
      expect(r.problems).toEqual([]);
    }
  });
});

describe('parseSettings: value by value', () => {
  it('a complete valid section passes unchanged', () => {
    const full = {
      severity: { matrix: DEFAULT_MATRIX, overrides: { B602: 'warning', PS501: 'off', hardcoded_sql_expressions: 'error' } },
      minSeverity: 'MEDIUM',
      minConfidence: 'HIGH',
      rules: { select: ['B602'], ignore: ['assert_used'] },
      exclude: ['migrations'],
      ignoreNosec: true,
      bandit: {
        enabled: false,
        path: '/usr/bin/bandit',
        command: ['python3', '-m', 'bandit'],
        configFile: 'bandit.yaml',
        idleDelayMs: 0,
        intervalSeconds: 2.5,
        timeoutSeconds: 10,
        workspaceScan: true,
      },
      suppress: { placeholder: 'why?', reasons: [] },
    };
    const r = parseSettings(full, { knownRule: known });
    expect(r.problems).toEqual([]);
    expect(r.patch).toEqual(full);
  });

  it('a bad value is dropped with one problem naming it and its default; its siblings stay', () => {
    const r = parseSettings({ minSeverity: 'CRITICAL', minConfidence: 'HIGH', bandit: { timeoutSeconds: 0, idleDelayMs: 200 } });
    expect(r.patch).toEqual({ minConfidence: 'HIGH', bandit: { idleDelayMs: 200 } });
    expect(r.problems.map((p) => p.setting)).toEqual(['pysec.minSeverity', 'pysec.bandit.timeoutSeconds']);
    expect(r.problems[0].message).toBe('pysec.minSeverity must be one of "LOW", "MEDIUM", "HIGH", not "CRITICAL"; using the default "LOW".');
    expect(r.problems[1].message).toBe('pysec.bandit.timeoutSeconds must be a number of seconds greater than 0, not 0; using the default 30.');
  });

  it('wrong types: a string for a list, a list for an object, a number for a boolean', () => {
    const r = parseSettings({ exclude: 'migrations', rules: ['B101'], ignoreNosec: 1, bandit: { command: [] } });
    expect(r.patch).toEqual({ bandit: {} });
    expect(r.problems.map((p) => p.message)).toEqual([
      'pysec.exclude must be a list of strings, not "migrations"; using the default [].',
      'pysec.rules must be an object with "select" and "ignore", not ["B101"]; using the defaults.',
      'pysec.ignoreNosec must be true or false, not 1; using the default false.',
      'pysec.bandit.command must be a non-empty list of strings, such as ["python3", "-m", "bandit"], not []; it is left unset.',
    ]);
  });

  it('the matrix merges cell by cell; a bad cell costs only that cell', () => {
    const r = resolveSettings({ initializationOptions: { severity: { matrix: { HIGH: { LOW: 'error', MEDIUM: 'loud' }, LOW: { LOW: 'Info' } } } } });
    expect(r.settings.severity.matrix).toEqual({
      HIGH: { HIGH: 'error', MEDIUM: 'error', LOW: 'error' },
      MEDIUM: DEFAULT_MATRIX.MEDIUM,
      LOW: { HIGH: 'information', MEDIUM: 'information', LOW: 'information' },
    });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].message).toContain('pysec.severity.matrix.HIGH.MEDIUM must be one of "error", "warning", "information", "hint", not "loud"; using the default "error"');
  });

  it('overrides: a bad entry is dropped alone; unknown rule names are kept but reported', () => {
    const r = parseSettings({ severity: { overrides: { B602: 'warning', B101: 'silent', B6O2: 'off' } } }, { knownRule: known });
    expect(r.patch).toEqual({ severity: { overrides: { B602: 'warning', B6O2: 'off' } } });
    expect(r.problems.map((p) => p.message)).toEqual([
      'pysec.severity.overrides["B101"] must be one of "error", "warning", "information", "hint", "off", not "silent"; that entry is ignored.',
      'pysec.severity.overrides: "B6O2" names no pysec rule or bandit test; kept in case a bandit plugin defines it.',
    ]);
  });

  it('an unknown rule name that is a typo of a known one: "did you mean" (issue 20), still kept', () => {
    const names = () => ['B602', 'B101', 'PS101', 'assert_used', 'hardcoded_sql_expressions'];
    const r = parseSettings({ rules: { ignore: ['B6O2', 'asert_used', 'ps101', 'hardcoded_sql_expresions', 'my_plugin_test'] } }, { knownRule: (s) => names().includes(s), ruleNames: names });
    expect(r.patch).toEqual({ rules: { ignore: ['B6O2', 'asert_used', 'ps101', 'hardcoded_sql_expresions', 'my_plugin_test'] } });
    expect(r.problems.map((p) => p.message)).toEqual([
      'pysec.rules.ignore: "B6O2" (did you mean "B602"?), "asert_used" (did you mean "assert_used"?), "ps101" (did you mean "PS101"?), "hardcoded_sql_expresions" (did you mean "hardcoded_sql_expressions"?), "my_plugin_test" name no pysec rule or bandit test; kept in case a bandit plugin defines them.',
    ]);
    expect(closestRule('x'.repeat(100_000), names())).toBeUndefined();
  });

  it('a misspelt or misplaced name: one problem, with the setting it most likely meant', () => {
    const r = parseSettings({ minSeverty: 'HIGH', ignorenosec: true, bandit: { timeout: 5 }, path: '/x/bandit', frobnicate: 1 });
    expect(r.patch).toEqual({ bandit: {} });
    expect(r.problems.map((p) => p.message)).toEqual([
      'unknown setting pysec.minSeverty (did you mean pysec.minSeverity?); it is ignored.',
      'unknown setting pysec.ignorenosec (did you mean pysec.ignoreNosec?); it is ignored.',
      'unknown setting pysec.bandit.timeout (did you mean pysec.bandit.timeoutSeconds?); it is ignored.',
      'unknown setting pysec.path (did you mean pysec.bandit.path?); it is ignored.',
      'unknown setting pysec.frobnicate; it is ignored.',
    ]);
    expect(suggest(['severity', 'overides'])).toBe('pysec.severity.overrides');
  });

  it('null means not set; levels and severities in any case', () => {
    const r = parseSettings({ minSeverity: null, minConfidence: 'medium', bandit: { path: null }, severity: { overrides: { B602: 'Hint', B101: 'info', B404: null } } });
    expect(r.problems).toEqual([]);
    expect(r.patch).toEqual({ minConfidence: 'MEDIUM', bandit: {}, severity: { overrides: { B602: 'hint', B101: 'information' } } });
  });

  it('the section is found bare, wrapped in `pysec`, or flattened; a shared object without ours is not ours', () => {
    expect(extractSection({ minSeverity: 'HIGH' })).toEqual({ minSeverity: 'HIGH' });
    expect(extractSection({ pysec: { minSeverity: 'HIGH' }, python: { x: 1 } }, true)).toEqual({ minSeverity: 'HIGH' });
    expect(extractSection({ 'pysec.minSeverity': 'HIGH', 'pysec.bandit.enabled': false })).toEqual({ minSeverity: 'HIGH', bandit: { enabled: false } });
    expect(extractSection({ pysec: { 'bandit.path': '/b' } })).toEqual({ bandit: { path: '/b' } });
    expect(extractSection({ python: { analysis: {} } }, true)).toBeUndefined();
    expect(extractSection({ python: { analysis: {} } }, false)).toEqual({ python: { analysis: {} } });
    expect(extractSection({ bandit: { enabled: false }, other: 1 }, true)).toEqual({ bandit: { enabled: false }, other: 1 });
  });

  it("an empty list where an object belongs is an empty object (Lua's empty table), without a problem", () => {
    const r = resolveSettings({ initializationOptions: [], changed: { pysec: [] }, global: { severity: { overrides: [], matrix: [] }, rules: [] } });
    expect(r.settings).toEqual(DEFAULT_SETTINGS);
    expect(r.problems).toEqual([]);
    // A didChangeConfiguration payload that is not an object is someone else's business.
    expect(resolveSettings({ changed: 'x' }).problems).toEqual([]);
  });

  it('the whole section of the wrong type: one problem, the defaults', () => {
    const r = resolveSettings({ initializationOptions: 'HIGH' });
    expect(r.settings).toEqual(DEFAULT_SETTINGS);
    expect(r.problems.map((p) => p.message)).toEqual(['the "pysec" settings must be an object, not "HIGH"; using the defaults.']);
  });
});

describe('merging sources', () => {
  it('later sources win; objects merge key by key, lists replace', () => {
    const r = resolveSettings({
      initializationOptions: { exclude: ['a'], severity: { overrides: { B602: 'hint' } }, bandit: { idleDelayMs: 10 } },
      changed: { pysec: { severity: { overrides: { B101: 'off' } } } },
      global: { exclude: ['b'], bandit: { timeoutSeconds: 5 } },
      folder: { severity: { overrides: { B602: 'warning' } }, minSeverity: 'MEDIUM' },
    });
    expect(r.problems).toEqual([]);
    expect(r.settings.exclude).toEqual(['b']);
    expect(r.settings.severity.overrides).toEqual({ B602: 'warning', B101: 'off' });
    expect(r.settings.bandit).toEqual({ ...DEFAULT_SETTINGS.bandit, idleDelayMs: 10, timeoutSeconds: 5 });
    expect(r.settings.minSeverity).toBe('MEDIUM');
  });

  it('a bad value in a higher source leaves the lower source\'s value', () => {
    const r = resolveSettings({ initializationOptions: { minSeverity: 'MEDIUM' }, global: { minSeverity: 'MEDIUMISH' } });
    expect(r.settings.minSeverity).toBe('MEDIUM');
    expect(r.problems).toHaveLength(1);
  });

  it('the same problem from two sources is reported once', () => {
    const r = resolveSettings({ initializationOptions: { minSeverty: 'HIGH' }, global: { minSeverty: 'HIGH' } });
    expect(r.problems).toHaveLength(1);
  });

  it('mergeSettings mutates nothing', () => {
    const base = defaultSettings();
    const before = JSON.stringify(base);
    const patch = { severity: { overrides: { B602: 'hint' as const } }, exclude: ['x'] };
    const out = mergeSettings(base, patch);
    expect(JSON.stringify(base)).toBe(before);
    out.exclude.push('y');
    expect(patch.exclude).toEqual(['x']);
  });
});

describe('rule selection', () => {
  const B602 = { id: 'B602', name: 'subprocess_popen_with_shell_equals_true' };
  const B404 = { id: 'B404', name: 'import_subprocess' };
  const B101 = { id: 'B101', name: 'assert_used' };
  const PS501 = { id: 'PS501', name: 'cors_wildcard_with_credentials' };
  const all = [B101, B404, B602, PS501];
  const on = (s: Settings, project?: { tests: string[]; skips: string[] }) => all.filter(ruleSelector(s, project)).map((r) => r.id);

  it('everything by default', () => {
    expect(on(DEFAULT_SETTINGS)).toEqual(['B101', 'B404', 'B602', 'PS501']);
  });

  it('select and ignore by id or by test name; ignore wins within the user settings', () => {
    expect(on(settings({ rules: { select: ['B602', 'assert_used'] } }))).toEqual(['B101', 'B602']);
    expect(on(settings({ rules: { ignore: ['import_subprocess', 'PS501'] } }))).toEqual(['B101', 'B602']);
    expect(on(settings({ rules: { select: ['B602', 'B404'], ignore: ['subprocess_popen_with_shell_equals_true'] } }))).toEqual(['B404']);
  });

  it("the project's skips and tests apply beneath the user's settings", () => {
    const project = { tests: [], skips: ['B101', 'import_subprocess'] };
    expect(on(DEFAULT_SETTINGS, project)).toEqual(['B602', 'PS501']);
    expect(on(DEFAULT_SETTINGS, { tests: ['B602', 'B101'], skips: ['B101'] })).toEqual(['B602']);
    // The user speaks of B101: the user wins.
    expect(on(settings({ rules: { select: ['B101'] } }), project)).toEqual(['B101']);
    // The user's select replaces the project's tests.
    expect(on(settings({ rules: { select: ['B404'] } }), { tests: ['B602'], skips: [] })).toEqual(['B404']);
    // The user's ignore adds to the project's skips.
    expect(on(settings({ rules: { ignore: ['B602'] } }), project)).toEqual(['PS501']);
  });

  it('an override "off" removes the rule whatever the selection', () => {
    expect(on(settings({ rules: { select: ['B602', 'PS501'] }, severity: { overrides: { cors_wildcard_with_credentials: 'off' } } }))).toEqual(['B602']);
  });

  it('minimum severity and confidence filter findings of either engine', () => {
    const s = settings({ minSeverity: 'MEDIUM', minConfidence: 'MEDIUM' });
    const keep = findingFilter(s, ruleSelector(s));
    expect(keep(finding())).toBe(true);
    expect(keep(finding({ severity: 'LOW' }))).toBe(false);
    expect(keep(finding({ confidence: 'LOW', engine: 'bandit' }))).toBe(false);
    expect(keep(finding({ rule: 'B999', name: 'a_plugin_test', severity: 'MEDIUM', confidence: 'HIGH', engine: 'bandit' }))).toBe(true);
  });

  it('the selection key changes exactly when the rules that run change', () => {
    const a = selectionKey(all, ruleSelector(DEFAULT_SETTINGS));
    expect(selectionKey(all, ruleSelector(settings({ minSeverity: 'HIGH', severity: { overrides: { B602: 'hint' } } })))).toBe(a);
    expect(selectionKey(all, ruleSelector(settings({ rules: { ignore: ['B602'] } })))).not.toBe(a);
  });
});

describe('severity mapping', () => {
  const mapping = (s: Settings) => ({ matrix: s.severity.matrix, overrides: s.severity.overrides });

  it('the matrix cell of severity × confidence, unless an override by id or name says otherwise', () => {
    const s = settings({ severity: { matrix: { HIGH: { HIGH: 'warning' } }, overrides: { import_subprocess: 'error', B101: 'off' } } });
    expect(severityName(finding(), mapping(DEFAULT_SETTINGS))).toBe('error');
    expect(severityName(finding(), mapping(s))).toBe('warning');
    expect(severityName(finding({ rule: 'B404', name: 'import_subprocess', severity: 'LOW' }), mapping(s))).toBe('error');
    expect(findingSeverity(finding({ rule: 'B101', name: 'assert_used' }), mapping(s))).toBeNull();
    expect(findingSeverity(finding({ severity: 'LOW', confidence: 'LOW' }), mapping(s))).toBe(DiagnosticSeverity.Hint);
    // By id wins over by name.
    const both = settings({ severity: { overrides: { B602: 'hint', subprocess_popen_with_shell_equals_true: 'error' } } });
    expect(severityName(finding(), mapping(both))).toBe('hint');
  });

  it('toDiagnostics maps severities and leaves out rules turned off', () => {
    const doc = TextDocument.create('file:///x.py', 'python', 1, 'abcdefghij\n');
    const s = settings({ severity: { overrides: { B602: 'information', B101: 'off' } } });
    const d = toDiagnostics([finding(), finding({ rule: 'B101', name: 'assert_used' })], doc, 'utf-16', mapping(s));
    expect(d.map((x) => [x.code, x.severity])).toEqual([['B602', DiagnosticSeverity.Information]]);
  });

  it('a related location becomes relatedInformation in the same document', () => {
    const doc = TextDocument.create('file:///x.py', 'python', 1, 'from os import system as s\ns("x")\n');
    const f = finding({ range: { start: 27, end: 33 }, related: [{ span: { start: 0, end: 26 }, message: 's is os.system, imported here' }] });
    const [d] = toDiagnostics([f], doc, 'utf-16');
    expect(d.relatedInformation).toEqual([
      { location: { uri: 'file:///x.py', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 26 } } }, message: 's is os.system, imported here' },
    ]);
    expect(toDiagnostics([finding()], doc, 'utf-16')[0].relatedInformation).toBeUndefined();
  });
});

describe('exclude globs', () => {
  const root = '/work/proj';
  const ex = (rel: string, patterns: string[]) => isExcluded(`${root}/${rel}`, root, patterns);

  it('globs compile as documented', () => {
    expect(matchesGlob('a/b/c.py', 'a/**/*.py')).toBe(true);
    expect(matchesGlob('a/c.py', 'a/**/*.py')).toBe(true);
    expect(matchesGlob('a/b/c.py', 'a/*.py')).toBe(false);
    expect(matchesGlob('x_pb2.py', '*_pb2.py')).toBe(true);
    expect(matchesGlob('file1.py', 'file?.py')).toBe(true);
    expect(matchesGlob('file12.py', 'file?.py')).toBe(false);
    expect(matchesGlob('b.py', '[abc].py')).toBe(true);
    expect(matchesGlob('d.py', '[!abc].py')).toBe(true);
    expect(matchesGlob('test_x.py', '{test_*,*_test}.py')).toBe(true);
    expect(matchesGlob('x_test.py', '{test_*,*_test}.py')).toBe(true);
    expect(matchesGlob('a.py', '{test_*,*_test}.py')).toBe(false);
    expect(matchesGlob('a.b', 'a.b')).toBe(true);
    expect(matchesGlob('axb', 'a.b')).toBe(false);
    expect(matchesGlob('any/thing/at/all.py', '**')).toBe(true);
  });

  it('a name without / at any depth; a path relative to the folder; a folder above the file', () => {
    expect(ex('app/migrations/0001.py', ['migrations'])).toBe(true);
    expect(ex('migrations.py', ['migrations'])).toBe(false);
    expect(ex('proto/x_pb2.py', ['*_pb2.py'])).toBe(true);
    expect(ex('app/generated/a/b.py', ['app/generated/**'])).toBe(true);
    expect(ex('app/generated/a/b.py', ['app/generated'])).toBe(true);
    expect(ex('app/generated/a/b.py', ['app/generated/'])).toBe(true);
    expect(ex('other/app/generated/b.py', ['app/generated'])).toBe(false);
    expect(ex('settings/local.py', ['/settings/local.py'])).toBe(true);
    expect(ex('x/settings/local.py', ['/settings/local.py'])).toBe(false);
    expect(ex('app/views.py', ['./app/views.py'])).toBe(true);
    expect(ex('app/views.py', [`${root}/app/*.py`])).toBe(true);
    expect(ex('app/views.py', ['tests', '*_pb2.py', ''])).toBe(false);
    expect(isExcluded('/elsewhere/app/migrations/x.py', root, ['app/migrations'])).toBe(false);
    expect(isExcluded('/elsewhere/app/migrations/x.py', root, ['migrations'])).toBe(false);
  });
});

describe('policy', () => {
  const rules = [
    { id: 'B101', name: 'assert_used' },
    { id: 'B602', name: 'subprocess_popen_with_shell_equals_true' },
  ];
  const project = (over: object = {}) => ({ root: '/p', skips: [], tests: [], excludeDirs: [], pluginParams: new Map(), pluginKey: '', files: [], problems: [], ...over });

  it("combines settings, the project's config and excludes for one file", () => {
    const p = buildPolicy({ settings: settings({ exclude: ['gen'] }), file: '/p/app/x.py', folder: '/p', project: project({ skips: ['B101'] }), rules });
    expect(p.enabled(rules[0])).toBe(false);
    expect(p.enabled(rules[1])).toBe(true);
    expect(p.excluded).toBe(false);
    expect(buildPolicy({ settings: settings({ exclude: ['gen'] }), file: '/p/gen/x.py', folder: '/p', project: undefined, rules }).excluded).toBe(true);
    // The project's bandit excludes (substring or fnmatch, as bandit reads them).
    expect(buildPolicy({ settings: DEFAULT_SETTINGS, file: '/p/tests/x.py', folder: '/p', project: project({ excludeDirs: ['tests'] }), rules }).excluded).toBe(true);
  });

  it('visible findings: none when excluded; else kept and not suppressed', () => {
    const p = buildPolicy({ settings: settings({ minConfidence: 'MEDIUM' }), file: '/p/a.py', folder: '/p', project: undefined, rules });
    const fs = [finding(), finding({ confidence: 'LOW' }), finding({ suppressed: { kind: 'nosec', justification: 'ok', line: 0 } })];
    expect(visibleFindings(fs, p)).toEqual([fs[0]]);
    expect(visibleFindings(fs, { ...p, excluded: true })).toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/configuration.md'), 'utf8');

  /** Every leaf setting path and its default, from the schema and the defaults. */
  function leaves(): [string, unknown][] {
    const out: [string, unknown][] = [];
    const walk = (shape: Record<string, unknown>, defaults: Record<string, unknown> | undefined, prefix: string) => {
      for (const [k, schema] of Object.entries(shape)) {
        const path = `${prefix}.${k}`;
        const inner = (schema as { unwrap?: () => unknown }).unwrap?.() ?? schema;
        const sub = (inner as { shape?: Record<string, unknown> }).shape;
        if (sub && k !== 'matrix') walk(sub, defaults?.[k] as Record<string, unknown>, path);
        else out.push([path, defaults?.[k]]);
      }
    };
    walk(SettingsSchema.shape as Record<string, unknown>, DEFAULT_SETTINGS as unknown as Record<string, unknown>, 'pysec');
    return out;
  }

  it('lists every setting with its default', () => {
    const rows = new Map(
      doc
        .split('\n')
        .filter((l) => l.startsWith('| `pysec.'))
        .map((l) => {
          const cells = l.split(' | ');
          return [cells[0].replace(/^\| `|`$/g, ''), cells[2]] as const;
        }),
    );
    const missing: string[] = [];
    for (const [path, def] of leaves()) {
      const row = rows.get(path);
      if (row === undefined) {
        missing.push(path);
        continue;
      }
      if (path === 'pysec.severity.matrix') expect(row).toBe('the table below');
      else if (def === undefined) expect(row, path).toBe('unset');
      else expect(row, path).toBe(`\`${JSON.stringify(def).replace(/,/g, ', ')}\``);
    }
    expect(missing).toEqual([]);
    expect(rows.size).toBe(leaves().length);
  });

  it('shows how to pass settings from each editor', () => {
    for (const heading of ['### Neovim', '### Helix', '### Emacs, lsp-mode', '### Emacs, Eglot', '### Sublime Text']) expect(doc).toContain(heading);
    for (const snippet of ['settings = {', 'init_options', '[language-server.pysec.config]', 'lsp-register-custom-settings', ':initializationOptions', 'eglot-workspace-configuration', '"settings": {', '"initialization_options"']) {
      expect(doc).toContain(snippet);
    }
  });
});
