import { parse as parseToml } from 'smol-toml';
import type { Manifest, NotChecked, Requirement } from './manifest.js';
import { lineAt } from './manifest.js';
import { normaliseName } from './names.js';
import { declaredRequirement, parseRequirement, uncheckable } from './requirement.js';
import { poetryToPep440 } from './poetry-constraint.js';
import { commentAfter, pathKey, scanToml, type TomlPath, type TomlSpans, type TomlString } from './toml-spans.js';
import { pinnedBy, validSpecifier } from './versions.js';
import { lineStartsOf } from '../positions/lines.js';

/**
 * `pyproject.toml`: PEP 621's `[project] dependencies` and
 * `optional-dependencies`, PEP 735's `[dependency-groups]`, and poetry's
 * `[tool.poetry.dependencies]`, `dev-dependencies` and
 * `group.<name>.dependencies` (their `^`/`~` constraints as PEP 440).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** What the TOML parse gives a manifest reader: the values, their places, the line starts. */
export interface TomlDoc {
  text: string;
  data: Obj;
  spans: TomlSpans;
  starts: number[];
}

/** The TOML parsed, or the manifest with its one error. */
export function readToml(text: string, kind: Manifest['kind']): TomlDoc | Manifest {
  try {
    return { text, data: parseToml(text) as Obj, spans: scanToml(text), starts: lineStartsOf(text) };
  } catch (e) {
    const o = e as { line?: unknown; message?: unknown };
    const line = typeof o.line === 'number' ? o.line - 1 : 0;
    return { kind, requirements: [], notChecked: [], includes: [], errors: [{ line, message: String(o.message ?? e).split('\n')[0] }] };
  }
}

/** A string token's content (inside the quotes) when it is written as is (no escapes), else the whole token. */
export function innerSpan(doc: TomlDoc, s: TomlString): { start: number; end: number } {
  const quote = doc.text.startsWith('"""', s.span.start) || doc.text.startsWith("'''", s.span.start) ? 3 : 1;
  const start = s.span.start + quote;
  return doc.text.slice(start, start + s.value.length) === s.value ? { start, end: start + s.value.length } : s.span;
}

const nowhere = { start: 0, end: 0 };

/** A PEP 508 string at `path` as a requirement (or a line not checked). */
function fromPep508(doc: TomlDoc, path: TomlPath, value: string, group: string, out: Manifest): void {
  const tok = doc.spans.values.get(pathKey(path));
  const inner = tok ? innerSpan(doc, tok) : nowhere;
  const exact = tok ? inner !== tok.span : false;
  const at = (i: number) => (exact ? inner.start + i : inner.start);
  const line = lineAt(doc.starts, inner.start);
  const r = parseRequirement(value);
  if ('error' in r) {
    out.errors.push({ line, message: r.error });
    return;
  }
  const span = tok ? tok.span : nowhere;
  const why = uncheckable(r);
  if (why !== null) {
    out.notChecked.push({ line, span, text: value, reason: why });
    return;
  }
  out.requirements.push(
    declaredRequirement(r, {
      line,
      nameSpan: exact ? { start: at(r.nameStart), end: at(r.nameEnd) } : span,
      specSpan: r.specifier ? (exact ? { start: at(r.specStart), end: at(r.specEnd) } : span) : null,
      span,
      comment: tok ? withLine(doc, commentAfter(doc.text, doc.spans, tok.span.end)) : null,
      group,
    }),
  );
}

export function withLine(doc: TomlDoc, c: { text: string; start: number } | null): Requirement['comment'] {
  return c ? { text: c.text, start: c.start, line: lineAt(doc.starts, c.start) } : null;
}

