/**
 * Settings over real LSP (issue 6): read from `workspace/configuration`
 * (section `pysec`, per workspace folder), re-read on
 * `workspace/didChangeConfiguration`, and applied to every open document at
 * once without a restart; bad values reported once, with their defaults.
 * Bandit is turned off in each client: these tests are about the settings,
 * and the tree-sitter engine answers deterministically.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic, FullDocumentDiagnosticReport, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { docUri, LspClient, type StartOptions } from './client.js';

const NO_BANDIT = { bandit: { enabled: false } };

const tmp = mkdtempSync(join(tmpdir(), 'pysec-settings-'));
const clients: LspClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) expect(await c.shutdown()).toBe(0);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What the client answers to `workspace/configuration`: a global section and one per folder URI. */
interface ClientConfig {
  global?: unknown;
  folders?: Record<string, unknown>;
}

const CONFIG_CAPS = {
  workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
};

/** A client that answers `workspace/configuration` from `config` (mutable: change it, then `reconfigure`). */
async function start(config: ClientConfig, opts: StartOptions = {}): Promise<LspClient> {
  const c = await LspClient.start({
    initializationOptions: NO_BANDIT,
    ...opts,
    capabilities: { ...CONFIG_CAPS, ...opts.capabilities },
    onServerRequest: {
      'workspace/configuration': (p) =>
        ((p as { items: { scopeUri?: string; section?: string }[] }).items ?? []).map((item) =>
          item.section !== 'pysec' ? null : item.scopeUri ? (config.folders?.[item.scopeUri] ?? null) : (config.global ?? null),
        ),
      ...opts.onServerRequest,
    },
  });
  clients.push(c);
  return c;
}

/** Tells the server its settings changed; returns the mark after which its answer comes. */
async function reconfigure(c: LspClient, settings: unknown = null): Promise<number> {
  const mark = c.mark();
  await c.notify('workspace/didChangeConfiguration', { settings });
  return mark;
}

const SHELL = 'import subprocess\nsubprocess.run(cmd, shell=True)\n';

/** `[code, severity]` pairs, in order. */
const codes = (p: { diagnostics: Diagnostic[] }) => p.diagnostics.map((d) => [d.code, d.severity]);

const ERROR = 1;
const WARNING = 2;
const INFORMATION = 3;
const HINT = 4;

/** The first publish for `uri` after `after` that satisfies `check` (a failing expectation waits for the next). */
async function published(c: LspClient, uri: string, after: number, check: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
  return c.waitForDiagnostics(uri, { after, predicate: check });
}

const settingsMessages = (c: LspClient) => c.shownMessages.filter((m) => m.message.startsWith('pysec settings'));

