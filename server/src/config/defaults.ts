import { DEFAULT_MATRIX } from '../diagnostics/severity.js';
import type { Settings } from './schema.js';

/**
 * What every setting is when nothing says otherwise. `docs/configuration.md`
 * lists the same values (`test/unit/config.test.ts` checks that it does).
 */
export const DEFAULT_SETTINGS: Settings = deepFreeze({
  severity: {
    matrix: DEFAULT_MATRIX,
    overrides: {},
    mode: 'matrix',
  },
  minSeverity: 'LOW',
  minConfidence: 'LOW',
  rules: { select: [], ignore: [] },
  exclude: [],
  ignoreNosec: false,
  bandit: {
    enabled: true,
    useProjectVenv: false,
    idleDelayMs: 1500,
    intervalSeconds: 0,
    timeoutSeconds: 30,
    workspaceScan: false,
  },
  audit: {
    enabled: true,
  },
  suppress: {
    placeholder: 'justification required',
    reasons: ['false positive: input is not user-controlled', 'accepted risk: reviewed'],
  },
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A fresh, independent copy of the defaults (callers may mutate it). */
export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS);
}
