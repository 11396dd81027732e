/**
 * What the suppress action's title says about bandit 1.6, checked with the
 * real bandits (issue 20, item 5):
 *
 * - "[read by bandit ≥ 1.7.5 only]": on a multi-line call whose comment
 *   goes on a line 1.6.2 does not read (the lines 1.6 reads end inside a
 *   string). Without it, the comment is read by 1.6.2 too — B106 included,
 *   which 1.6 reports on the call's first line, not on the argument's.
 * - "[bandit 1.6 silences the whole line|statement, … too]": 1.6 reads any
 *   `# nosec` as blanket, for its line and the statement starting there, so
 *   other findings sharing them vanish with the target on 1.6 and stay on
 *   1.9.
 *
 * For each snippet and target: ask the BUILT server for the plain
 * "pysec: suppress <id>" action, apply it, and run bandit 1.9.4 and 1.6.2
 * on the result. 1.9.4: exactly the target is gone. 1.6.2: the target is
 * gone unless the title says "≥ 1.7.5 only" (then it stays), and exactly
 * the ids the title names go with it. bandit 1.9 through
 * PYSEC_BANDIT_SID_DIR: missing, this fails in CI and is skipped elsewhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, REPO_ROOT } from '../lsp/client.js';
import { applyAction } from '../support/edits.js';
import { bandit16, bandit19, bandit19Available, bandit19Missing, byFile, IN_CI, issueKey, type BanditIssue } from '../support/bandit-run.js';

const have19 = bandit19Available();
const suite = have19 || IN_CI ? describe : describe.skip;

const SNIPPETS: Record<string, string> = {
  'ml-shell': 'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(\n        cmd,\n        shell=True,\n    )\n',
  'ml-funcarg': "def connect(client):\n    return client.connect(\n        host='db',\n        password='s3cret',\n    )\n",
  'ml-shell-string': 'import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True, input="""\ndata\n""")\n',
  'ml-funcarg-string': "def connect(client):\n    return client.connect(host='db', password='s3cret', banner=\"\"\"\nhello\n\"\"\")\n",
  'line-shared': 'import subprocess\n\n\ndef run(cmd, expr):\n    return subprocess.check_output(cmd, shell=True) + eval(expr)\n',
  'statement-shared': "def connect(client, spec):\n    return client.connect(\n        host=eval(spec),\n        password='s3cret',\n    )\n",
  // 1.6 skips the whole function under a comment on its `def` line.
  'def-shared': "def login(user, password='s3cret'):\n    return eval(user)\n",
  // A decorator's line is not the function's: 1.6 skips the decorator only, not the body.
  'decorator-shared': 'import subprocess\n\n\n@register(subprocess.check_output(cmd, shell=True) + eval(name))\ndef handler(x):\n    return eval(x)\n',
};

/** The action's title for each target (snippet, rule): what each case must say. */
const TITLES: [string, string, string][] = [
  ['ml-shell', 'B602', 'pysec: suppress B602 on this line'],
  ['ml-funcarg', 'B106', 'pysec: suppress B106 (comment on line 2)'],
  ['ml-shell-string', 'B602', 'pysec: suppress B602 (comment on line 7) [read by bandit ≥ 1.7.5 only]'],
  ['ml-funcarg-string', 'B106', 'pysec: suppress B106 (comment on line 4) [read by bandit ≥ 1.7.5 only]'],
  ['line-shared', 'B602', 'pysec: suppress B602 on this line [bandit 1.6 silences the whole line, B307 too]'],
  ['line-shared', 'B307', 'pysec: suppress B307 on this line [bandit 1.6 silences the whole line, B602 too]'],
  ['statement-shared', 'B106', 'pysec: suppress B106 (comment on line 2) [bandit 1.6 silences the whole statement, B307 too]'],
  ['statement-shared', 'B307', 'pysec: suppress B307 on this line'],
  ['def-shared', 'B107', 'pysec: suppress B107 on this line [bandit 1.6 silences the whole statement, B307 too]'],
  ['def-shared', 'B307', 'pysec: suppress B307 on this line'],
  ['decorator-shared', 'B602', 'pysec: suppress B602 on this line [bandit 1.6 silences the whole line, B307 too]'],
];

interface Trial {
  name: string;
  rule: string;
  title: string;
  path: string;
  text: string;
}

let dir: string;
let client: LspClient;
const origPath: Record<string, string> = {};
const trials: Trial[] = [];

function suppressAction(actions: CodeAction[], rule: string): CodeAction[] {
  const re = new RegExp(`^pysec: suppress ${rule}( on this line| \\(comment on line \\d+\\))`);
  return actions.filter((a) => re.test(a.title) && !a.title.includes(' — ') && a.edit);
}

