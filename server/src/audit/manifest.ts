import type { Span } from '../findings/finding.js';

/**
 * What a manifest or lock file says, as the audit uses it: each requirement
 * with where its name and its specifier are written (UTF-16 offsets into the
 * file's text, as a Finding's), what could not be checked, and the files it
 * includes.
 */

export type ManifestKind = 'requirements' | 'pyproject' | 'poetry.lock' | 'uv.lock' | 'Pipfile.lock' | 'pylock';

export interface Requirement {
  /** The name as written. */
  name: string;
  /** PEP 503-normalised. */
  package: string;
  /** The PEP 440 specifier set (`>=1.0,<2`), '' for any version; a lock file's entry has `==<version>`. */
  specifier: string;
  /** The exact version pinned (`==`, `===`, or locked), or null. */
  pinned: string | null;
  /** From a lock file: the version is what gets installed. */
  locked: boolean;
  extras: string[];
  /** The environment marker as written (not evaluated: the target is not known), or null. */
  marker: string | null;
  /** 0-based line of the name. */
  line: number;
  nameSpan: Span;
  /** The written specifier or version (a lock file's version string, a poetry constraint), or null when none is written. */
  specSpan: Span | null;
  /** The whole requirement as written (continuation lines and options included). */
  span: Span;
  /** The comment on the requirement's line(s), if any (for `# pysec: ignore[...]`). */
  comment: { text: string; line: number; start: number } | null;
  /** Where it is declared (`project.dependencies`, `tool.poetry.group.dev.dependencies`, `default`); '' for a requirements file. */
  group: string;
}

/** A line the audit cannot check: a URL, a VCS or local path, an editable install, a version it cannot read. */
export interface NotChecked {
  line: number;
  span: Span;
  text: string;
  reason: string;
}

export interface Include {
  /** As written, relative to the including file's folder. */
  path: string;
  /** `-c`: a constraints file (its pins constrain, they do not install). */
  constraint: boolean;
  line: number;
  span: Span;
}

export interface Manifest {
  kind: ManifestKind;
  requirements: Requirement[];
  notChecked: NotChecked[];
  includes: Include[];
  /** What did not parse, with the 0-based line where known. */
  errors: { line: number; message: string }[];
}

/** Which manifest a file is, by its name; null when it is none the audit reads. */
export function manifestKind(path: string): ManifestKind | null {
  const base = path.split(/[\\/]/).pop() ?? '';
  const lower = base.toLowerCase();
  if (lower === 'pyproject.toml') return 'pyproject';
  if (lower === 'poetry.lock') return 'poetry.lock';
  if (lower === 'uv.lock') return 'uv.lock';
  if (lower === 'pipfile.lock') return 'Pipfile.lock';
  if (lower === 'pylock.toml' || (lower.startsWith('pylock.') && lower.endsWith('.toml'))) return 'pylock';
  if (lower.endsWith('.txt') && lower.startsWith('requirements')) return 'requirements';
  // pip-tools' inputs (`requirements.in`, `dev.in`); not the other `.in` files a project has (setuptools' MANIFEST.in, autotools' templates, `config.h.in`).
  if (lower.endsWith('.in') && lower.length > 3 && (lower.startsWith('requirements') || (!lower.slice(0, -3).includes('.') && !NOT_REQUIREMENTS_IN.has(lower)))) return 'requirements';
  return null;
}

const NOT_REQUIREMENTS_IN = new Set(['manifest.in', 'makefile.in', 'configure.in', 'gnumakefile.in', 'doxyfile.in']);

/** Whether a manifest kind is a lock file (its versions are what is installed). */
export function isLock(kind: ManifestKind): boolean {
  return kind === 'poetry.lock' || kind === 'uv.lock' || kind === 'Pipfile.lock' || kind === 'pylock';
}

/** 0-based line of `offset` in `text`, by the line starts given (ascending). */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where a requirement is written: every field of a Requirement that is not about the release. */
export type Placement = Pick<Requirement, 'line' | 'nameSpan' | 'specSpan' | 'span' | 'comment' | 'group'>;

/** A lock file's entry: `name` installed at exactly `version`. */
export function lockedRequirement(name: string, package_: string, version: string, marker: string | null, at: Placement): Requirement {
  return { name, package: package_, specifier: `==${version}`, pinned: version, locked: true, extras: [], marker, ...at };
}
