import type { ProjectIndex, ProjectModule } from '../engine/flow/state.js';

/**
 * The cross-file inputs of a file's result: every module name its analysis
 * (the flow layer, the grading of bandit's findings) asked the project index
 * for, from which file, and where it resolved. A stored result is reused
 * only if each name still resolves to the same file (or still to none: a
 * module created since may now be found) and that file's content is the
 * same (cache/store.ts `StoredDep`). Precise: a change to a module no file
 * imports invalidates nothing; a change to a helper invalidates exactly the
 * files whose analysis looked into it (transitively: the lookups made while
 * following a call into the helper are the file's too).
 */

/** `[name, from file, resolved file or null]`. */
export type ModuleLookup = readonly [string, string, string | null];

/** The index the run's analysis sees: one that can say where a name resolves (batch/project.ts ProjectFiles). */
export interface ResolvingIndex extends ProjectIndex {
  fileOf(name: string, fromFile: string): string | undefined;
}

/** A ProjectIndex that notes every lookup made through it (one per analysed file). */
export class RecordingIndex implements ProjectIndex {
  private readonly seen = new Map<string, ModuleLookup>();

  constructor(private readonly inner: ResolvingIndex) {}

  module(name: string, fromFile: string): ProjectModule | undefined {
    this.note(name, fromFile);
    return this.inner.module(name, fromFile);
  }

  mayDefine(name: string, fromFile: string, def: string): boolean {
    this.note(name, fromFile);
    return this.inner.mayDefine ? this.inner.mayDefine(name, fromFile, def) : true;
  }

  /** The flow layer's request gate reads a module's text: a lookup like the others (its content is in the key). */
  moduleSource(name: string, fromFile: string): { file: string; text: string } | undefined {
    this.note(name, fromFile);
    if (this.inner.moduleSource) return this.inner.moduleSource(name, fromFile);
    const m = this.inner.module(name, fromFile);
    return m ? { file: m.file, text: m.root.text } : undefined;
  }

  /** The lookups made, each once. */
  lookups(): ModuleLookup[] {
    return [...this.seen.values()];
  }

  private note(name: string, fromFile: string): void {
    const k = `${fromFile}\u0000${name}`;
    if (!this.seen.has(k)) this.seen.set(k, [name, fromFile, this.inner.fileOf(name, fromFile) ?? null]);
  }
}

/** Two lists of lookups as one, each lookup once. */
export function unionLookups(a: readonly ModuleLookup[] | undefined, b: readonly ModuleLookup[] | undefined): ModuleLookup[] {
  const out = new Map<string, ModuleLookup>();
  for (const l of [...(a ?? []), ...(b ?? [])]) out.set(`${l[1]}\u0000${l[0]}`, l);
  return [...out.values()];
}
