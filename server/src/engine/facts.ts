import type { Node } from 'web-tree-sitter';
import { IMPORT_QUERY } from './imports.js';
import { unparen } from './pyast.js';

/**
 * File-wide facts besides the imports: assignments to a few settings names
 * whose meaning reaches across statements. A Django settings module is
 * recognised by `INSTALLED_APPS = ...` anywhere in it, and
 * django-cors-headers' `CORS_ALLOW_ALL_ORIGINS = True` is only a problem
 * together with `CORS_ALLOW_CREDENTIALS = True`, usually statements apart.
 *
 * They are kept like the imports (`incremental.ts`): collected with them in
 * one query, shifted through edits, re-collected where the text changed, and
 * when the list changes (a name appears or goes, a watched value changes)
 * every rule runs again. The names are few and specific, so that typing
 * anywhere else never costs a full run.
 */
export interface SettingFact {
  start: number;
  end: number;
  /** The assigned name (`INSTALLED_APPS`). */
  name: string;
  /** For names whose value matters (VALUED): `True`, `False` or `other`; otherwise ''. */
  value: string;
}

/** Names whose assignment marks a Django settings module. */
export const DJANGO_SETTINGS_MARKERS: readonly string[] = [
  'INSTALLED_APPS',
  'ROOT_URLCONF',
  'MIDDLEWARE',
  'MIDDLEWARE_CLASSES',
  'DATABASES',
  'WSGI_APPLICATION',
  'ASGI_APPLICATION',
  'AUTH_PASSWORD_VALIDATORS',
];

/** Names that make a module a settings module (the Django markers, and `SECRET_KEY` for any framework's). */
export const SETTINGS_MODULE_MARKERS: readonly string[] = [...DJANGO_SETTINGS_MARKERS, 'SECRET_KEY'];

/** Names whose value other statements' rules need. */
const VALUED = new Set(['CORS_ALLOW_CREDENTIALS']);

const WATCHED = [...SETTINGS_MODULE_MARKERS, ...VALUED];

/**
 * Any assignment to a watched name (chained ones too: each `assignment` node
 * has its own target). The predicate keeps every other assignment out.
 */
export const SETTINGS_QUERY = `((assignment left: (identifier) @setting.name) @setting (#any-of? @setting.name ${WATCHED.map((n) => `"${n}"`).join(' ')}))\n`;

/** The one query the engine runs for file-wide facts: imports and settings. */
export const FACT_QUERY = IMPORT_QUERY + SETTINGS_QUERY;

/** The fact an `assignment` matched by SETTINGS_QUERY states. */
export function settingFact(assign: Node): SettingFact | null {
  const left = assign.childForFieldName('left');
  if (left?.type !== 'identifier') return null;
  const name = left.text;
  let value = '';
  if (VALUED.has(name)) {
    let right = assign.childForFieldName('right');
    while (right?.type === 'assignment') right = right.childForFieldName('right');
    const v = right ? unparen(right).type : '';
    value = v === 'true' ? 'True' : v === 'false' ? 'False' : 'other';
  }
  return { start: assign.startIndex, end: assign.endIndex, name, value };
}

/** Whether two settings lists state the same (positions aside). */
export function sameSettings(a: readonly SettingFact[], b: readonly SettingFact[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name || a[i].value !== b[i].value) return false;
  return true;
}

/** What the settings facts say, for the rules (`FileContext.settings`). */
export class SettingsView {
  private readonly last = new Map<string, string>();

  constructor(readonly facts: readonly SettingFact[]) {
    // Settings are read once the module has run: the last assignment wins.
    for (const f of facts) this.last.set(f.name, f.value);
  }

  /** Whether the module assigns `name` anywhere. */
  has(name: string): boolean {
    return this.last.has(name);
  }

  /** The value of the module's last assignment to a valued name (`True`, `False`, `other`). */
  value(name: string): string | undefined {
    return this.last.get(name);
  }

  /** Whether any of `names` is assigned. */
  hasAny(names: readonly string[]): boolean {
    return names.some((n) => this.last.has(n));
  }
}
