import type { Node } from 'web-tree-sitter';
import { type FileContext } from '../../context.js';
import { positionalArgs } from '../../pyast.js';
import { unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { flowRule, methodName, ownNodes, receiver, type Site } from './scoped.js';

/**
 * PS401 untrusted data stored in the session (CWE-501, a trust boundary):
 * `session[key] = value` (Flask's `session`), `request.session[key] = value`
 * (Django, Starlette), `session.update(...)`/`setdefault(key, value)`. Code
 * reads the session back as the server's own state (a role, a user id, a
 * price), so request data written there unchecked crosses the boundary.
 */

const MESSAGE =
  'Request data goes into the session unchecked: later code reads the session as the server\'s own state (a user id, a role, a price, a "verified" flag), so the client decides it. Store only values the server computed or validated (look the id up, check the role against the database, parse numbers with int() and range checks).';

/** `session`, `flask.session`, `request.session`, `self.request.session`. */
function isSession(node: Node | null, ctx: FileContext): boolean {
  const n = node ? unparen(node) : null;
  if (!n) return false;
  if (n.type === 'identifier') {
    if (n.text !== 'session') return false;
    const bound = ctx.aliasesAt(n.startIndex).get('session');
    return bound === undefined || /^(flask|quart)\.session$/.test(bound) || ctx.frameworks.has('flask');
  }
  if (n.type !== 'attribute' || n.childForFieldName('attribute')?.text !== 'session') return false;
  const obj = unparen(n.childForFieldName('object')!);
  return /^(self\.)?(request|req)$|^flask$/.test(obj.text);
}

function sessionSites(fn: Node, ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const assign of ownNodes(fn, 'assignment')) {
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    if (left?.type !== 'subscript' || !right || !isSession(left.childForFieldName('value'), ctx)) continue;
    out.push({ value: unparen(right), kind: 'session', at: assign, message: MESSAGE });
  }
  for (const call of ownNodes(fn, 'call')) {
    const name = methodName(call);
    if ((name !== 'update' && name !== 'setdefault') || !isSession(receiver(call), ctx)) continue;
    const args = positionalArgs(call);
    const value = name === 'update' ? args[0] : args[1];
    if (value) out.push({ value: unparen(value), kind: 'session', at: call, call, message: MESSAGE });
    if (name === 'update') {
      const list = call.childForFieldName('arguments');
      for (const kw of list?.namedChildren ?? []) {
        const v = kw?.type === 'keyword_argument' ? kw.childForFieldName('value') : null;
        if (v) out.push({ value: unparen(v), kind: 'session', at: call, call, message: MESSAGE });
      }
    }
  }
  return out;
}

const WORDS = /\bsession\b/;

export const CHECKS: Record<string, Check> = {
  untrusted_session_data: flowRule(WORDS, sessionSites),
};