describe('severity matrix and per-rule overrides', () => {
  it('a matrix cell, then overrides by id and by name, then off: re-published each time without a restart', async () => {
    const config: ClientConfig = { global: {} };
    const c = await start(config);
    const pid = c.proc.pid;
    const uri = docUri('settings-matrix.py');
    await c.open(uri, SHELL, 1);
    const first = await c.waitForDiagnostics(uri, { version: 1 });
    // DESIGN.md's defaults: B404 LOW×HIGH → information, B602 HIGH×HIGH → error.
    expect(codes(first)).toEqual([
      ['B404', INFORMATION],
      ['B602', ERROR],
    ]);

    // One cell; the other cells keep their defaults.
    config.global = { severity: { matrix: { HIGH: { HIGH: 'warning' } } } };
    let mark = await reconfigure(c);
    let p = await published(c, uri, mark, () => true);
    expect(codes(p)).toEqual([
      ['B404', INFORMATION],
      ['B602', WARNING],
    ]);
    expect(p.version).toBe(1);

    // An override by id wins over the matrix; one by test name too.
    config.global = { severity: { matrix: { HIGH: { HIGH: 'warning' } }, overrides: { B602: 'hint', import_subprocess: 'error' } } };
    mark = await reconfigure(c);
    p = await published(c, uri, mark, () => true);
    expect(codes(p)).toEqual([
      ['B404', ERROR],
      ['B602', HINT],
    ]);

    // `off` removes the rule.
    config.global = { severity: { overrides: { B602: 'off' } } };
    mark = await reconfigure(c);
    p = await published(c, uri, mark, () => true);
    expect(codes(p)).toEqual([['B404', INFORMATION]]);

    // And back, when the override goes.
    config.global = {};
    mark = await reconfigure(c);
    p = await published(c, uri, mark, () => true);
    expect(codes(p)).toEqual([
      ['B404', INFORMATION],
      ['B602', ERROR],
    ]);
    expect(c.proc.pid).toBe(pid);
    expect(settingsMessages(c)).toEqual([]);
  });

  it('every open document is re-published at once', async () => {
    const config: ClientConfig = { global: {} };
    const c = await start(config);
    const uris = ['settings-all-1.py', 'settings-all-2.py', 'settings-all-3.py'].map(docUri);
    for (const uri of uris) {
      await c.open(uri, SHELL, 1);
      await c.waitForDiagnostics(uri, { version: 1 });
    }
    config.global = { severity: { overrides: { B404: 'off' } } };
    const mark = await reconfigure(c);
    for (const uri of uris) {
      const p = await published(c, uri, mark, () => true);
      expect(codes(p)).toEqual([['B602', ERROR]]);
    }
  });

  it('registers for didChangeConfiguration dynamically when the client allows it', async () => {
    const c = await start({});
    await c.open(docUri('settings-register.py'), 'x = 1\n', 1);
    await c.waitForDiagnostics(docUri('settings-register.py'), { version: 1 });
    const reg = c.serverRequests.find((r) => r.method === 'client/registerCapability');
    expect(reg?.params).toMatchObject({ registrations: [{ method: 'workspace/didChangeConfiguration' }] });
    expect(c.serverRequests.some((r) => r.method === 'workspace/configuration')).toBe(true);
  });
});

describe('bad settings', () => {
  it('a misspelt setting: one clear message naming it (and what was meant), and the defaults', async () => {
    const c = await start({ global: { minSeverty: 'HIGH' } });
    const uri = docUri('settings-misspelt.py');
    await c.open(uri, SHELL, 1);
    const p = await c.waitForDiagnostics(uri, { version: 1 });
    // minSeverity stays LOW: the LOW-severity B404 is still there.
    expect(codes(p)).toEqual([
      ['B404', INFORMATION],
      ['B602', ERROR],
    ]);
    const msgs = settingsMessages(c);
    expect(msgs).toHaveLength(1);
    expect(msgs[0].type).toBe(2); // Warning
    expect(msgs[0].message).toContain('pysec.minSeverty');
    expect(msgs[0].message).toContain('did you mean pysec.minSeverity?');
    expect(c.serverRequests.some((r) => r.method === 'window/showMessageRequest')).toBe(false);

    // The same settings again: no second message.
    const mark = await reconfigure(c);
    await published(c, uri, mark, () => true);
    expect(settingsMessages(c)).toHaveLength(1);
  });

  it('a bad value: one message naming the setting and its default; the other valid settings still apply', async () => {
    const config: ClientConfig = { global: { minSeverity: 'CRITICAL', severity: { overrides: { B602: 'hint' } } } };
    const c = await start(config);
    const uri = docUri('settings-bad-value.py');
    await c.open(uri, SHELL, 1);
    const p = await c.waitForDiagnostics(uri, { version: 1 });
    expect(codes(p)).toEqual([
      ['B404', INFORMATION],
      ['B602', HINT],
    ]);
    const msgs = settingsMessages(c);
    expect(msgs).toHaveLength(1);
    expect(msgs[0].message).toMatch(/pysec\.minSeverity must be one of "LOW", "MEDIUM", "HIGH", not "CRITICAL"; using the default "LOW"/);

    // Fixed: no message; broken differently: one new message.
    config.global = { minSeverity: 'HIGH', severity: { matrix: { HIGH: { HIGH: 'fatal' } } } };
    const mark = await reconfigure(c);
    const p2 = await published(c, uri, mark, () => true);
    expect(codes(p2)).toEqual([['B602', ERROR]]);
    const after = settingsMessages(c);
    expect(after).toHaveLength(2);
    expect(after[1].message).toContain('pysec.severity.matrix.HIGH.HIGH must be one of "error", "warning", "information", "hint", not "fatal"; using the default "error"');
  });

  it('initializationOptions alone (a client without workspace/configuration): read, validated, and changed by didChangeConfiguration', async () => {
    const c = await LspClient.start({ initializationOptions: { pysec: { bandit: { enabled: false }, ignoreNosek: true, severity: { overrides: { B602: 'warning' } } } } });
    clients.push(c);
    const uri = docUri('settings-init-options.py');
    await c.open(uri, SHELL, 1);
    const p = await c.waitForDiagnostics(uri, { version: 1 });
    expect(codes(p)).toEqual([
      ['B404', INFORMATION],
      ['B602', WARNING],
    ]);
    expect(settingsMessages(c)).toHaveLength(1);
    expect(settingsMessages(c)[0].message).toContain('unknown setting pysec.ignoreNosek (did you mean pysec.ignoreNosec?)');
    expect(c.serverRequests.some((r) => r.method === 'workspace/configuration')).toBe(false);

    // The payload of didChangeConfiguration (wrapped in `pysec`, as Neovim and lsp-mode send it).
    const mark = await reconfigure(c, { pysec: { severity: { overrides: { B602: 'hint' } } } });
    const p2 = await published(c, uri, mark, () => true);
    expect(codes(p2)).toEqual([
      ['B404', INFORMATION],
      ['B602', HINT],
    ]);
  });
});

