/**
 * What the clients of DESIGN.md's editor table do that the other LSP tests
 * do not: lsp-mode broadcasts every server's commands to every server;
 * code action requests carry every server's diagnostics (Neovim, lsp-mode,
 * Eglot through a multiplexer), including ones with our codes under another
 * source; Neovim 0.7 sends back our diagnostics with byte columns in place
 * of UTF-16 ones (its vim → LSP conversion); Neovim 0.7 blocks on
 * window/showMessageRequest, so the server must never send one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, ResponseError, type CodeAction, type ClientCapabilities, type Diagnostic } from 'vscode-languageserver-protocol';
import { applyAction } from '../support/edits.js';
import { docUri, LspClient } from './client.js';

/** Roughly what Neovim 0.7, Eglot 1.9 and lsp-mode 8.0 advertise for code actions: literals, documentChanges, no disabled actions. */
const CAPABILITIES: ClientCapabilities = {
  workspace: { workspaceEdit: { documentChanges: true }, executeCommand: { dynamicRegistration: false } },
  textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } } } },
};

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start({ capabilities: CAPABILITIES, initializationOptions: { bandit: { enabled: false } } });
});

afterAll(async () => {
  expect(await client.shutdown()).toBe(0);
});

let n = 0;
async function opened(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = docUri(`clients-${++n}.py`);
  await client.open(uri, text, 1);
  const p = await client.waitForDiagnostics(uri, { version: 1 });
  return { uri, diagnostics: p.diagnostics };
}

function codeActions(uri: string, line: number, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    context: { diagnostics },
  });
}

/** Answers with a result or an error; either way the server must still be up. */
async function answer(method: string, params: unknown): Promise<{ ok: true; r: unknown } | { ok: false; e: unknown }> {
  return client.request(method, params).then(
    (r) => ({ ok: true as const, r }),
    (e: unknown) => ({ ok: false as const, e }),
  );
}

async function stillWorks(): Promise<void> {
  const { diagnostics } = await opened('eval(x)\n');
  expect(diagnostics.map((d) => d.code)).toEqual(['B307']);
}

describe('other servers beside pysec', () => {
  it('advertises only its own commands', () => {
    const commands = client.initializeResult.capabilities.executeCommandProvider?.commands ?? [];
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(c).toMatch(/^pysec\./);
  });

  it.each([
    ['pyright.organizeimports', [docUri('x.py')]],
    ['ruff.applyAutofix', [{ uri: docUri('x.py'), version: 1 }]],
    ['basedpyright.restartserver', undefined],
    ['', []],
  ])('workspace/executeCommand %j (another server\'s, as lsp-mode broadcasts) → null or an error, and the server lives on', async (command, args) => {
    const got = await answer('workspace/executeCommand', { command, ...(args ? { arguments: args } : {}) });
    if (got.ok) expect(got.r).toBeNull();
    else {
      expect(got.e).toBeInstanceOf(ResponseError);
      expect((got.e as ResponseError<unknown>).code).not.toBe(ErrorCodes.InternalError);
    }
    expect(client.alive).toBe(true);
    await stillWorks();
  });

  it('no actions for other servers\' diagnostics on the line of a pysec finding, even with our codes', async () => {
    const { uri, diagnostics } = await opened('import subprocess\nsubprocess.call(cmd, shell=True)\n');
    const ours = diagnostics.find((d) => d.code === 'B602')!;
    expect(ours).toBeDefined();
    const theirs: Diagnostic[] = [
      { range: ours.range, message: '"cmd" is not defined', source: 'Pyright', code: 'reportUndefinedVariable', severity: 1 },
      { range: ours.range, message: 'subprocess call with shell=True', source: 'Ruff', code: 'S602', severity: 2 },
      { range: ours.range, message: 'same id, other source', source: 'basedpyright', code: 'B602', severity: 2 },
      { range: ours.range, message: 'no source at all', code: 'B602', severity: 2 },
    ];
    expect(await codeActions(uri, 1, theirs)).toEqual([]);
    const mixed = await codeActions(uri, 1, [...theirs, ours]);
    expect(mixed.map((a) => a.title)).toContain('pysec: suppress B602 on this line');
    for (const a of mixed) for (const d of a.diagnostics ?? []) expect(d.source).toBe('pysec');
  });

  it('a diagnostic of ours the client sends back with byte columns (Neovim 0.7) still gets its action, computed in UTF-16', async () => {
    const text = 'label = "café 😀"; result = eval(expr)\n';
    const { uri, diagnostics } = await opened(text);
    const ours = diagnostics.find((d) => d.code === 'B307')!;
    const byteCol = (c: number) => Buffer.byteLength(text.slice(0, c));
    const asNeovim07: Diagnostic = {
      ...ours,
      range: { start: { line: 0, character: byteCol(ours.range.start.character) }, end: { line: 0, character: byteCol(ours.range.end.character) } },
    };
    expect(asNeovim07.range).not.toEqual(ours.range);
    const [first] = await codeActions(uri, 0, [asNeovim07]);
    expect(first?.title).toBe('pysec: suppress B307 on this line');
    expect(applyAction(text, uri, first, 'utf-16', 1)).toBe('label = "café 😀"; result = eval(expr)  # nosec B307  # justification required\n');
  });
});

describe('no window/showMessageRequest', () => {
  it('a missing bandit is said with a notification, never a request the client must answer', async () => {
    const c = await LspClient.start({
      capabilities: CAPABILITIES,
      initializationOptions: { bandit: { enabled: true, path: '/nonexistent/pysec-test/bandit' } },
    });
    try {
      const uri = docUri('clients-no-bandit.py');
      await c.open(uri, 'eval(x)\n', 1);
      await c.waitForDiagnostics(uri, { version: 1 });
      await c.waitForNotification('window/showMessage', (p) => /bandit/.test((p as { message: string }).message));
      // A bad setting too: also reported without a request.
      await c.notify('workspace/didChangeConfiguration', { settings: { pysec: { minSeverity: 'SOMETIMES' } } });
      await c.waitForNotification('window/showMessage', (p) => /minSeverity/.test((p as { message: string }).message));
      await c.request('pysec/status');
      expect(c.serverRequests.map((r) => r.method)).not.toContain('window/showMessageRequest');
    } finally {
      expect(await c.shutdown()).toBe(0);
    }
  });
});
