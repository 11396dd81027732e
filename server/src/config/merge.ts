import type { Settings, SettingsPatch } from './schema.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeValue(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  // Objects merge key by key (the matrix cell by cell, overrides rule by
  // rule); lists and scalars replace what is beneath them.
  if (isPlainObject(base) && isPlainObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = mergeValue(base[k], v);
    return out;
  }
  return structuredClone(patch);
}

/**
 * `base` with each patch laid over it in turn (later patches win). Nothing
 * is mutated. Patches are expected to be validated already (`parse.ts`).
 */
export function mergeSettings(base: Settings, ...patches: readonly SettingsPatch[]): Settings {
  let out: unknown = base;
  for (const p of patches) out = mergeValue(out, p);
  return out as Settings;
}
