import { existsSync } from 'node:fs';
import { readRegularFile } from '../files/read.js';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parse as parseIni } from 'ini';
import { parse as parseToml } from 'smol-toml';
import { parseYaml } from './yaml.js';
import { atLeast, type BanditVersion } from './discover.js';
import { fnmatch } from '../glob/fnmatch.js';
import { BoundedCache } from '../glob/nfa.js';
import { overridesKey, pluginOverrides } from './plugin-config.js';

/**
 * A project's own bandit configuration, as bandit's command line would read
 * it: `pyproject.toml` `[tool.bandit]` (bandit ≥ 1.7.1 with `-c`), `.bandit`
 * (`--ini`), or a bandit YAML/TOML named in the client settings. bandit
 * finds none of them by itself for a single file or stdin, so the server
 * finds them and passes them; their skips, tests and excludes also apply to
 * the tree-sitter engine.
 */
export interface ProjectBanditConfig {
  /** The folder the config belongs to: bandit runs there. */
  root: string;
  skips: string[];
  tests: string[];
  /** bandit's `exclude_dirs` (YAML/TOML) or `exclude` (`.bandit`): globs or substrings. */
  excludeDirs: string[];
  pyproject?: string;
  ini?: string;
  configFile?: string;
  /**
   * bandit's per-plugin settings (`tmp_dirs`, `check_typed_exception`, ...)
   * as params of our rules, by rule id (plugin-config.ts), from the config
   * bandit is given with `-c`: the settings' config file, else the pyproject.
   */
  pluginParams: Map<string, Record<string, unknown>>;
  /** `pluginParams` as text: equal keys, equal rules. Empty when there are none. */
  pluginKey: string;
  /** Every file read (to watch). */
  files: string[];
  /** What could not be read or parsed, one message each. */
  problems: string[];
}

const list = (v: unknown): string[] => {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(',').map((x) => x.trim()).filter(Boolean);
  return [];
};

