import {
  StreamMessageReader,
  StreamMessageWriter,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node.js';
import { ResyncingFramer } from './framing.js';
import { checkMessage, lenientJsonDecoder, type Valid } from './jsonrpc.js';
import { Lifecycle } from './lifecycle.js';

/**
 * stdin and stdout as the server speaks over them, handed to
 * `createConnection` as a reader and a writer:
 *
 * stdin ─► framing.ts (a broken frame costs that frame only)
 *       ─► vscode-jsonrpc's reader, with a JSON decoder that keeps a body
 *          that does not parse (jsonrpc.ts)
 *       ─► jsonrpc.ts (JSON-RPC 2.0's rules: what is no valid message is
 *          answered -32700/-32600 here, vscode-jsonrpc would drop it)
 *       ─► lifecycle.ts (LSP's rules before initialize and after shutdown)
 *       ─► the connection.
 *
 * Every answer goes through the one writer the connection uses, whose lock
 * keeps a frame's header and body together. What is refused or dropped is
 * said on stderr (where every client logs a server's complaints), once per
 * kind of fault.
 *
 * Passing a reader and a writer (instead of `--stdio`) skips the library's
 * redirection of `console.log` away from stdout, and its exit when stdin
 * ends: both are done here.
 */
export function stdioTransport(): { reader: MessageReader; writer: MessageWriter } {
  const said = new Set<string>();
  const say = (kind: string, text: string) => {
    if (said.has(kind)) return;
    said.add(kind);
    process.stderr.write(`pysec-lsp: ${text} Further ones of this kind are not reported.\n`);
  };
  const framer = new ResyncingFramer((reason, bytes) => say(reason, `dropped ${bytes} bytes of client input (${reason}); reading on from the next message header.`));
  for (const name of ['log', 'info', 'debug', 'warn'] as const) console[name] = (...args: unknown[]) => console.error(...args);
  process.stdin.pipe(framer);

  const lifecycle = new Lifecycle();
  const out = new StreamMessageWriter(process.stdout);
  const answer = (m: Message | Message[]) => void out.write(m as Message).catch(() => undefined);

  const route = (checked: Valid) => {
    const r = lifecycle.route(checked);
    if (r.action === 'deliver') reader.deliver(checked.message);
    else if (r.action === 'answer') {
      say(r.reason, `answered ${r.answer.error!.code} to ${r.reason}: ${r.answer.error!.message}.`);
      answer(r.answer);
    } else if (r.action === 'drop') say(r.reason, `ignored ${r.reason} (LSP's lifecycle rules).`);
  };
  const reader = new CheckedReader(new StreamMessageReader(framer, { contentTypeDecoder: lenientJsonDecoder }), (value) => {
    const checked = checkMessage(value);
    if (checked.ok) return route(checked);
    const code = [checked.answer ?? []].flat()[0]?.error?.code;
    say(checked.reason, `${code !== undefined ? `answered ${code} to` : 'ignored'} ${checked.reason}.`);
    if (checked.answer) answer(checked.answer);
  });

  // The server's answer to initialize ends that phase: what the client sent meanwhile goes on after it.
  const write = out.write.bind(out);
  out.write = (m: Message) => {
    const written = write(m);
    for (const held of lifecycle.sent(m)) route(held);
    return written;
  };

  // As the library does for a stdin it reads itself: exit, 0 only after a shutdown.
  const gone = () => process.exit(lifecycle.phase === 'shutdown' ? 0 : 1);
  process.stdin.on('end', gone);
  process.stdin.on('close', gone);
  return { reader, writer: out };
}

/**
 * vscode-jsonrpc's reader with every message it reads handed to `check`
 * instead of the connection; `deliver` passes one on (at once, or later for
 * a message held while initialize is answered).
 */
class CheckedReader implements MessageReader {
  private callback: DataCallback | undefined;
  constructor(
    private readonly inner: MessageReader,
    private readonly check: (value: unknown) => void,
  ) {}
  get onError() {
    return this.inner.onError;
  }
  get onClose() {
    return this.inner.onClose;
  }
  get onPartialMessage() {
    return this.inner.onPartialMessage;
  }
  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    return this.inner.listen((m) => this.check(m));
  }
  deliver(message: Message): void {
    this.callback?.(message);
  }
  dispose(): void {
    this.inner.dispose();
  }
}
