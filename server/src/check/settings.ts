import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { DEFAULT_SETTINGS } from '../config/defaults.js';
import { mergeSettings } from '../config/merge.js';
import { ruleSelector } from '../config/rules.js';
import type { ParseOptions } from '../config/parse.js';
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

/** The settings parser (config/parse.ts): with the editor settings' zod schemas, loaded only for a project that has `[tool.pysec]`. */
type SettingsParser = typeof import('../config/parse.js');

/** The `[tool.pysec]` table of `root`'s pyproject.toml, or undefined: none, or unreadable (the bandit config reader, bandit/project-config.ts, already says so). */
function pysecSection(root: string): { pyproject: string; section: unknown } | undefined {
  const pyproject = join(root, 'pyproject.toml');
  if (!existsSync(pyproject)) return undefined;
  try {
    const section = (parseToml(readRegularFile(pyproject).toString('utf8')) as { tool?: { pysec?: unknown } }).tool?.pysec;
    return section === undefined ? undefined : { pyproject, section };
  } catch {
    return undefined;
  }
}

/** The settings a `[tool.pysec]` table gives `check`, and what is wrong with them. Never throws: what is wrong is a problem, and the defaults apply. */
function settingsFrom({ pyproject, section }: { pyproject: string; section: unknown }, parser: SettingsParser, opts: ParseOptions): CheckSettings {
  const where = `${pyproject} [tool.pysec]`;
  const { patch, problems } = parser.parseSettings(parser.extractSection(section), opts);
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

/**
 * `[tool.pysec]` of each file's project root (`paths`: the files to be
 * asked about), read once per root; its problems said once, when a file of
 * the root is first asked about.
 */
export async function projectSettings(
  rules: () => Promise<readonly { id: string; name: string }[]>,
  configOf: (path: string) => ProjectBanditConfig,
  say: (message: string) => void,
  paths: readonly string[],
): Promise<(path: string) => Settings> {
  let names: Set<string> | undefined;
  const known = () => (names ??= new Set([...listed.flatMap((r) => [r.id, r.name]), ...Object.entries(HYGIENE_RULES).flat(), ...BANDIT_IDS, ...BANDIT_ID_BY_NAME.keys()]));
  const sections = new Map<string, ReturnType<typeof pysecSection>>();
  const sectionOf = (root: string) => {
    if (!sections.has(root)) sections.set(root, pysecSection(root));
    return sections.get(root);
  };
  // The parser, and zod with it, loads only when some root has a [tool.pysec] table.
  const parser = paths.some((p) => sectionOf(configOf(p).root) !== undefined) ? await import('../config/parse.js') : undefined;
  // The rule names are read only when a `[tool.pysec]` table is there to name one (a warm run loads no engine).
  const listed = parser ? await rules() : [];
  const byRoot = new Map<string, Settings>();
  return (path) => {
    const root = configOf(path).root;
    let s = byRoot.get(root);
    if (!s) {
      const found = sectionOf(root);
      const read = found && parser ? settingsFrom(found, parser, { knownRule: (id) => known().has(id), ruleNames: () => known() }) : defaultCheckSettings();
      for (const p of read.problems) say(p);
      byRoot.set(root, (s = read.settings));
    }
    return s;
  };
}