describe('suppression-hygiene codes in the settings', () => {
  it('PSN codes and names take overrides (a severity or off) and rules.ignore, without an "unknown rule" message', async () => {
    // PSN001 (bare nosec, a warning by default) and PSN005 (no justification, information).
    const text = 'eval(y)  # nosec\n';
    const c = await LspClient.start({ initializationOptions: { pysec: { bandit: { enabled: false }, severity: { overrides: { 'bare-nosec': 'error' } } } } });
    clients.push(c);
    const uri = docUri('settings-hygiene.py');
    await c.open(uri, text, 1);
    expect(codes(await c.waitForDiagnostics(uri, { version: 1 }))).toEqual([
      ['PSN001', 1],
      ['PSN005', INFORMATION],
    ]);
    // By id (which wins over the name, as for rules), and off.
    let mark = await reconfigure(c, { pysec: { severity: { overrides: { PSN001: 'hint', PSN005: 'off' } } } });
    expect(codes(await published(c, uri, mark, () => true))).toEqual([['PSN001', HINT]]);
    mark = await reconfigure(c, { pysec: { rules: { ignore: ['PSN001', 'suppression-without-justification'] } } });
    expect(codes(await published(c, uri, mark, () => true))).toEqual([]);
    expect(settingsMessages(c)).toEqual([]);
  });

  it('PSN008, the notice of findings not shown (past the first 1,000), takes them too; a code action at it fixes nothing', async () => {
    const text = 'eval(x)\n'.repeat(1002);
    const c = await LspClient.start({ initializationOptions: { pysec: { bandit: { enabled: false }, severity: { overrides: { 'findings-not-shown': 'warning' } } } } });
    clients.push(c);
    const uri = docUri('settings-not-shown.py');
    await c.open(uri, text, 1);
    const notices = (p: { diagnostics: Diagnostic[] }) => p.diagnostics.filter((d) => d.code === 'PSN008');
    const first = await c.waitForDiagnostics(uri, { version: 1 });
    expect(first.diagnostics.filter((d) => d.code === 'B307')).toHaveLength(1000);
    // At the first finding left out (line 1000), by its name a warning.
    expect(notices(first).map((d) => [d.severity, d.range.start.line, d.message])).toEqual([
      [WARNING, 1000, '2 more findings in this file are not shown: the editor shows the first 1,000 (`pysec-lsp check` lists them all).'],
    ]);
    const notice = notices(first)[0];
    const actions = await c.request<{ diagnostics?: Diagnostic[] }[]>('textDocument/codeAction', { textDocument: { uri }, range: notice.range, context: { diagnostics: [notice] } });
    expect(actions.filter((a) => a.diagnostics?.some((d) => d.code === 'PSN008'))).toEqual([]);
    // By id, which wins over the name; then off; then in rules.ignore by name.
    let mark = await reconfigure(c, { pysec: { severity: { overrides: { PSN008: 'hint', 'findings-not-shown': 'error' } } } });
    expect(notices(await published(c, uri, mark, () => true)).map((d) => d.severity)).toEqual([HINT]);
    mark = await reconfigure(c, { pysec: { severity: { overrides: { PSN008: 'off' } } } });
    let p = await published(c, uri, mark, () => true);
    expect([p.diagnostics.length, notices(p)]).toEqual([1000, []]);
    mark = await reconfigure(c, { pysec: { rules: { ignore: ['findings-not-shown'] } } });
    p = await published(c, uri, mark, () => true);
    expect([p.diagnostics.length, notices(p)]).toEqual([1000, []]);
    expect(settingsMessages(c)).toEqual([]);
  });
});

