import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { shortName, unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { quote } from '../support/settings.js';
import { secretIn } from '../support/secrets.js';
import { lastName } from '../support/settings.js';

/**
 * OWASP A09 (security logging and monitoring failures): PS901, secrets
 * written to logs.
 */

const set = (...xs: string[]) => new Set(xs);

const LOG_METHODS = set('debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log');
const LOG_RECEIVER = /^_*(log|logger|logging|logs)$|_(log|logger)$|logger$/i;
const NOT_LOGGED = set('exc_info', 'stack_info', 'stacklevel', 'file', 'sep', 'end', 'flush');

/** `logging.info`, `logger.debug`, `self.log.warning`, `logging.getLogger(__name__).error`, `print`. */
function logCall(call: Node, ctx: FileContext): string | null {
  const qual = ctx.qualname(call);
  const method = shortName(qual);
  if (!LOG_METHODS.has(method)) return qual === 'print' ? 'print()' : null;
  if (qual.startsWith('logging.')) return `${qual}()`;
  const fn = call.childForFieldName('function');
  const recv = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  if (!recv) return null;
  const r = unparen(recv);
  if (r.type === 'call' && /(^|\.)getLogger$/.test(ctx.qualname(r))) return `getLogger(...).${method}()`;
  return LOG_RECEIVER.test(lastName(r)) ? `${recv.text.length > 30 ? '...' : recv.text}.${method}()` : null;
}

const secretInLog: Check = (m, _rule, ctx) => {
  const call = m.node;
  const what = logCall(call, ctx);
  if (!what) return null;
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return null;
  for (const a of args.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument' && NOT_LOGGED.has(a.childForFieldName('name')?.text ?? '')) continue;
    const secret = secretIn(a, 'secret');
    if (!secret) continue;
    return {
      node: a,
      // A bare `token` is as often a parser's token as a credential.
      ...(/^_*token$/i.test(secret.name) ? { confidence: 'LOW' as const } : {}),
      message: `${quote(secret.name)} goes to ${what}: passwords, tokens and keys written to logs (or stdout) end up in log files, log shippers and dashboards that many more people can read, and stay there. Log a non-secret identifier instead (user id, key id, the last 4 characters), or mask the value.`,
    };
  }
  return null;
};

export const CHECKS: Record<string, Check> = {
  secret_in_log: secretInLog,
};
