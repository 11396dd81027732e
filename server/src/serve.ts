import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { serverModules } from './server-load.js';
import { startServer } from './server.js';
import { stdioTransport } from './transport/stdio.js';

/**
 * `pysec-lsp --stdio`: the language server on stdin/stdout. Its own module
 * (cli.ts imports it for that command only): the server's bundle
 * (scripts/bundle.mjs) holds it, the LSP wiring and the transport, and
 * nothing of the session or the engine, which load from their own bundle
 * (server-load.ts) while the client's `initialize` is answered. The
 * grammar's wasm starts compiling off the main thread as soon as that
 * bundle has run, and the Engine.load that server.ts starts takes the same
 * promise (grammar.ts); a failure is said once there.
 */
export function serveStdio(): void {
  serverModules()
    .then((g) => {
      // Before the first wasm compile: the server's first analyses stay on Liftoff (grammar.ts serverRun).
      g.serverRun();
      return g.loadPython();
    })
    .catch(() => {});
  const { reader, writer } = stdioTransport();
  startServer(createConnection(ProposedFeatures.all, reader, writer));
}
