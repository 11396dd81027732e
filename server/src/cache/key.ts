import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRegularFile } from '../files/read.js';
import { FLOW_OFF } from '../flow-switch.js';
import { sha256Hex } from './sha256.js';

/**
 * The result cache's keys (cache/store.ts). A file's stored result is
 * reused only when every input that could change it is the same:
 *
 *  - the run's inputs (`runInputs`): the cache schema, pysec's version and
 *    its build (the code and the rules' queries on disk: a rebuilt checkout
 *    with the same version number is another pysec), bandit's identity and
 *    version when it runs, and whatever a caller adds (`KeyInput`s: the
 *    advisory database's stamp for the dependency audit, say);
 *  - the project's inputs (`projectInputs`): its root, and the content of
 *    every config file read for it (`.bandit`, `pyproject.toml` — which
 *    also holds `[tool.pysec]` —, the `-c` config): the rule selection,
 *    the plugin settings and the pysec settings all come from those;
 *  - the file's content hash.
 *
 * Cross-file inputs (the project modules a file's analysis read) are not in
 * the key: they are recorded with the entry and checked when it is read
 * (cache/deps.ts).
 */

/** One named input of a key; the list is open: a new input is one more pair. */
export type KeyInput = readonly [name: string, value: string];

/** Bumped when the stored entry's shape or meaning changes: older entries are then foreign. */
export const CACHE_SCHEMA = 2;

export function digest(parts: string | readonly unknown[]): string {
  return sha256Hex(typeof parts === 'string' ? parts : JSON.stringify(parts));
}

/** The hash of a file's bytes, or null when it is not a readable regular file. */
export function fileHash(path: string): string | null {
  try {
    return sha256Hex(readRegularFile(path));
  } catch {
    return null;
  }
}

/** The digest of a run's and a project's inputs, by `run \0 project` (a run has a few projects). */
const shared = new Map<string, string>();

/**
 * A file key: the run's, the project's and the content's inputs together:
 * the digest of the first two (once per project and run: a warm run over
 * hundreds of files would otherwise hash once per file) and the content hash.
 */
export function fileKey(run: string, project: string, content: string): string {
  const k = `${run}\u0000${project}`;
  let d = shared.get(k);
  if (d === undefined) {
    if (shared.size > 256) shared.clear();
    shared.set(k, (d = digest([CACHE_SCHEMA, run, project])));
  }
  return `${d}.${content}`;
}

/** The key of the inputs every file of a run shares (`extra`: a caller's own, such as the advisory database's stamp). */
export function runInputs(version: string, bandit: string | null, extra: readonly KeyInput[] = []): string {
  // PYSEC_BENCH_FLOW=off (the bench's switch, flow-switch.ts) runs without the flow layer: other results.
  const flow = FLOW_OFF ? 'off' : 'on';
  return digest([['schema', String(CACHE_SCHEMA)], ['pysec', version], ['build', buildStamp()], ['flow', flow], ['bandit', bandit ?? 'none'], ...extra]);
}

/** bandit's identity for the key: its command line and the version it reports. */
export function banditIdentity(cmd: { program: string; args: readonly string[] }, version: string): string {
  return JSON.stringify([cmd.program, ...cmd.args, version]);
}

/** The key of a project's inputs: its root and its config files' contents (`files`: every file its configs were read from). */
export function projectInputs(root: string, files: readonly string[]): string {
  return digest([resolve(root), ...[...new Set(files)].sort().map((f) => [f, fileHash(f)])]);
}

let stamp: string | undefined;

/** Defined in the CLI's bundles only: a hash of what the build was made from. */
declare const PYSEC_BUILD_ID: string | undefined;

/**
 * pysec's build on disk: the size and time of every file of the code
 * folder this module runs from (`dist/`, or `server/src/` under the tests)
 * and of the rules' `queries/`. Stat only, no read: a few milliseconds.
 * The bundle (scripts/bundle.mjs) runs only the files at dist/'s top (its
 * chunks, workers, rules.json): tsc's module tree below is not its code,
 * and its ~560 files are not statted by each run.
 */
export function buildStamp(): string {
  if (stamp !== undefined) return stamp;
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/cache/key.js or server/src/cache/key.ts: the code folder is one up; a bundle lives in dist/ itself.
  const bundled = !here.endsWith('cache');
  const code = bundled ? here : dirname(here);
  const pkg = code.endsWith(join('server', 'src')) ? resolve(code, '../..') : dirname(code);
  const parts: string[] = [];
  // The CLI's bundles carry their build's id (scripts/bundle.mjs): no walk of dist/, whose tsc tree is hundreds of files.
  if (typeof PYSEC_BUILD_ID === 'string') parts.push(`bundle ${PYSEC_BUILD_ID}`);
  else statTree(code, parts, bundled);
  statTree(join(pkg, 'queries'), parts, false);
  return (stamp = digest(parts));
}

/** `path size mtime` of every file under `dir` (`flat`: of its own files only), depth first, with an explicit stack (bounded: 10,000 files). */
function statTree(dir: string, out: string[], flat: boolean): void {
  const stack = [dir];
  let seen = 0;
  while (stack.length && seen < 10_000) {
    const d = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      // Source maps and declarations change nothing a run does.
      if (name.endsWith('.map') || name.endsWith('.d.ts')) continue;
      const p = join(d, name);
      try {
        const st = statSync(p);
        if (st.isDirectory()) {
          if (!flat) stack.push(p);
        } else if (st.isFile()) out.push(`${p} ${st.size} ${st.mtimeMs}`);
      } catch {
        /* gone meanwhile */
      }
      seen++;
    }
  }
}
