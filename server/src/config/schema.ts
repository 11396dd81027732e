// zod's mini build, as bandit's output and the rule files use: the classic
// build was ~200 kB more JavaScript for the server to compile before its
// first diagnostics, and building this schema with it ~30 ms (issue 19).
import * as z from 'zod/mini';

/**
 * The shape of pysec's settings (section `pysec`): one zod schema, which is
 * both the `Settings` type and what `parse.ts` validates each value against,
 * leaf by leaf, so that one bad value costs only that value.
 *
 * Every schema carries a description of what it expects (`described`): the
 * message for a bad value quotes it.
 */

const DESCRIPTIONS = new WeakMap<z.ZodMiniType, string>();

/** `schema`, noted as expecting `what` (`description` reads it). */
function described<T extends z.ZodMiniType>(schema: T, what: string): T {
  DESCRIPTIONS.set(schema, what);
  return schema;
}

/** What a schema expects, in words, as `described` noted it. */
export function description(schema: z.ZodMiniType): string | undefined {
  return DESCRIPTIONS.get(schema);
}

/** Strings compared without regard to case ("low", "Low" and "LOW" are one level). */
const caseless = <T extends readonly [string, ...string[]]>(values: T, canonical: (s: string) => string) =>
  z.pipe(
    z.transform((v: unknown) => (typeof v === 'string' ? canonical(v.trim()) : v)),
    z.enum(values),
  );

export const LEVEL_VALUES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export const LSP_SEVERITY_VALUES = ['error', 'warning', 'information', 'hint'] as const;
export const OVERRIDE_VALUES = [...LSP_SEVERITY_VALUES, 'off'] as const;
export const SEVERITY_MODES = ['matrix', 'risk'] as const;

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

export const LevelSchema = described(caseless(LEVEL_VALUES, (s) => s.toUpperCase()), `one of ${quoted(LEVEL_VALUES)}`);

/** `info` is accepted for `information`, as several editors spell it. */
export const LspSeveritySchema = described(
  caseless(LSP_SEVERITY_VALUES, (s) => (s.toLowerCase() === 'info' ? 'information' : s.toLowerCase())),
  `one of ${quoted(LSP_SEVERITY_VALUES)}`,
);

export const OverrideSchema = described(
  caseless(OVERRIDE_VALUES, (s) => (s.toLowerCase() === 'info' ? 'information' : s.toLowerCase())),
  `one of ${quoted(OVERRIDE_VALUES)}`,
);

const stringList = () => described(z.array(z.string()), 'a list of strings');
const bool = () => described(z.boolean(), 'true or false');
const nonEmpty = () => z.string().check(z.minLength(1));

const matrixRow = () =>
  described(z.strictObject({ HIGH: LspSeveritySchema, MEDIUM: LspSeveritySchema, LOW: LspSeveritySchema }), 'an object with HIGH, MEDIUM and LOW confidence cells');

export const SettingsSchema = described(
  z.strictObject({
    severity: described(
      z.strictObject({
        /** Rows: bandit severity; columns: confidence; cells: the LSP severity. */
        matrix: described(z.strictObject({ HIGH: matrixRow(), MEDIUM: matrixRow(), LOW: matrixRow() }), 'an object with HIGH, MEDIUM and LOW severity rows'),
        /** By rule id (`B602`) or test name (`hardcoded_sql_expressions`); `off` removes the rule. */
        overrides: described(z.record(z.string(), OverrideSchema), 'an object mapping rule ids or test names to a severity or "off"'),
        /** `matrix`: the LSP severity is severity × confidence; `risk`: the finding's graded risk (diagnostics/severity.ts `RISK_SEVERITY`). */
        mode: described(
          caseless(SEVERITY_MODES, (s) => s.toLowerCase()),
          `one of ${quoted(SEVERITY_MODES)}`,
        ),
      }),
      'an object with "matrix", "overrides" and "mode"',
    ),
    minSeverity: LevelSchema,
    minConfidence: LevelSchema,
    rules: described(
      z.strictObject({
        /** Like bandit's `tests`: when not empty, only these rules run. */
        select: stringList(),
        /** Like bandit's `skips`. */
        ignore: stringList(),
      }),
      'an object with "select" and "ignore"',
    ),
    /** Globs, relative to the workspace folder; matching files get no diagnostics. */
    exclude: stringList(),
    ignoreNosec: bool(),
    bandit: described(
      z.strictObject({
        enabled: bool(),
        path: described(z.optional(nonEmpty()), 'the path of a bandit executable'),
        command: described(z.optional(z.array(nonEmpty()).check(z.minLength(1))), 'a non-empty list of strings, such as ["python3", "-m", "bandit"]'),
        /** A bandit inside the workspace (`.venv/bin/bandit`) may run: the user's own settings only, never a workspace file. */
        useProjectVenv: bool(),
        configFile: described(z.optional(nonEmpty()), 'the path of a bandit configuration file (YAML, or TOML with [tool.bandit])'),
        idleDelayMs: described(z.int().check(z.gte(0)), 'a whole number of milliseconds, 0 or more'),
        intervalSeconds: described(z.number().check(z.gte(0)), 'a number of seconds, 0 or more (0 turns the timer off)'),
        timeoutSeconds: described(z.number().check(z.positive()), 'a number of seconds greater than 0'),
        workspaceScan: bool(),
        /** bandit processes at once, for the whole server; unset: one per core. */
        maxProcesses: described(z.optional(z.int().check(z.gte(1))), 'a whole number, 1 or more'),
      }),
      'an object of bandit settings',
    ),
    audit: described(
      z.strictObject({
        /** The dependency audit of requirements files, pyproject.toml and lock files (issue 15). */
        enabled: bool(),
        /** The advisory database (an OSV folder or zip); unset: the user cache `advisories update` fills. */
        database: described(z.optional(nonEmpty()), 'the path of an advisory database (an OSV folder or .zip)'),
      }),
      'an object with "enabled" and "database"',
    ),
    suppress: described(
      z.strictObject({
        placeholder: described(z.string(), 'a string'),
        reasons: stringList(),
      }),
      'an object with "placeholder" and "reasons"',
    ),
  }),
  'an object',
);

export type Settings = z.infer<typeof SettingsSchema>;
export type BanditSettings = Settings['bandit'];
export type AuditSettings = Settings['audit'];
export type Override = (typeof OVERRIDE_VALUES)[number];

/** Every property of `T`, at any depth, optional: what one source of settings may say. */
export type SettingsPatch = DeepPartial<Settings>;
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** The settings section, as clients address it. */
export const SECTION = 'pysec';
