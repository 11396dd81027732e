import { basename, dirname } from 'node:path';
import { uriToPath } from '../files/uri.js';
import type { ManifestKind } from './adapter.js';

/**
 * Which documents the server audits as manifests, by name (without loading
 * the audit: a Python-only session never does): `requirements*.txt`,
 * `requirements*.in` (and any `.in` in a `requirements/` folder, as
 * pip-tools lays them out), `pyproject.toml`, `poetry.lock`, `uv.lock`,
 * `Pipfile.lock`, `pylock.toml`/`pylock.*.toml`: a part of the names the
 * audit reads (audit/manifest.ts `manifestKind`). Any other `.in` file
 * (`MANIFEST.in`, `Makefile.in`, `config.h.in`) is not a requirements file.
 */
export function manifestKindOf(path: string): ManifestKind | null {
  const name = basename(path);
  const lower = name.toLowerCase();
  if (lower === 'pyproject.toml') return 'pyproject';
  if (lower === 'poetry.lock') return 'poetry.lock';
  if (lower === 'uv.lock') return 'uv.lock';
  if (lower === 'pipfile.lock') return 'Pipfile.lock';
  if (lower === 'pylock.toml' || (lower.startsWith('pylock.') && lower.endsWith('.toml'))) return 'pylock';
  if (lower.startsWith('requirements') && (lower.endsWith('.txt') || lower.endsWith('.in'))) return 'requirements';
  if (lower.endsWith('.in') && lower.length > 3 && basename(dirname(path)).toLowerCase() === 'requirements') return 'requirements';
  return null;
}

/** A lock file: its versions are what gets installed, and its tool writes it. */
export function isLockKind(kind: ManifestKind): boolean {
  return kind === 'poetry.lock' || kind === 'uv.lock' || kind === 'Pipfile.lock' || kind === 'pylock';
}

/** The manifest a document is: only `file:` URIs (the audit reads the lock files beside it). */
export function manifestOf(uri: string): { path: string; kind: ManifestKind } | null {
  if (!uri.startsWith('file:')) return null;
  const path = uriToPath(uri);
  if (path === uri) return null;
  const kind = manifestKindOf(path);
  return kind ? { path, kind } : null;
}