describe('rule selection and minimums', () => {
  const CODE = [
    'import subprocess', // B404 LOW/HIGH
    'subprocess.run(cmd, shell=True)', // B602 HIGH/HIGH
    'query = "SELECT * FROM t WHERE id = %s" % uid', // B608 MEDIUM/LOW (MEDIUM confidence inside .execute())
    '',
  ].join('\n');
  const rules = (p: { diagnostics: Diagnostic[] }) => p.diagnostics.map((d) => d.code);

  it('minSeverity and minConfidence filter', async () => {
    const config: ClientConfig = { global: {} };
    const c = await start(config);
    const uri = docUri('settings-min.py');
    await c.open(uri, CODE, 1);
    expect(rules(await c.waitForDiagnostics(uri, { version: 1 }))).toEqual(['B404', 'B602', 'B608']);

    config.global = { minSeverity: 'MEDIUM' };
    let mark = await reconfigure(c);
    expect(rules(await published(c, uri, mark, () => true))).toEqual(['B602', 'B608']);

    config.global = { minSeverity: 'high' }; // any case
    mark = await reconfigure(c);
    expect(rules(await published(c, uri, mark, () => true))).toEqual(['B602']);

    config.global = { minConfidence: 'MEDIUM' };
    mark = await reconfigure(c);
    expect(rules(await published(c, uri, mark, () => true))).toEqual(['B404', 'B602']);
  });

  it('rules.select and rules.ignore, by id and by test name', async () => {
    const config: ClientConfig = { global: { rules: { select: ['B602'] } } };
    const c = await start(config);
    const uri = docUri('settings-select.py');
    await c.open(uri, CODE, 1);
    expect(rules(await c.waitForDiagnostics(uri, { version: 1 }))).toEqual(['B602']);

    config.global = { rules: { select: ['import_subprocess', 'hardcoded_sql_expressions'] } };
    let mark = await reconfigure(c);
    expect(rules(await published(c, uri, mark, () => true))).toEqual(['B404', 'B608']);

    config.global = { rules: { ignore: ['subprocess_popen_with_shell_equals_true', 'B608'] } };
    mark = await reconfigure(c);
    expect(rules(await published(c, uri, mark, () => true))).toEqual(['B404']);

    // Ignoring wins over selecting.
    config.global = { rules: { select: ['B404', 'B602'], ignore: ['B404'] } };
    mark = await reconfigure(c);
    expect(rules(await published(c, uri, mark, () => true))).toEqual(['B602']);

    // Edits after a selection change are incremental again, with the new selection.
    const v2 = { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'subprocess.call(x, shell=True)\nimport pickle\n' };
    await c.change(uri, 2, [v2]);
    expect(rules(await c.waitForDiagnostics(uri, { version: 2 }))).toEqual(['B602', 'B602']);
    expect(settingsMessages(c)).toEqual([]);
  });

  it('an unknown rule name is reported once, and kept', async () => {
    const c = await start({ global: { rules: { ignore: ['B6O2'] } } });
    const uri = docUri('settings-unknown-rule.py');
    await c.open(uri, SHELL, 1);
    expect(rules(await c.waitForDiagnostics(uri, { version: 1 }))).toEqual(['B404', 'B602']);
    expect(settingsMessages(c)).toHaveLength(1);
    expect(settingsMessages(c)[0].message).toContain('pysec.rules.ignore: "B6O2" (did you mean "B602"?) names no pysec rule or bandit test');
  });

  it('ignoreNosec shows what # nosec silences', async () => {
    const config: ClientConfig = { global: {} };
    const c = await start(config);
    const uri = docUri('settings-nosec.py');
    await c.open(uri, 'import subprocess  # nosec B404  # reviewed\nsubprocess.run(cmd, shell=True)  # nosec B602  # reviewed\n', 1);
    const bandit = (p: { diagnostics: Diagnostic[] }) => rules(p).filter((r) => /^B\d+$/.test(String(r)));
    expect(bandit(await c.waitForDiagnostics(uri, { version: 1 }))).toEqual([]);
    config.global = { ignoreNosec: true };
    const mark = await reconfigure(c);
    expect(bandit(await published(c, uri, mark, () => true))).toEqual(['B404', 'B602']);
  });
});