suite('the suppress action says what bandit 1.6 does with its comment', () => {
  beforeAll(async () => {
    if (!have19) throw new Error(bandit19Missing());
    dir = mkdtempSync(join(tmpdir(), 'pysec-suppress-16-'));
    client = await LspClient.start({
      capabilities: {
        workspace: { workspaceEdit: { documentChanges: true } },
        textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, disabledSupport: true } },
      },
      positionEncodings: ['utf-16'],
      initializationOptions: { bandit: { enabled: false } },
    });
    for (const [name, text] of Object.entries(SNIPPETS)) {
      origPath[name] = join(dir, `${name}.py`);
      writeFileSync(origPath[name], text);
      const uri = pathToFileURL(join(REPO_ROOT, 'test/.virtual/suppress-16', `${name}.py`)).href;
      await client.open(uri, text, 1);
      const diagnostics = (await client.waitForDiagnostics(uri, { version: 1 })).diagnostics as Diagnostic[];
      for (const [tname, rule] of TITLES) {
        if (tname !== name) continue;
        const d = diagnostics.find((x) => x.code === rule);
        expect(d, `${name}: ${rule}`).toBeDefined();
        const onLine = diagnostics.filter((x) => x.range.start.line === d!.range.start.line);
        const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri },
          range: d!.range,
          context: { diagnostics: onLine, only: ['quickfix'], triggerKind: 1 },
        });
        const found = suppressAction(actions, rule);
        expect(found.map((a) => a.title), `${name}: ${rule}`).toHaveLength(1);
        const edited = applyAction(text, uri, found[0], 'utf-16', 1);
        const path = join(dir, `${name}--${rule}.py`);
        writeFileSync(path, edited);
        trials.push({ name, rule, title: found[0].title, path, text: edited });
      }
    }
  }, 120_000);

  afterAll(async () => {
    await client?.shutdown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('titles each case as it is', () => {
    expect(trials.map((t) => [t.name, t.rule, t.title])).toEqual(TITLES);
  });

  it('bandit 1.9.4 reads every comment: exactly the target is gone', async () => {
    const before = byFile(await bandit19(Object.values(origPath), dir, 'orig19.json'));
    const after = byFile(await bandit19(trials.map((t) => t.path), dir, 'after19.json'));
    for (const t of trials) {
      const was = (before.get(origPath[t.name]) ?? []).map(issueKey).sort();
      const target = (before.get(origPath[t.name]) ?? []).filter((r) => r.test_id === t.rule);
      expect(target, `${t.name}: bandit 1.9.4 reports ${t.rule}`).toHaveLength(1);
      const expected = was.filter((k) => k !== issueKey(target[0]));
      expect((after.get(t.path) ?? []).map(issueKey).sort(), `${t.title}\n${t.text}`).toEqual(expected);
    }
  });

  it('bandit 1.6.2: the target gone unless the title says ≥ 1.7.5 only, and exactly the ids the title names gone with it', async () => {
    const before = byFile(await bandit16(Object.values(origPath), dir, 'orig16.json'));
    const after = byFile(await bandit16(trials.map((t) => t.path), dir, 'after16.json'));
    // By test id: 1.6 reports B106 on the call's first line, 1.9 on the argument's.
    const ids = (rs: BanditIssue[] | undefined) => (rs ?? []).map((r) => r.test_id).sort();
    let newerOnly = 0;
    let wider = 0;
    for (const t of trials) {
      const was = ids(before.get(origPath[t.name]));
      expect(was, `${t.name}: bandit 1.6.2 reports ${t.rule}`).toContain(t.rule);
      const only17 = t.title.includes('[read by bandit ≥ 1.7.5 only]');
      const named = /\[bandit 1\.6 silences the whole (?:line|statement), ([A-Z0-9, ]+) too\]/.exec(t.title)?.[1].split(', ') ?? [];
      // One finding per id (each id the title names stands for one finding here: the body's B307 under a decorator stays).
      const expected = [...was];
      for (const id of [...(only17 ? [] : [t.rule]), ...named]) {
        expect(expected, `${t.title}: bandit 1.6.2 reports ${id} there`).toContain(id);
        expected.splice(expected.indexOf(id), 1);
      }
      if (only17) newerOnly++;
      if (named.length) wider++;
      expect(ids(after.get(t.path)), `${t.title}\n${t.text}`).toEqual(expected);
    }
    expect(newerOnly).toBe(2);
    expect(wider).toBe(5);
  });
});
