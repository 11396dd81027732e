import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { DJANGO_SETTINGS_MARKERS, SETTINGS_MODULE_MARKERS, type SettingsView } from './facts.js';

/**
 * Which web frameworks a file, or a folder of files, uses: Django, Flask,
 * FastAPI. Two sources, both cheap: the modules a file imports, and settings
 * modules (a file named `settings.py` or living in a `settings/` package, or
 * a module assigning Django's `INSTALLED_APPS`, `ROOT_URLCONF`, ... or a
 * `SECRET_KEY`).
 *
 * Per document, from the facts the engine keeps anyway (`FileContext`):
 * `detectDocument`. Per folder, for the report: `scanFolder`, which reads the
 * files' import lines and settings assignments without parsing them.
 */
export type Framework = 'django' | 'flask' | 'fastapi';

export const FRAMEWORKS: readonly Framework[] = ['django', 'flask', 'fastapi'];

export const FRAMEWORK_NAMES: Readonly<Record<Framework, string>> = { django: 'Django', flask: 'Flask', fastapi: 'FastAPI' };

/** Top-level packages that belong to one framework's ecosystem (beside its own `django`, `flask`, `fastapi`). */
const ECOSYSTEM: Readonly<Record<string, Framework>> = {
  rest_framework: 'django',
  corsheaders: 'django',
  channels: 'django',
};

/**
 * The framework an imported module belongs to: `django.http` and
 * `django_filters` → django, `flask_login.LoginManager` → flask,
 * `fastapi.responses` → fastapi; anything else → null. (Starlette alone is
 * not FastAPI, and says nothing.)
 */
export function frameworkOfModule(module: string): Framework | null {
  const top = module.replace(/^\.+/, '').split('.')[0];
  if (!top) return null;
  for (const f of FRAMEWORKS) if (top === f || top.startsWith(`${f}_`)) return f;
  return ECOSYSTEM[top] ?? null;
}

/** `settings.py`, `*_settings.py`, `settings_*.py`, or any module of a `settings/` package. */
export function isSettingsFilename(path: string): boolean {
  const norm = path.replace(/\\/g, '/');
  const name = basename(norm);
  if (!name.endsWith('.py')) return false;
  if (/^(?:\w+_)?settings(?:_\w+)?\.py$/.test(name)) return true;
  return basename(dirname(norm)) === 'settings';
}

export interface DocumentFrameworks {
  frameworks: ReadonlySet<Framework>;
  /** A settings module: by its name, or because it assigns Django's settings or a `SECRET_KEY`. */
  settingsModule: boolean;
}

/**
 * One document's frameworks: those of its imports (anywhere in the file,
 * whatever their position), and Django when it is a Django settings module
 * (it assigns `INSTALLED_APPS`, `ROOT_URLCONF`, ...).
 */
export function detectDocument(input: { modules: Iterable<string>; settings: SettingsView; filename: string }): DocumentFrameworks {
  const frameworks = new Set<Framework>();
  for (const m of input.modules) {
    const f = frameworkOfModule(m);
    if (f) frameworks.add(f);
  }
  const djangoSettings = input.settings.hasAny(DJANGO_SETTINGS_MARKERS);
  if (djangoSettings) frameworks.add('django');
  const settingsModule = isSettingsFilename(input.filename) || djangoSettings || input.settings.has('SECRET_KEY');
  return { frameworks, settingsModule };
}

// ------------------------------------------------------------------ folders

export interface FrameworkEvidence {
  framework: Framework;
  /** Path relative to the scanned folder, with `/` separators. */
  path: string;
  /** 1-based. */
  line: number;
  /** What was seen: `import flask`, `INSTALLED_APPS = ...`, `DJANGO_SETTINGS_MODULE`. */
  reason: string;
}

export interface FolderFrameworks {
  /** The frameworks found, most files first, each with how many files show it and up to `evidencePerFramework` examples. */
  frameworks: { framework: Framework; name: string; files: number; evidence: FrameworkEvidence[] }[];
  /** Settings modules (relative paths). */
  settingsModules: string[];
  filesScanned: number;
  /** The scan stopped at `maxFiles`. */
  truncated: boolean;
}

