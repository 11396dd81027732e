import { parseArgs } from 'node:util';
import { LEVELS, RISKS, type Level, type Risk } from '../findings/finding.js';
import type { CliBanditOptions } from '../batch/bandit.js';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from './report-formats.js';
import { VERSION } from '../version.js';

/**
 * The `pysec-lsp` command line: which command, its options checked (node's
 * `util.parseArgs`), and the usage texts and errors of every command. It
 * loads no command: cli.ts loads the one asked for, so `--version` stays
 * instant. A usage error found later by a command (a missing path, an
 * unreadable baseline) is thrown as a `UsageError` and said the same way.
 */

export const CHECK_USAGE = `Usage: pysec-lsp check [PATH...] [--format text|json] [--no-bandit]
                      [--bandit PATH] [--project-venv]
                      [--severity-level LEVEL] [--confidence-level LEVEL]
                      [--min-risk RISK] [--baseline FILE] [--exit-zero]
                      [--cache-dir DIR | --no-cache] [--verbose]
                      [--no-audit] [--advisories PATH]

Reviews the Python files under each PATH (default: the current folder) and
prints what it finds, and what is wrong with its suppression comments
(PSN001-PSN007; settings from [tool.pysec] in pyproject.toml). The
requirements files, pyproject.toml and lock files found there are audited
against the offline advisory database (PS601, PS602).
Exit status: 0 nothing found, 1 findings, 2 usage error.

  --format text|json         output format (default: text)
  --no-bandit                run the tree-sitter engine only
  --bandit PATH              the bandit executable to run (default: bandit on PATH)
  --project-venv             also run a bandit inside the current folder (its
                             .venv/venv): only for a workspace you trust
  --severity-level LEVEL     only findings of this severity or above (all|low|medium|high)
  --confidence-level LEVEL   only findings of this confidence or above (all|low|medium|high)
  --min-risk RISK            only findings of this graded risk or above
                             (low|medium|high|critical; suppression findings stay)
  --baseline FILE            only findings absent from an earlier JSON report
                             (matched on file, rule and text, not line)
  --exit-zero                exit 0 even when there are findings
  --cache-dir DIR            keep the result cache in DIR (default: the user's
                             cache folder, never the workspace)
  --no-cache                 review every file again; read and write no cache
  --verbose                  say on stderr where the cache is and how many
                             files it answered
  --no-audit                 do not audit the dependencies
  --advisories PATH          the advisory database (a folder or .zip of OSV
                             records; default: the one \`advisories update\` keeps)
`;

export const REPORT_USAGE = `Usage: pysec-lsp report [PATH...] [--format markdown|json|sarif|html] [--output FILE] [--no-bandit]
                       [--bandit PATH] [--project-venv] [--cache-dir DIR | --no-cache]

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
  --cache-dir DIR   keep the result cache in DIR (default: the user's cache folder)
  --no-cache        review every file again; read and write no cache
  --no-audit        do not audit the dependencies
  --advisories PATH the advisory database (default: the one \`advisories update\` keeps)
`;

export const ADVISORIES_USAGE = `Usage: pysec-lsp advisories update [--source URL]

Downloads the advisory database (OSV's export of the PyPI advisories) into
the user cache, $XDG_CACHE_HOME/pysec-lsp/advisories (else
~/.cache/pysec-lsp/advisories), where the server and check find it. The
download replaces the installed database only once it is complete and
checked: a failed or truncated one keeps the previous database. The only
command that uses the network.
Exit status: 0 installed, 1 the download failed (the old database kept), 2 usage error.

  --source URL   where to download from: an http(s) or file: URL
                 (default: https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip)
`;

export const USAGE = `pysec-lsp ${VERSION} — a security reviewer for Python, in your editor

Usage:
  pysec-lsp --stdio            run the language server over stdin/stdout
  pysec-lsp check [PATH...]    review files and folders from the command line
  pysec-lsp report [PATH...]   write a security report (markdown, json, sarif, html)
  pysec-lsp advisories update  download the advisory database for the dependency audit
  pysec-lsp --version

${CHECK_USAGE}
${REPORT_USAGE}
${ADVISORIES_USAGE}`;

/** A command line its command cannot run with: exit status 2, the message and the command's usage on stderr. */
const USAGE_ERROR = Symbol.for('pysec-lsp.UsageError');

