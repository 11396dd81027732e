import type { Node } from 'web-tree-sitter';
import { calledName, unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/jinja2_templates.py: B701 jinja2_autoescape_false.
 */

/** The keyword arguments under a call, in the breadth-first order of Python's `ast.walk`. */
function keywordsBreadthFirst(call: Node): Node[] {
  const out: Node[] = [];
  let level: Node[] = [call];
  while (level.length) {
    const next: Node[] = [];
    for (const n of level) {
      for (const c of n.namedChildren) {
        if (!c || c.type === 'comment') continue;
        if (c.type === 'keyword_argument') out.push(c);
        next.push(c);
      }
    }
    level = next;
  }
  return out;
}

const AUTOESCAPE_FALSE =
  'Using jinja2 templates with autoescape=False is dangerous and can lead to XSS. Use autoescape=True or use the select_autoescape function to mitigate XSS vulnerabilities.';
const AUTOESCAPE_UNKNOWN =
  'Using jinja2 templates with autoescape=False is dangerous and can lead to XSS. Ensure autoescape=True or use the select_autoescape function to mitigate XSS vulnerabilities.';

/**
 * B701 jinja2_autoescape_false: `jinja2.Environment(...)` (a qualified name
 * with a `jinja2` part, `Environment` last). The first `autoescape=` found
 * walking the call (its own keywords first) decides: False is HIGH/HIGH,
 * True or a `select_autoescape(...)` call is fine, anything else
 * HIGH/MEDIUM; none at all is HIGH/HIGH (jinja2's default).
 */
const jinja2AutoescapeFalse: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (!qual.endsWith('Environment')) return null;
  const parts = qual.split('.');
  if (!parts.includes('jinja2') || parts[parts.length - 1] !== 'Environment') return null;
  for (const kw of keywordsBreadthFirst(call)) {
    if (kw.childForFieldName('name')?.text !== 'autoescape') continue;
    const value = kw.childForFieldName('value');
    const v = value ? unparen(value) : null;
    if (v?.type === 'false') return { message: AUTOESCAPE_FALSE };
    if (v?.type === 'true') return null;
    if (v?.type === 'call' && calledName(v) === 'select_autoescape') return null;
    return { confidence: 'MEDIUM', message: AUTOESCAPE_UNKNOWN };
  }
  return true;
};

export const CHECKS: Record<string, Check> = {
  jinja2_autoescape_false: jinja2AutoescapeFalse,
};
