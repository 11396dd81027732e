import { projectSelects, type ProjectBanditConfig } from '../bandit/project-config.js';
import { DEFAULT_SETTINGS } from '../config/defaults.js';
import type { Settings } from '../config/schema.js';
import type { Engine } from '../engine/engine.js';
import type { Finding } from '../findings/finding.js';
import { isBanditId, oneLine } from '../suppress/comment.js';
import { mayHaveSuppressions, suppressionHygiene, type HygieneIssue } from '../suppress/hygiene.js';
import { banditOver, type BanditRun } from '../batch/bandit.js';
import type { FileResult } from '../batch/file.js';
import { ruleTurnedOff } from './settings.js';
import { configured, type HygieneFinding } from './hygiene-level.js';

export { configured, type HygieneFinding } from './hygiene-level.js';
import { parsePython } from '../engine/parse.js';

/**
 * `check`'s suppression hygiene (PSN001–PSN007): the editor's checks
 * (suppress/hygiene.ts) over a reviewed file's findings of both engines,
 * with the severities the settings give them (`severity.overrides`,
 * `rules.ignore`, by code or name, as in the editor).
 *
 * "Unused" (PSN006) must not be said of a `# nosec` whose finding bandit
 * alone reports: bandit drops a finding its `# nosec` silences, so the
 * review never sees it. Where bandit ran and a file has an unused
 * suppression (or a bare one, whose message names what it silences),
 * bandit runs again on that file with `--ignore-nosec`, and what it finds
 * counts as silenced; if that run fails, bandit's ids are not judged
 * unused there.
 */

/** A file's findings and its suppression-hygiene findings. */
export interface CheckedFile extends FileResult {
  hygiene: HygieneFinding[];
}

export interface HygieneContext {
  /** The engine, or how to load it (only a file whose hygiene is not stored needs it). */
  engine: Engine | (() => Promise<Engine>);
  configOf: (path: string) => ProjectBanditConfig;
  settingsOf: (path: string) => Settings;
  /**
   * bandit's findings with `--ignore-nosec` for these files (only when
   * bandit ran); `failed` holds the files it could not check.
   */
  banditIgnoringNosec?: (files: FileResult[]) => Promise<{ found: Map<FileResult, Finding[]>; failed: Set<FileResult> }>;
  /**
   * The result cache's hygiene (batch/cached.ts): a file's issues judged
   * by an earlier run with the same inputs, and where to keep those judged
   * now (not those judged without bandit's second look: it failed).
   */
  stored?: { get(r: FileResult): HygieneIssue[] | undefined; set(r: FileResult, issues: HygieneIssue[]): void };
}

/** Each result with its hygiene findings (none for a file without a suppression comment). */
export async function withHygiene(results: readonly FileResult[], ctx: HygieneContext): Promise<CheckedFile[]> {
  const issues = new Map<FileResult, HygieneIssue[]>();
  const candidates: FileResult[] = [];
  const judged: FileResult[] = [];
  let engine: Engine | undefined;
  for (const r of results) {
    if (!mayHaveSuppressions(r.text)) {
      // Said in the cache too (an entry of an older run lacks it): a warm run then knows it without reading the text (check/warm.ts).
      if (ctx.stored && ctx.stored.get(r) === undefined) ctx.stored.set(r, []);
      continue;
    }
    const stored = ctx.stored?.get(r);
    if (stored) {
      issues.set(r, stored);
      continue;
    }
    engine ??= typeof ctx.engine === 'function' ? await ctx.engine() : ctx.engine;
    const found = judge(engine, r, r.findings, ctx, false);
    issues.set(r, found);
    judged.push(r);
    if (found.some(needsSecondLook)) candidates.push(r);
  }
  let failed = new Set<FileResult>();
  if (engine && candidates.length && ctx.banditIgnoringNosec) {
    const second = await ctx.banditIgnoringNosec(candidates);
    failed = second.failed;
    for (const r of candidates) issues.set(r, judge(engine, r, [...r.findings, ...(second.found.get(r) ?? [])], ctx, failed.has(r)));
  }
  for (const r of judged) if (!failed.has(r)) ctx.stored?.set(r, issues.get(r)!);
  return results.map((r) => ({ ...r, hygiene: (issues.get(r) ?? []).flatMap((i) => configured(i, ctx.settingsOf(r.path))) }));
}

/**
 * An issue that bandit's silenced findings may change: an unused
 * suppression, and a comment bandit reads as a bare `# nosec` (its message
 * names the ids found on the line).
 */
function needsSecondLook(i: HygieneIssue): boolean {
  return i.code === 'PSN006' || i.code === 'PSN001' || (i.code === 'PSN002' && i.severity === 'warning');
}

/** The hygiene issues of one file, given every finding known on it. */
function judge(engine: Engine, r: FileResult, findings: readonly Finding[], ctx: HygieneContext, banditUnknown: boolean): HygieneIssue[] {
  const tree = parsePython(engine.parser, r.text);
  if (!tree) return [];
  try {
    const cfg = ctx.configOf(r.path);
    const settings = ctx.settingsOf(r.path);
    const off = ruleTurnedOff(settings);
    const rules = engine.ruleset.byId;
    return suppressionHygiene(r.doc, tree, findings, {
      placeholder: oneLine(settings.suppress.placeholder) || DEFAULT_SETTINGS.suppress.placeholder,
      reasons: [],
      // As in the editor: a rule is judged where the tree-sitter engine runs it (under the project's
      // config and the settings); bandit's ids not where bandit's second look failed.
      covers: (id) => {
        const rule = rules.get(id);
        return !!rule && projectSelects(cfg, rule) && !off(rule) && !(banditUnknown && isBanditId(id));
      },
      pysecRules: new Set([...rules.keys()].filter((id) => !isBanditId(id))),
    });
  } finally {
    tree.delete();
  }
}

/** bandit again on a few files, with `--ignore-nosec`: the findings their `# nosec` comments silence. */
export async function banditSecondLook(
  files: FileResult[],
  configOf: (path: string) => ProjectBanditConfig,
  engine: Engine,
  run: BanditRun,
  say: (message: string) => void,
): Promise<{ found: Map<FileResult, Finding[]>; failed: Set<FileResult> }> {
  const { found, errors } = await banditOver(files, configOf, engine, run, ['--ignore-nosec']);
  const failed = new Set(files.filter((f) => !found.has(f) || errors.some((e) => e.path === f.path)));
  for (const f of failed) {
    const why = errors.find((e) => e.path === f.path)?.message ?? 'no result';
    say(`${f.path}: bandit could not look again with --ignore-nosec (${why}): its ids are not judged unused there`);
  }
  return { found, failed };
}
