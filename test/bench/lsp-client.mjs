// A small LSP client for the benchmarks: starts the built server (dist/cli.js)
// over stdio — node itself, never a shell — and speaks real JSON-RPC through
// vscode-languageserver-protocol. Plain ESM, runnable by node without a loader.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protocol from 'vscode-languageserver-protocol/node.js';

const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = protocol;

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** Preload that lets the bench ask the server for a full GC (SIGUSR2); see gc-on-signal.cjs. */
export const GC_PRELOAD = ['--expose-gc', '--require', fileURLToPath(new URL('./gc-on-signal.cjs', import.meta.url))];

/** Resident memory of a process in kB, from /proc/<pid>/status (VmRSS), or undefined. */
export function rssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the server and runs `initialize` / `initialized`. The client offers
 * push diagnostics only (no `textDocument.diagnostic` capability), so the
 * server publishes after every open and change, tagged with the version.
 */
export async function startServer({ encodings = ['utf-16'], nodeArgs = [], initializationOptions, rootUri = null, env = process.env } = {}) {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [...nodeArgs, SERVER, '--stdio'], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    shell: false,
  });
  let stderr = '';
  let gcDone = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    if (s.includes('pysec-bench: gc done')) {
      for (const r of gcDone) r();
      gcDone = [];
    }
    stderr += s;
    if (stderr.length > 1 << 16) stderr = stderr.slice(-(1 << 15));
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));

  /** uri -> list of { version, resolve } waiting for a publishDiagnostics. */
  const waiters = new Map();
  /** uri -> the last publishDiagnostics params seen. */
  const latest = new Map();
  const logs = [];

  connection.onNotification('textDocument/publishDiagnostics', (params) => {
    const at = performance.now();
    latest.set(params.uri, params);
    const list = waiters.get(params.uri);
    if (!list) return;
    for (let i = list.length - 1; i >= 0; i--) {
      const w = list[i];
      if (w.version === undefined || w.version === params.version) {
        list.splice(i, 1);
        w.resolve({ at, params });
      }
    }
    if (list.length === 0) waiters.delete(params.uri);
  });
  connection.onNotification('window/logMessage', (p) => logs.push(p.message));
  connection.onNotification('window/showMessage', (p) => logs.push(p.message));
  connection.onRequest('window/showMessageRequest', () => null);
  connection.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();

  exited.then(({ code, signal }) => {
    for (const list of waiters.values()) for (const w of list) w.reject(new Error(`server exited (${code ?? signal}) while waiting: ${stderr.slice(-2000)}`));
    waiters.clear();
  });

  /**
   * Resolves with { at, params } when publishDiagnostics for `uri` (and
   * `version`, when given) arrives. Register before sending what causes it.
   */
  function waitForDiagnostics(uri, version, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const w = { version, resolve: undefined, reject: undefined };
      const timer = setTimeout(() => {
        const list = waiters.get(uri);
        if (list) list.splice(list.indexOf(w), 1);
        reject(new Error(`no publishDiagnostics for ${uri} version ${version} within ${timeoutMs} ms`));
      }, timeoutMs);
      w.resolve = (v) => {
        clearTimeout(timer);
        resolve(v);
      };
      w.reject = (e) => {
        clearTimeout(timer);
        reject(e);
      };
      if (!waiters.has(uri)) waiters.set(uri, []);
      waiters.get(uri).push(w);
    });
  }

  const died = exited.then(({ code, signal }) => {
    throw new Error(`the server exited (${code ?? signal}) before answering initialize:\n${stderr.slice(-4000)}`);
  });
  const init = await Promise.race([died, connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: rootUri ? [{ uri: rootUri, name: 'bench' }] : null,
    clientInfo: { name: 'pysec-bench' },
    // The bench times the as-you-type engine: bandit, a separate process, would compete for the
    // same two cores on every open. Its own cost is the ~560 ms anchor.
    // (burst.mjs, which measures requests while bandit runs, passes its own.)
    initializationOptions: initializationOptions ?? { bandit: { enabled: false } },
    capabilities: {
      general: { positionEncodings: encodings },
      textDocument: {
        synchronization: { didSave: true, dynamicRegistration: false },
        publishDiagnostics: { versionSupport: true, relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
      },
      window: { workDoneProgress: false },
    },
  })]);
  died.catch(() => {});
  await connection.sendNotification('initialized', {});

  return {
    child,
    pid: child.pid,
    connection,
    initializeResult: init,
    logs,
    latest,
    stderr: () => stderr,
    waitForDiagnostics,
    rssKb: () => rssKb(child.pid),
    /**
     * With GC_PRELOAD among nodeArgs: has the server run a full GC, then
     * resolves with its VmRSS in kB (undefined when the GC did not answer in time).
     */
    async rssAfterGcKb(timeoutMs = 5000) {
      const done = new Promise((resolve) => gcDone.push(resolve));
      child.kill('SIGUSR2');
      const ok = await Promise.race([done.then(() => true), new Promise((r) => setTimeout(() => r(false), timeoutMs))]);
      return ok ? rssKb(child.pid) : undefined;
    },
    open(uri, text, version = 1) {
      return connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
    },
    change(uri, version, contentChanges) {
      return connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    },
    close(uri) {
      return connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    },
    /** shutdown + exit; kills the server if it does not leave within a few seconds. */
    async stop() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
        await connection.sendNotification('exit');
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
    },
  };
}

/** Median (middle, or mean of the two middles), p95 (nearest rank), min, max and mean of a list of numbers. */
export function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const rank = (p) => s[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { n, median, p95: rank(95), min: s[0], max: s[n - 1], mean: s.reduce((a, b) => a + b, 0) / n };
}
