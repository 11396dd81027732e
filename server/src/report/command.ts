import { existsSync, writeFileSync } from 'node:fs';
import { CLI_BANDIT_HINT, findCliBandit } from '../batch/bandit.js';
import { type ReportOptions, UsageError } from '../command-line/args.js';
import { defaultSettings } from '../config/defaults.js';
import { cacheFolder } from '../cache/location.js';
import { Engine } from '../engine/engine.js';
import { renderReport } from './formats.js';
import { gatherReport } from './gather.js';
import { buildReport } from './model.js';

/** `pysec-lsp report` with its options (command-line/args.ts): the exit status. */
export async function runReport(options: ReportOptions, out: (s: string) => void): Promise<number> {
  const format = options.format;
  const cwd = process.cwd();
  if (options.audit && options.advisories !== undefined && !existsSync(options.advisories)) throw new UsageError(`--advisories: no such file or folder: ${options.advisories}`);
  const engine = await Engine.load();
  const cache = cacheFolder(options.cache, cwd);
  const warn = (message: string) => void process.stderr.write(`pysec-lsp report: ${message}\n`);
  const input = await gatherReport(engine, {
    paths: options.paths,
    base: cwd,
    bandit: options.bandit && (() => findCliBandit(cwd, options.banditChoice, warn)),
    warn,
    banditHint: CLI_BANDIT_HINT,
    placeholder: defaultSettings().suppress.placeholder,
    ...(cache ? { cache } : {}),
    audit: { enabled: options.audit, ...(options.advisories !== undefined ? { database: options.advisories } : {}) },
  });
  if ('missing' in input) throw new UsageError(`no such file or folder: ${input.missing.join(', ')}`);
  const text = await renderReport(buildReport(input), format);
  if (options.output !== undefined) {
    try {
      writeFileSync(options.output, text.endsWith('\n') ? text : `${text}\n`);
    } catch (e) {
      process.stderr.write(`pysec-lsp report: cannot write ${options.output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return 2;
    }
    process.stderr.write(`pysec-lsp report: wrote ${options.output}\n`);
  } else {
    out(text);
  }
  return 0;
}
