import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { calledName, shortName, unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { argument, callName, isConstantString } from '../support/settings.js';
import { flowRule, sinkCalls, sinkGate, type Site } from './scoped.js';

/**
 * OWASP A03 (injection): PS301, template injection, a flow rule
 * (scoped.ts): request data traced into a template's source is Critical,
 * with its path; a template built by formatting (an f-string, %, + or
 * .format) from values the layer could not trace is reported too, without
 * a path (High); a constant template, or one of unknown origin that is not
 * built here (a file read, a parameter), is not.
 */

const set = (...xs: string[]) => new Set(xs);

const TEMPLATE_CLASSES = set('jinja2.Template', 'jinja2.environment.Template', 'mako.template.Template', 'django.template.Template', 'django.template.base.Template');

/** Whether `n` builds a string from data: an f-string with fields, `%`, `+` or `.format(...)` on a string. */
function formatsData(node: Node): boolean {
  const n = unparen(node);
  if ((n.type === 'string' || n.type === 'concatenated_string') && !isConstantString(n)) return true;
  if (n.type === 'binary_operator') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return (!!l && (isConstantString(l) || formatsData(l))) || (!!r && (isConstantString(r) || formatsData(r)));
  }
  if (n.type === 'call' && calledName(n) === 'format') {
    const obj = n.childForFieldName('function')?.childForFieldName('object');
    return !!obj && (unparen(obj).type === 'string' || unparen(obj).type === 'concatenated_string');
  }
  return false;
}

/** The template source a call compiles, if it is a template engine's: [source, what it is called]. */
function templateSource(call: Node, ctx: FileContext): [Node | undefined, string] | null {
  const { qual, short } = callName(call, ctx);
  if (short === 'render_template_string') return [argument(call, 0, 'source'), 'render_template_string()'];
  if (TEMPLATE_CLASSES.has(qual)) return [argument(call, 0, 'source', 'text', 'template_string'), `${qual}()`];
  if (short === 'from_string') {
    const fn = call.childForFieldName('function');
    const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    if (!obj) return null;
    if (/Sandbox/.test(obj.text)) return null;
    const o = unparen(obj);
    const env = o.type === 'call' && /(^|\.)Environment$/.test(ctx.qualname(o));
    if (!env && !ctx.isModuleImportedLike('jinja2', call.startIndex) && !ctx.frameworks.has('flask')) return null;
    return [argument(call, 0, 'source'), 'Environment.from_string()'];
  }
  return null;
}

const TEMPLATE_SINKS: ReadonlySet<string> = new Set(['render_template_string', 'from_string', ...[...TEMPLATE_CLASSES].map(shortName)]);

const REQUEST_MESSAGE = (what: string) =>
  `${what} compiles a template taken from the request: template syntax such as {{ ''.__class__.__mro__ }} reaches Python objects, which means code execution on the server. Never compile templates from user input: render a fixed template file (render_template("page.html", value=...)) and pass the input as a variable.`;
const FORMATTED_MESSAGE = (what: string) =>
  `${what} compiles a template built from data (an f-string, % or .format): any value that reaches it is parsed as template code, and template code reaches Python objects (server-side template injection, code execution). Keep the template constant and pass the values as variables: render_template_string("Hello {{ name }}", name=name), or better a template file with render_template().`;

function templateSites(fn: Node, ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const call of sinkCalls(fn, ctx, TEMPLATE_SINKS)) {
    const found = templateSource(call, ctx);
    if (!found) continue;
    const [source, what] = found;
    if (!source || source.type === 'list_splat' || source.type === 'dictionary_splat') continue;
    const s = unparen(source);
    if (isConstantString(s)) continue;
    out.push({
      value: source,
      kind: 'template',
      at: call,
      call,
      message: REQUEST_MESSAGE(what),
      severity: 'HIGH',
      confidence: 'HIGH',
      risk: 'Critical',
      ...(formatsData(s) ? { unknown: { message: FORMATTED_MESSAGE(what) } } : {}),
    });
  }
  return out;
}

export const CHECKS: Record<string, Check> = {
  template_injection: flowRule(sinkGate(TEMPLATE_SINKS), templateSites, { unknownSites: true }),
};
