import { CLI_BANDIT_HINT, findCliBandit } from '../batch/bandit.js';
import { projectConfigs, reviewAll } from '../batch/collect.js';
import type { FileResult } from '../batch/file.js';
import { type CheckOptions, UsageError } from '../cli/args.js';
import { Engine } from '../engine/engine.js';
import { pythonFiles } from '../files/walk.js';
import { atLeastLevels, readBaseline, subtractBaseline } from './baseline.js';
import { formatJson, formatText } from './format.js';
import { atLeastRisk } from './min-risk.js';
import { banditSecondLook, withHygiene } from './hygiene.js';
import { checkDependencies } from './audit.js';
import { projectSettings, ruleTurnedOff } from './settings.js';

/** `pysec-lsp check` with its options (cli/args.ts): the exit status. */
export async function runCheck(options: CheckOptions, out: (s: string) => void): Promise<number> {
  const cwd = process.cwd();
  let baseline;
  try {
    baseline = options.baseline === undefined ? undefined : readBaseline(options.baseline, cwd);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { files, missing } = pythonFiles(options.paths);
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);

  const engine = await Engine.load();
  const configOf = projectConfigs(cwd, warn);
  const settingsOf = projectSettings(engine, configOf, warn);
  const review = await reviewAll(engine, files, { bandit: options.bandit && (() => findCliBandit(cwd, options.banditChoice, warn)), banditHint: CLI_BANDIT_HINT, cwd, warn, projectConfig: configOf });
  // The suppression comments are judged on every finding, before the settings and the thresholds drop any.
  const run = review.banditRun;
  const checked = await withHygiene(review.results, {
    engine,
    configOf,
    settingsOf,
    ...(run ? { banditIgnoringNosec: (group: FileResult[]) => banditSecondLook(group, configOf, engine, run, warn) } : {}),
  });
  // The manifests under the same paths (PS601/PS602): results beside the Python files', under the same filters.
  const deps = checkDependencies(options.paths, options, engine, review.results, settingsOf, warn);
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
