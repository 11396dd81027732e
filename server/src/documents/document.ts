import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Parser, Tree } from 'web-tree-sitter';
import type { Finding } from '../findings/finding.js';
import { FileContext } from '../engine/context.js';
import { DocumentAnalysis, type OffsetEdit } from '../engine/incremental.js';
import { applySuppressions } from '../suppress/apply.js';
import { hasMarkerWord, mayHaveSuppressions } from '../suppress/hygiene.js';
import { carryThroughEdit } from '../findings/span.js';
import { gradeAnalysed, mergeGraded } from '../grading/merged.js';
import type { PositionEncoding } from '../positions/encoding.js';
import { uriToPath } from '../files/uri.js';
import { looksBinary, whyBinary } from '../files/decode.js';
import { NOT_PARSED, parseWithin } from '../engine/parse.js';
import { checkChanges } from './validate.js';
import type { RemoteAnalysis } from './large.js';
import type { ImportFact } from '../engine/imports.js';
import type { RuleSelection } from '../engine/rule.js';
import type { ProjectIndex } from '../engine/flow/state.js';
import { forgetMemo } from '../engine/memo.js';
import { withProject } from '../engine/flow/index.js';
import type { PoolSelection } from '../batch/worker.js';
import { DocumentText } from './text.js';
import { applyContentChanges } from './changes.js';

function carryAll(findings: readonly Finding[], edits: readonly OffsetEdit[]): Finding[] {
  let out = findings as Finding[];
  for (const e of edits) out = out.map((f) => carryThroughEdit(f, e)).filter((f): f is Finding => f !== null);
  return out;
}

/** Characters handed to tree-sitter per read while parsing (see `parse`). */
const PARSE_CHUNK = 256;

/**
 * An open Python document: its text and version, its tree-sitter tree and
 * the incremental analysis of it. The tree lives in wasm memory, which is
 * not garbage-collected: every replaced tree is deleted here, and
 * `dispose()` deletes the last one.
 */
export class PythonDocument {
  /** In pieces (text.ts): an edit rebuilds one piece, not the whole text. */
  private text: DocumentText;
  /** Always there for a document analysed here; for a large one (analysed on the worker), parsed when first asked for. */
  private tree: Tree | undefined;
  /** The tree the last change replaced: deleted by `releaseOldTree`, at the latest by the next change. */
  private retired: Tree | undefined;
  private readonly local: DocumentAnalysis | undefined;
  /**
   * Our own count of changes (clients' versions need not be trustworthy):
   * a bandit run notes the revision it read, and its findings are carried
   * from there through the edits logged since.
   */
  private rev = 0;
  /** The last bandit run's findings, carried to the current text; null before any run. */
  private bandit: { findings: Finding[]; revision: number } | null = null;
  private readonly editLog: { rev: number; edits: OffsetEdit[] }[] = [];
  /**
   * Whether the text holds `nosec` or `pysec` (`hasMarkerWord`); undefined
   * when not known. Kept through edits: searching a large file for them on
   * every keystroke costs a tenth of a millisecond or more.
   */
  private markerWords: boolean | undefined;
  private static readonly EDIT_LOG_LIMIT = 1000;
  /** The oldest revision whose later edits are all in the log. */
  private logFrom = 0;
  /** `context()`'s, for the tree and the facts it was made from. */
  private ctx: { tree: Tree; imports: unknown; context: FileContext } | undefined;

  /**
   * `analysis`: this thread runs the rules. A `RemoteAnalysis` instead: a
   * large document (large.ts), analysed on the worker thread; this side
   * keeps its text and shows the findings the worker last sent.
   */
  constructor(
    readonly uri: string,
    version: number,
    content: string,
    private readonly parser: Parser,
    analysis: DocumentAnalysis | RemoteAnalysis,
    /** The workspace's other modules (documents/project.ts), for attack paths across files. */
    project?: ProjectIndex,
  ) {
    this.project = project;
    this.text = new DocumentText(uri, 'python', version, content);
    this.isBinary = looksBinary(content);
    if (analysis instanceof DocumentAnalysis) {
      this.local = analysis;
      this.tree = this.parse();
      // The rules that ask the flow layer see the project too (one analysis per def for them and the grading).
      withProject(project, () => analysis.full(this.tree!));
    } else {
      this.remote = analysis;
      // What a restarted worker opens again (large.ts).
      analysis.source = () => ({ version: this.text.version, text: this.text.getText() });
    }
  }

