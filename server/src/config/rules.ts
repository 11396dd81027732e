import type { Finding, Level } from '../findings/finding.js';
import { overrideFor } from '../diagnostics/severity.js';
import type { Settings } from './schema.js';

/** What rule selection looks at: a rule, or a finding of one (bandit's too). */
export interface RuleRef {
  /** `B602`, `PS501` */
  id: string;
  /** The test name, `subprocess_popen_with_shell_equals_true`. */
  name: string;
}

/** The part of the project's bandit configuration that selects tests. */
export interface ProjectRules {
  /** bandit's `tests`: when not empty, only these run. */
  tests: readonly string[];
  /** bandit's `skips`. */
  skips: readonly string[];
}

const RANK: Record<Level, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

export function atLeast(level: Level, min: Level): boolean {
  return RANK[level] >= RANK[min];
}

function names(list: readonly string[]): Set<string> {
  return new Set(list.map((s) => s.trim()).filter((s) => s !== ''));
}

/**
 * Whether a rule runs. The user's `rules.ignore` and `rules.select` come
 * first, then the project's bandit `skips` and `tests` beneath them: where
 * both speak of a rule, the user wins (a rule the user selects runs even if
 * the project skips it). Within one source, ignoring wins over selecting,
 * as bandit's skips win over its tests. A per-rule override `off` removes
 * the rule whatever the selection. Rules are named by id or test name.
 */
export function ruleSelector(settings: Settings, project?: ProjectRules): (rule: RuleRef) => boolean {
  const ignore = names(settings.rules.ignore);
  const select = names(settings.rules.select);
  const skips = names(project?.skips ?? []);
  const tests = names(project?.tests ?? []);
  const overrides = settings.severity.overrides;
  const has = (set: Set<string>, r: RuleRef) => set.has(r.id) || set.has(r.name);
  return (r) => {
    if (overrideFor(r, overrides) === 'off') return false;
    if (has(ignore, r)) return false;
    if (has(select, r)) return true;
    if (select.size > 0) return false;
    if (has(skips, r)) return false;
    if (tests.size > 0) return has(tests, r);
    return true;
  };
}

/** Rule selection plus the minimum severity and confidence, for any finding (either engine). */
export function findingFilter(settings: Settings, selector: (rule: RuleRef) => boolean): (f: Finding) => boolean {
  const { minSeverity, minConfidence } = settings;
  return (f) => atLeast(f.severity, minSeverity) && atLeast(f.confidence, minConfidence) && selector({ id: f.rule, name: f.name });
}

/** A fingerprint of which of `rules` run: equal fingerprints, equal engine runs. */
export function selectionKey(rules: readonly RuleRef[], selector: (rule: RuleRef) => boolean): string {
  return rules.map((r) => (selector(r) ? '1' : '0')).join('');
}
