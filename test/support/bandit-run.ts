/**
 * Runs the real bandits over files, the way the suppression round trip
 * needs: an argument array (never a shell), JSON written to a file in the
 * caller's private temp folder, results keyed by file.
 *
 *   bandit 1.9: PYTHONPATH=$PYSEC_BANDIT_SID_DIR/usr/lib/python3/dist-packages /usr/bin/python3 -m bandit
 *               (PYSEC_BANDIT_SID_DIR defaults to /opt/pysec-bandit-sid: see support/bandit.ts)
 *   bandit 1.6: /usr/bin/bandit
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BANDIT_16, SID_DIR, SID_SITE, bandit19Available } from './bandit.js';

export interface BanditIssue {
  filename: string;
  test_id: string;
  line_number: number;
  col_offset?: number;
  line_range: number[];
}

export interface BanditOutput {
  results: BanditIssue[];
  errors: { filename: string; reason: string }[];
}

/** Whether the environment is CI (where a missing bandit is a failure, not a skip). */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export function bandit19Missing(): string {
  return `bandit 1.9 not found under ${SID_DIR} (set PYSEC_BANDIT_SID_DIR, or run scripts/install-bandit-sid.sh, as .ci/run does)`;
}

export { bandit19Available };

function run(file: string, args: string[], env: NodeJS.ProcessEnv, out: string): Promise<BanditOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 64 * 1024 * 1024, shell: false }, (error, _stdout, stderr) => {
      // Exit status 1 means "issues found": the JSON is there all the same.
      const code = error && 'code' in error ? (error as { code?: unknown }).code : 0;
      if (error && code !== 1) {
        reject(new Error(`${file} ${args.join(' ')} failed (${String(code)}): ${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(readFileSync(out, 'utf8')) as BanditOutput);
      } catch (e) {
        reject(new Error(`no JSON from ${file}: ${String(e)}\n${stderr}`));
      }
    });
  });
}

/** bandit 1.9.x (Debian sid's, unpacked) over `files`; its JSON goes to `dir`. */
export function bandit19(files: readonly string[], dir: string, name = 'bandit19.json'): Promise<BanditOutput> {
  const out = join(dir, name);
  return run('/usr/bin/python3', ['-m', 'bandit', '-q', '-f', 'json', '-o', out, ...files], { ...process.env, PYTHONPATH: SID_SITE }, out);
}

/** bandit 1.6.2 (Debian bookworm's) over `files`. */
export function bandit16(files: readonly string[], dir: string, name = 'bandit16.json'): Promise<BanditOutput> {
  const out = join(dir, name);
  return run(BANDIT_16, ['-q', '-f', 'json', '-o', out, ...files], process.env, out);
}

/** Issues by file name. */
export function byFile(output: BanditOutput): Map<string, BanditIssue[]> {
  const m = new Map<string, BanditIssue[]>();
  for (const r of output.results) {
    const list = m.get(r.filename) ?? [];
    list.push(r);
    m.set(r.filename, list);
  }
  return m;
}

/** One issue's identity across runs on texts that differ only in comments at line ends. */
export function issueKey(r: BanditIssue): string {
  return `${r.test_id}@${r.line_number}:${r.col_offset ?? '-'}`;
}