  private readonly remote: RemoteAnalysis | undefined;

  /**
   * A binary file's text (it holds NUL: files/decode.ts `looksBinary`):
   * not parsed nor analysed. Its tree is an empty module's, so that what
   * asks for one gets one; the rules find nothing in it.
   */
  private isBinary: boolean;

  /**
   * Why the text is not analysed when its parse was abandoned over the
   * memory bound (engine/parse.ts): from then on it is held as a binary
   * text is, for as long as it is open (parsing it again would cost as much).
   */
  private notParsed: string | undefined;

  /** Whether the text is not analysed: it looks binary, or its parse was abandoned (here or on the worker). */
  get binary(): boolean {
    return this.isBinary || this.remote?.result?.notParsed !== undefined;
  }

  /** Why this thread's parse was abandoned (what the large documents' worker sends back), or undefined. */
  get notParsedReason(): string | undefined {
    return this.notParsed;
  }

  /** Why the text is not analysed, for the one message that says so; undefined when it is. */
  get notAnalysedBecause(): string | undefined {
    const notParsed = this.notParsed ?? this.remote?.result?.notParsed;
    if (notParsed !== undefined) return `is not analysed: ${notParsed}`;
    return this.isBinary ? `looks binary (${whyBinary(this.text.getText())}) and is not analysed` : undefined;
  }

  /** The incremental analysis run in this thread (not for a large document: the worker runs it). */
  get analysis(): DocumentAnalysis {
    if (!this.local) throw new Error('a large document is analysed on the worker thread');
    return this.local;
  }

  /** Whether the worker thread analyses this document (large.ts). */
  get isRemote(): boolean {
    return this.remote !== undefined;
  }

  /** The import statements' facts (code actions resolve names with them). */
  get imports(): readonly ImportFact[] {
    return this.local ? this.local.imports : (this.remote?.result?.imports ?? []);
  }

  /** What the last analysis re-ran: the whole file, or so many characters of statements. */
  get lastRun(): { full: boolean; chars: number } | undefined {
    return this.local ? this.local.lastRun : this.remote?.result?.lastRun;
  }

  /** Resolves once the findings are those of the current text (at once unless the worker is still at it). */
  settled(): Promise<void> {
    return this.remote ? this.remote.settled() : Promise.resolve();
  }

  /** Runs the rules again from scratch with another selection (the settings changed); `selection` is the same as data, for the worker. */
  reanalyse(enabled: RuleSelection, selection: PoolSelection): void {
    if (this.local) withProject(this.project, () => this.local!.reset(this.syntaxTree, enabled));
    else this.remote!.reset(selection);
  }

  get version(): number {
    return this.text.version;
  }

  get textDocument(): TextDocument {
    return this.text;
  }

  get syntaxTree(): Tree {
    // A large document's tree is needed here only by code actions and the
    // suppression checks: parsed on the first such request, then kept
    // current with each change.
    this.tree ??= this.parse();
    return this.tree;
  }

