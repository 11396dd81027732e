import * as z from 'zod/mini';
import { DEFAULT_SETTINGS } from './defaults.js';
import { description, SECTION, SettingsSchema, type SettingsPatch } from './schema.js';

/**
 * Reading what a client sent as settings, value by value: every valid value
 * is kept, every bad one is dropped (so the layer beneath, in the end the
 * default, applies) and described in a problem that names the setting.
 * Pure: no I/O, no LSP.
 */

export interface Problem {
  /** The full setting name, `pysec.minSeverity`. */
  setting: string;
  /** One sentence, naming the setting, what was wrong and what is used instead. */
  message: string;
}

export interface Parsed {
  patch: SettingsPatch;
  problems: Problem[];
}

export interface ParseOptions {
  /**
   * Whether `id` (a rule id or a test name) names a rule pysec or bandit
   * knows. Unknown names in `rules.select`/`rules.ignore`/`severity.overrides`
   * are kept (a bandit plugin may define them) but reported.
   */
  knownRule?: (idOrName: string) => boolean;
  /** Every rule id and test name known, for "did you mean" on an unknown one. */
  ruleNames?: () => Iterable<string>;
}

type AnySchema = z.ZodMiniType;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function defaultAt(path: readonly string[]): unknown {
  let v: unknown = DEFAULT_SETTINGS;
  for (const k of path) {
    if (!isPlainObject(v)) return undefined;
    v = v[k];
  }
  return v;
}

function fallback(path: readonly string[]): string {
  const d = defaultAt(path);
  if (d === undefined) return 'it is left unset';
  if (isPlainObject(d)) return 'using the defaults';
  return `using the default ${show(d)}`;
}

const name = (path: readonly string[]) => [SECTION, ...path].join('.');

function unwrapOptional(schema: AnySchema): AnySchema {
  let s = schema;
  while (s instanceof z.ZodMiniOptional || s instanceof z.ZodMiniNullable || s instanceof z.ZodMiniDefault) s = s._zod.def.innerType as AnySchema;
  return s;
}

function expects(schema: AnySchema): string {
  return description(schema) ?? description(unwrapOptional(schema)) ?? 'a valid value';
}

/** Every settings path (groups and leaves), for "did you mean" suggestions. */
function allPaths(schema: AnySchema, prefix: string[] = [], out: string[][] = []): string[][] {
  const s = unwrapOptional(schema);
  if (s instanceof z.ZodMiniObject) {
    for (const [k, child] of Object.entries(s.shape as Record<string, AnySchema>)) {
      out.push([...prefix, k]);
      allPaths(child, [...prefix, k], out);
    }
  }
  return out;
}

const PATHS = allPaths(SettingsSchema);
const TOP_KEYS = new Set(Object.keys(SettingsSchema.shape));

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The setting a misspelt or misplaced key most likely meant, if any is close. */
export function suggest(path: readonly string[]): string | undefined {
  const key = path[path.length - 1].toLowerCase();
  const parent = path.slice(0, -1).join('.');
  let best: { path: string[]; score: number } | undefined;
  for (const p of PATHS) {
    const last = p[p.length - 1].toLowerCase();
    const sameParent = p.slice(0, -1).join('.') === parent;
    let score: number;
    if (last === key) score = sameParent ? 0 : 1;
    else {
      const d = distance(key, last);
      const limit = Math.max(1, Math.floor(Math.max(key.length, last.length) / 4));
      if (d <= limit) score = d + (sameParent ? 0 : 2);
      else if (key.length >= 4 && (last.startsWith(key) || key.startsWith(last)) && sameParent) score = 3;
      else continue;
    }
    if (!best || score < best.score) best = { path: p, score };
  }
  return best && best.path.join('.') !== path.join('.') ? name(best.path) : undefined;
}

/**
 * The known rule id or test name an unknown one most likely meant: the same
 * but for case, else the nearest within a quarter of its length (at least
 * one edit: `B6O2` → `B602`). Long inputs get no suggestion (the distance is
 * quadratic, and a workspace file may hold anything).
 */
export function closestRule(id: string, names: Iterable<string>): string | undefined {
  if (id.length > 64) return undefined;
  const key = id.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const n of names) {
    const low = n.toLowerCase();
    if (low === key) return n;
    if (Math.abs(low.length - key.length) > 3) continue;
    const d = distance(key, low);
    if (d <= Math.max(1, Math.floor(Math.max(key.length, low.length) / 4)) && (!best || d < best.d)) best = { name: n, d };
  }
  return best?.name;
}

class Walker {
  readonly problems: Problem[] = [];

  constructor(private readonly opts: ParseOptions) {}

  problem(path: readonly string[], message: string): void {
    this.problems.push({ setting: name(path), message });
  }