export interface ScanOptions {
  /** Stop after this many Python files (default 5000). */
  maxFiles?: number;
  /** Skip files larger than this (default 2 MB). */
  maxBytes?: number;
  /** Examples kept per framework (default 5). */
  evidencePerFramework?: number;
  /** Extra folders to leave out, by relative path (`/` separators); hidden folders, virtualenvs and caches are always left out. */
  exclude?: (relPath: string) => boolean;
}

const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'env', 'virtualenv', 'build', 'dist', 'htmlcov']);

/** What one file's text says about frameworks (no parsing: import lines and settings assignments). */
export function scanSource(text: string, path: string): { evidence: FrameworkEvidence[]; settingsModule: boolean } {
  const evidence: FrameworkEvidence[] = [];
  const seen = new Set<Framework>();
  const add = (framework: Framework | null, line: number, reason: string) => {
    if (!framework || seen.has(framework)) return;
    seen.add(framework);
    evidence.push({ framework, path, line, reason });
  };
  let settingsModule = isSettingsFilename(path);
  let inString: string | null = null;
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // Lines inside a triple-quoted string are prose, not code (a rough reading: good enough for imports).
    const quotes = line.match(/"""|'''/g) ?? [];
    const wasInString = inString !== null;
    for (const q of quotes) inString = inString === null ? q : inString === q ? null : inString;
    if (wasInString) continue;
    const imp = /^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)/.exec(line);
    if (imp) {
      for (const part of imp[1].split(',')) {
        const mod = part.trim().split(/\s+/)[0];
        add(frameworkOfModule(mod), i + 1, `import ${mod}`);
      }
      continue;
    }
    // `from\s+([\w.]*)\s+import` as written so that no blank can go to either `\s+` (quadratic on a line of blanks).
    const from = /^\s*from\s+(?:([\w.]+)\s+|\s)import\b/.exec(line);
    if (from) {
      const module = from[1] ?? '';
      add(frameworkOfModule(module), i + 1, `from ${module} import ...`);
      continue;
    }
    const assign = /^([A-Z][A-Z0-9_]*)\s*=(?!=)/.exec(line);
    if (assign && SETTINGS_MODULE_MARKERS.includes(assign[1])) {
      settingsModule = true;
      if (DJANGO_SETTINGS_MARKERS.includes(assign[1])) add('django', i + 1, `${assign[1]} = ...`);
      continue;
    }
    if (/["']DJANGO_SETTINGS_MODULE["']/.test(line)) add('django', i + 1, 'DJANGO_SETTINGS_MODULE');
  }
  return { evidence, settingsModule };
}

/**
 * The frameworks of a folder's Python files (recursively; hidden folders,
 * virtualenvs, `node_modules` and caches left out). Synchronous and
 * bounded: meant for the workspace report, not for every keystroke.
 */
export function scanFolder(root: string, options: ScanOptions = {}): FolderFrameworks {
  const maxFiles = options.maxFiles ?? 5000;
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const keep = options.evidencePerFramework ?? 5;
  const byFramework = new Map<Framework, { files: number; evidence: FrameworkEvidence[] }>();
  const settingsModules: string[] = [];
  let filesScanned = 0;
  let truncated = false;

  const visit = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (truncated) return;
      const path = join(dir, name);
      const rel = relative(root, path).split(sep).join('/');
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (name.startsWith('.') || SKIP_DIRS.has(name) || name.endsWith('.egg-info') || options.exclude?.(rel)) continue;
        visit(path);
        continue;
      }
      if (!name.endsWith('.py') || st.size > maxBytes) continue;
      if (filesScanned >= maxFiles) {
        truncated = true;
        return;
      }
      filesScanned++;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const found = scanSource(text, rel);
      if (found.settingsModule) settingsModules.push(rel);
      for (const e of found.evidence) {
        const entry = byFramework.get(e.framework) ?? { files: 0, evidence: [] };
        entry.files++;
        if (entry.evidence.length < keep) entry.evidence.push(e);
        byFramework.set(e.framework, entry);
      }
    }
  };
  visit(root);

  const frameworks = [...byFramework.entries()]
    .map(([framework, v]) => ({ framework, name: FRAMEWORK_NAMES[framework], files: v.files, evidence: v.evidence }))
    .sort((a, b) => b.files - a.files || FRAMEWORKS.indexOf(a.framework) - FRAMEWORKS.indexOf(b.framework));
  return { frameworks, settingsModules, filesScanned, truncated };
}
