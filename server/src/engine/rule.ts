import { z } from 'zod';
import type { Node } from 'web-tree-sitter';
import type { FlowStep, Level, Risk, Span } from '../findings/finding.js';
import type { FileContext } from './context.js';
import type { SinkKind } from './flow/types.js';

const level = z.enum(['LOW', 'MEDIUM', 'HIGH']);

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

/**
 * Which sink a rule's finding stands for, for grading by attack path
 * (grading/pass.ts): what the sink does with the value and where the value
 * is. `arg`: a positional argument of the finding's call, or "*" for all of
 * them (the worst of each); `keyword`: the keyword that may carry the same
 * argument instead (`subprocess.run(args=...)`); neither: the finding's own
 * expression (the built SQL string of B608).
 */
export const SinkSchema = z
  .object({
    kind: z.enum(SINK_KINDS),
    arg: z.union([z.number().int().min(0), z.literal('*')]).optional(),
    keyword: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  })
  .strict();

export type Sink = z.infer<typeof SinkSchema>;

/** The metadata half of a rule (`queries/<ID>.json`); the other half is `<ID>.scm`. */
export const RuleMetaSchema = z
  .object({
    id: z.string().regex(/^(B\d{3}|PS\d{3})$/),
    /** bandit's test name (`xml_bad_ElementTree` has capitals), or ours. */
    name: z.string().regex(/^[A-Za-z0-9_]+$/),
    severity: level,
    confidence: level,
    cwe: z.number().int().positive().nullable(),
    owasp: z.string().regex(/^A(0[1-9]|10)$/),
    risk: z.enum(['Critical', 'High', 'Medium', 'Low']),
    message: z.string().min(1),
    remediation: z.string().min(1),
    /**
     * What the rule looks at and what it cannot see (`Seen: …`): shown in the
     * hover after the fix, kept out of reports, whose readers want the fix only.
     */
    detects: z.string().min(1).optional(),
    docs: z.string().url(),
    /** Name of a check in `engine/checks`; absent: every match of the query is a finding. */
    check: z.string().optional(),
    /** Parameters handed to the check (qualnames, argument names, ...). */
    params: z.record(z.string(), z.unknown()).default({}),
    /** The sink a finding stands for (grading by attack path); absent: the rule's risk is its default. */
    sink: SinkSchema.optional(),
    /** A hardcoded credential: Critical in application code unless a placeholder or in test code (grading/risk.ts). */
    credential: z.literal(true).optional(),
    /**
     * `dependency`: a rule of the dependency audit (server/src/audit/), with no
     * `.scm`: it reads manifests, not Python, and is registered here so that
     * rule selection, severity overrides, hover and the README table treat it
     * as any rule. Absent: a tree-sitter rule.
     */
    kind: z.literal('dependency').optional(),
    /** bandit's `tests`/`skips` may name this rule by its test name too: see `name`. */
  })
  .strict();

export type RuleMeta = z.infer<typeof RuleMetaSchema>;

/**
 * Which rules run, and optionally the rule as the document's project sees it
 * (a copy with the project's bandit plugin settings as params): both decide
 * an engine run, so they travel together.
 */
export interface RuleSelection {
  /** Whether the rule runs (its findings are shown). Answers the same for a rule as long as the selection lives. */
  accepts(rule: Rule): boolean;
  /** The rule as the document's project sees it: a copy with its params from the project's bandit plugin settings, or the rule itself. */
  variant(rule: Rule): Rule;
  /** The plugin params `variant` applies, as data (a worker thread rebuilds the selection from them). */
  readonly params?: readonly (readonly [string, Record<string, unknown>])[];
}

const asItIs = (rule: Rule): Rule => rule;

/** A selection of the rules `accepts` takes, each as it is unless `variant` gives a copy (made from `params`, when given). */
export function ruleSelection(
  accepts: (rule: Rule) => boolean,
  variant: (rule: Rule) => Rule = asItIs,
  params?: readonly (readonly [string, Record<string, unknown>])[],
): RuleSelection {
  return params ? { accepts, variant, params } : { accepts, variant };
}

/** Every rule, as it is. */
export const ALL_RULES: RuleSelection = ruleSelection(() => true);

export interface Rule extends RuleMeta {
  /** The query text, as read from `<ID>.scm`. */
  query: string;
}

/** One match of a rule's query: `node` is the `@node` capture, the others by name. */
export interface RuleMatch {
  node: Node;
  captures: Map<string, Node[]>;
}

/**
 * What a check reports. Every field is optional: by default a hit highlights
 * and anchors on the matched node, with the rule's own severity and message.
 */
export interface Hit {
  /** The node (or offsets) to highlight (bandit's issue line is its first line). */
  node?: Node | Span;
  /**
   * The node whose line range a `# nosec` may sit on; default: the matched
   * node. Offsets when no node has Python's extent (a compound statement
   * without the comments tree-sitter keeps at the end of its block).
   */
  anchor?: Node | Span;
  /**
   * The call the hit is about when the match is a whole scope (a def): its
   * import alias becomes the related location, as for a matched call.
   */
  call?: Node;
  severity?: Level;
  confidence?: Level;
  risk?: Risk;
  message?: string;
  /** The attack path the data-flow layer traced to this hit's sink (engine/flow): becomes the finding's `flow`. */
  flow?: FlowStep[] | null;
  /**
   * Which of several issues bandit reports at one place this is: an
   * f-string's literal parts are each a constant to bandit, all on the
   * f-string (`f"{d}/tmp/a {d}/tmp/b"`: B108 twice). Hits at one place are
   * one finding unless their occurrences differ.
   */
  occurrence?: number;
}

export type CheckResult = Hit | Hit[] | boolean | null | undefined;

export type Check = (match: RuleMatch, rule: Rule, ctx: FileContext) => CheckResult;

/**
 * What a check may declare to be run on fewer matches: a key read once per
 * match for all the rules of the check (and of any check sharing the gate),
 * and per rule the keys it can report on. The check must report nothing on
 * a match whose key its rule does not list; the analyzer then skips the
 * call. Some thirty blacklist rules ask of every call only whether its name
 * is one of theirs.
 */
export interface CheckGate {
  /** The match's key; null: no gate on this match (every rule's check runs); undefined: none of them reports. */
  key(match: RuleMatch, ctx: FileContext): string | null | undefined;
  /** The keys a rule may report on (throws on a rule whose params are broken: its check then runs, and says so). */
  keys(rule: Rule): ReadonlySet<string>;
}