describe('exclude', () => {
  it('excluded files get no diagnostics; globs are relative to the workspace folder', async () => {
    const root = join(tmp, 'exclude');
    mkdirSync(root, { recursive: true });
    const config: ClientConfig = { global: { exclude: ['migrations', 'app/generated/**', '*_pb2.py'] } };
    const c = await start(config, { rootPath: root });
    const at = (rel: string) => pathToFileURL(join(root, rel)).href;
    const files = ['app/views.py', 'app/migrations/0001_initial.py', 'app/generated/deep/x.py', 'proto/msg_pb2.py', 'app/generated.py'];
    for (const f of files) await c.open(at(f), SHELL, 1);
    const shown: Record<string, number> = {};
    for (const f of files) shown[f] = (await c.waitForDiagnostics(at(f), { version: 1 })).diagnostics.length;
    expect(shown).toEqual({
      'app/views.py': 2,
      'app/migrations/0001_initial.py': 0,
      'app/generated/deep/x.py': 0,
      'proto/msg_pb2.py': 0,
      'app/generated.py': 2,
    });

    // Dropping the exclude brings them back at once.
    config.global = {};
    const mark = await reconfigure(c);
    for (const f of files) expect((await published(c, at(f), mark, () => true)).diagnostics).toHaveLength(2);
  });
});

