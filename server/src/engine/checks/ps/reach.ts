import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import type { FlowStep, Reach, SinkKind } from '../../flow/types.js';
import { COMMON_SANITISERS, isConstantString, requestInput } from '../owasp-support.js';
import { ownerFunction, taintedInput } from '../taint.js';

/**
 * What reaches a sink's argument, as the flow rules ask it: the data-flow
 * layer's question (`engine/flow`, `reachOf(expr, kind, ctx)`).
 *
 * BRIDGE: until the flow layer lands, answered by the straight-line
 * request-input tracking of taint.ts (request reads, names assigned from
 * them earlier in the def, FastAPI route parameters) with sanitisers per
 * sink kind; replaced by `reachOf` when it does. The rules only read the
 * `Reach`, so the swap changes no rule.
 */

const SANITISERS: Readonly<Record<SinkKind, readonly string[]>> = {
  command: ['quote'],
  code: [],
  sql: [],
  deserialisation: [],
  template: [],
  html: ['escape', 'conditional_escape', 'clean', 'strip_tags', 'quote', 'format_html'],
  ldap: ['escape_filter_chars', 'filter_format', 'escape_dn_chars', 'escape_rdn'],
  xpath: [],
  xml: [],
  path: ['secure_filename', 'basename', 'get_valid_filename', 'safe_join'],
  url: ['quote', 'quote_plus', 'urlencode'],
  redirect: ['url_for', 'reverse', 'reverse_lazy'],
  header: ['quote', 'quote_plus', 'urlencode', 'secure_filename'],
  session: [],
  'mass-assignment': [],
  log: [],
  crypto: [],
};

const SETS = new Map<SinkKind, ReadonlySet<string>>();

function sanitisersFor(kind: SinkKind): ReadonlySet<string> {
  let s = SETS.get(kind);
  if (!s) SETS.set(kind, (s = new Set([...COMMON_SANITISERS, ...SANITISERS[kind]])));
  return s;
}

/** A step at a node of this document. */
export function stepAt(node: Node, note: string): FlowStep {
  return { file: null, span: { start: node.startIndex, end: node.endIndex }, line: node.startPosition.row, column: node.startPosition.column, note };
}

/** What reaches `expr`, an argument (or value) at a sink of `kind`. */
export function reach(expr: Node, kind: SinkKind, ctx: FileContext): Reach {
  const fn = ownerFunction(expr);
  const key = `flow-${kind}`;
  const src = fn ? taintedInput(expr, fn, ctx, sanitisersFor(kind), key) : requestInput(expr, ctx, sanitisersFor(kind), key);
  if (!src) return isConstantString(expr) ? { kind: 'constant' } : { kind: 'unknown' };
  const path: FlowStep[] = [stepAt(src.node, src.from ? `${src.text} (from ${src.from})` : `${src.text} (request input)`)];
  if (src.node.id !== expr.id) path.push(stepAt(expr, 'reaches the sink'));
  return { kind: 'untrusted', trust: 'request', path };
}