function readText(path: string, problems: string[]): string | undefined {
  try {
    return readRegularFile(path).toString('utf8');
  } catch (e) {
    problems.push(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return undefined;
  }
}

function fromObject(cfg: ProjectBanditConfig, o: Record<string, unknown>): void {
  cfg.skips.push(...list(o.skips));
  cfg.tests.push(...list(o.tests));
  cfg.excludeDirs.push(...list(o.exclude_dirs));
}

/** The nearest folder from `file` up to `stopAt` that holds a bandit config; else `stopAt` (or the file's folder). */
export function findProjectRoot(file: string, stopAt?: string): string {
  let dir = dirname(resolve(file));
  const stop = stopAt ? resolve(stopAt) : undefined;
  for (;;) {
    if (existsSync(join(dir, '.bandit')) || hasToolBandit(join(dir, 'pyproject.toml'))) return dir;
    if (stop && dir === stop) return stop;
    const up = dirname(dir);
    if (up === dir || (stop && !(dir + sep).startsWith(stop + sep))) return stop ?? dirname(resolve(file));
    dir = up;
  }
}

/**
 * A `[tool.bandit]` (or `[tool.bandit.x]`) table header at a line's start.
 * Only blanks that end no line may precede it: `^\s*` would let every blank
 * line start a scan over all the blank lines after it (quadratic on a file
 * of blank lines); a header after blank lines still starts its own line.
 */
const TOOL_BANDIT = /^[^\S\n\r\u2028\u2029]*\[tool\.bandit[\].]/m;

function hasToolBandit(pyproject: string): boolean {
  if (!existsSync(pyproject)) return false;
  try {
    return TOOL_BANDIT.test(readRegularFile(pyproject).toString('utf8'));
  } catch {
    return false;
  }
}

/** Reads the configs of `root` (and the settings' config file, relative to `root`). */
export function loadProjectConfig(root: string, configFile?: string): ProjectBanditConfig {
  const cfg: ProjectBanditConfig = { root, skips: [], tests: [], excludeDirs: [], pluginParams: new Map(), pluginKey: '', files: [], problems: [] };
  let plugins: { config: Record<string, unknown>; where: string } | undefined;
  const pyproject = join(root, 'pyproject.toml');
  if (existsSync(pyproject)) {
    const text = readText(pyproject, cfg.problems);
    cfg.files.push(pyproject);
    if (text !== undefined) {
      try {
        const tool = (parseToml(text) as { tool?: { bandit?: Record<string, unknown> } }).tool?.bandit;
        if (tool) {
          cfg.pyproject = pyproject;
          fromObject(cfg, tool);
          plugins = { config: tool, where: pyproject };
        }
      } catch (e) {
        cfg.problems.push(`${at(pyproject, e)} is not valid TOML: ${firstLine(e)}`);
      }
    }
  }
  const ini = join(root, '.bandit');
  if (existsSync(ini)) {
    const text = readText(ini, cfg.problems);
    cfg.files.push(ini);
    if (text !== undefined) {
      const section = (parseIni(text) as Record<string, unknown>).bandit as Record<string, unknown> | undefined;
      if (section && typeof section === 'object') {
        cfg.ini = ini;
        cfg.skips.push(...list(section.skips));
        cfg.tests.push(...list(section.tests));
        cfg.excludeDirs.push(...list(section.exclude));
      } else {
        cfg.problems.push(`${ini} has no [bandit] section: bandit ignores it`);
      }
    }
  }
  if (configFile) {
    const path = resolve(root, configFile);
    const text = readText(path, cfg.problems);
    cfg.files.push(path);
    if (text !== undefined) {
      try {
        const o = path.endsWith('.toml')
          ? ((parseToml(text) as { tool?: { bandit?: Record<string, unknown> } }).tool?.bandit ?? {})
          : (parseYaml(text) as unknown);
        if (o && typeof o === 'object' && !Array.isArray(o)) {
          cfg.configFile = path;
          fromObject(cfg, o as Record<string, unknown>);
          plugins = { config: o as Record<string, unknown>, where: path }; // `-c` takes this one, not the pyproject
        } else cfg.problems.push(`${path}: a bandit config must be a mapping`);
      } catch (e) {
        cfg.problems.push(`${at(path, e)} cannot be parsed: ${firstLine(e)}`);
      }
    }
  }
  if (plugins) {
    const o = pluginOverrides(plugins.config, plugins.where);
    cfg.pluginParams = o.params;
    cfg.pluginKey = overridesKey(o.params);
    cfg.problems.push(...o.problems);
  }
  return cfg;
}

/**
 * The arguments that make bandit honour the config for a stdin run. bandit
 * 1.6 cannot read TOML: the pyproject's skips and tests become `-s`/`-t`.
 */
export function configArgs(cfg: ProjectBanditConfig, version: BanditVersion): string[] {
  const args: string[] = [];
  if (cfg.configFile) args.push('-c', cfg.configFile);
  else if (cfg.pyproject) {
    if (atLeast(version, 1, 7, 1)) args.push('-c', cfg.pyproject);
    else {
      if (cfg.skips.length) args.push('-s', cfg.skips.join(','));
      if (cfg.tests.length) args.push('-t', cfg.tests.join(','));
    }
  }
  if (cfg.ini) args.push('--ini', cfg.ini);
  return args;
}

/**
 * bandit's `_is_file_included` for the exclude part: a path is excluded when
 * an entry matches it as a glob or occurs in it. bandit sees paths as the
 * command line gave them (relative to where it ran, usually `./x/y.py`);
 * we try the path relative to the root with and without `./`, and the
 * absolute path.
 */
export function isExcluded(cfg: ProjectBanditConfig, file: string): boolean {
  if (cfg.excludeDirs.length === 0) return false;
  const abs = resolve(file);
  // Asked on every publish and hover: one answer per root, pattern set and path.
  return excludedAnswers.get(`${cfg.root}\0${cfg.excludeDirs.join('\0')}\0${abs}`, () => {
    const rel = relative(cfg.root, abs);
    const forms = rel.startsWith('..') ? [abs] : [rel, `./${rel}`, abs];
    return cfg.excludeDirs.some((entry) => forms.some((p) => fnmatch(p, entry) || p.includes(entry)));
  });
}

const excludedAnswers = new BoundedCache<boolean>();

/**
 * Whether the project's bandit config lets a rule run, as bandit reads
 * `tests` and `skips` (ids, or test names). `tests` narrows bandit's own
 * checks only: rules beyond bandit (PS…) run unless skipped by id.
 */
export function projectSelects(cfg: Pick<ProjectBanditConfig, 'skips' | 'tests'>, rule: { id: string; name: string }): boolean {
  const named = (list: readonly string[]) => list.includes(rule.id) || list.includes(rule.name);
  if (named(cfg.skips)) return false;
  if (cfg.tests.length > 0 && rule.id.startsWith('B') && !named(cfg.tests)) return false;
  return true;
}

/**
 * `path:line:column` of a parse error, as compilers say it (editors and
 * terminals open it there): smol-toml's TomlError has `line`/`column`,
 * yaml's YAMLParseError `linePos`. The path alone when the error has none.
 */
function at(path: string, e: unknown): string {
  const o = e as { line?: unknown; column?: unknown; linePos?: { line: number; col: number }[] };
  if (typeof o.line === 'number' && typeof o.column === 'number') return `${path}:${o.line}:${o.column}`;
  const pos = o.linePos?.[0];
  return pos ? `${path}:${pos.line}:${pos.col}` : path;
}

/** The error's first line, without smol-toml's "Invalid TOML document: " and yaml's " at line L, column C:" (`at` says them). */
function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e))
    .split('\n')[0]
    .replace(/^Invalid TOML document: /, '')
    .replace(/ at line \d+, column \d+:$/, '');
}
