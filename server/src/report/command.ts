import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '../check/command.js';
import { CLI_BANDIT_HINT, findCliBandit } from '../check/review.js';
import { defaultSettings } from '../config/defaults.js';
import { Engine } from '../engine/engine.js';
import { isReportFormat, renderReport, REPORT_FORMATS } from './formats.js';
import { gatherReport } from './gather.js';
import { buildReport } from './model.js';

export const REPORT_USAGE = `Usage: pysec-lsp report [PATH...] [--format markdown|json|sarif|html] [--output FILE] [--no-bandit]
                       [--bandit PATH] [--project-venv]

Reviews the Python files under each PATH (default: the current folder) and
writes a security report: risk summary, top findings in plain words, what
works well, next steps, the technical findings, and every suppression with
its justification. Exit status: 0 report written, 2 usage error.

  --format FORMAT   markdown (default), json, sarif (SARIF 2.1.0) or html
  --output FILE     write the report to FILE instead of standard output
  --no-bandit       run the tree-sitter engine only (the report says so)
  --bandit PATH     the bandit executable to run (default: bandit on PATH)
  --project-venv    also run a bandit inside the current folder (its .venv/venv):
                    only for a workspace you trust
`;

export async function runReport(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'markdown' },
        output: { type: 'string', short: 'o' },
        'no-bandit': { type: 'boolean', default: false },
        bandit: { type: 'string' },
        'project-venv': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) {
    out(REPORT_USAGE);
    return 0;
  }
  const format = parsed.values.format;
  if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, not "${format}"`);
  const cwd = process.cwd();
  const engine = await Engine.load();
  const warn = (message: string) => void process.stderr.write(`pysec-lsp report: ${message}\n`);
  const input = await gatherReport(engine, {
    paths: parsed.positionals,
    base: cwd,
    bandit: !parsed.values['no-bandit'] && (() => findCliBandit(cwd, { path: parsed.values.bandit, projectVenv: parsed.values['project-venv'] }, warn)),
    warn,
    banditHint: CLI_BANDIT_HINT,
    placeholder: defaultSettings().suppress.placeholder,
  });
  if ('missing' in input) throw new UsageError(`no such file or folder: ${input.missing.join(', ')}`);
  const text = renderReport(buildReport(input), format);
  if (parsed.values.output !== undefined) {
    try {
      writeFileSync(parsed.values.output, text.endsWith('\n') ? text : `${text}\n`);
    } catch (e) {
      process.stderr.write(`pysec-lsp report: cannot write ${parsed.values.output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return 2;
    }
    process.stderr.write(`pysec-lsp report: wrote ${parsed.values.output}\n`);
  } else {
    out(text);
  }
  return 0;
}
