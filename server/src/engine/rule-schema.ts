// The rules' metadata schemas, apart from rule.ts (whose types the engine
// uses everywhere) so that zod loads only when the rule files are read and
// validated (rules-read.ts): a start that takes the build's copy of them
// (prebuilt.ts) loads no zod (issue 19).
// zod's mini build: the classic build alone costs `check` a tenth of a second to load.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { SinkKind } from './flow/types.js';

/** Every `SinkKind` (engine/flow/types.ts), for the rules' `sink` metadata. */
export const SINK_KINDS = [
  'command',
  'argv',
  'code',
  'sql',
  'deserialisation',
  'template',
  'html',
  'ldap',
  'xpath',
  'xml',
  'path',
  'url',
  'redirect',
  'header',
  'session',
  'mass-assignment',
  'log',
  'crypto',
] as const satisfies readonly SinkKind[];
// Both ways: a kind added to the contract and not here fails to compile.
type MissingKinds = Exclude<SinkKind, (typeof SINK_KINDS)[number]>;
const noMissingKinds: MissingKinds extends never ? true : never = true;
void noMissingKinds;

// The mini build says only "Invalid input" until told a language (the classic one sets English itself).
z.config(en());

const level = z.enum(['LOW', 'MEDIUM', 'HIGH']);

/**
 * Which sink a rule's finding stands for, for grading by attack path
 * (grading/pass.ts): what the sink does with the value and where the value
 * is. `arg`: a positional argument of the finding's call, or "*" for all of
 * them (the worst of each); `keyword`: the keyword that may carry the same
 * argument instead (`subprocess.run(args=...)`); neither: the finding's own
 * expression (the built SQL string of B608).
 */
export const SinkSchema = z.strictObject({
  kind: z.enum(SINK_KINDS),
  arg: z.optional(z.union([z.int().check(z.minimum(0)), z.literal('*')])),
  keyword: z.optional(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/))),
});

/** The metadata half of a rule (`queries/<ID>.json`); the other half is `<ID>.scm`. */
export const RuleMetaSchema = z.strictObject({
  id: z.string().check(z.regex(/^(B\d{3}|PS\d{3})$/)),
  /** bandit's test name (`xml_bad_ElementTree` has capitals), or ours. */
  name: z.string().check(z.regex(/^[A-Za-z0-9_]+$/)),
  severity: level,
  confidence: level,
  cwe: z.nullable(z.int().check(z.positive())),
  owasp: z.string().check(z.regex(/^A(0[1-9]|10)$/)),
  risk: z.enum(['Critical', 'High', 'Medium', 'Low']),
  message: z.string().check(z.minLength(1)),
  remediation: z.string().check(z.minLength(1)),
  /**
   * What the rule looks at and what it cannot see (`Seen: …`): shown in the
   * hover after the fix, kept out of reports, whose readers want the fix only.
   */
  detects: z.optional(z.string().check(z.minLength(1))),
  docs: z.url(),
  /** Name of a check in `engine/checks`; absent: every match of the query is a finding. */
  check: z.optional(z.string()),
  /** Parameters handed to the check (qualnames, argument names, ...). */
  params: z._default(z.record(z.string(), z.unknown()), {}),
  /** The sink a finding stands for (grading by attack path); absent: the rule's risk is its default. */
  sink: z.optional(SinkSchema),
  /** A hardcoded credential: Critical in application code unless a placeholder or in test code (grading/risk.ts). */
  credential: z.optional(z.literal(true)),
  /**
   * `dependency`: a rule of the dependency audit (server/src/audit/), with no
   * `.scm`: it reads manifests, not Python, and is registered here so that
   * rule selection, severity overrides, hover and the README table treat it
   * as any rule. Absent: a tree-sitter rule.
   */
  kind: z.optional(z.literal('dependency')),
  /** bandit's `tests`/`skips` may name this rule by its test name too: see `name`. */
});

