/**
 * `check` answers the same whatever order its files come in (issue 14): a
 * file's findings, their risk and their paths do not depend on which file
 * a worker checked before it (the flow layer's analyses of a project
 * module, cached per worker, must not carry a recursion cut that an earlier
 * file's order of questions put in them). A few files of the Python
 * standard library that import each other (os.py a project module of the
 * others there), checked forward and backward, with no result cache:
 * the same JSON, findings put in one order.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type JsonFinding, type JsonReport } from '../support/cli.js';

/** The standard library's folder as test/bench/stdlib-dir.mjs finds it (Debian's python3 first). */
function stdlibDir(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      const dir = execFileSync(python, ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (dir && existsSync(join(dir, '_pydecimal.py'))) return dir;
    } catch {
      /* the next one */
    }
  }
  return undefined;
}

const FILES = ['mailcap.py', 'os.py', 'shutil.py', 'posixpath.py', 'tarfile.py', 'webbrowser.py', 'pydoc.py', 'subprocess.py'];

const key = (f: JsonFinding) => `${f.path}\u0000${String(f.line).padStart(7, '0')}\u0000${String(f.column).padStart(5, '0')}\u0000${f.rule}\u0000${f.message}`;

async function check(paths: string[]): Promise<JsonReport> {
  const r = await runCli(['check', '--no-bandit', '--no-cache', '--no-audit', '--format', 'json', ...paths], { timeoutMs: 300_000 });
  const report = JSON.parse(r.stdout) as JsonReport;
  report.findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return report;
}

describe('check in two orders', () => {
  it('the same findings, risks and paths for standard library files checked forward and backward', async () => {
    const dir = stdlibDir();
    expect(dir, 'a python3 with its standard library').toBeDefined();
    const paths = FILES.map((f) => join(dir!, f)).filter((p) => existsSync(p));
    expect(paths.length).toBeGreaterThanOrEqual(6);
    const forward = await check(paths);
    const backward = await check([...paths].reverse());
    // Something to compare: mailcap.py's os.system at line 281 is reached (its path asserted equal below).
    expect(forward.findings.some((f) => f.path.endsWith('mailcap.py') && f.line === 281 && (f.flow?.length ?? 0) > 1)).toBe(true);
    expect(JSON.stringify(backward, null, 1)).toBe(JSON.stringify(forward, null, 1));
  }, 600_000);
});
