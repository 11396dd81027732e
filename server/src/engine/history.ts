import type { ImportFact } from './imports.js';

/** What a check reads of the aliases as they stand at one import statement. */
export interface AliasView {
  get(name: string): string | undefined;
  has(name: string): boolean;
}

/** What a check reads of the imported modules as they stand at one import statement. */
export interface ImportView {
  has(module: string): boolean;
}

/**
 * bandit's `import_aliases` and `imports` as they stand after each import
 * statement of a file (its visitor is order-dependent), as one persistent
 * structure: each name keeps the statements that (re)bound it, each module
 * the first statement that imported it, and a view at statement `i` looks a
 * name up there. Copying the map and the set once per statement, as this
 * replaced, took memory quadratic in the imports (20,000 `import mN`
 * lines ran V8 out of memory).
 */
export class ImportHistory {
  /** Per alias name: the statement indexes that bound it (ascending) and the target each bound. */
  private readonly bound = new Map<string, { at: number[]; to: string[] }>();
  /** Per module: the first statement that imported it. */
  private readonly firstImport = new Map<string, number>();
  /** The modules in order of first import (for `importedLikeBy`). */
  private readonly modules: string[] = [];
  private readonly likeBy = new Map<string, number>();
  /** The views handed out, by statement index + 1 (a run asks for the same few again and again). */
  private readonly aliasViews: AliasView[] = [];
  private readonly importViews: ImportView[] = [];

  constructor(facts: readonly ImportFact[]) {
    facts.forEach((fact, i) => {
      for (const [name, to] of fact.aliases) {
        let b = this.bound.get(name);
        if (!b) this.bound.set(name, (b = { at: [], to: [] }));
        // Within one statement the last binding wins, as in the map it replaces.
        if (b.at[b.at.length - 1] === i) b.to[b.to.length - 1] = to;
        else {
          b.at.push(i);
          b.to.push(to);
        }
      }
      for (const m of fact.modules) {
        if (!this.firstImport.has(m)) {
          this.firstImport.set(m, i);
          this.modules.push(m);
        }
      }
    });
  }

  /** The alias `name` stands for after statement `i` (-1: before any). */
  aliasAt(name: string, i: number): string | undefined {
    const b = this.bound.get(name);
    if (!b || b.at[0] > i) return undefined;
    // The last binding at or before `i`.
    let lo = 0;
    let hi = b.at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b.at[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return b.to[lo];
  }

  aliasesAt(i: number): AliasView {
    return (this.aliasViews[i + 1] ??= { get: (name) => this.aliasAt(name, i), has: (name) => this.aliasAt(name, i) !== undefined });
  }

  private readonly under = new Map<string, number>();

  /** The first statement that imported `module` or a submodule of it (`lxml` for `lxml.etree`); Infinity if none. Cached per module. */
  firstImportUnder(module: string): number {
    let at = this.under.get(module);
    if (at === undefined) {
      at = Infinity;
      for (const [m, i] of this.firstImport) if (i < at && (m === module || m.startsWith(`${module}.`))) at = i;
      this.under.set(module, at);
    }
    return at;
  }

  importsAt(i: number): ImportView {
    return (this.importViews[i + 1] ??= { has: (m) => (this.firstImport.get(m) ?? Infinity) <= i });
  }

  /** The first statement after which some imported module contains `module` (`is_module_imported_like`); Infinity if none does. */
  importedLikeBy(module: string): number {
    let at = this.likeBy.get(module);
    if (at === undefined) {
      const m = this.modules.find((name) => name.includes(module));
      at = m === undefined ? Infinity : this.firstImport.get(m)!;
      this.likeBy.set(module, at);
    }
    return at;
  }
}
