/**
 * Start-up (issue 19): `initialize` is answered without waiting for the
 * engine (wasm, grammar, query), and what the client sends before the
 * engine is ready is neither lost nor reordered.
 *
 * Without timing: the built server runs with a preload (`node --require`,
 * outside the server: its code and environment are as a user runs it) that
 * holds the read of the bundle file holding the session and the engine
 * (dist/bundle-session-*.cjs, which the server reads off the main thread:
 * boot/code-cache.ts loadBundleAsync) until the test releases it. So
 * `initialize` is answered, and the notifications and requests below are
 * sent, while the engine certainly is not loaded; only then does it load.
 *
 * What loads on the way to the `initialize` answer is checked in esbuild's
 * account of the bundle: the CLI's, the server's, the LSP library's and
 * the grammar loader's bundle files hold none of the engine but the
 * grammar's loader, nor the session, the settings' schemas, the dependency
 * audit or the report. The session's bundle holds
 * those, the audit, report and scan behind lazy wrappers: a server that
 * opens a document and publishes its diagnostics runs none of them (the
 * preload writes down each lazy module run).
 *
 * And the engine failing to load (a broken rule in a copy of the package)
 * is said once; the server stays up, answers every request and exits
 * cleanly.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FullDocumentDiagnosticReport, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { INSTRUMENT, lazyModules } from '../support/lazy-modules.js';
import { docUri, LspClient, REPO_ROOT } from './client.js';

let dir: string;

interface Meta {
  outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string }[]; entryPoint?: string }>;
}

const bundleMeta = (): Meta => JSON.parse(readFileSync(join(REPO_ROOT, 'dist/bundle.meta.json'), 'utf8')) as Meta;

/** The bundle file (dist/bundle-*.cjs) that holds engine/engine.ts: the session's. */
function sessionBundle(): string {
  const meta = bundleMeta();
  const found = Object.entries(meta.outputs).filter(([out, o]) => out.endsWith('.cjs') && 'server/src/engine/engine.ts' in o.inputs && 'server/src/session/session.ts' in o.inputs);
  expect(found.map(([out]) => out)).toHaveLength(1);
  return resolve(REPO_ROOT, found[0][0]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-startup-'));
  // Preloaded: when the server reads PYSEC_TEST_HOLD (the session bundle, through fs.readFile), writes "held" to PYSEC_TEST_HELD
  // and lets the read go on once PYSEC_TEST_RELEASE exists. With PYSEC_TEST_RAN, the bundle's lazy modules write down each run.
  writeFileSync(
    join(dir, 'hold.cjs'),
    [
      "const fs = require('node:fs');",
      'const log = (line) => fs.appendFileSync(process.env.PYSEC_TEST_RAN, line + "\\n");',
      INSTRUMENT,
      'const readFile = fs.readFile;',
      'fs.readFile = function (p, ...rest) {',
      '  if (p !== process.env.PYSEC_TEST_HOLD) return readFile.call(this, p, ...rest);',
      "  if (process.env.PYSEC_TEST_HELD) fs.appendFileSync(process.env.PYSEC_TEST_HELD, 'held\\n');",
      '  const done = rest.pop();',
      '  const read = () => readFile.call(fs, p, ...rest, (e, text) => (e || !process.env.PYSEC_TEST_RAN ? done(e, text) : done(null, instrument(p, String(text)))));',
      '  const wait = () => (!process.env.PYSEC_TEST_RELEASE || fs.existsSync(process.env.PYSEC_TEST_RELEASE) ? read() : setTimeout(wait, 5));',
      '  wait();',
      '};',
      '',
    ].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server whose session and engine load only when `release()` is called. */
async function heldServer(name: string, opts: Parameters<typeof LspClient.start>[0] = {}) {
  const held = join(dir, `${name}.held`);
  const release = join(dir, `${name}.release`);
  writeFileSync(held, '');
  const client = await LspClient.start({
    ...opts,
    env: { ...process.env, NODE_OPTIONS: `--require=${join(dir, 'hold.cjs')}`, PYSEC_TEST_HOLD: sessionBundle(), PYSEC_TEST_HELD: held, PYSEC_TEST_RELEASE: release },
  });
  return { client, release: () => writeFileSync(release, ''), wasHeld: () => readFileSync(held, 'utf8').includes('held') };
}

const codes = (p: { diagnostics: { code?: unknown; range: { start: { line: number } } }[] }) => p.diagnostics.map((d) => [d.code, d.range.start.line]);
const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 0 } });

