import { depFrom, type StoredDep, type StoredEntry } from '../cache/store.js';
import { FolderRecorder, VerifiedLookups } from '../cache/verified.js';
import { RunRoots } from './resolve.js';

/**
 * A stored entry's module lookups (cache/deps.ts) checked with the record
 * of lookups found to hold (cache/verified.ts): an entry marked under
 * folders that have not changed since, for the same entry and the same
 * project roots, needs only its resolved files' hashes compared; any other
 * is resolved again (`RunRoots`, whose folder reads are fingerprinted), and
 * marked if it holds. `save` writes the record when this run added to it.
 */
export class LookupCheck {
  readonly recorder = new FolderRecorder();
  readonly roots = new RunRoots((dir) => this.recorder.note(dir));
  private readonly verified: VerifiedLookups;
  /** Entries whose lookups a mark held (their names not resolved again), and entries resolved: for --verbose and the tests. */
  readonly counts = { marked: 0, resolved: 0 };
  /** `name \0 from \0 file`: each resolution checked once per run (many files import the same names from one folder). */
  private readonly resolved = new Map<string, boolean>();

  constructor(
    cacheDir: string,
    /** A file's content hash now, or null (cache/fresh.ts Hashes). */
    private readonly hashOf: (file: string) => string | null,
  ) {
    this.verified = VerifiedLookups.open(cacheDir);
  }

  /** Whether every lookup of the entry of `path` (absolute) still gives the same file with the same content. */
  holds(path: string, e: StoredEntry): boolean {
    if (e.deps.length === 0) return true;
    const sameFiles = () => e.deps.every((d) => d[2] === null || this.hashOf(d[2]) === d[3]);
    const roots = rootsOf(e.deps, path, this.roots);
    const mark = this.verified.get(path);
    if (mark && mark.key === e.key && mark.used === e.used && mark.roots === roots) {
      this.counts.marked++;
      return sameFiles();
    }
    this.counts.resolved++;
    if (!e.deps.every((d) => this.resolves(d, path)) || !sameFiles()) return false;
    this.verified.add(path, { key: e.key, used: e.used, roots });
    return true;
  }

  /** Writes the record if this run added marks (errors are only lost time: the next run resolves again). */
  save(): void {
    this.verified.save(this.recorder);
  }

  private resolves(dep: StoredDep, path: string): boolean {
    const from = depFrom(dep, path);
    const k = `${dep[0]}\u0000${from}\u0000${dep[2]}`;
    let ok = this.resolved.get(k);
    if (ok === undefined) this.resolved.set(k, (ok = (this.roots.resolver.fileOf(dep[0], from) ?? null) === dep[2]));
    return ok;
  }
}

/**
 * The project roots an entry's lookups resolve under, as one string: the
 * root (in `roots`, the run's) of each file they were made from — the
 * entry's own file for most (`''` in a StoredDep), a module the analysis
 * followed a call into for the others. A name's resolution depends on it
 * (batch/resolve.ts searchFolders).
 */
export function rootsOf(deps: readonly StoredDep[], path: string, roots: RunRoots): string {
  // Most entries' lookups are all their own file's: its root alone, nothing built.
  if (deps.every((d) => d[1] === '')) return roots.rootOf(path) ?? '';
  let own = false;
  const others = new Set<string>();
  for (const d of deps) {
    if (d[1] === '') own = true;
    else others.add(d[1]);
  }
  const parts = own ? [roots.rootOf(path) ?? ''] : [];
  for (const f of others) parts.push(`${f}\u0000${roots.rootOf(f) ?? ''}`);
  return parts.join('\u0001');
}
