import type * as z from 'zod/mini';
import type { Node } from 'web-tree-sitter';
import type { FlowStep, Level, Risk, Span } from '../findings/finding.js';
import type { FileContext } from './context.js';
import type { RuleMetaSchema, SinkSchema } from './rule-schema.js';

/** Which sink a rule's finding stands for (`rule-schema.ts` `SinkSchema` says each field). */
export type Sink = z.infer<typeof SinkSchema>;

/** The metadata half of a rule (`queries/<ID>.json`, `rule-schema.ts`); the other half is `<ID>.scm`. */
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