/** A module's path as the tests name it: `server/src/…`, or `node_modules/<package>/…`. */
const named = (i: string) => (i.includes('node_modules/') ? `node_modules/${i.split('node_modules/').pop()}` : i);

/** The bundle file whose entry point is `entry` (`server/src/…`, `node_modules/<package>/…`). */
function bundleOf(meta: Meta, entry: string): string {
  const found = Object.entries(meta.outputs).filter(([, o]) => o.entryPoint && named(o.entryPoint) === entry);
  expect(found.map(([out]) => out), entry).toHaveLength(1);
  return found[0][0];
}

/** The source modules (`server/src/…`, `node_modules/…`) of the bundle files whose entry points are `entries`. */
function inputsOf(meta: Meta, entries: string[]): string[] {
  return entries.flatMap((e) => Object.keys(meta.outputs[bundleOf(meta, e)].inputs)).map(named);
}

describe('what loads before the initialize answer (the bundle)', () => {
  const has = (modules: string[], part: string) => modules.some((m) => m.startsWith(part));

  it('the CLI and the server bundles hold the wiring, the gate, the LSP library and the grammar\'s loader: no engine, session, settings schema, audit or report', () => {
    // cli.ts's `--stdio` requires the server's bundle (serve.ts), which requires the LSP library's and the grammar's and
    // nothing else, starts the grammar's wasm compile and answers initialize from server.ts. (The cli bundle's other
    // requires are the commands', each on its command only.)
    const meta = bundleMeta();
    const shared = [bundleOf(meta, 'node_modules/vscode-languageserver/node.js'), bundleOf(meta, 'server/src/grammar-modules.ts')];
    expect(new Set(meta.outputs[bundleOf(meta, 'server/src/serve.ts')].imports.filter((i) => i.kind === 'require-call' && i.path.startsWith('./bundle-')).map((i) => `dist/${i.path.slice(2)}`))).toEqual(new Set(shared));
    const before = inputsOf(meta, ['server/src/cli.ts', 'server/src/serve.ts', 'node_modules/vscode-languageserver/node.js', 'server/src/grammar-modules.ts']);
    // (The option parser's list of report format names, command-line/report-formats.ts, is the CLI's: every command loads it.)
    for (const m of ['server/src/server.ts', 'server/src/transport/stdio.ts', 'server/src/session/gate.ts', 'server/src/session/client.ts', 'node_modules/vscode-languageserver/', 'server/src/engine/grammar.ts', 'node_modules/web-tree-sitter/']) expect(has(before, m), m).toBe(true);
    // Of the engine, the grammar's loader only: no rule, query or analysis.
    expect(before.filter((m) => m.startsWith('server/src/engine/'))).toEqual(['server/src/engine/grammar.ts']);
    const never = ['server/src/session/session.ts', 'server/src/handlers/', 'server/src/documents/', 'server/src/workspace/', 'server/src/config/', 'server/src/bandit/', 'server/src/manifests/', 'server/src/audit/', 'server/src/report/model.ts', 'server/src/report/gather.ts', 'server/src/report/workspace.ts', 'server/src/report/markdown.ts', 'server/src/report/html.ts', 'server/src/report/sarif.ts', 'server/src/commands/execute.ts', 'node_modules/zod/', 'node_modules/yaml/', 'node_modules/ae-cvss-calculator/', 'node_modules/execa/'];
    for (const m of never) expect(has(before, m), m).toBe(false);
  });

  it('the session bundle shares the grammar\'s loader with the server bundle: one web-tree-sitter in the build of the server', () => {
    const meta = bundleMeta();
    const session = Object.keys(meta.outputs).find((o) => resolve(REPO_ROOT, o) === sessionBundle())!;
    expect(Object.keys(meta.outputs[session].inputs).map(named).filter((i) => i.startsWith('node_modules/web-tree-sitter/') || i === 'server/src/engine/grammar.ts')).toEqual([]);
    expect(meta.outputs[session].imports.some((i) => i.path === `./${bundleOf(meta, 'server/src/grammar-modules.ts').slice('dist/'.length)}`)).toBe(true);
  });

  it('the session bundle shares the LSP library with the server bundle: one copy of it in the build', () => {
    const meta = bundleMeta();
    const holding = Object.entries(meta.outputs).filter(([out, o]) => out.endsWith('.cjs') && Object.keys(o.inputs).some((i) => named(i).startsWith('node_modules/vscode-jsonrpc/')));
    expect(holding.map(([out]) => out)).toEqual([expect.stringMatching(/^dist\/bundle-lsp-\w+\.cjs$/)]);
  });

  it('the session (loaded after the answer) runs no audit, report or scan as a document is opened and published: those load on first use', async () => {
    const ran = join(dir, 'session-ran.log');
    writeFileSync(ran, '');
    const session = sessionBundle();
    const client = await LspClient.start({ env: { ...process.env, NODE_OPTIONS: `--require=${join(dir, 'hold.cjs')}`, PYSEC_TEST_HOLD: session, PYSEC_TEST_RAN: ran } });
    try {
      const uri = docUri('startup-lazy.py');
      await client.open(uri, 'import subprocess\nsubprocess.call("ls", shell=True)\n', 1);
      expect(codes(await client.waitForDiagnostics(uri, { version: 1 }))).toContainEqual(['B602', 1]);
    } finally {
      expect(await client.shutdown()).toBe(0);
    }
    const lazy = lazyModules(readFileSync(session, 'utf8'));
    const runs = new Set(readFileSync(ran, 'utf8').split('\n').filter((l) => l.startsWith('ran ')).map((l) => l.slice(4)));
    // Something ran through the lazy helpers: the log is real.
    expect(runs.size).toBeGreaterThan(0);
    const out = Object.keys(bundleMeta().outputs).find((o) => resolve(REPO_ROOT, o) === session)!;
    const loaded = Object.keys(bundleMeta().outputs[out].inputs).filter((i) => !lazy.has(i) || runs.has(i)).map(named);
    for (const m of ['server/src/session/session.ts', 'server/src/handlers/documents.ts', 'server/src/documents/store.ts', 'server/src/engine/engine.ts']) expect(has(loaded, m), m).toBe(true);
    for (const m of ['server/src/audit/', 'server/src/report/', 'server/src/commands/scan.ts', 'server/src/commands/report.ts', 'server/src/batch/scan.ts', 'node_modules/ae-cvss-calculator/', 'node_modules/@renovatebot/pep440/', 'node_modules/fflate/', 'node_modules/execa/']) expect(has(loaded, m), m).toBe(false);
  });
});

