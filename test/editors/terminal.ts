/**
 * A terminal editor under tmux, for the end-to-end tests of the editors
 * that have no headless mode (Helix): a private tmux server (its own socket
 * in the test's temporary folder, no user config), one window of a fixed
 * size running the editor, keys sent with `send-keys`, the screen read with
 * `capture-pane`. tmux runs through execa with argument arrays (no shell).
 *
 * Every wait is on screen content, with a generous timeout that only a
 * broken setup or a hung editor reaches; it then fails with the screen as
 * it was (and the editor's log, when the test names one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

/** How long a wait on the screen may take before the test fails with it (generous: only a broken setup reaches it). */
export const SCREEN_TIMEOUT_MS = 60_000;

export interface TerminalOptions {
  /** Folder for the tmux socket (the test's temporary folder). */
  dir: string;
  cwd: string;
  env: Record<string, string>;
  /** The program and its arguments. */
  command: string[];
  /** A log file to show beside the screen when a wait fails. */
  log?: string;
  width?: number;
  height?: number;
}

export class Terminal {
  private constructor(
    private readonly socket: string,
    private readonly env: Record<string, string>,
    private readonly log: string | undefined,
  ) {}

  static async start(opts: TerminalOptions): Promise<Terminal> {
    const socket = join(opts.dir, 'tmux.sock');
    const t = new Terminal(socket, opts.env, opts.log);
    await t.tmux(
      ['new-session', '-d', '-s', 'e2e', '-x', String(opts.width ?? 160), '-y', String(opts.height ?? 40), '-c', opts.cwd, '--', ...opts.command],
      opts.cwd,
    );
    // The window stays after the editor exits, so a crash leaves its last screen to read.
    await t.tmux(['set-option', '-t', 'e2e', 'remain-on-exit', 'on']);
    return t;
  }

  private async tmux(args: string[], cwd?: string): Promise<string> {
    const r = await execa('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], {
      env: this.env,
      extendEnv: false,
      cwd,
      stdin: 'ignore',
      reject: false,
      timeout: 30_000,
    });
    if (r.exitCode !== 0) throw new Error(`tmux ${args.join(' ')} failed (${r.exitCode}): ${String(r.stderr)}`);
    return String(r.stdout);
  }

  /** The screen as text, one line per row, trailing blanks trimmed. */
  async screen(): Promise<string> {
    const text = await this.tmux(['capture-pane', '-p', '-t', 'e2e']);
    return text
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
  }

  /** Keys by tmux name (`Space`, `Enter`, `Escape`, `Tab`, `C-s`, or plain characters). */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', 'e2e', ...keys]);
  }

  /** A string typed as it is. */
  async type(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', 'e2e', '-l', text]);
  }

  /** The screen and the log's last lines, for a failure's message. */
  async describe(): Promise<string> {
    let s = `--- screen ---\n${await this.screen().catch((e: unknown) => `(no screen: ${String(e)})`)}\n--- end of screen ---`;
    if (this.log && existsSync(this.log)) s += `\n--- ${this.log} (last 40 lines) ---\n${readFileSync(this.log, 'utf8').split('\n').slice(-40).join('\n')}`;
    return s;
  }

  /**
   * Waits until `accept(screen)` holds, reading the screen again each time
   * until `timeoutMs`; resolves with that screen. On timeout, fails with
   * `what` and the screen as it was.
   */
  async waitFor(what: string, accept: (screen: string) => boolean, timeoutMs = SCREEN_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.screen();
      if (accept(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${await this.describe()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.tmux(['kill-server']).catch(() => undefined);
  }
}
