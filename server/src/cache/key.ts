import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
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
 * pysec's build on disk: the size, times and inode of every file of the
 * code folder this module runs from (`dist/`, or `server/src/` under the
 * tests) and of the rules' `queries/`, which the engine reads at each start
 * (engine/prebuilt.ts). Stat only, no read. The bundle (scripts/bundle.mjs)
 * runs only the files at dist/'s top (its chunks, workers, rules.json):
 * tsc's module tree below is not its code, and its ~560 files are not
 * statted by each run. The stat results are mixed into 64 bits
 * (`StatMix`) rather than hashed as text: 200 files' lines made 14 kB,
 * which node:crypto's load (7 ms) or SHA-256 in JS (as long, a loop of that
 * many steps gets compiled on the main thread) would hash for each run.
 */
export function buildStamp(): string {
  if (stamp !== undefined) return stamp;
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/cache/key.js or server/src/cache/key.ts: the code folder is one up; a bundle lives in dist/ itself.
  const bundled = !here.endsWith('cache');
  const code = bundled ? here : dirname(here);
  const pkg = code.endsWith(join('server', 'src')) ? resolve(code, '../..') : dirname(code);
  const mix = new StatMix();
  // The CLI's bundles carry their build's id (scripts/bundle.mjs): no walk of dist/, whose tsc tree is hundreds of files.
  const id = typeof PYSEC_BUILD_ID === 'string' ? `bundle ${PYSEC_BUILD_ID}` : 'tree';
  if (id === 'tree') statTree(code, mix, bundled);
  statTree(join(pkg, 'queries'), mix, false);
  return (stamp = digest([id, mix.hex()]));
}

/**
 * A 64-bit fingerprint of a sequence of files' stat numbers: two 32-bit
 * lanes, each number's integer and fraction parts mixed in (multiply,
 * rotate), the lanes finished with murmur3's finaliser. Not a cryptographic
 * hash, and none is needed: its input is pysec's own files' sizes, times and
 * inodes, which no workspace chooses; what it must catch is any change of
 * them (a file's content moves its ctime, which no one can set back; an
 * added, removed or renamed file changes the count or a ctime). The numbers
 * are mixed in one loop over locals at the end: V8 runs a one-shot
 * process's code unoptimised, and the same steps spread over calls and
 * fields took 10 ms instead of 0.6.
 */
class StatMix {
  private readonly nums: number[] = [];

  file(size: number, mtimeMs: number, ctimeMs: number, ino: number): void {
    this.nums.push(size, mtimeMs, ctimeMs, ino);
  }

  hex(): string {
    const nums = this.nums;
    let a = 0x811c9dc5 | 0;
    let b = 0x9747b28c | 0;
    for (let i = 0; i < nums.length; i++) {
      const x = nums[i]!;
      const lo = x % 4294967296 | 0;
      const hi = (x / 4294967296) | 0;
      // Times have a fraction (sub-millisecond): its first nine digits.
      const fr = ((x - Math.floor(x)) * 1e9) | 0;
      a = Math.imul(a ^ lo, 0x01000193);
      a = (a << 13) | (a >>> 19);
      b = Math.imul(b ^ hi, 0x5bd1e995);
      b = (b << 15) | (b >>> 17);
      a = Math.imul(a ^ fr, 0x01000193);
      b = Math.imul(b ^ a, 0x1b873593);
    }
    const n = nums.length / 4;
    const hex = (h: number) => (fmix(h) >>> 0).toString(16).padStart(8, '0');
    return `${hex(a ^ n)}${hex(b ^ Math.imul(n, 0x9e3779b1))}:${n}`;
  }
}

/** murmur3's 32-bit finaliser: every input bit reaches every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Every file under `dir` (`flat`: its own files only) into `mix`, in name order, depth first, with an explicit stack (bounded: 10,000 files). */
function statTree(dir: string, mix: StatMix, flat: boolean): void {
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
      const p = d + sep + name;
      try {
        const st = statSync(p);
        if (st.isDirectory()) {
          if (!flat) stack.push(p);
        } else if (st.isFile()) mix.file(st.size, st.mtimeMs, st.ctimeMs, st.ino);
      } catch {
        /* gone meanwhile */
      }
      seen++;
    }
  }
}