describe('initialize before the engine', () => {
  it('is answered with the capabilities while the engine is held; a didOpen and two didChanges sent at once apply in order once it loads', async () => {
    const { client, release, wasHeld } = await heldServer('push');
    try {
      // LspClient.start resolved: initialize was answered (and initialized sent) with the engine's file held.
      expect(client.initializeResult.capabilities.textDocumentSync).toMatchObject({ openClose: true });
      expect(client.initializeResult.serverInfo?.name).toBe('pysec-lsp');
      const uri = docUri('startup-order.py');
      await client.open(uri, 'x = 1\n', 1);
      // Applied in order, these give eval on line 0 and exec on line 1; swapped, exec would be on line 2.
      await client.change(uri, 2, [{ range: at(0), text: 'eval(a)\n' }]);
      await client.change(uri, 3, [{ range: at(1), text: 'exec(b)\n' }]);
      const status = client.request<{ documents: { uri: string; version: number }[] }>('pysec/status');
      // Nothing can have been published: the session needs the engine.
      expect(client.published(uri)).toEqual([]);
      release();
      const last = await client.waitForDiagnostics(uri, { version: 3 });
      expect(codes(last)).toEqual([
        ['B307', 0],
        ['B102', 1],
      ]);
      // The status request, sent before the engine loaded, is answered after the three notifications.
      expect((await status).documents).toEqual([expect.objectContaining({ uri, version: 3 })]);
      // Whatever was published came in version order, ending with 3.
      const versions = client.published(uri).map((p: PublishDiagnosticsParams) => p.version);
      expect(versions).toEqual([...versions].sort((a, b) => (a ?? 0) - (b ?? 0)));
      expect(versions.at(-1)).toBe(3);
      expect(wasHeld()).toBe(true);
    } finally {
      release();
      expect(await client.shutdown()).toBe(0);
    }
  });

  it('a pull sent before the engine is ready is answered with the findings of the text every earlier notification made', async () => {
    const { client, release, wasHeld } = await heldServer('pull', { capabilities: { textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } } });
    try {
      expect(client.initializeResult.capabilities.diagnosticProvider).toMatchObject({ identifier: 'pysec' });
      const uri = docUri('startup-pull.py');
      await client.open(uri, 'import os\n', 1);
      await client.change(uri, 2, [{ range: at(1), text: 'eval(x)\n' }]);
      const pulled = client.pull(uri) as Promise<FullDocumentDiagnosticReport>;
      const hover = client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
      release();
      const report = await pulled;
      expect(report.kind).toBe('full');
      expect(report.items.map((d) => [d.code, d.range.start.line])).toEqual([['B307', 1]]);
      expect(report.items.every((d) => (d.data as { version: number }).version === 2)).toBe(true);
      // The hover, sent right after the pull, sees the same finding.
      expect(JSON.stringify(await hover)).toContain('B307');
      expect(wasHeld()).toBe(true);
    } finally {
      release();
      expect(await client.shutdown()).toBe(0);
    }
  });
  it('a workspace folder added before the engine is ready is not lost: its settings are asked for once the session is built', async () => {
    const added = pathToFileURL(join(dir, 'added-folder')).href;
    let asked!: () => void;
    const askedForAdded = new Promise<void>((r) => (asked = r));
    const { client, release, wasHeld } = await heldServer('folders', {
      rootPath: dir,
      capabilities: { workspace: { workspaceFolders: true, configuration: true } },
      onServerRequest: {
        'workspace/configuration': (p) => {
          const items = (p as { items: { scopeUri?: string }[] }).items;
          if (items.some((i) => i.scopeUri === added)) asked();
          return items.map(() => null);
        },
      },
    });
    try {
      await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: added, name: 'added' }], removed: [] } });
      // Sent before the engine loads: no configuration request can name the folder yet.
      expect(JSON.stringify(client.serverRequests)).not.toContain(added);
      release();
      await askedForAdded;
      expect(wasHeld()).toBe(true);
    } finally {
      release();
      expect(await client.shutdown()).toBe(0);
    }
  });
});

