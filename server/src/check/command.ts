import { parseArgs } from 'node:util';
import { Engine } from '../engine/engine.js';
import { atLeastLevels, parseLevel, readBaseline, subtractBaseline } from './baseline.js';
import { formatJson, formatText } from './format.js';
import { atLeastRisk, parseRisk } from './min-risk.js';
import { banditSecondLook, withHygiene } from './hygiene.js';
import { CLI_BANDIT_HINT, findCliBandit, projectConfigs, reviewFiles } from './review.js';
import type { FileResult } from './run.js';
import { projectSettings, ruleTurnedOff } from './settings.js';
import { pythonFiles } from './walk.js';

export const CHECK_USAGE = `Usage: pysec-lsp check [PATH...] [--format text|json] [--no-bandit]
                      [--severity-level LEVEL] [--confidence-level LEVEL]
                      [--min-risk RISK] [--baseline FILE] [--exit-zero]

Reviews the Python files under each PATH (default: the current folder) and
prints what it finds, and what is wrong with its suppression comments
(PSN001-PSN007; settings from [tool.pysec] in pyproject.toml).
Exit status: 0 nothing found, 1 findings, 2 usage error.

  --format text|json         output format (default: text)
  --no-bandit                run the tree-sitter engine only
  --severity-level LEVEL     only findings of this severity or above (all|low|medium|high)
  --confidence-level LEVEL   only findings of this confidence or above (all|low|medium|high)
  --min-risk RISK            only findings of this graded risk or above
                             (low|medium|high|critical; suppression findings stay)
  --baseline FILE            only findings absent from an earlier JSON report
                             (matched on file, rule and text, not line)
  --exit-zero                exit 0 even when there are findings
`;

export class UsageError extends Error {}

export async function runCheck(argv: string[], out: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'no-bandit': { type: 'boolean', default: false },
        'severity-level': { type: 'string', default: 'all' },
        'confidence-level': { type: 'string', default: 'all' },
        'min-risk': { type: 'string', default: 'low' },
        baseline: { type: 'string' },
        'exit-zero': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) {
    out(CHECK_USAGE);
    return 0;
  }
  const format = parsed.values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  let severity, confidence, minRisk;
  try {
    severity = parseLevel('--severity-level', parsed.values['severity-level']);
    confidence = parseLevel('--confidence-level', parsed.values['confidence-level']);
    minRisk = parseRisk('--min-risk', parsed.values['min-risk']);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const cwd = process.cwd();
  let baseline;
  try {
    baseline = parsed.values.baseline === undefined ? undefined : readBaseline(parsed.values.baseline, cwd);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const paths = parsed.positionals.length ? parsed.positionals : ['.'];
  const { files, missing } = pythonFiles(paths);
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);

  const engine = await Engine.load();
  const configOf = projectConfigs(cwd, warn);
  const settingsOf = projectSettings(engine, configOf, warn);
  const review = await reviewFiles(engine, files, { bandit: !parsed.values['no-bandit'] && (() => findCliBandit(cwd)), banditHint: CLI_BANDIT_HINT, cwd, warn, projectConfig: configOf });
  // The suppression comments are judged on every finding, before the settings and the thresholds drop any.
  const run = review.banditRun;
  const checked = await withHygiene(review.results, {
    engine,
    configOf,
    settingsOf,
    ...(run ? { banditIgnoringNosec: (group: FileResult[]) => banditSecondLook(group, configOf, engine, run, warn) } : {}),
  });
  let results = checked.map((r) => {
    const off = ruleTurnedOff(settingsOf(r.path));
    const findings = r.findings.filter((f) => !off({ id: f.rule, name: f.name }));
    return findings.length === r.findings.length ? r : { ...r, findings };
  });
  results = atLeastRisk(atLeastLevels(results, severity, confidence), minRisk);
  if (baseline) results = subtractBaseline(results, baseline, cwd);
  const errors = review.errors;
  out(format === 'json' ? formatJson(results, errors) : formatText(results, errors));
  if (parsed.values['exit-zero']) return 0;
  return results.some((r) => r.hygiene.length > 0 || r.findings.some((f) => !f.suppressed)) ? 1 : 0;
}

function warn(message: string): void {
  process.stderr.write(`pysec-lsp check: ${message}\n`);
}
