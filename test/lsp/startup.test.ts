/**
 * Start-up (issue 19): `initialize` is answered without waiting for the
 * engine (wasm, grammar, query), and what the client sends before the
 * engine is ready is neither lost nor reordered.
 *
 * Without timing: the built server runs with a node module hook (outside
 * the server: its code and environment are as a user runs it) that holds
 * the load of the bundle file holding the engine (found in esbuild's
 * account of the bundle, dist/bundle.meta.json) until the test releases it.
 * So `initialize` is answered, and the notifications and requests below
 * are sent, while the engine certainly is not loaded; only then does it load.
 *
 * What loads on the way to the `initialize` answer is checked in esbuild's
 * account of the bundle: the static imports of the server's entry files
 * hold none of the engine, the session, the settings' schemas, the
 * dependency audit or the report; the session's own files (loaded after
 * the answer) hold no audit, report or scan, which load on first use.
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
import { docUri, LspClient, REPO_ROOT } from './client.js';

let dir: string;

interface Meta {
  outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string }[]; entryPoint?: string }>;
}

const bundleMeta = (): Meta => JSON.parse(readFileSync(join(REPO_ROOT, 'dist/bundle.meta.json'), 'utf8')) as Meta;

/** The bundle file (dist/bundle-*.js) that holds engine/engine.ts. */
function engineChunk(): string {
  const meta = bundleMeta();
  const found = Object.entries(meta.outputs).filter(([out, o]) => out.endsWith('.js') && 'server/src/engine/engine.ts' in o.inputs);
  expect(found.map(([out]) => out)).toHaveLength(1);
  return pathToFileURL(resolve(REPO_ROOT, found[0][0])).href;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pysec-startup-'));
  // The hook writes "held" to PYSEC_TEST_HELD when node asks for the engine's file, and lets it load once PYSEC_TEST_RELEASE exists.
  writeFileSync(
    join(dir, 'hooks.mjs'),
    [
      "import { appendFileSync, existsSync } from 'node:fs';",
      'export async function load(url, context, next) {',
      '  if (url === process.env.PYSEC_TEST_HOLD) {',
      "    appendFileSync(process.env.PYSEC_TEST_HELD, 'held\\n');",
      '    while (!existsSync(process.env.PYSEC_TEST_RELEASE)) await new Promise((r) => setTimeout(r, 5));',
      '  }',
      '  return next(url, context);',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server whose engine loads only when `release()` is called. */
async function heldServer(name: string, opts: Parameters<typeof LspClient.start>[0] = {}) {
  const held = join(dir, `${name}.held`);
  const release = join(dir, `${name}.release`);
  writeFileSync(held, '');
  const client = await LspClient.start({
    ...opts,
    env: { ...process.env, NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'register.mjs')).href}`, PYSEC_TEST_HOLD: engineChunk(), PYSEC_TEST_HELD: held, PYSEC_TEST_RELEASE: release },
  });
  return { client, release: () => writeFileSync(release, ''), wasHeld: () => readFileSync(held, 'utf8').includes('held') };
}

const codes = (p: { diagnostics: { code?: unknown; range: { start: { line: number } } }[] }) => p.diagnostics.map((d) => [d.code, d.range.start.line]);
const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 0 } });

/**
 * The source modules (`server/src/…`, `node_modules/…`) node loads with the
 * bundle files whose entry points are `entries`: their static imports, all
 * the way down (a dynamic `import()` is not followed).
 */
function staticallyLoaded(meta: Meta, entries: string[]): string[] {
  const byEntry = new Map(Object.entries(meta.outputs).flatMap(([out, o]) => (o.entryPoint ? [[o.entryPoint.replace(/^.*node_modules\//, 'node_modules/'), out] as const] : [])));
  const stack = entries.map((e) => {
    const out = byEntry.get(e);
    expect(out, e).toBeDefined();
    return out!;
  });
  const seen = new Set<string>();
  while (stack.length) {
    const out = stack.pop()!;
    if (seen.has(out)) continue;
    seen.add(out);
    for (const i of meta.outputs[out].imports) if (i.kind === 'import-statement' && i.path.startsWith('dist/')) stack.push(i.path);
  }
  return [...seen].flatMap((out) => Object.keys(meta.outputs[out].inputs)).map((i) => (i.includes('node_modules/') ? `node_modules/${i.split('node_modules/').pop()}` : i));
}

describe('what loads before the initialize answer (the bundle)', () => {
  const has = (modules: string[], part: string) => modules.some((m) => m.startsWith(part));
  /** cli.ts's `--stdio` imports these three, then answers initialize from server.ts. */
  const BEFORE = ['server/src/cli.ts', 'server/src/server.ts', 'server/src/transport/stdio.ts', 'node_modules/vscode-languageserver/node.js'];

  it('the server entry loads its wiring, the gate and the LSP library: no engine, session, settings schema, audit or report', () => {
    const before = staticallyLoaded(bundleMeta(), BEFORE);
    // (The option parser's list of report format names, command-line/report-formats.ts, is the CLI's: every command loads it.)
    for (const m of ['server/src/server.ts', 'server/src/session/gate.ts', 'server/src/session/client.ts', 'node_modules/vscode-languageserver/']) expect(has(before, m), m).toBe(true);
    const never = ['server/src/engine/', 'server/src/session/session.ts', 'server/src/handlers/', 'server/src/documents/', 'server/src/workspace/', 'server/src/config/', 'server/src/bandit/', 'server/src/manifests/', 'server/src/audit/', 'server/src/report/model.ts', 'server/src/report/gather.ts', 'server/src/report/workspace.ts', 'server/src/report/markdown.ts', 'server/src/report/html.ts', 'server/src/report/sarif.ts', 'server/src/commands/execute.ts', 'node_modules/web-tree-sitter/', 'node_modules/zod/', 'node_modules/yaml/', 'node_modules/ae-cvss-calculator/', 'node_modules/execa/'];
    for (const m of never) expect(has(before, m), m).toBe(false);
  });

  it('the session (loaded after the answer) loads no audit, report or scan: those load on first use', () => {
    const session = staticallyLoaded(bundleMeta(), ['server/src/handlers/routes.ts']);
    for (const m of ['server/src/session/session.ts', 'server/src/handlers/documents.ts', 'server/src/documents/store.ts']) expect(has(session, m), m).toBe(true);
    for (const m of ['server/src/audit/', 'server/src/report/', 'server/src/commands/scan.ts', 'server/src/commands/report.ts', 'server/src/batch/scan.ts', 'node_modules/ae-cvss-calculator/', 'node_modules/@renovatebot/pep440/', 'node_modules/fflate/', 'node_modules/execa/']) expect(has(session, m), m).toBe(false);
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
