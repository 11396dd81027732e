/**
 * Runs the built CLI (`node dist/cli.js …`) with an argument array — never a
 * shell — and collects its output and exit status.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REPO_ROOT, SERVER_JS } from '../lsp/client.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A generous guard against a hung CLI; not a timing assumption. */
const SAFETY_TIMEOUT_MS = 60_000;

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  if (!existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run \`npm run build\` first`);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [SERVER_JS, ...args], { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on('data', (b: Buffer) => out.push(b));
    proc.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`safety timeout: pysec-lsp ${args.join(' ')} did not finish\n${Buffer.concat(err).toString('utf8').slice(-2000)}`));
    }, opts.timeoutMs ?? SAFETY_TIMEOUT_MS);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export interface JsonFinding {
  path: string;
  rule: string;
  name: string;
  severity: string;
  confidence: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  engine: string;
  cwe: number | null;
  /** null for a suppression-hygiene finding (`engine: "hygiene"`), as `risk`. */
  owasp: string | null;
  risk: string | null;
  suppressed: boolean;
  justification: string | null;
  /** The attack path that grades the finding; null when none was traced, and for hygiene findings. */
  flow: { path: string; line: number; column: number; note: string }[] | null;
  /** A hygiene finding's configured severity; only on those. */
  level?: string;
  /** A dependency finding's (PS6xx) keys; only on those. */
  package?: string;
  version?: string | null;
  specifier?: string;
  advisory?: string;
  aliases?: string[];
  fixedIn?: string | null;
}

export interface JsonReport {
  version: number;
  findings: JsonFinding[];
  errors: { path: string; message: string }[];
}

/** `check --no-bandit --format json …`, parsed. */
export async function checkJson(paths: string[], opts: { cwd?: string } = {}): Promise<{ result: CliResult; report: JsonReport }> {
  const result = await runCli(['check', '--no-bandit', '--format', 'json', ...paths], opts);
  let report: JsonReport;
  try {
    report = JSON.parse(result.stdout) as JsonReport;
  } catch (e) {
    throw new Error(`check printed no JSON (exit ${result.code}): ${String(e)}\nstdout: ${result.stdout.slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`);
  }
  return { result, report };
}
