import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { DEFAULT_SETTINGS } from '../config/defaults.js';
import { mergeSettings } from '../config/merge.js';
import { ruleSelector } from '../config/rules.js';
import { extractSection, parseSettings, type ParseOptions } from '../config/parse.js';
import type { Settings } from '../config/schema.js';
import type { ProjectBanditConfig } from '../bandit/project-config.js';
import { BANDIT_ID_BY_NAME, BANDIT_IDS } from '../suppress/bandit-tests.js';
import { HYGIENE_RULES } from '../suppress/hygiene.js';
import { readRegularFile } from '../files/read.js';

/**
 * The pysec settings `check` reads: the `[tool.pysec]` table of the
 * pyproject.toml in a file's project root (the folder its bandit config
 * comes from, else the current folder), validated as the editor's
 * settings are. Only what makes sense without an editor applies —
 * `rules.ignore`, `severity.overrides` and `suppress.placeholder` —; every
 * other setting set there is said to be left alone. Never an executable:
 * `bandit.path`/`bandit.command` from a workspace file are not read.
 */

/** The settings `check` honours; the rest of `Settings` is the editor's. */
export const CHECK_SETTINGS = ['rules.ignore', 'severity.overrides', 'suppress.placeholder'] as const;

export interface CheckSettings {
  settings: Settings;
  /** The file they came from, when it had a `[tool.pysec]` table. */
  source?: string;
  /** What is wrong with them, one message each, naming the file. */
  problems: string[];
}

/** The defaults, for a project without `[tool.pysec]`. */
export function defaultCheckSettings(): CheckSettings {
  return { settings: DEFAULT_SETTINGS, problems: [] };
}

/** Reads `[tool.pysec]` of `root`'s pyproject.toml. Never throws: what cannot be read is a problem, and the defaults apply. */
export function readCheckSettings(root: string, opts: ParseOptions = {}): CheckSettings {
  const pyproject = join(root, 'pyproject.toml');
  if (!existsSync(pyproject)) return defaultCheckSettings();
  let section: unknown;
  try {
    section = (parseToml(readRegularFile(pyproject).toString('utf8')) as { tool?: { pysec?: unknown } }).tool?.pysec;
  } catch {
    // Unreadable or not TOML: the bandit config reader (bandit/project-config.ts) already says so.
    return defaultCheckSettings();
  }
  if (section === undefined) return defaultCheckSettings();
  const where = `${pyproject} [tool.pysec]`;
  const { patch, problems } = parseSettings(extractSection(section), opts);
  const out = problems.map((p) => `${where}: ${p.message}`);
  const ignored = setPaths(patch).filter((p) => !CHECK_SETTINGS.some((c) => p === c || p.startsWith(`${c}.`)));
  if (ignored.length) out.push(`${where}: check reads only ${CHECK_SETTINGS.map((c) => `pysec.${c}`).join(', ')}; ${ignored.map((p) => `pysec.${p}`).join(', ')} ${ignored.length === 1 ? 'is an editor setting' : 'are editor settings'}, left alone here`);
  const kept = {
    ...(patch.rules?.ignore !== undefined ? { rules: { ignore: patch.rules.ignore } } : {}),
    ...(patch.severity?.overrides !== undefined ? { severity: { overrides: patch.severity.overrides } } : {}),
    ...(patch.suppress?.placeholder !== undefined ? { suppress: { placeholder: patch.suppress.placeholder } } : {}),
  };
  return { settings: mergeSettings(DEFAULT_SETTINGS, kept), source: pyproject, problems: out };
}

/** The dotted paths a patch sets, down to the setting (`severity.overrides`, `bandit.path`). */
function setPaths(patch: object): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && k !== 'overrides' && k !== 'matrix') out.push(...setPaths(v).map((p) => `${k}.${p}`));
    else out.push(k);
  }
  return out;
}

/**
 * Whether the settings turn a rule off for `check`: named in
 * `rules.ignore`, or overridden `off` (by id or test name) — the editor's
 * rule selection (`config/rules.ts`), of which `check` keeps only these
 * (its `rules.select` is always the default, empty). Pure.
 */
export function ruleTurnedOff(settings: Settings): (rule: { id: string; name: string }) => boolean {
  const runs = ruleSelector(settings);
  return (rule) => !runs(rule);
}

/** `[tool.pysec]` of each file's project root, read once per root; its problems said once. */
export function projectSettings(rules: () => readonly { id: string; name: string }[], configOf: (path: string) => ProjectBanditConfig, say: (message: string) => void): (path: string) => Settings {
  // The rule names are read only when a `[tool.pysec]` table names a rule (a warm run loads no engine).
  let names: Set<string> | undefined;
  const known = () => (names ??= new Set([...rules().flatMap((r) => [r.id, r.name]), ...Object.entries(HYGIENE_RULES).flat(), ...BANDIT_IDS, ...BANDIT_ID_BY_NAME.keys()]));
  const byRoot = new Map<string, Settings>();
  return (path) => {
    const root = configOf(path).root;
    let s = byRoot.get(root);
    if (!s) {
      const read = readCheckSettings(root, { knownRule: (id) => known().has(id), ruleNames: () => known() });
      for (const p of read.problems) say(p);
      byRoot.set(root, (s = read.settings));
    }
    return s;
  };
}
