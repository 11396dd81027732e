import { DEFAULT_SETTINGS } from './defaults.js';
import { mergeSettings } from './merge.js';
import { extractSection, parseSettings, type ParseOptions, type Problem } from './parse.js';
import type { Settings, SettingsPatch } from './schema.js';

/**
 * Where a client's settings come from, lowest first. Each is what the client
 * sent, unvalidated; any may be missing.
 */
export interface SettingsSources {
  /** `initialize`'s `initializationOptions`. */
  initializationOptions?: unknown;
  /** The last `workspace/didChangeConfiguration`'s `settings` (may hold other servers' sections). */
  changed?: unknown;
  /** `workspace/configuration` for section `pysec` without a scope. */
  global?: unknown;
  /** `workspace/configuration` for section `pysec`, scoped to the workspace folder. */
  folder?: unknown;
}

export interface Resolved {
  settings: Settings;
  /** Every problem once, in source order. */
  problems: Problem[];
}

/**
 * The effective settings for one workspace folder: the defaults, then each
 * source over the one before (a value a source gets wrong is dropped, so
 * the one beneath applies). The project's bandit configuration is not a
 * settings source: it applies beneath `rules.select`/`rules.ignore` only
 * (see `rules.ts`).
 */
export function resolveSettings(sources: SettingsSources, opts: ParseOptions = {}): Resolved {
  const patches: SettingsPatch[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const layer = (raw: unknown, shared: boolean) => {
    const section = extractSection(raw, shared);
    if (section === undefined || section === null) return;
    const { patch, problems: found } = parseSettings(section, opts);
    patches.push(patch);
    for (const p of found) {
      if (seen.has(p.message)) continue;
      seen.add(p.message);
      problems.push(p);
    }
  };
  layer(sources.initializationOptions, false);
  layer(sources.changed, true);
  layer(sources.global, false);
  layer(sources.folder, false);
  return { settings: mergeSettings(DEFAULT_SETTINGS, ...patches), problems };
}
