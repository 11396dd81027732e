import type { Node } from 'web-tree-sitter';
import type { ImportFact } from './imports.js';
import { ImportHistory, type AliasView, type ImportView } from './history.js';
import { SettingsView, type SettingFact } from './facts.js';
import { detectDocument, type DocumentFrameworks, type Framework } from './frameworks.js';
import { qualifiedName, unparen } from './pyast.js';

/**
 * What a check may know about the file beyond the matched node: the imports
 * seen before a position (bandit's visitor is order-dependent: an alias
 * applies only after its import) and the file's name. Mirrors the parts of
 * bandit's `Context` that checks use.
 */
export class FileContext {
  private importHistory: ImportHistory | undefined;
  /** Resolved call names by node id: every call rule asks for them (one run, one tree). */
  private readonly qualnames = new Map<number, string>();
  private readonly facts = new Map<string, Map<number, unknown>>();
  private detected: DocumentFrameworks | undefined;
  /** What the file's settings assignments say (`facts.ts`): file-wide, like the imports. */
  readonly settings: SettingsView;
  /**
   * The flow layer's request gate's reading of the file (flow/request-gate.ts
   * `CodeScan`), set by the first rule that asks; the incremental analysis
   * carries it to the next edit's context, read again only where the text changed.
   */
  gateScan?: { request: boolean; chains: Set<string>; chainsRead: boolean; getattr: Set<string> };

  constructor(
    readonly imports: readonly ImportFact[],
    readonly filename: string,
    settings: readonly SettingFact[] = [],
  ) {
    this.settings = new SettingsView(settings);
  }

  private detect(): DocumentFrameworks {
    this.detected ??= detectDocument({ modules: this.imports.flatMap((i) => i.modules), settings: this.settings, filename: this.filename });
    return this.detected;
  }

  /**
   * The web frameworks this file uses (`frameworks.ts`): from all its
   * imports, wherever they are, and its settings assignments. File-wide: a
   * check may rely on it (a change re-runs every rule).
   */
  get frameworks(): ReadonlySet<Framework> {
    return this.detect().frameworks;
  }

  /** A settings module: named `settings.py` (or in `settings/`), or assigning `INSTALLED_APPS`, `SECRET_KEY`, ... */
  get settingsModule(): boolean {
    return this.detect().settingsModule;
  }

  private index(offset: number): number {
    // Last import that starts before `offset`.
    let lo = 0;
    let hi = this.imports.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.imports[mid].start < offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The imports as of each import statement, built once per run (history.ts): no copy per statement. */
  private get history(): ImportHistory {
    this.importHistory ??= new ImportHistory(this.imports);
    return this.importHistory;
  }

  /** bandit's `import_aliases` as it stands when the visitor reaches `offset`. */
  aliasesAt(offset: number): AliasView {
    return this.history.aliasesAt(this.index(offset));
  }

  /** bandit's `imports` set as it stands when the visitor reaches `offset`. */
  importsAt(offset: number): ImportView {
    return this.history.importsAt(this.index(offset));
  }

  /** `is_module_imported_like`: some import so far contains `module`. */
  isModuleImportedLike(module: string, offset: number): boolean {
    return this.history.importedLikeBy(module) <= this.index(offset);
  }

  /** Whether `module` or a submodule of it was imported before `offset`. */
  importsUnder(module: string, offset: number): boolean {
    return this.history.firstImportUnder(module) <= this.index(offset);
  }

  isModuleImportedExact(module: string, offset: number): boolean {
    return this.importsAt(offset).has(module);
  }

  /**
   * The import statement that, when the visitor reaches `offset`, binds the
   * local name `name` as an alias (`import subprocess as sp`, `from os
   * import system`), and what it binds it to; undefined when no import
   * aliases it (a plain `import subprocess` binds no alias).
   */
  importBinding(name: string, offset: number): { fact: ImportFact; qualified: string } | undefined {
    for (let i = this.index(offset); i >= 0; i--) {
      const fact = this.imports[i];
      for (let j = fact.aliases.length - 1; j >= 0; j--) {
        if (fact.aliases[j][0] === name) return { fact, qualified: fact.aliases[j][1] };
      }
    }
    return undefined;
  }

  /** A per-run memo for facts that depend on the imports as well as the tree. */
  memo<T>(node: Node, kind: string, compute: () => T): T {
    // By kind, then by node id: no key string to build on every ask.
    let byId = this.facts.get(kind) as Map<number, T> | undefined;
    if (!byId) this.facts.set(kind, (byId = new Map()));
    const v = byId.get(node.id);
    if (v !== undefined || byId.has(node.id)) return v as T;
    const computed = compute();
    byId.set(node.id, computed);
    return computed;
  }

  /** bandit's `get_call_name`: the call's qualified name after alias resolution. */
  qualname(call: Node): string {
    let q = this.qualnames.get(call.id);
    if (q === undefined) {
      const fn = call.childForFieldName('function');
      q = fn ? qualifiedName(fn, this.aliasesAt(call.startIndex)) : '';
      this.qualnames.set(call.id, q);
    }
    return q;
  }

  /** bandit's `get_qual_attr`, used for function defaults. */
  qualAttr(node: Node): string {
    const n = unparen(node);
    if (n.type !== 'attribute') return '';
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text ?? '';
    const aliases = this.aliasesAt(n.startIndex);
    let prefix = '';
    if (obj && unparen(obj).type === 'identifier') {
      const id = unparen(obj).text;
      prefix = aliases.get(id) ?? id;
    }
    return `${prefix}.${attr}`;
  }
}
