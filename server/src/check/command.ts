import { parseArgs } from 'node:util';
import { Engine } from '../engine/engine.js';
import { formatJson, formatText } from './format.js';
import { checkFile, type FileError, type FileResult } from './run.js';
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
  for (const path of files) {
    const r = checkFile(engine, path);
    if ('message' in r) errors.push(r);
    else results.push(r);
  }
  out(format === 'json' ? formatJson(results, errors) : formatText(results, errors));
  return results.some((r) => r.findings.some((f) => !f.suppressed)) ? 1 : 0;
}