  /** Returns the valid part of `value` for `schema`, or undefined when nothing in it is valid. */
  walk(schema: AnySchema, value: unknown, path: string[]): unknown {
    // null is how several clients (lsp-mode, Sublime) say "not set".
    if (value === null || value === undefined) return undefined;
    const s = unwrapOptional(schema);
    // `[]` where an object belongs is an empty object as Lua (Neovim) and some Emacs encoders send it.
    if ((s instanceof z.ZodMiniObject || s instanceof z.ZodMiniRecord) && Array.isArray(value) && value.length === 0) return undefined;
    if (s instanceof z.ZodMiniObject) return this.group(s, value, path);
    if (s instanceof z.ZodMiniRecord) return this.record(s, value, path);
    const r = schema.safeParse(value);
    if (!r.success) {
      this.problem(path, `${name(path)} must be ${expects(schema)}, not ${show(value)}; ${fallback(path)}.`);
      return undefined;
    }
    this.checkRuleNames(path, r.data);
    return r.data;
  }

  private group(schema: z.ZodMiniObject, value: unknown, path: string[]): unknown {
    if (!isPlainObject(value)) {
      this.problem(path, `${path.length ? name(path) : `the "${SECTION}" settings`} must be ${expects(schema)}, not ${show(value)}; ${fallback(path)}.`);
      return undefined;
    }
    const shape = schema.shape as Record<string, AnySchema>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const child = Object.hasOwn(shape, k) ? shape[k] : undefined;
      if (!child) {
        const hint = suggest([...path, k]);
        this.problem([...path, k], `unknown setting ${name([...path, k])}${hint ? ` (did you mean ${hint}?)` : ''}; it is ignored.`);
        continue;
      }
      const parsed = this.walk(child, v, [...path, k]);
      if (parsed !== undefined) out[k] = parsed;
    }
    return out;
  }

  private record(schema: z.ZodMiniRecord, value: unknown, path: string[]): unknown {
    if (!isPlainObject(value)) {
      this.problem(path, `${name(path)} must be ${expects(schema)}, not ${show(value)}; ${fallback(path)}.`);
      return undefined;
    }
    const valueType = schema._zod.def.valueType as AnySchema;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      const r = valueType.safeParse(v);
      if (!r.success) {
        this.problem([...path, k], `${name(path)}["${k}"] must be ${expects(valueType)}, not ${show(v)}; that entry is ignored.`);
        continue;
      }
      out[k] = r.data;
    }
    this.checkRuleNames(path, Object.keys(out));
    return out;
  }

  private checkRuleNames(path: readonly string[], data: unknown): void {
    const known = this.opts.knownRule;
    if (!known) return;
    const p = path.join('.');
    if (p !== 'rules.select' && p !== 'rules.ignore' && p !== 'severity.overrides') return;
    const unknown = (data as string[]).filter((id) => !known(id));
    if (unknown.length === 0) return;
    const names = this.opts.ruleNames;
    const said = unknown.map((u) => {
      const near = names ? closestRule(u, names()) : undefined;
      return near ? `"${u}" (did you mean "${near}"?)` : `"${u}"`;
    });
    this.problem(
      path,
      `${name(path)}: ${said.join(', ')} ${unknown.length === 1 ? 'names' : 'name'} no pysec rule or bandit test; kept in case a bandit plugin defines ${unknown.length === 1 ? 'it' : 'them'}.`,
    );
  }
}

/** `{"a.b": 1}` → `{a: {b: 1}}`, merged with what is already nested (top level only). */
function expandDotted(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const assign = (target: Record<string, unknown>, keys: string[], v: unknown) => {
    let t = target;
    for (const k of keys.slice(0, -1)) {
      if (!isPlainObject(t[k])) t[k] = {};
      t = t[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    if (isPlainObject(t[last]) && isPlainObject(v)) t[last] = { ...(t[last] as Record<string, unknown>), ...v };
    else t[last] = v;
  };
  for (const [k, v] of Object.entries(obj)) assign(out, k.includes('.') ? k.split('.') : [k], v);
  return out;
}

/**
 * The `pysec` section of what a client sent. Clients send it wrapped
 * (`{pysec: {...}}`: Neovim's `settings`, lsp-mode, a didChangeConfiguration
 * payload), bare (Helix's `config`, Eglot's `:initializationOptions`) or
 * flattened (`{"pysec.bandit.enabled": false}`). When `shared` is true, the
 * object may hold other servers' sections too: then it is ours only if it is
 * wrapped, flattened, or has one of our top-level keys.
 */
export function extractSection(raw: unknown, shared = false): unknown {
  if (Array.isArray(raw) && raw.length === 0) return undefined; // Lua's empty table
  if (!isPlainObject(raw)) return shared ? undefined : raw;
  const expanded = expandDotted(raw);
  if (Object.hasOwn(expanded, SECTION)) {
    const section = expanded[SECTION];
    return isPlainObject(section) ? expandDotted(section) : section;
  }
  if (shared && !Object.keys(expanded).some((k) => TOP_KEYS.has(k))) return undefined;
  return expanded;
}

/** Validates one source of settings (already the `pysec` section). */
export function parseSettings(section: unknown, opts: ParseOptions = {}): Parsed {
  const w = new Walker(opts);
  const patch = (w.walk(SettingsSchema, section, []) ?? {}) as SettingsPatch;
  return { patch, problems: w.problems };
}
