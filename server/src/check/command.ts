import { CLI_BANDIT_HINT, findCliBandit } from '../batch/bandit.js';
import { projectConfigs, reviewAll } from '../batch/collect.js';
import type { FileResult } from '../batch/file.js';
import type { CheckOptions } from '../command-line/args.js';
import { cacheFolder } from '../cache/location.js';
import { Engine } from '../engine/engine.js';
import { shortRun } from '../engine/grammar.js';
import type { Rule } from '../engine/rule.js';
import { loadRules } from '../engine/ruleset.js';
import type { HygieneIssue } from '../suppress/hygiene.js';
import { atLeastLevels, subtractBaseline } from './baseline.js';
import { checkInputs } from './inputs.js';
import { formatJson, formatText } from './format.js';
import { atLeastRisk } from './min-risk.js';
import { banditSecondLook, withHygiene } from './hygiene.js';
import { mayHoldManifests } from './manifests.js';
import { projectSettings, ruleTurnedOff } from './settings.js';

/** `pysec-lsp check` with its options (command-line/args.ts): the exit status. */
export async function runCheck(options: CheckOptions, out: (s: string) => void): Promise<number> {
  const { cwd, baseline, files } = checkInputs(options);

  // Loaded only when a file is not answered by the result cache: a warm run parses nothing.
  let loading: Promise<Engine> | undefined;
  const engine = () => (loading ??= (shortRun(files), Engine.load()));
  let rules: Promise<Rule[]> | undefined;
  const rulesRead = () => (rules ??= loadRules());
  const configOf = projectConfigs(cwd, warn);
  const settingsOf = await projectSettings(rulesRead, configOf, warn, files);
  const cache = cacheFolder(options.cache, cwd);
  const review = await reviewAll(engine, files, {
    bandit: options.bandit && (() => findCliBandit(cwd, options.banditChoice, warn)),
    banditHint: CLI_BANDIT_HINT,
    cwd,
    warn,
    projectConfig: configOf,
    ...(cache ? { cache } : {}),
  });
  // The suppression comments are judged on every finding, before the settings and the thresholds drop any.
  const run = review.banditRun;
  const stored = review.cache;
  const checked = await withHygiene(review.results, {
    engine,
    configOf,
    settingsOf,
    ...(run ? { banditIgnoringNosec: async (group: FileResult[]) => banditSecondLook(group, configOf, await engine(), run, warn) } : {}),
    ...(stored ? { stored: { get: (r: FileResult) => stored.hygieneOf<HygieneIssue>(r), set: (r: FileResult, issues: HygieneIssue[]) => stored.setHygiene(r, issues) } } : {}),
  });
  if (stored) {
    const failed = stored.save();
    // A folder the user named is worth a word when it cannot be written; the default one only with --verbose (a read-only home is no error).
    if (failed && (options.cache.dir !== undefined || options.verbose)) warn(failed);
    if (options.verbose) warn(`cache ${stored.store.dir}: ${stored.stats.hits} files unchanged, ${stored.stats.misses} reviewed`);
  } else if (options.verbose) warn('cache: not used (--no-cache)');
  // The manifests under the same paths (PS601/PS602): results beside the Python files', under the same filters.
  // The audit's modules (the manifest parsers, the advisory database's zip and yaml readers, the CVSS
  // calculator: half a megabyte) load only when the paths can hold a manifest: not for `check app.py`.
  const deps =
    options.audit && (options.advisories !== undefined || mayHoldManifests(options.paths))
      ? (await import('./audit.js')).checkDependencies(options.paths, options, await rulesRead(), review.results, settingsOf, warn)
      : { results: [] };
  let results = [...checked, ...deps.results].map((r) => {
    const off = ruleTurnedOff(settingsOf(r.path));
    const findings = r.findings.filter((f) => !off({ id: f.rule, name: f.name }));
    return findings.length === r.findings.length ? r : { ...r, findings };
  });
  results = atLeastRisk(atLeastLevels(results, options.severity, options.confidence), options.minRisk);
  if (baseline) results = subtractBaseline(results, baseline, cwd);
  const errors = review.errors;
  out(options.format === 'json' ? formatJson(results, errors) : formatText(results, errors));
  if (options.exitZero) return 0;
  // A file not reviewed (unreadable, a syntax error, one bandit could not check) is not a clean result either.
  return errors.length > 0 || results.some((r) => r.hygiene.length > 0 || r.findings.some((f) => !f.suppressed)) ? 1 : 0;
}

function warn(message: string): void {
  process.stderr.write(`pysec-lsp check: ${message}\n`);
}
