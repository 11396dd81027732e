import type { DiagnosticSeverity } from 'vscode-languageserver';
import type { ActionContext, SuppressSettings } from '../actions/context.js';
import type { EditSupport } from '../actions/edits.js';
import { visibleFindings, type Policy } from '../config/policy.js';
import { hygieneSeverity } from '../diagnostics/severity.js';
import type { PythonDocument } from '../documents/document.js';
import type { Rule } from '../engine/rule.js';
import type { Finding } from '../findings/finding.js';
import type { PositionEncoding } from '../positions/encoding.js';

/** What a view needs of the session besides the document. */
export interface ViewInput {
  policy: Policy;
  encoding: PositionEncoding;
  edits: EditSupport;
  rules: ReadonlyMap<string, Rule>;
  pysecRules: ReadonlySet<string>;
  log(message: string): void;
}

/**
 * One document under its folder's settings, as one answer (a publish, a
 * pull, a hover, a code action request) reads it: its findings are
 * computed once, when first asked for, and shared by the diagnostics and
 * the suppression side (both views are the same list unless
 * `pysec.ignoreNosec` asks the diagnostics to read no `# nosec`).
 */
export class DocumentView implements ActionContext {
  readonly policy: Policy;
  readonly encoding: PositionEncoding;
  readonly edits: EditSupport;
  readonly pysecRules: ReadonlySet<string>;
  private every: Finding[] | undefined;
  private shown: Finding[] | undefined;

  constructor(
    readonly doc: PythonDocument,
    private readonly input: ViewInput,
  ) {
    this.policy = input.policy;
    this.encoding = input.encoding;
    this.edits = input.edits;
    this.pysecRules = input.pysecRules;
  }

  /** The findings the diagnostics show: none when the file is excluded; else kept and not suppressed. */
  get visible(): readonly Finding[] {
    if (!this.shown) {
      const { policy } = this;
      this.shown = policy.excluded ? [] : visibleFindings(policy.settings.ignoreNosec ? this.doc.allFindings(true) : this.all(), policy);
    }
    return this.shown;
  }

  /** Every finding, suppressed or not, of both engines; [] when the file is excluded. */
  all(): readonly Finding[] {
    if (this.policy.excluded) return [];
    return (this.every ??= this.doc.allFindings());
  }

  get reviewed(): boolean {
    return !this.policy.excluded;
  }

  get suppress(): SuppressSettings {
    return this.policy.settings.suppress;
  }

  covers(rule: string): boolean {
    const r = this.input.rules.get(rule);
    return r !== undefined && this.policy.enabled(r);
  }

  hygieneSeverity(rule: { id: string; name: string }, byDefault: DiagnosticSeverity): DiagnosticSeverity | null {
    const s = this.policy.settings;
    return hygieneSeverity(rule, byDefault, s.severity.overrides, s.rules.ignore);
  }

  log(message: string): void {
    this.input.log(message);
  }
}
