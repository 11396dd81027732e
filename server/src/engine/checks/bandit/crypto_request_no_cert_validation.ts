import { argValue, keywordArg, shortName } from '../../pyast.js';
import { keywordHit } from '../support/calls.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/crypto_request_no_cert_validation.py: B501
 * request_with_no_cert_validation (requests and httpx).
 */

const HTTP_VERBS = ['get', 'options', 'head', 'post', 'put', 'patch', 'delete'];
const HTTPX_ATTRS = ['request', 'stream', 'Client', 'AsyncClient', ...HTTP_VERBS];

/**
 * B501 request_with_no_cert_validation: `requests.<verb>(..., verify=False)`
 * or `httpx.<verb|request|stream|Client|AsyncClient>(..., verify=False)`,
 * the package being the qualified name's first part. bandit reports the
 * line of the `verify` value.
 */
const requestWithNoCertValidation: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const pkg = qual.split('.')[0];
  const name = shortName(qual);
  if (!((pkg === 'requests' && HTTP_VERBS.includes(name)) || (pkg === 'httpx' && HTTPX_ATTRS.includes(name)))) return null;
  const verify = keywordArg(call, 'verify');
  if (!verify || argValue(verify) !== 'False') return null;
  return {
    node: keywordHit(call, 'verify'),
    message: `Call to ${pkg} with verify=False disabling SSL certificate checks, security issue.`,
  };
};

export const CHECKS: Record<string, Check> = {
  request_with_no_cert_validation: requestWithNoCertValidation,
};