  /** The text's tree (an empty module's for a binary text), reparsed from `old` when given. */
  private parse(old?: Tree): Tree {
    // Given a string, web-tree-sitter copies 10 kB of it into wasm memory at
    // every place the parser reads from, and an incremental reparse reads
    // from many places (after each reused subtree): short chunks make a
    // reparse ~25% faster. The same function is the tree's source for node
    // text afterwards, where the rest of a piece is best. Read from the
    // pieces (text.ts): the whole text is not joined for it.
    let parsing = true;
    // Not parsed here either when the worker abandoned its parse: it would cost this thread as much.
    const unparsed = this.isBinary || this.remote?.result?.notParsed !== undefined;
    let tree = unparsed ? this.parser.parse('') : parseWithin(this.parser, this.text.reader(PARSE_CHUNK, () => parsing), this.text.length, old);
    parsing = false;
    if (typeof tree === 'string') {
      // Abandoned over the memory bound (unparsed while open), or mostly not Python (judged again at the next change): held as a binary text.
      this.notParsed = tree;
      this.isBinary = true;
      tree = this.parser.parse('');
    }
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  /**
   * Applies LSP content changes (positions in the client's encoding), edits
   * the tree, reparses incrementally and re-runs the rules where it changed.
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number, encoding: PositionEncoding): void {
    checkChanges(changes);
    this.releaseOldTree();
    const wasBinary = this.isBinary;
    // A binary document's tree is an empty module's, not its text's: not edited.
    const applied = applyContentChanges(this.text, wasBinary ? undefined : this.tree, changes, encoding, this.markerWords);
    const edits = applied.edits;
    this.markerWords = applied.markerWords;
    this.text.version = version;
    this.remote?.change(version, changes, encoding);
    // Text can turn binary only by an inserted NUL; a binary one stops being so only when all are gone.
    // A text whose parse was abandoned over the memory bound stays unparsed while it is open; one
    // that was mostly not Python is parsed afresh (a closing quote can make it Python again).
    const abandoned = this.notParsed === NOT_PARSED;
    if (!abandoned) this.notParsed = undefined;
    this.isBinary = abandoned || (wasBinary ? looksBinary(this.text.getText()) : changes.some((c) => c.text.includes('\0')));
    const old = this.tree;
    if (old && (wasBinary || this.isBinary)) {
      if (!wasBinary || !this.isBinary) {
        // Into or out of binary: parsed and analysed afresh (still binary: nothing to run).
        this.tree = this.parse();
        this.retired = old;
        this.local?.full(this.tree);
      }
    } else if (old) {
      const tree = this.parse(old);
      this.tree = tree;
      try {
        // The reparse was abandoned (engine/parse.ts): the empty module's tree is analysed afresh.
        if (this.notParsed !== undefined) this.local?.full(tree);
        else if (this.local) {
          const changed = old.getChangedRanges(tree).map((r) => ({ start: r.startIndex, end: r.endIndex }));
          withProject(this.project, () => this.local!.update(tree, edits, changed, old));
        }
      } finally {
        // Deleting a tree costs as much as a fifth of a keystroke's run: the
        // server does it once the diagnostics are sent (`releaseOldTree`).
        this.retired = old;
      }
    }
    if (this.bandit) this.bandit.findings = carryAll(this.bandit.findings, edits);
    this.rev++;
    this.editLog.push({ rev: this.rev, edits });
    if (this.editLog.length > PythonDocument.EDIT_LOG_LIMIT) this.logFrom = this.editLog.shift()!.rev;
  }

  /** Whether the text may hold a suppression comment at all (`mayHaveSuppressions`, with the marker words known through edits). */
  mayHaveSuppressions(): boolean {
    // Known to hold neither word: the whole text is not joined to look again.
    if (this.markerWords === false) return false;
    const text = this.text.getText();
    this.markerWords ??= hasMarkerWord(text);
    return mayHaveSuppressions(text, this.markerWords);
  }

  /** Changes applied since open: what a bandit run notes as the text it read. */
  get revision(): number {
    return this.rev;
  }

  /**
   * Takes a bandit run's findings, computed on the text of `revision`, and
   * carries them through the edits made since (a finding whose lines were
   * edited is dropped until the next run). False when the run is too old
   * to carry.
   */
  setBanditFindings(revision: number, findings: Finding[]): boolean {
    if (revision < this.logFrom || revision > this.rev) return false;
    let carried = findings;
    for (const entry of this.editLog) if (entry.rev > revision) carried = carryAll(carried, entry.edits);
    this.bandit = { findings: carried, revision };
    return true;
  }

  /** The revision bandit last read (null: never ran). */
  get banditRevision(): number | null {
    return this.bandit?.revision ?? null;
  }

  /**
   * Both engines' findings, paired one to one per rule and line (bandit's wording wins),
   * graded by attack path (grading/): kept for the tree and bandit run they
   * come from, since one publish asks several times.
   */
  allFindings(ignoreNosec = false): Finding[] {
    const local = this.local;
    const key = { tree: this.tree, analysed: local ? local.findings : this.remote!.result, bandit: this.bandit?.findings, ignoreNosec, projectRev: this.projectRev };
    const last = this.lastAll;
    if (last && last.tree === key.tree && last.analysed === key.analysed && last.bandit === key.bandit && last.ignoreNosec === ignoreNosec && last.projectRev === key.projectRev) return last.findings;
    const ts = this.findings(ignoreNosec);
    // bandit's findings without a tree-sitter twin are graded on this tree; a large document's keep bandit's default grade.
    const findings = this.bandit
      ? mergeGraded(ts, this.bandit.findings, (o) => this.text.positionAt(o).line, (rest) => (local ? gradeAnalysed(rest, this.syntaxTree, local, local.ruleset, this.uri, this.project) : [...rest]))
      : ts;
    this.lastAll = { ...key, findings };
    return findings;
  }
  private readonly lastLocal: ({ tree: Tree; analysed: readonly Finding[]; projectRev: number; findings: Finding[] } | undefined)[] = [undefined, undefined];
  private lastAll: { tree: Tree | undefined; analysed: unknown; bandit: Finding[] | undefined; ignoreNosec: boolean; projectRev: number; findings: Finding[] } | undefined;

  /** The workspace's other modules, for attack paths across files (documents/project.ts). */
  readonly project: ProjectIndex | undefined;
  /** Counts changes to the modules this document's grading read: a new count grades it again. */
  private projectRev = 0;

  /**
   * A module this document's grading read changed (edited, opened, closed,
   * changed on disk): grade again. The tree's memo goes too: it holds the
   * analyses made with the old summaries, which the cache across edits then
   * checks against the new ones (only the defs that called a changed
   * summary are analysed again).
   */
  projectChanged(): void {
    this.projectRev++;
    if (this.tree) forgetMemo(this.tree);
  }


  /**
   * The file-wide facts the rules read (imports and aliases, settings
   * assignments), for what reads the tree as a rule does (the quick fixes):
   * the analysis's own facts (a large document's imports as the worker
   * sent them), one context per tree.
   */
  context(): FileContext {
    const tree = this.syntaxTree;
    const imports = this.imports;
    if (this.ctx?.tree !== tree || this.ctx.imports !== imports) {
      this.ctx = { tree, imports, context: new FileContext(imports, uriToPath(this.uri), this.local?.settings ?? []) };
    }
    return this.ctx.context;
  }

  /**
   * The current tree-sitter findings, with `# nosec`/`# pysec: ignore`
   * applied, graded by attack path. A large document's are the worker's
   * (graded there), carried through the edits made since it read the text
   * (as bandit's are).
   */
  findings(ignoreNosec = false): Finding[] {
    const local = this.local;
    if (local) {
      // Kept for the tree, run and project state they come from: a publish asks more than once,
      // and grading 100,000 findings again each time cost seconds and their garbage.
      const tree = this.syntaxTree;
      const last = this.lastLocal[ignoreNosec ? 1 : 0];
      if (last && last.tree === tree && last.analysed === local.findings && last.projectRev === this.projectRev) return last.findings;
      const findings = gradeAnalysed(applySuppressions(local.findings, this.text, tree, ignoreNosec), tree, local, local.ruleset, this.uri, this.project);
      this.lastLocal[ignoreNosec ? 1 : 0] = { tree, analysed: local.findings, projectRev: this.projectRev, findings };
      return findings;
    }
    const r = this.remote!.result;
    if (!r) return [];
    let carried = ignoreNosec ? r.ignoringNosec : r.findings;
    for (const entry of this.editLog) if (entry.rev > r.revision) carried = carryAll(carried, entry.edits);
    return carried;
  }

  /** Deletes the tree the last change replaced (wasm memory is not garbage-collected). */
  releaseOldTree(): void {
    this.retired?.delete();
    this.retired = undefined;
  }

  dispose(): void {
    this.releaseOldTree();
    this.tree?.delete();
    this.tree = undefined;
    this.remote?.close();
  }
}
