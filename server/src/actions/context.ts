import type { DiagnosticSeverity } from 'vscode-languageserver';
import { DEFAULT_SETTINGS } from '../config/defaults.js';
import type { PythonDocument } from '../documents/document.js';
import type { Finding } from '../findings/finding.js';
import type { PositionEncoding } from '../positions/encoding.js';
import { oneLine } from '../suppress/comment.js';
import type { EditSupport } from './edits.js';

/** `pysec.suppress`: the placeholder justification and the preset reasons. */
export interface SuppressSettings {
  placeholder: string;
  reasons: readonly string[];
}

/**
 * One document as the code actions and the hygiene diagnostics see it,
 * under its folder's settings and the client's capabilities (the session
 * builds it: `session/view.ts`).
 */
export interface ActionContext {
  doc: PythonDocument;
  /** The findings the document's diagnostics show (the code actions answer for those). */
  visible: readonly Finding[];
  /** Every finding of the document, suppressed or not, from both engines ([] for an excluded file). */
  all(): readonly Finding[];
  /** Whether the document is reviewed at all (not excluded by the settings). */
  reviewed: boolean;
  encoding: PositionEncoding;
  edits: EditSupport;
  suppress: SuppressSettings;
  /** Whether a missing `rule` finding on `line` means there is none (see HygieneOptions.covers). */
  covers(rule: string, line: number): boolean;
  /** Ids of our rules beyond bandit (PS…): theirs is `# pysec: ignore[...]`. */
  pysecRules: ReadonlySet<string>;
  /** A hygiene diagnostic's severity under the user's overrides (PSN001… or its name), or null to hide it. */
  hygieneSeverity(rule: { id: string; name: string }, byDefault: DiagnosticSeverity): DiagnosticSeverity | null;
  log(message: string): void;
}

/** The settings as a comment can carry them: one line each, the placeholder never empty. */
export function sanitized(s: SuppressSettings): SuppressSettings {
  const placeholder = oneLine(s.placeholder ?? '') || DEFAULT_SETTINGS.suppress.placeholder;
  const reasons = [...new Set((s.reasons ?? []).map(oneLine).filter((r) => r !== ''))];
  return { placeholder, reasons };
}
