import { isExcluded as isBanditExcluded, type ProjectBanditConfig } from '../bandit/project-config.js';
import { ruleVariant } from '../bandit/plugin-config.js';
import type { SeverityMapping } from '../diagnostics/severity.js';
import { ruleSelection, type RuleSelection } from '../engine/rule.js';
import type { Finding } from '../findings/finding.js';
import { isExcluded } from './exclude.js';
import { findingFilter, ruleSelector, selectionKey, type RuleRef } from './rules.js';
import type { Settings } from './schema.js';

/**
 * Everything the settings decide for one document, in one object: which
 * rules run, which findings are shown and how severe they look, and whether
 * the file is reviewed at all. Pure: built from data, no I/O.
 */
export interface Policy {
  readonly settings: Settings;
  /** The workspace folder holding the document (a path), if any. */
  readonly folder: string | undefined;
  /** The project's bandit configuration that applies to the document, if any was read. */
  readonly project: ProjectBanditConfig | undefined;
  /** Whether a rule runs (user selection over the project's skips/tests; `off` overrides). */
  readonly enabled: (rule: RuleRef) => boolean;
  /** The same selection for the engine, with the rules as the project's bandit plugin settings make them. */
  readonly ruleSelection: RuleSelection;
  /** Which rules of the engine run, as a string: equal keys, equal engine runs. */
  readonly selection: string;
  /** Whether a finding (either engine's, suppressed or not) passes selection and minimum severity/confidence. */
  readonly keep: (f: Finding) => boolean;
  /** The file is excluded (`pysec.exclude`, or the project's bandit excludes): no diagnostics. */
  readonly excluded: boolean;
  readonly mapping: SeverityMapping;
}

export interface PolicyInput {
  settings: Settings;
  /** The document's path (a URI that is not `file:` is used as is). */
  file: string;
  folder: string | undefined;
  project: ProjectBanditConfig | undefined;
  /** The engine's rules, for the selection key. */
  rules: readonly RuleRef[];
}

export function buildPolicy({ settings, file, folder, project, rules }: PolicyInput): Policy {
  const selector = ruleSelector(settings, project);
  // The rules' params under the project's bandit plugin settings go with the
  // selection (analyzer.ts), and into its key so that a changed config reruns.
  const enabled = selector;
  return {
    settings,
    folder,
    project,
    enabled,
    ruleSelection: ruleSelection(enabled, project?.pluginKey ? ruleVariant(project.pluginParams, project.pluginKey) : undefined),
    selection: selectionKey(rules, enabled) + (project?.pluginKey ? `\0${project.pluginKey}` : ''),
    keep: findingFilter(settings, enabled),
    excluded: isExcluded(file, folder, settings.exclude) || (project !== undefined && isBanditExcluded(project, file)),
    mapping: { matrix: settings.severity.matrix, overrides: settings.severity.overrides, mode: settings.severity.mode },
  };
}

/** The findings a document shows under `policy`: none when excluded; else kept and not suppressed. */
export function visibleFindings(findings: readonly Finding[], policy: Policy): Finding[] {
  if (policy.excluded) return [];
  return findings.filter((f) => !f.suppressed && policy.keep(f));
}
