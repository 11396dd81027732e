/**
 * The one finding type. Both engines produce it; diagnostics, suppression,
 * the CLI and the report consume it.
 *
 * Offsets are UTF-16 code units into the document text (the JS string's own
 * indexes, which is also what web-tree-sitter reports for a parsed JS string),
 * so a finding can be shifted through edits without knowing its line.
 */
export type Level = 'LOW' | 'MEDIUM' | 'HIGH';
export const LEVELS: readonly Level[] = ['LOW', 'MEDIUM', 'HIGH'];

export type Risk = 'Critical' | 'High' | 'Medium' | 'Low';
export const RISKS: readonly Risk[] = ['Critical', 'High', 'Medium', 'Low'];

/** `audit`: the dependency audit (server/src/audit/), over manifests and lock files. */
export type Engine = 'tree-sitter' | 'bandit' | 'audit';

/** A half-open range of UTF-16 offsets. */
export interface Span {
  start: number;
  end: number;
}

export interface Suppression {
  /** `nosec` for bandit's comment, `pysec-ignore` for `# pysec: ignore[...]`. */
  kind: 'nosec' | 'pysec-ignore';
  /** The text after the comment's second `#`, or null when there is none. */
  justification: string | null;
  /** 0-based line of the comment that suppresses the finding. */
  line: number;
}

/**
 * A second place in the same document that explains a finding, such as the
 * import that makes a call dangerous (`from os import system as run`):
 * shown as the diagnostic's `relatedInformation`.
 */
export interface RelatedLocation {
  span: Span;
  message: string;
}

/** One place on an attack path (engine/flow): source, a step, or the sink's argument. */
export interface FlowStep {
  /** Absolute path of the file the step is in; null: the document or file being analysed. */
  file: string | null;
  /** UTF-16 offsets into that file's text. */
  span: Span;
  /** 0-based line and UTF-16 column of `span.start` (so a step in another file needs no text to place). */
  line: number;
  column: number;
  /** Plain words: "request.form['c'] (form field 'c')", "assigned to cmd", "through bar() on line 15", "reaches eval()". */
  note: string;
}

export interface Finding {
  /** `B602`, `PS501`, ... */
  rule: string;
  /** bandit's test name (`subprocess_popen_with_shell_equals_true`) or ours. */
  name: string;
  severity: Level;
  confidence: Level;
  cwe: number | null;
  /** OWASP Top 10 (2021) id, `A01` … `A10`. */
  owasp: string;
  risk: Risk;
  message: string;
  /** What the diagnostic highlights. */
  range: Span;
  /**
   * The node bandit attaches the issue to: its lines are the ones on which a
   * `# nosec` counts (bandit 1.7.5+ reads any line of the node's range).
   */
  anchor: Span;
  /** The node the rule matched: findings are recomputed when an edit touches it. */
  root: Span;
  engine: Engine;
  docs: string;
  suppressed: Suppression | null;
  /** Other places that explain the finding; absent when there are none. */
  related?: RelatedLocation[];
  /**
   * The attack path that grades the finding (engine/flow): source, each step,
   * the sink's argument last. Absent or null when no untrusted input was traced.
   */
  flow?: FlowStep[] | null;
  /**
   * What the grading found at the finding's sink (grading/pass.ts): a traced
   * path, only constants, sanitised values, or `unknown` (could not tell: a
   * review with such a finding at an injection sink is partial). Absent
   * for a rule without a sink, or an ungraded finding.
   */
  reach?: 'untrusted' | 'constant' | 'sanitised' | 'unknown';
  /** A dependency finding's package, version and advisory (engine `audit`); absent on the others. */
  dependency?: DependencyData;
}

/** What a dependency finding (PS601, PS602) is about: the package, its version, the advisory. */
export interface DependencyData {
  /** PEP 503-normalised name. */
  package: string;
  /** The pinned or locked version; null for a range (PS602). */
  version: string | null;
  /** The specifier as the manifest gives it (`==2.19.0`, `>=2.0`; a poetry constraint in PEP 440 form). */
  specifier: string;
  /** The advisory's id (GHSA-…, PYSEC-…). */
  advisory: string;
  /** Its other ids (CVE-…). */
  aliases: string[];
  /** The upgrade: the first fixed version above the pin, or the lower bound that leaves every affected version out; null when none is fixed. */
  fixedIn: string | null;
  /** Every fixed version the advisory names, ascending. */
  fixedVersions: string[];
  /** The affected versions in words, one range each (`>=3.0, <3.2.13`, `<=2.10`, `0.9, 1.0` for listed ones), for the hover. */
  affectedRanges: string[];
  /** An affected version the specifier allows (PS602), else the pin. */
  affectedVersion: string | null;
  /** The advisory's one-line summary. */
  summary: string;
  cvss: { score: number; vector: string } | null;
  /** false: no Python file of the project imports it (graded one step lower); null: not known. */
  imported: boolean | null;
  /** Links of the advisory (the first is its page when it has one). */
  references: string[];
  /** The version comes from a lock file. */
  locked: boolean;
}

/** Stable order: position first, then rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.range.start - b.range.start || a.range.end - b.range.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
