import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Engine } from '../engine/engine.js';
import { banditFindings } from '../bandit/convert.js';
import { banditVersion, findBandit, type BanditCommand, type BanditVersion } from '../bandit/discover.js';
import { runBanditOnFiles } from '../bandit/batch.js';
import { configArgs, findProjectRoot, loadProjectConfig, type ProjectBanditConfig } from '../bandit/project-config.js';
import { mergeFindings } from '../findings/merge.js';
import { formatJson, formatText } from './format.js';
import { checkInPool } from './pooled.js';
import type { FileError, FileResult } from './run.js';
import { pythonFiles } from './walk.js';

export const CHECK_USAGE = `Usage: pysec-lsp check [PATH...] [--format text|json] [--no-bandit]

Reviews the Python files under each PATH (default: the current folder) and
prints what it finds. Exit status: 0 nothing found, 1 findings, 2 usage error.

  --format text|json   output format (default: text)
  --no-bandit          run the tree-sitter engine only
`;

export class UsageError extends Error {}

export async function runCheck(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'no-bandit': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) {
    out(CHECK_USAGE);
    return 0;
  }
  const format = parsed.values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const paths = parsed.positionals.length ? parsed.positionals : ['.'];
  const { files, missing } = pythonFiles(paths);
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);

  const engine = await Engine.load();
  const results: FileResult[] = [];
  const errors: FileError[] = [];
  // Each file under its project's bandit config (skips, tests, excludes), for both engines.
  const configs = new Map<string, ProjectBanditConfig>();
  const configOf = (path: string) => {
    const root = findProjectRoot(path, process.cwd());
    let cfg = configs.get(root);
    if (!cfg) {
      cfg = loadProjectConfig(root);
      for (const p of cfg.problems) warn(p);
      configs.set(root, cfg);
    }
    return cfg;
  };
  for (const r of await checkInPool(engine, files, configOf)) {
    if ('message' in r) errors.push(r);
    else results.push(r);
  }
  if (!parsed.values['no-bandit']) await addBandit(results, errors, configOf, engine);
  out(format === 'json' ? formatJson(results, errors) : formatText(results, errors));
  return results.some((r) => r.findings.some((f) => !f.suppressed)) ? 1 : 0;
}

function warn(message: string): void {
  process.stderr.write(`pysec-lsp check: ${message}\n`);
}

/**
 * Runs the real bandit over the same files (per project root, with its
 * config) and merges its findings: one per rule and line, bandit's wording.
 * Without bandit, says so on stderr and keeps the tree-sitter findings.
 */
async function addBandit(
  results: FileResult[],
  errors: FileError[],
  configOf: (path: string) => ProjectBanditConfig,
  engine: Engine,
): Promise<void> {
  const cmd: BanditCommand | undefined = findBandit({}, process.cwd());
  if (!cmd) {
    warn('bandit was not found (the project\'s .venv/venv or PATH): tree-sitter rules only. Install it with `pipx install bandit`, or pass --no-bandit.');
    return;
  }
  let version: BanditVersion;
  try {
    version = await banditVersion(cmd);
  } catch (e) {
    warn(`${(e as Error).message}: tree-sitter rules only.`);
    return;
  }
  const byRoot = new Map<string, FileResult[]>();
  for (const r of results) {
    const root = configOf(r.path).root;
    byRoot.set(root, [...(byRoot.get(root) ?? []), r]);
  }
  for (const [root, group] of byRoot) {
    const cfg = configOf(group[0].path);
    const byAbs = new Map(group.map((r) => [resolve(r.path), r]));
    const outcome = await runBanditOnFiles({ cmd, version, files: [...byAbs.keys()], cwd: root, configArgs: configArgs(cfg, version), timeoutMs: 300_000 });
    for (const e of outcome.errors) errors.push({ path: byAbs.get(resolve(root, e.path))?.path ?? e.path, message: e.message });
    for (const [file, res] of outcome.results) {
      const r = byAbs.get(resolve(root, file));
      if (!r) continue;
      const doc = TextDocument.create(r.path, 'python', 0, r.text);
      const found = banditFindings(res, r.text, engine.ruleset.byId);
      r.findings = mergeFindings(r.findings, found, (o) => doc.positionAt(o).line);
    }
  }
}
