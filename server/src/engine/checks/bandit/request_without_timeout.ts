import { shortName } from '../../pyast.js';
import { checkCallArgValue } from '../support/calls.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/request_without_timeout.py: B113 request_without_timeout.
 */

const HTTP_VERBS = new Set(['get', 'options', 'head', 'post', 'put', 'patch', 'delete']);
const HTTPX_ATTRS = new Set(['request', 'stream', 'Client', 'AsyncClient', ...HTTP_VERBS]);

/**
 * B113 request_without_timeout: `requests.<verb>(...)` without a literal
 * `timeout=` (a non-literal value counts as none, as in bandit), and
 * `requests.<verb>` / `httpx.<verb|request|stream|Client|AsyncClient>` with
 * `timeout=None`.
 */
const requestWithoutTimeout: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const pkg = qual.split('.')[0];
  const name = shortName(qual);
  const requests = pkg === 'requests' && HTTP_VERBS.has(name);
  if (requests && checkCallArgValue(call, 'timeout') === undefined) return { message: `Call to ${pkg} without timeout` };
  if (requests || (pkg === 'httpx' && HTTPX_ATTRS.has(name))) {
    if (checkCallArgValue(call, 'timeout', 'None')) return { message: `Call to ${pkg} with timeout set to None` };
  }
  return null;
};

export const CHECKS: Record<string, Check> = {
  request_without_timeout: requestWithoutTimeout,
};