/**
 * A mistake in the command line, said with the command's usage. Known by a
 * brand rather than by class: the commands run from bundles of their own
 * (scripts/bundle.mjs), each with its copy of this class, and cli.ts's
 * `instanceof` must know the copy a command threw.
 */
export class UsageError extends Error {
  readonly [USAGE_ERROR] = true;
  static override [Symbol.hasInstance](e: unknown): boolean {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[USAGE_ERROR] === true;
  }
}

export interface CheckOptions {
  /** Files and folders to review (default: the current folder). */
  paths: string[];
  format: 'text' | 'json';
  bandit: boolean;
  /** `--bandit PATH` and `--project-venv`: which bandit may run (batch/bandit.ts findCliBandit). */
  banditChoice: CliBanditOptions;
  severity: Level;
  confidence: Level;
  /** `--min-risk`: the least graded risk shown (hygiene findings stay). */
  minRisk: Risk;
  /** An earlier JSON report, as given. */
  baseline?: string;
  exitZero: boolean;
  cache: CacheChoice;
  /** `--verbose`: the cache's folder and counts on stderr. */
  verbose: boolean;
  /** Audit the manifests found (`--no-audit`: false). */
  audit: boolean;
  /** `--advisories PATH`: the advisory database; absent: the user cache. */
  advisories?: string;
}

/** `--cache-dir DIR` and `--no-cache`: whether the result cache is used, and where (undefined: the user's cache folder, cache/location.ts). */
export interface CacheChoice {
  enabled: boolean;
  dir?: string;
}

export interface ReportOptions {
  /** Files and folders to review (none: the current folder). */
  paths: string[];
  format: ReportFormat;
  output?: string;
  bandit: boolean;
  banditChoice: CliBanditOptions;
  cache: CacheChoice;
  /** Audit the manifests found (`--no-audit`: false). */
  audit: boolean;
  /** `--advisories PATH`; absent: the user cache. */
  advisories?: string;
}

/** `advisories update`'s options. */
export interface AdvisoriesOptions {
  /** `--source URL`; default OSV's PyPI export (advisories/update.ts). */
  source?: string;
}

/** A command with its own usage text. */
export type UsageOf = 'check' | 'report' | 'advisories';

/** What the command line asks for. */
export type CommandLine =
  | { command: 'check'; options: CheckOptions }
  | { command: 'report'; options: ReportOptions }
  | { command: 'advisories'; options: AdvisoriesOptions }
  /** `check --help`, `report --help`: the command's usage on stdout. */
  | { command: 'help'; of: UsageOf }
  | { command: 'usage'; of: UsageOf; message: string }
  | { command: 'version' }
  /** `--help`: every command's usage. */
  | { command: 'overview' }
  | { command: 'stdio' }
  | { command: 'unknown'; word: string | undefined };

/**
 * The command line's meaning. The first word picks the command; any other
 * line holding `--stdio` starts the server (its other arguments, such as
 * an editor's `--clientProcessId`, are the client's business).
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [command, ...rest] = argv;
  if (command === 'check' || command === 'report') {
    try {
      return command === 'check' ? checkLine(rest) : reportLine(rest);
    } catch (e) {
      return { command: 'usage', of: command, message: (e as Error).message };
    }
  }
  if (command === 'advisories') {
    try {
      return advisoriesLine(rest);
    } catch (e) {
      return { command: 'usage', of: 'advisories', message: (e as Error).message };
    }
  }
  if (command === '--version' || command === '-V') return { command: 'version' };
  if (command === '--help' || command === '-h') return { command: 'overview' };
  if (argv.includes('--stdio')) return { command: 'stdio' };
  return { command: 'unknown', word: command };
}

/** What stderr says of a usage error, the command's usage after it. */
export function usageMessage(of: UsageOf, message: string): string {
  return `pysec-lsp ${of}: ${message}\n\n${usageOf(of)}`;
}

/** A command's usage text. */
export function usageOf(of: UsageOf): string {
  return of === 'check' ? CHECK_USAGE : of === 'report' ? REPORT_USAGE : ADVISORIES_USAGE;
}

/** What stderr says of a command line that names no command. */
export function unknownCommandMessage(word: string | undefined): string {
  const what = word ? `unknown command "${word}"` : 'no command given: run the server with --stdio (as an editor does), or check or report';
  return `pysec-lsp: ${what}\n\n${USAGE}`;
}

