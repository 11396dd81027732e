import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { loadPython, serverRun } from './engine/grammar.js';
import { serverModules } from './server-load.js';
import { startServer } from './server.js';
import { stdioTransport } from './transport/stdio.js';

/**
 * `pysec-lsp --stdio`: the language server on stdin/stdout. Its own module
 * (cli.ts imports it for that command only): the server's bundle
 * (scripts/bundle.mjs) holds it, the LSP wiring and the transport; the
 * grammar's loader comes from a bundle file of its own, which the session
 * shares, and the session and the engine from theirs (server-load.ts), read
 * off the main thread. The grammar's wasm starts compiling (off the main
 * thread) first, while the rest loads and the client's `initialize` is
 * answered; the Engine.load that server.ts starts takes the same promise
 * (grammar.ts), and a failure is said once there.
 */
export function serveStdio(): void {
  // Before the first wasm compile: the server's first analyses stay on Liftoff (grammar.ts serverRun).
  serverRun();
  loadPython().catch(() => {});
  const { reader, writer } = stdioTransport();
  startServer(createConnection(ProposedFeatures.all, reader, writer));
}