describe('multi-root workspaces', () => {
  function project(name: string, pyproject: string | null): string {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    if (pyproject !== null) writeFileSync(join(dir, 'pyproject.toml'), pyproject);
    return dir;
  }

  it('two folders with different [tool.bandit] skips get different findings for the same code', async () => {
    const a = project('root-a', '[tool.bandit]\nskips = ["B602"]\n');
    const b = project('root-b', '[tool.bandit]\nskips = ["import_subprocess"]\n');
    const c = await start({}, { workspaceFolders: [a, b] });
    const ua = pathToFileURL(join(a, 'app.py')).href;
    const ub = pathToFileURL(join(b, 'app.py')).href;
    await c.open(ua, SHELL, 1);
    await c.open(ub, SHELL, 1);
    expect(codes(await c.waitForDiagnostics(ua, { version: 1 }))).toEqual([['B404', INFORMATION]]);
    expect(codes(await c.waitForDiagnostics(ub, { version: 1 }))).toEqual([['B602', ERROR]]);
  });

  it("the user's rules.select wins over the project's skips, per folder", async () => {
    const a = project('root-select-a', '[tool.bandit]\nskips = ["B602", "B404"]\n');
    const b = project('root-select-b', '[tool.bandit]\nskips = ["B602", "B404"]\n');
    const ua = pathToFileURL(join(a, 'app.py')).href;
    const ub = pathToFileURL(join(b, 'app.py')).href;
    const c = await start({ folders: { [pathToFileURL(b).href]: { rules: { select: ['B602'] } } } }, { workspaceFolders: [a, b] });
    await c.open(ua, SHELL, 1);
    await c.open(ub, SHELL, 1);
    expect(codes(await c.waitForDiagnostics(ua, { version: 1 }))).toEqual([]);
    expect(codes(await c.waitForDiagnostics(ub, { version: 1 }))).toEqual([['B602', ERROR]]);
  });

  it('each folder has its own settings (scopeUri), over the global ones', async () => {
    const a = project('root-scope-a', null);
    const b = project('root-scope-b', null);
    const config: ClientConfig = {
      global: { severity: { overrides: { B404: 'off' } } },
      folders: { [pathToFileURL(b).href]: { severity: { overrides: { B602: 'hint' } } } },
    };
    const c = await start(config, { workspaceFolders: [a, b] });
    const ua = pathToFileURL(join(a, 'm.py')).href;
    const ub = pathToFileURL(join(b, 'sub', 'm.py')).href;
    await c.open(ua, SHELL, 1);
    await c.open(ub, SHELL, 1);
    expect(codes(await c.waitForDiagnostics(ua, { version: 1 }))).toEqual([['B602', ERROR]]);
    expect(codes(await c.waitForDiagnostics(ub, { version: 1 }))).toEqual([['B602', HINT]]);
    const scopes = c.serverRequests
      .filter((r) => r.method === 'workspace/configuration')
      .flatMap((r) => (r.params as { items: { scopeUri?: string }[] }).items.map((i) => i.scopeUri ?? null));
    expect(scopes).toEqual(expect.arrayContaining([null, pathToFileURL(a).href, pathToFileURL(b).href]));
  });

  it('a folder added later (didChangeWorkspaceFolders) gets its own settings and project config', async () => {
    const a = project('root-added-a', null);
    const b = project('root-added-b', '[tool.bandit]\ntests = ["B404"]\n');
    const config: ClientConfig = { folders: { [pathToFileURL(b).href]: { severity: { overrides: { B404: 'warning' } } } } };
    const c = await start(config, { workspaceFolders: [a] });
    const ub = pathToFileURL(join(b, 'late.py')).href;
    await c.open(ub, SHELL, 1);
    // Not in a workspace folder yet: the global settings, and the project config found above the file.
    expect(codes(await c.waitForDiagnostics(ub, { version: 1 }))).toEqual([['B404', INFORMATION]]);
    const mark = c.mark();
    await c.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: pathToFileURL(b).href, name: 'b' }], removed: [] } });
    const p = await published(c, ub, mark, () => true);
    expect(codes(p)).toEqual([['B404', WARNING]]);
  });
});

