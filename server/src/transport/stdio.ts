import { ResyncingFramer } from './framing.js';

/**
 * stdin as the server reads it: through the resynchronising framer, so a
 * broken frame costs that frame only. What is dropped is said on stderr
 * (where every client logs a server's complaints), once per kind of fault.
 *
 * Passing streams to `createConnection` (instead of `--stdio`) skips the
 * library's redirection of `console.log` away from stdout: done here, since
 * stray output on stdout would corrupt the protocol.
 */
export function stdinFrames(): NodeJS.ReadableStream {
  const said = new Set<string>();
  const framer = new ResyncingFramer((reason, bytes) => {
    if (said.has(reason)) return;
    said.add(reason);
    process.stderr.write(`pysec-lsp: dropped ${bytes} bytes of client input (${reason}); reading on from the next message header. Further drops of this kind are not reported.\n`);
  });
  for (const name of ['log', 'info', 'debug', 'warn'] as const) console[name] = (...args: unknown[]) => console.error(...args);
  process.stdin.pipe(framer);
  return framer;
}