describe('an engine that does not load', () => {
  let pkg: string;

  beforeAll(() => {
    // A copy of the built package (the bundle, queries/, package.json; the dependencies linked) with one rule's metadata broken.
    pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    for (const f of readdirSync(join(REPO_ROOT, 'dist'))) if (/^(?:cli|worker-main|large-worker-main|bundle-.*)\.c?js$/.test(f)) cpSync(join(REPO_ROOT, 'dist', f), join(pkg, 'dist', f));
    cpSync(join(REPO_ROOT, 'queries'), join(pkg, 'queries'), { recursive: true });
    cpSync(join(REPO_ROOT, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'));
    expect(existsSync(join(pkg, 'queries/B307.json'))).toBe(true);
    writeFileSync(join(pkg, 'queries/B307.json'), '{ "id": "B307", "this is": "not a rule" }\n');
  });

  it('is said once, as an error the user sees; every request is answered, notifications are dropped, and the server exits cleanly', async () => {
    const client = await LspClient.start({ serverJs: join(pkg, 'dist/cli.js'), capabilities: { textDocument: { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } } });
    try {
      expect(client.initializeResult.capabilities.textDocumentSync).toMatchObject({ openClose: true });
      const uri = docUri('startup-broken.py');
      await client.open(uri, 'eval(x)\n', 1);
      await client.change(uri, 2, [{ range: at(0), text: 'exec(y)\n' }]);
      const shown = await client.waitForNotification('window/showMessage', (p) => (p as { type: number }).type === 1);
      expect((shown.params as { message: string }).message).toMatch(/^pysec: the server could not start its engine .*B307\.json/);
      await expect(client.pull(uri)).rejects.toThrow(/the engine did not load/);
      expect(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } })).toBeNull();
      expect(await client.request('textDocument/codeAction', { textDocument: { uri }, range: at(0), context: { diagnostics: [] } })).toEqual([]);
      await expect(client.request('pysec/status')).rejects.toThrow(/the engine did not load/);
      await client.open(docUri('startup-broken-2.py'), 'eval(z)\n', 1);
      await expect(client.request('pysec/status')).rejects.toThrow(/the engine did not load/);
      // Once: every answer above came after the failure, and the messages handled in order.
      expect(client.shownMessages.filter((m) => m.type === 1)).toHaveLength(1);
      expect(client.published(uri)).toEqual([]);
      expect(client.alive).toBe(true);
    } finally {
      expect(await client.shutdown()).toBe(0);
    }
  });
});
