import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '../files/read.js';
import { pythonFiles } from '../files/walk.js';
import { normaliseName } from './names.js';

/**
 * Which top-level modules a project's Python files import, and which
 * modules each installed distribution provides (an installed virtualenv's
 * `*.dist-info`: `top_level.txt`, else `RECORD`). Files are only read,
 * nothing is executed.
 */

/** Adds the top-level module of every absolute `import a.b` / `from a.b import c` in `text` to `out`. */
export function importsOfText(text: string, out: Set<string>): void {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    // Statements after `;` too; a cheap pre-check keeps most lines out.
    if (!line.includes('import')) continue;
    for (const stmt of line.split(';')) {
      const words = stmt.trim().split(/[\s,()]+/);
      if (words[0] === 'import') {
        for (let i = 1; i < words.length; i++) {
          const w = words[i];
          if (w === 'as') {
            i++;
            continue;
          }
          if (w === '\\' || w === '') continue;
          if (w.startsWith('#')) break;
          addModule(w, out);
        }
      } else if (words[0] === 'from' && words[1] && !words[1].startsWith('.')) addModule(words[1], out);
    }
  }
}

function addModule(dotted: string, out: Set<string>): void {
  const top = dotted.split('.')[0];
  if (top && /^[A-Za-z_][A-Za-z0-9_]*$/.test(top)) out.add(top);
}

/** At most this many Python files are read for their imports (then the answer is "not known"). */
export const MAX_IMPORT_FILES = 20_000;

/** The imports of the Python files below `root` (virtualenvs and caches skipped); null when there are too many to read. */
export function projectImports(root: string): Set<string> | null {
  const { files } = pythonFiles([root]);
  if (files.length > MAX_IMPORT_FILES) return null;
  const out = new Set<string>();
  for (const f of files) {
    try {
      importsOfText(readRegularFile(f).toString('utf8'), out);
    } catch {
      /* unreadable: its imports are unknown, the others still count */
    }
  }
  return out;
}

/** The top-level modules of the distributions installed in `root`'s `.venv` or `venv`, by normalised name. */
export function installedTopLevels(root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const venv of ['.venv', 'venv']) {
    let libs: string[];
    try {
      libs = readdirSync(join(root, venv, 'lib')).filter((d) => d.startsWith('python'));
    } catch {
      continue;
    }
    for (const lib of libs) {
      const site = join(root, venv, 'lib', lib, 'site-packages');
      let entries: string[];
      try {
        entries = readdirSync(site).filter((d) => d.endsWith('.dist-info'));
      } catch {
        continue;
      }
      for (const d of entries) {
        const dist = normaliseName(d.slice(0, d.length - '.dist-info'.length).split('-')[0]);
        const mods = topLevelOf(join(site, d));
        if (dist && mods.length) out.set(dist, mods);
      }
    }
  }
  return out;
}

function topLevelOf(distInfo: string): string[] {
  try {
    return readRegularFile(join(distInfo, 'top_level.txt'))
      .toString('utf8')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s && !s.includes('/'));
  } catch {
    /* no top_level.txt (newer build backends): RECORD's paths */
  }
  try {
    const mods = new Set<string>();
    for (const row of readRegularFile(join(distInfo, 'RECORD')).toString('utf8').split('\n')) {
      const path = row.split(',')[0];
      if (!path || path.startsWith('..') || path.startsWith('/')) continue;
      const first = path.split('/')[0];
      if (first.endsWith('.dist-info') || first.endsWith('.data') || first === '__pycache__') continue;
      const mod = path.includes('/') ? first : first.endsWith('.py') ? first.slice(0, -3) : null;
      if (mod && /^[A-Za-z_][A-Za-z0-9_]*$/.test(mod)) mods.add(mod);
    }
    return [...mods];
  } catch {
    return [];
  }
}
