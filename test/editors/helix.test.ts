/**
 * Helix end to end (Debian sid's hx, 25.07 or newer, from
 * scripts/install-editors-sid.sh), in a real terminal: hx runs under tmux
 * with editors/helix/languages.toml as the user's config (or a project's
 * .helix/languages.toml), `pysec-lsp` on PATH as `npm link` puts it, and
 * stand-ins for the main servers the file names (pyright, ruff). The tests
 * type what a user types and read the screen: the diagnostic in the gutter
 * and at the end of its line, the diagnostics picker, the code actions
 * menu, the suppress action written to disk, hover, and a setting from the
 * `config` table. Every wait is on the screen, and fails showing it (and
 * Helix's log).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { commandShims, EDITORS_DIR, editorPresent, removeTempTree, sidEditor } from './harness.js';
import { Terminal } from './terminal.js';

const hx = sidEditor('hx');
const present = hx !== undefined && editorPresent('tmux');

/** A shell injection (B602 on line 5) and the import it needs (B404 on line 1). */
const FIXTURE = 'import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n';
const B602_MESSAGE = 'subprocess call with shell=True identified';
const LANGUAGES = readFileSync(join(EDITORS_DIR, 'helix/languages.toml'), 'utf8');

/** The README's second config: pysec the only Python server, with every feature (hover too). */
const ALONE = `${LANGUAGES.slice(0, LANGUAGES.indexOf('language-servers = ['))}language-servers = ["pysec"]\n`;

interface Setup {
  /** The user's ~/.config/helix/languages.toml (default: the repository's file). */
  languages?: string;
  /** A project's .helix/languages.toml instead (then the user has none). */
  projectLanguages?: string;
  /** A .git folder in the project (Helix's workspace root); default yes. */
  git?: boolean;
}

interface Session {
  term: Terminal;
  file: string;
  project: string;
  /** `term.waitFor`, whose failure also shows `hx --health python` (what a user runs when nothing shows). */
  waitFor(what: string, accept: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  done(): Promise<void>;
}

async function helix(setup: Setup = {}): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'pysec-helix-'));
  const home = join(dir, 'home');
  const config = join(home, '.config');
  const project = join(dir, 'project');
  for (const d of [join(config, 'helix'), join(home, '.cache'), join(home, '.local/share'), join(home, '.local/state'), project]) mkdirSync(d, { recursive: true });
  if (setup.projectLanguages !== undefined) {
    mkdirSync(join(project, '.helix'));
    writeFileSync(join(project, '.helix/languages.toml'), setup.projectLanguages);
    // Trusting the workspace reloads the config, which fails ("Failed to load config: No such
    // file or directory") without a user config.toml: the user has one, if empty.
    writeFileSync(join(config, 'helix/config.toml'), '');
  } else {
    writeFileSync(join(config, 'helix/languages.toml'), setup.languages ?? LANGUAGES);
  }
  if (setup.git !== false) mkdirSync(join(project, '.git'));
  const file = join(project, 'app.py');
  writeFileSync(file, FIXTURE);
  const bin = commandShims(dir);
  const log = join(dir, 'helix.log');
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: config,
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_STATE_HOME: join(home, '.local/state'),
    TMPDIR: home,
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
  };
  const term = await Terminal.start({ dir, cwd: project, env, command: [hx!, '--log', log, '-v', 'app.py'], log });
  const health = async () => {
    const r = await execa(hx!, ['--health', 'python'], { env, extendEnv: false, cwd: project, reject: false, stdin: 'ignore', timeout: 60_000 });
    return `--- hx --health python ---\n${String(r.stdout)}${String(r.stderr)}`;
  };
  return {
    term,
    file,
    project,
    waitFor: (what, accept, timeoutMs) =>
      term.waitFor(what, accept, timeoutMs).catch(async (e: unknown) => {
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await health()}`);
      }),
    done: async () => {
      await term.stop();
      // Its language servers may still be writing under home as they exit (harness.ts says why this way).
      await removeTempTree(dir);
    },
  };
}

/**
 * The diagnostic is on screen: a gutter marker on line 5 and its message,
 * at the end of that line or inline under it (Helix 25.07 draws it either
 * way, depending on the diagnostic's range and the room left).
 */
const showsB602 = (s: string) => {
  const rows = s.split('\n');
  const i = rows.findIndex((l) => l.includes('return subprocess.call(cmd, shell=True)'));
  if (i < 0) return false;
  const gutter = rows[i].slice(0, rows[i].indexOf('5'));
  return /\S/.test(gutter) && rows.slice(i, i + 3).some((l) => l.includes(B602_MESSAGE));
};

/** Opens the diagnostics picker (`space d`), returns its screen, closes it. */
async function picker(term: Terminal, until: (s: string) => boolean, what: string): Promise<string> {
  await term.keys('Space', 'd');
  const s = await term.waitFor(what, until);
  await term.keys('Escape');
  await term.waitFor('the picker to close', (x) => !x.includes('B602') || showsB602(x));
  return s;
}

/** Opens the code actions on the cursor's line (`space a`), picks the one whose title starts with `title`. */
async function codeAction(term: Terminal, title: string): Promise<void> {
  await term.keys('Space', 'a');
  const menu = await term.waitFor(`a code action menu with "${title}"`, (s) => s.includes(title));
  // Helix's menu starts on its first item and goes down with Tab; its items are the rows with 'pysec:' or the stand-in's 'stub:' titles, top to bottom.
  const rows = menu.split('\n').filter((l) => /\b(pysec|stub): /.test(l));
  const index = rows.findIndex((l) => l.includes(title));
  expect(index, `${title} in\n${menu}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) await term.keys('Tab');
  await term.keys('Enter');
}

