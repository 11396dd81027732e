import * as z from 'zod';

/**
 * The shape of pysec's settings (section `pysec`): one zod schema, which is
 * both the `Settings` type and what `parse.ts` validates each value against,
 * leaf by leaf, so that one bad value costs only that value.
 *
 * Every leaf carries a description of what it expects (`.describe`): the
 * message for a bad value quotes it.
 */

/** Strings compared without regard to case ("low", "Low" and "LOW" are one level). */
const caseless = <T extends readonly [string, ...string[]]>(values: T, canonical: (s: string) => string) =>
  z.preprocess((v) => (typeof v === 'string' ? canonical(v.trim()) : v), z.enum(values));

export const LEVEL_VALUES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export const LSP_SEVERITY_VALUES = ['error', 'warning', 'information', 'hint'] as const;
export const OVERRIDE_VALUES = [...LSP_SEVERITY_VALUES, 'off'] as const;
export const SEVERITY_MODES = ['matrix', 'risk'] as const;

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

export const LevelSchema = caseless(LEVEL_VALUES, (s) => s.toUpperCase()).describe(`one of ${quoted(LEVEL_VALUES)}`);

/** `info` is accepted for `information`, as several editors spell it. */
export const LspSeveritySchema = caseless(LSP_SEVERITY_VALUES, (s) => (s.toLowerCase() === 'info' ? 'information' : s.toLowerCase())).describe(
  `one of ${quoted(LSP_SEVERITY_VALUES)}`,
);

export const OverrideSchema = caseless(OVERRIDE_VALUES, (s) => (s.toLowerCase() === 'info' ? 'information' : s.toLowerCase())).describe(
  `one of ${quoted(OVERRIDE_VALUES)}`,
);

const stringList = () => z.array(z.string()).describe('a list of strings');

const matrixRow = () =>
  z
    .object({ HIGH: LspSeveritySchema, MEDIUM: LspSeveritySchema, LOW: LspSeveritySchema })
    .strict()
    .describe('an object with HIGH, MEDIUM and LOW confidence cells');

export const SettingsSchema = z
  .object({
    severity: z
      .object({
        /** Rows: bandit severity; columns: confidence; cells: the LSP severity. */
        matrix: z.object({ HIGH: matrixRow(), MEDIUM: matrixRow(), LOW: matrixRow() }).strict().describe('an object with HIGH, MEDIUM and LOW severity rows'),
        /** By rule id (`B602`) or test name (`hardcoded_sql_expressions`); `off` removes the rule. */
        overrides: z.record(z.string(), OverrideSchema).describe('an object mapping rule ids or test names to a severity or "off"'),
        /** `matrix`: the LSP severity is severity × confidence; `risk`: the finding's graded risk (diagnostics/severity.ts `RISK_SEVERITY`). */
        mode: caseless(SEVERITY_MODES, (s) => s.toLowerCase()).describe(`one of ${quoted(SEVERITY_MODES)}`),
      })
      .strict()
      .describe('an object with "matrix", "overrides" and "mode"'),
    minSeverity: LevelSchema,
    minConfidence: LevelSchema,
    rules: z
      .object({
        /** Like bandit's `tests`: when not empty, only these rules run. */
        select: stringList(),
        /** Like bandit's `skips`. */
        ignore: stringList(),
      })
      .strict()
      .describe('an object with "select" and "ignore"'),
    /** Globs, relative to the workspace folder; matching files get no diagnostics. */
    exclude: stringList(),
    ignoreNosec: z.boolean().describe('true or false'),
    bandit: z
      .object({
        enabled: z.boolean().describe('true or false'),
        path: z.string().min(1).optional().describe('the path of a bandit executable'),
        command: z.array(z.string().min(1)).min(1).optional().describe('a non-empty list of strings, such as ["python3", "-m", "bandit"]'),
        /** A bandit inside the workspace (`.venv/bin/bandit`) may run: the user's own settings only, never a workspace file. */
        useProjectVenv: z.boolean().describe('true or false'),
        configFile: z.string().min(1).optional().describe('the path of a bandit configuration file (YAML, or TOML with [tool.bandit])'),
        idleDelayMs: z.number().int().min(0).describe('a whole number of milliseconds, 0 or more'),
        intervalSeconds: z.number().min(0).describe('a number of seconds, 0 or more (0 turns the timer off)'),
        timeoutSeconds: z.number().positive().describe('a number of seconds greater than 0'),
        workspaceScan: z.boolean().describe('true or false'),
        /** bandit processes at once, for the whole server; unset: one per core. */
        maxProcesses: z.number().int().min(1).optional().describe('a whole number, 1 or more'),
      })
      .strict()
      .describe('an object of bandit settings'),
    audit: z
      .object({
        /** The dependency audit of requirements files, pyproject.toml and lock files (issue 15). */
        enabled: z.boolean().describe('true or false'),
        /** The advisory database (an OSV folder or zip); unset: the user cache `advisories update` fills. */
        database: z.string().min(1).optional().describe('the path of an advisory database (an OSV folder or .zip)'),
      })
      .strict()
      .describe('an object with "enabled" and "database"'),
    suppress: z
      .object({
        placeholder: z.string().describe('a string'),
        reasons: stringList(),
      })
      .strict()
      .describe('an object with "placeholder" and "reasons"'),
  })
  .strict()
  .describe('an object');

export type Settings = z.infer<typeof SettingsSchema>;
export type BanditSettings = Settings['bandit'];
export type AuditSettings = Settings['audit'];
export type Override = (typeof OVERRIDE_VALUES)[number];

/** Every property of `T`, at any depth, optional: what one source of settings may say. */
export type SettingsPatch = DeepPartial<Settings>;
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** The settings section, as clients address it. */
export const SECTION = 'pysec';
