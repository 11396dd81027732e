import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { calledName, shortName, unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { type Judge, requestScoped, said, sanitisers } from './request-scoped.js';
import { argument, callName, constantLikeName, isConstantString } from '../support/settings.js';

/**
 * OWASP A03 (injection): PS301, template injection, a request-input rule
 * (request-input.ts).
 */

const set = (...xs: string[]) => new Set(xs);

const TEMPLATE_CLASSES = set('jinja2.Template', 'jinja2.environment.Template', 'mako.template.Template', 'django.template.Template', 'django.template.base.Template');
const TEMPLATE_SANITISERS = sanitisers();

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

const templateInjection: Judge = (call, ctx, find) => {
  const found = templateSource(call, ctx);
  if (!found) return null;
  const [source, what] = found;
  if (!source) return null;
  const s = unparen(source);
  if (isConstantString(s) || constantLikeName(s)) return null;
  const src = find(source, TEMPLATE_SANITISERS, 'template');
  if (src) {
    return {
      node: source,
      severity: 'HIGH',
      confidence: 'HIGH',
      risk: 'Critical',
      message: `${what} compiles a template taken from the request (${said(src)}): template syntax such as {{ ''.__class__.__mro__ }} reaches Python objects, which means code execution on the server. Never compile templates from user input: render a fixed template file (render_template("page.html", value=...)) and pass the input as a variable.`,
    };
  }
  if (formatsData(s)) {
    return {
      node: source,
      message: `${what} compiles a template built from data (an f-string, % or .format): any value that reaches it is parsed as template code, and template code reaches Python objects (server-side template injection, code execution). Keep the template constant and pass the values as variables: render_template_string("Hello {{ name }}", name=name), or better a template file with render_template().`,
    };
  }
  return {
    node: source,
    confidence: 'LOW',
    risk: 'Medium',
    message: `${what} compiles a template that is not a constant: if any part of it can come from a user, template code reaches Python objects (server-side template injection, code execution). Load templates only from files or constants you control, and pass user data as template variables.`,
  };
};

const TEMPLATE_SINKS = new Set(['render_template_string', 'from_string', ...[...TEMPLATE_CLASSES].map(shortName)]);

export const CHECKS: Record<string, Check> = {
  template_injection: requestScoped(templateInjection, TEMPLATE_SINKS),
};