/** Poetry's `name = "^1.2"` or `name = { version = "^1.2", ... }` (or a list of those) at `path`. */
function fromPoetry(doc: TomlDoc, path: TomlPath, name: string, value: unknown, group: string, out: Manifest): void {
  const key = doc.spans.keys.get(pathKey(path));
  const nameSpan = key ? key.span : nowhere;
  const line = lineAt(doc.starts, nameSpan.start);
  const entries: { v: unknown; at: TomlPath }[] = Array.isArray(value) ? value.map((v, k) => ({ v, at: [...path, k] })) : [{ v: value, at: path }];
  for (const { v, at } of entries) {
    const table = isObj(v) ? v : null;
    const constraint = typeof v === 'string' ? v : typeof table?.version === 'string' ? table.version : null;
    const vPath = typeof v === 'string' ? at : [...at, 'version'];
    const tok = doc.spans.values.get(pathKey(vPath));
    const span = { start: nameSpan.start, end: tok ? tok.span.end : nameSpan.end };
    if (constraint === null) {
      const how = table && ['git', 'path', 'url', 'file'].find((k) => k in table);
      out.notChecked.push({ line, span, text: name, reason: how ? `a ${how} source: no version to check` : 'no version constraint' });
      continue;
    }
    const specifier = poetryToPep440(constraint);
    if (specifier === null || !validSpecifier(specifier)) {
      out.notChecked.push({ line, span, text: `${name} ${constraint}`, reason: `"${constraint}" has no PEP 440 form the audit reads` });
      continue;
    }
    const markers = typeof table?.markers === 'string' ? table.markers : null;
    const extras = Array.isArray(table?.extras) ? (table.extras as unknown[]).filter((e): e is string => typeof e === 'string').map(normaliseName) : [];
    out.requirements.push({
      name,
      package: normaliseName(name),
      specifier,
      pinned: pinnedBy(specifier),
      locked: false,
      extras,
      marker: markers,
      line,
      nameSpan,
      specSpan: tok ? innerSpan(doc, tok) : null,
      span,
      comment: withLine(doc, commentAfter(doc.text, doc.spans, tok ? tok.span.end : nameSpan.end)),
      group,
    });
  }
}

export function parsePyproject(text: string): Manifest {
  const doc = readToml(text, 'pyproject');
  if (!('data' in doc)) return doc;
  const out: Manifest = { kind: 'pyproject', requirements: [], notChecked: [], includes: [], errors: [] };
  const list = (path: string[], v: unknown, group: string) => {
    if (!Array.isArray(v)) return;
    v.forEach((item, k) => {
      if (typeof item === 'string') fromPep508(doc, [...path, k], item, group, out);
      // PEP 735's `{include-group = "x"}` names another group, read on its own.
    });
  };
  const project = isObj(doc.data.project) ? doc.data.project : {};
  list(['project', 'dependencies'], project.dependencies, 'project.dependencies');
  if (isObj(project['optional-dependencies'])) {
    for (const [g, deps] of Object.entries(project['optional-dependencies'])) list(['project', 'optional-dependencies', g], deps, `project.optional-dependencies.${g}`);
  }
  if (isObj(doc.data['dependency-groups'])) {
    for (const [g, deps] of Object.entries(doc.data['dependency-groups'])) list(['dependency-groups', g], deps, `dependency-groups.${g}`);
  }
  const tool = isObj(doc.data.tool) ? doc.data.tool : {};
  const poetry = isObj(tool.poetry) ? tool.poetry : null;
  if (poetry) {
    const tables: { path: string[]; deps: unknown }[] = [
      { path: ['tool', 'poetry', 'dependencies'], deps: poetry.dependencies },
      { path: ['tool', 'poetry', 'dev-dependencies'], deps: poetry['dev-dependencies'] },
    ];
    if (isObj(poetry.group)) {
      for (const [g, body] of Object.entries(poetry.group)) if (isObj(body)) tables.push({ path: ['tool', 'poetry', 'group', g, 'dependencies'], deps: body.dependencies });
    }
    for (const t of tables) {
      if (!isObj(t.deps)) continue;
      for (const [name, v] of Object.entries(t.deps)) {
        if (normaliseName(name) === 'python') continue;
        fromPoetry(doc, [...t.path, name], name, v, t.path.join('.'), out);
      }
    }
  }
  return out;
}

export type { NotChecked };
