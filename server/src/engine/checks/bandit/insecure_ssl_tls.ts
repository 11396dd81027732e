import type { PyValue } from '../../literal.js';
import { unparen } from '../../pyast.js';
import { checkCallArgValue, keywordHit } from '../support/calls.js';
import type { Check, Rule } from '../../rule.js';
import { astSpan, defLineNode, isSyncDef, paramsText, positionalParams } from '../support/statements.js';

/**
 * bandit/plugins/insecure_ssl_tls.py: B502 ssl_with_bad_version, B503
 * ssl_with_bad_defaults and B504 ssl_with_no_version.
 */

const BAD_VERSIONS = new WeakMap<Rule, PyValue[]>();

/** `bad_protocol_versions` from the rule's params (bandit's ssl_with_bad_version config). */
function badVersions(rule: Rule): PyValue[] {
  let v = BAD_VERSIONS.get(rule);
  if (!v) {
    const p = rule.params.bad_protocol_versions;
    if (!Array.isArray(p)) throw new Error(`${rule.id}: params.bad_protocol_versions must be a list`);
    v = p as string[];
    BAD_VERSIONS.set(rule, v);
  }
  return v;
}

/**
 * B502 ssl_with_bad_version: `ssl.wrap_socket(ssl_version=<bad>)` and
 * `pyOpenSSL.SSL.Context(method=<bad>)` (HIGH, HIGH), and any other call
 * with a bad `method=` or `ssl_version=` (MEDIUM, MEDIUM). Reported on the
 * line of the keyword's value (for the others: `method=`'s if present,
 * whatever its value, else `ssl_version=`'s).
 */
const sslWithBadVersion: Check = (m, rule, ctx) => {
  const call = m.node;
  const bad = badVersions(rule);
  const qual = ctx.qualname(call);
  if (qual === 'ssl.wrap_socket') {
    if (!checkCallArgValue(call, 'ssl_version', bad)) return null;
    return { node: keywordHit(call, 'ssl_version') };
  }
  if (qual === 'pyOpenSSL.SSL.Context') {
    if (!checkCallArgValue(call, 'method', bad)) return null;
    return { node: keywordHit(call, 'method'), message: 'SSL.Context call with insecure SSL/TLS protocol version identified, security issue.' };
  }
  if (!checkCallArgValue(call, 'method', bad) && !checkCallArgValue(call, 'ssl_version', bad)) return null;
  return {
    node: keywordHit(call, 'method') ?? keywordHit(call, 'ssl_version'),
    severity: 'MEDIUM',
    confidence: 'MEDIUM',
    risk: 'Medium',
    message: 'Function call with insecure SSL/TLS protocol identified, possible security issue.',
  };
};

// ---------------------------------------------------------------- B503

/**
 * B503 ssl_with_bad_defaults: a `def` (not `async def`) whose positional
 * parameters default to an attribute named for a bad protocol version
 * (`ssl.PROTOCOL_SSLv2`). Reported on the `def` line, the whole function
 * being the context.
 */
const sslWithBadDefaults: Check = (m, rule) => {
  const fn = m.node;
  if (!isSyncDef(fn)) return null;
  const bad = badVersions(rule);
  // A default's attribute name is in the parameters' text: no bad name there, no issue.
  if (bad.every((b) => typeof b === 'string') && !bad.some((b) => paramsText(fn).includes(b as string))) return null;
  for (const d of positionalParams(fn).defaults) {
    const v = unparen(d);
    if (v.type !== 'attribute') continue;
    const attr = v.childForFieldName('attribute')?.text;
    if (attr !== undefined && bad.includes(attr)) return { node: defLineNode(fn, d.parent), anchor: astSpan(fn) };
  }
  return null;
};

// ---------------------------------------------------------------- B504

/**
 * B504 ssl_with_no_version: `ssl.wrap_socket(...)` without a literal
 * `ssl_version=` (a non-literal one counts as missing: bandit's check
 * returns None for it, and reports on its line).
 */
const sslWithNoVersion: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (ctx.qualname(call) !== 'ssl.wrap_socket') return null;
  if (checkCallArgValue(call, 'ssl_version') !== undefined) return null;
  const node = keywordHit(call, 'ssl_version');
  return node ? { node } : true;
};

export const CHECKS: Record<string, Check> = {
  ssl_with_bad_version: sslWithBadVersion,
  ssl_with_bad_defaults: sslWithBadDefaults,
  ssl_with_no_version: sslWithNoVersion,
};