/** The options both `check` and `report` have. */
const SHARED = {
  'no-bandit': { type: 'boolean', default: false },
  bandit: { type: 'string' },
  'project-venv': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
} as const;

function checkLine(args: string[]): CommandLine {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...SHARED,
      format: { type: 'string', default: 'text' },
      'severity-level': { type: 'string', default: 'all' },
      'confidence-level': { type: 'string', default: 'all' },
      'min-risk': { type: 'string', default: 'low' },
      baseline: { type: 'string' },
      'exit-zero': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'no-audit': { type: 'boolean', default: false },
      advisories: { type: 'string' },
    },
  });
  if (values.help) return { command: 'help', of: 'check' };
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  return {
    command: 'check',
    options: {
      paths: positionals.length ? positionals : ['.'],
      format,
      bandit: !values['no-bandit'],
      banditChoice: banditChoice(values),
      severity: parseLevel('--severity-level', values['severity-level']),
      confidence: parseLevel('--confidence-level', values['confidence-level']),
      minRisk: parseRisk('--min-risk', values['min-risk']),
      ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
      exitZero: values['exit-zero'],
      cache: cacheChoice(values),
      verbose: values.verbose,
      audit: !values['no-audit'],
      ...(values.advisories !== undefined ? { advisories: values.advisories } : {}),
    },
  };
}

function reportLine(args: string[]): CommandLine {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...SHARED, format: { type: 'string', default: 'markdown' }, output: { type: 'string', short: 'o' }, 'no-audit': { type: 'boolean', default: false }, advisories: { type: 'string' } },
  });
  if (values.help) return { command: 'help', of: 'report' };
  const format = values.format;
  if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, not "${format}"`);
  return {
    command: 'report',
    options: {
      paths: positionals,
      format,
      ...(values.output !== undefined ? { output: values.output } : {}),
      bandit: !values['no-bandit'],
      banditChoice: banditChoice(values),
      cache: cacheChoice(values),
      audit: !values['no-audit'],
      ...(values.advisories !== undefined ? { advisories: values.advisories } : {}),
    },
  };
}

/** `advisories update [--source URL]`; `advisories --help`. */
function advisoriesLine(args: string[]): CommandLine {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { source: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return { command: 'help', of: 'advisories' };
  if (positionals.length === 0) throw new UsageError('which advisories command? (update)');
  if (positionals[0] !== 'update') throw new UsageError(`unknown advisories command "${positionals[0]}" (update)`);
  if (positionals.length > 1) throw new UsageError(`update takes no argument, not "${positionals[1]}"`);
  return { command: 'advisories', options: values.source !== undefined ? { source: values.source } : {} };
}

/** The bandit the user names: never one from a workspace file. */
function banditChoice(values: { bandit?: string; 'project-venv'?: boolean }): CliBanditOptions {
  return { ...(values.bandit !== undefined ? { path: values.bandit } : {}), projectVenv: values['project-venv'] === true };
}

function cacheChoice(values: { 'cache-dir'?: string; 'no-cache'?: boolean }): CacheChoice {
  if (values['no-cache'] && values['cache-dir'] !== undefined) throw new UsageError('--cache-dir and --no-cache do not go together');
  if (values['cache-dir'] === '') throw new UsageError('--cache-dir needs a folder');
  return { enabled: values['no-cache'] !== true, ...(values['cache-dir'] !== undefined ? { dir: values['cache-dir'] } : {}) };
}

/** bandit's `--severity-level`/`--confidence-level` words: `all` and `low` keep everything. */
export function parseLevel(option: string, value: string): Level {
  const v = value.toLowerCase();
  if (v === 'all') return 'LOW';
  const level = v.toUpperCase() as Level;
  if (!LEVELS.includes(level)) throw new UsageError(`${option} must be all, low, medium or high, not "${value}"`);
  return level;
}

/** `--min-risk low|medium|high|critical` (any case) as a risk. */
export function parseRisk(option: string, value: string): Risk {
  const r = RISKS.find((x) => x.toLowerCase() === value.toLowerCase());
  if (!r) throw new UsageError(`${option} must be low, medium, high or critical, not "${value}"`);
  return r;
}
