import type { Manifest, ManifestKind } from './manifest.js';
import { lineAt, lockedRequirement } from './manifest.js';
import { normaliseName } from './names.js';
import { innerSpan, readToml, withLine, type TomlDoc } from './pyproject.js';
import { commentAfter, pathKey } from './toml-spans.js';
import { validVersion } from './versions.js';
import { lineStartsOf } from '../positions/lines.js';

/**
 * Lock files: each package with the version that gets installed.
 * `poetry.lock` and `uv.lock` (`[[package]]`), PEP 751's `pylock.toml`
 * (`[[packages]]`), and Pipenv's `Pipfile.lock` (JSON).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function empty(kind: ManifestKind): Manifest {
  return { kind, requirements: [], notChecked: [], includes: [], errors: [] };
}

/** One `[[package]]` entry at `table[index]`: locked at its version, unless its source is not an index. */
function lockedEntry(doc: TomlDoc, table: string, index: number, entry: Obj, out: Manifest): void {
  const name = typeof entry.name === 'string' ? entry.name : null;
  if (!name) return;
  const nameTok = doc.spans.values.get(pathKey([table, index, 'name']));
  const versionTok = doc.spans.values.get(pathKey([table, index, 'version']));
  const nameSpan = nameTok ? innerSpan(doc, nameTok) : { start: 0, end: 0 };
  const line = lineAt(doc.starts, nameSpan.start);
  const span = { start: nameTok?.span.start ?? 0, end: versionTok?.span.end ?? nameTok?.span.end ?? 0 };
  const source = isObj(entry.source) ? entry.source : null;
  // The project itself (uv: editable/virtual) is not a release: nothing to say.
  if (source && ('editable' in source || 'virtual' in source)) return;
  const other = source && ['git', 'path', 'directory', 'url'].find((k) => k in source);
  const version = typeof entry.version === 'string' ? entry.version : null;
  if (other || (isObj(entry.vcs) || isObj(entry.directory))) {
    out.notChecked.push({ line, span, text: name, reason: `locked from a ${other ?? 'VCS or local'} source: no release to check` });
    return;
  }
  if (version === null || validVersion(version) === null) {
    out.notChecked.push({ line, span, text: name, reason: version === null ? 'no version locked' : `"${version}" is not a PEP 440 version` });
    return;
  }
  out.requirements.push(
    lockedRequirement(name, normaliseName(name), version, typeof entry.markers === 'string' ? entry.markers : typeof entry.marker === 'string' ? entry.marker : null, {
      line,
      nameSpan,
      specSpan: versionTok ? innerSpan(doc, versionTok) : null,
      span,
      comment: withLine(doc, commentAfter(doc.text, doc.spans, versionTok?.span.end ?? nameTok?.span.end ?? 0)),
      group: typeof entry.category === 'string' ? entry.category : '',
    }),
  );
}

/** `poetry.lock`, `uv.lock` (`[[package]]`) or `pylock.toml` (`[[packages]]`). */
export function parseTomlLock(text: string, kind: 'poetry.lock' | 'uv.lock' | 'pylock'): Manifest {
  const doc = readToml(text, kind);
  if (!('data' in doc)) return doc;
  const out = empty(kind);
  const table = kind === 'pylock' ? 'packages' : 'package';
  const list = doc.data[table];
  if (!Array.isArray(list)) return out;
  list.forEach((entry, k) => {
    if (isObj(entry)) lockedEntry(doc, table, k, entry, out);
  });
  return out;
}

/**
 * `Pipfile.lock`: `default` and `develop` map names to `{version: "==1.2"}`.
 * JSON has no comments and one key per name: each name's place is found as
 * its quoted key after its section's key.
 */
export function parsePipfileLock(text: string): Manifest {
  const out = empty('Pipfile.lock');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    out.errors.push({ line: 0, message: (e as Error).message });
    return out;
  }
  if (!isObj(data)) return out;
  const starts = lineStartsOf(text);
  for (const section of ['default', 'develop']) {
    const deps = data[section];
    if (!isObj(deps)) continue;
    const sectionAt = text.indexOf(JSON.stringify(section));
    let from = sectionAt < 0 ? 0 : sectionAt;
    for (const [name, v] of Object.entries(deps)) {
      const key = JSON.stringify(name);
      const at = text.indexOf(key, from);
      const nameSpan = at < 0 ? { start: 0, end: 0 } : { start: at + 1, end: at + key.length - 1 };
      if (at >= 0) from = at + key.length;
      const line = lineAt(starts, nameSpan.start);
      const entry = isObj(v) ? v : {};
      const raw = typeof entry.version === 'string' ? entry.version : null;
      const version = raw?.startsWith('==') ? raw.slice(2).trim() : null;
      const vAt = raw === null || at < 0 ? -1 : text.indexOf(JSON.stringify(raw), at);
      const specSpan = vAt < 0 ? null : { start: vAt + 1, end: vAt + JSON.stringify(raw).length - 1 };
      const span = { start: nameSpan.start, end: specSpan?.end ?? nameSpan.end };
      if (version === null || validVersion(version) === null) {
        const how = ['git', 'path', 'file', 'editable'].find((k) => k in entry);
        out.notChecked.push({ line, span, text: name, reason: how ? `a ${how} source: no release to check` : 'no version locked' });
        continue;
      }
      out.requirements.push(
        lockedRequirement(name, normaliseName(name), version, typeof entry.markers === 'string' ? entry.markers : null, {
          line,
          nameSpan,
          specSpan: specSpan ? { start: specSpan.start + 2, end: specSpan.end } : null,
          span,
          comment: null,
          group: section,
        }),
      );
    }
  }
  return out;
}