describe('pull clients', () => {
  it('one that has pulled nothing (Helix 25.07) gets the change pushed, and no refresh', async () => {
    const config: ClientConfig = { global: {} };
    const c = await start(config, {
      capabilities: {
        ...CONFIG_CAPS,
        workspace: { ...CONFIG_CAPS.workspace, diagnostics: { refreshSupport: true } },
        textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: true } },
      },
      onServerRequest: { 'workspace/diagnostic/refresh': () => null },
    });
    const uri = docUri('settings-never-pulls.py');
    await c.open(uri, SHELL, 1);
    expect(codes(await c.waitForDiagnostics(uri, { version: 1 }))).toEqual([
      ['B404', INFORMATION],
      ['B602', ERROR],
    ]);
    config.global = { severity: { overrides: { B602: 'warning' } } };
    const mark = await reconfigure(c);
    const p = await c.waitForDiagnostics(uri, { after: mark, predicate: (d) => d.diagnostics.some((x) => x.code === 'B602' && x.severity === WARNING) });
    expect(codes(p)).toEqual([
      ['B404', INFORMATION],
      ['B602', WARNING],
    ]);
    // The refresh would have gone out with the push: the round trip of a later request brings it, if any.
    await c.request('pysec/status');
    expect(c.serverRequests.filter((r) => r.method === 'workspace/diagnostic/refresh')).toEqual([]);
  });

  it('a didChangeConfiguration right after initialized (Neovim 0.12) does not let a pull answer with the defaults', async () => {
    const config: ClientConfig = { global: { rules: { ignore: ['B404'] } } };
    const c = await start(config, { capabilities: { ...CONFIG_CAPS, textDocument: { diagnostic: { dynamicRegistration: false } } } });
    // Sent before the answer to the server's first workspace/configuration: that answer is dropped for the newer request's.
    await reconfigure(c);
    const uri = docUri('settings-early.py');
    await c.open(uri, SHELL, 1);
    const report = (await c.pull(uri)) as FullDocumentDiagnosticReport;
    expect(codes({ diagnostics: report.items })).toEqual([['B602', ERROR]]);
  });

  it('a change sends workspace/diagnostic/refresh, and the next pull has the new severities', async () => {
    const config: ClientConfig = { global: {} };
    const c = await start(config, {
      capabilities: {
        ...CONFIG_CAPS,
        workspace: { ...CONFIG_CAPS.workspace, diagnostics: { refreshSupport: true } },
        textDocument: { diagnostic: { dynamicRegistration: false } },
      },
      onServerRequest: { 'workspace/diagnostic/refresh': () => null },
    });
    const uri = docUri('settings-pull.py');
    await c.open(uri, SHELL, 1);
    const before = (await c.pull(uri)) as FullDocumentDiagnosticReport;
    // Pulled from here on: no push for this URI after the pull's own clearing one (test/lsp/pull.test.ts).
    const pulled = c.mark();
    expect(codes({ diagnostics: before.items })).toEqual([
      ['B404', INFORMATION],
      ['B602', ERROR],
    ]);
    const refreshes = () => c.serverRequests.filter((r) => r.method === 'workspace/diagnostic/refresh').length;
    const n = refreshes();
    config.global = { severity: { overrides: { B602: 'warning' } } };
    await reconfigure(c);
    // The refresh is a request to the client: wait for it by polling the client's record through a round trip.
    for (let i = 0; i < 50 && refreshes() === n; i++) await c.request('pysec/status');
    expect(refreshes()).toBe(n + 1);
    const after = (await c.pull(uri)) as FullDocumentDiagnosticReport;
    expect(codes({ diagnostics: after.items })).toEqual([
      ['B404', INFORMATION],
      ['B602', WARNING],
    ]);
    expect(c.notifications.filter((x) => x.seq > pulled && x.method === 'textDocument/publishDiagnostics')).toEqual([]);
  });
});

describe('relatedInformation', () => {
  it('a call resolved through an import alias points at that import', async () => {
    const c = await start({});
    const uri = docUri('settings-related.py');
    await c.open(uri, 'import os\nfrom subprocess import run as sh\n\nsh(cmd, shell=True)\n', 1);
    const p = await c.waitForDiagnostics(uri, { version: 1 });
    const b602 = p.diagnostics.find((d) => d.code === 'B602')!;
    expect(b602.range.start.line).toBe(3);
    expect(b602.relatedInformation).toEqual([
      { location: { uri, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 32 } } }, message: 'sh is subprocess.run, imported here' },
    ]);
    // A plain `import subprocess` binds no alias: nothing related.
    await c.open(docUri('settings-related-plain.py'), SHELL, 1);
    const q = await c.waitForDiagnostics(docUri('settings-related-plain.py'), { version: 1 });
    expect(q.diagnostics.every((d) => d.relatedInformation === undefined)).toBe(true);
  });
});
