/**
 * `pysec-lsp --stdio`: the language server on stdin/stdout. Its own module
 * (cli.ts imports it for that command only), so that the bundle of the
 * server (scripts/bundle.mjs) holds the grammar's loader and the server's
 * modules together: the grammar's wasm compiles off the main thread while
 * the server's modules load, and the Engine.load that server.ts starts
 * takes the same promise (grammar.ts); a failure is said once there.
 */
export async function serveStdio(): Promise<void> {
  import('./engine/grammar.js')
    .then((g) => {
      // Before the first wasm compile: the server's first analyses stay on Liftoff (grammar.ts serverRun).
      g.serverRun();
      return g.loadPython();
    })
    .catch(() => {});
  // A CommonJS module: its exports are its `default` under node and in the bundle alike (esbuild's import() of it has no named ones).
  const [{ default: { createConnection, ProposedFeatures } }, { startServer }, { stdioTransport }] = await Promise.all([
    import('vscode-languageserver/node.js'),
    import('./server.js'),
    import('./transport/stdio.js'),
  ]);
  const { reader, writer } = stdioTransport();
  startServer(createConnection(ProposedFeatures.all, reader, writer));
}