describe.skipIf(!present)('Helix end to end', () => {
  it('reports its version (25.07 or newer)', async () => {
    const r = await execa(hx!, ['--version'], { reject: false });
    const m = /helix (\d+)\.(\d+)/.exec(String(r.stdout));
    expect(m, String(r.stdout) + String(r.stderr)).not.toBeNull();
    expect(Number(m![1]) * 100 + Number(m![2])).toBeGreaterThanOrEqual(2507);
  });

  for (const git of [true, false]) {
    it(`with the README's languages.toml (${git ? 'a .git root' : 'no .git: no workspace root'}): the diagnostic shows; the suppress action with a reason, written, clears it`, { timeout: 240_000 }, async () => {
      const h = await helix({ git });
      try {
        const { term } = h;
        await h.waitFor('the B602 diagnostic at the end of line 5 with a gutter marker', showsB602);
        // The diagnostics picker lists pysec's findings with their codes.
        const list = await picker(term, (s) => s.includes('B602') && s.includes('B404'), 'B602 and B404 in the diagnostics picker');
        expect(list).toContain('pysec');
        // Onto the diagnostic (line 5, then `]d`: the next diagnostic), then the code actions:
        // Helix sends the diagnostics under the selection only.
        await term.type('5gg]d');
        await codeAction(term, 'pysec: suppress B602 on this line — accepted risk: reviewed');
        await term.type(':w');
        await term.keys('Enter');
        await term.waitFor('the file written', (s) => /written/.test(s));
        const text = readFileSync(h.file, 'utf8');
        expect(text).toBe(FIXTURE.replace('shell=True)\n', 'shell=True)  # nosec B602  # accepted risk: reviewed\n'));
        await term.waitFor('the B602 diagnostic gone', (s) => !s.includes(B602_MESSAGE) && s.includes('# nosec B602'));
      } finally {
        await h.done();
      }
    });
  }

  it("the project-local form (.helix/languages.toml), once the workspace is trusted, works the same", { timeout: 240_000 }, async () => {
    const h = await helix({ projectLanguages: LANGUAGES });
    try {
      // Sid's Helix reads a project's .helix/ only once the workspace is trusted: it asks (first choice: Trust).
      await h.waitFor('Helix asking to trust the workspace', (s) => s.includes('Trust this workspace?'));
      await h.term.keys('Enter');
      // The trusted config is read ("Config refreshed"), but the running servers stay Helix's defaults until restarted.
      await h.waitFor('the config refreshed', (s) => s.includes('Config refreshed'));
      await h.term.type(':lsp-restart');
      await h.term.keys('Enter');
      await h.waitFor('the B602 diagnostic', showsB602);
    } finally {
      await h.done();
    }
  });

  it('pysec alone, with every feature: hover (space k) explains the finding', { timeout: 240_000 }, async () => {
    const h = await helix({ languages: ALONE });
    try {
      const { term } = h;
      await h.waitFor('the B602 diagnostic', showsB602);
      // Onto the finding on line 5.
      await term.type('5gg]d');
      await term.keys('Space', 'k');
      await term.waitFor('the hover with B602 explained', (s) => s.split('\n').filter((l) => l.includes('B602')).length > 0 && /shell/i.test(s) && s.includes('subprocess_popen_with_shell_equals_true'));
    } finally {
      await h.done();
    }
  });

  it('a setting in the [language-server.pysec.config] table reaches the server (rules.ignore turns B404 off)', { timeout: 240_000 }, async () => {
    const h = await helix({ languages: LANGUAGES.replace('[language-server.pysec.config]\n', '[language-server.pysec.config]\nrules = { ignore = ["B404"] }\n') });
    try {
      const { term } = h;
      await h.waitFor('the B602 diagnostic', showsB602);
      // B602 and B404 come in one publish: with B602 in the picker, B404 would be there too.
      const list = await picker(term, (s) => s.includes('B602'), 'B602 in the diagnostics picker');
      expect(list).not.toContain('B404');
    } finally {
      await h.done();
    }
  });

  it('a broken setup (a wrong command name) fails the wait, showing the screen and the log that say why', { timeout: 240_000 }, async () => {
    const h = await helix({ languages: LANGUAGES.replace('command = "pysec-lsp"', 'command = "pysec-lps"') });
    try {
      const err = await h.waitFor('the B602 diagnostic', showsB602, 5_000).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toContain('--- screen ---');
      expect(err!.message).toContain('subprocess.call(cmd, shell=True)');
      // `hx --health python` names the command it cannot find.
      expect(err!.message).toMatch(/pysec-lps.*not found/);
    } finally {
      await h.done();
    }
  });
});
