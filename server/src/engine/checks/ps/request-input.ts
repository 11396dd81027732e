import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { calledName, qualifiedName } from '../../pyast.js';
import { parentOf } from '../../memo.js';

/**
 * Where request data enters an expression (`requestInput`): the request
 * objects of Flask, Django, Starlette and DRF views and what they hold. It
 * looks only at the node it is given, its descendants and its ancestors up
 * to the statement; taint.ts follows request input across the statements of
 * a def, request-scoped.ts makes the request-input rules of both.
 */
// ------------------------------------------------------------ request input

/**
 * The request object as views see it: Flask's/Quart's global `request`,
 * Django's, Starlette's and DRF's view argument (by its usual name), a
 * class-based view's `self.request`.
 */
const REQUEST_OBJECTS = new Set(['request', 'req', 'self.request', 'flask.request', 'quart.request', 'bottle.request']);

/** Its attributes that carry what the client sent (query, form, body, files, cookies, headers). */
const REQUEST_ATTRS = new Set([
  // Flask / Werkzeug
  'args',
  'form',
  'values',
  'json',
  'get_json',
  'data',
  'files',
  'cookies',
  'headers',
  'view_args',
  // Django / DRF
  'GET',
  'POST',
  'COOKIES',
  'META',
  'FILES',
  'body',
  'query_params',
  // Starlette / FastAPI (`form()`, `json()`, `body()`, `cookies`, `headers` as above)
  'path_params',
  // bottle, aiohttp, Pyramid
  'query',
  'params',
]);

/** Calls that turn request data into something a sink cannot misuse (per rule, beside these); `get` is a lookup (`ALLOWED.get(request.args["k"])`), the request's own `request.args.get(...)` reads it. */
export const COMMON_SANITISERS: readonly string[] = ['int', 'float', 'bool', 'len', 'UUID', 'escape', 'get'];

export interface RequestInput {
  /** The accessor chain read from the request: `request.args.get("url")`. */
  node: Node;
  /** Its text, shortened for a message. */
  text: string;
  /** For a name that holds request input (taint.ts): where the input came from, for a message. */
  from?: string;
}

/**
 * The first place in `expr` (itself or a descendant) that reads request
 * input, unless it sits inside an argument of a call named in `sanitisers`
 * (`secure_filename(request.args["f"])`); null when there is none.
 */
export function requestInput(expr: Node, ctx: FileContext, sanitisers: ReadonlySet<string>, key: string): RequestInput | null {
  return ctx.memo(expr, `requestInput:${key}`, () => findRequestInput(expr, ctx, sanitisers));
}

function findRequestInput(expr: Node, ctx: FileContext, sanitisers: ReadonlySet<string>): RequestInput | null {
  const candidates = expr.type === 'attribute' ? [expr] : [];
  for (const a of expr.descendantsOfType('attribute')) if (a && a.id !== expr.id) candidates.push(a);
  for (const a of candidates) {
    const attr = a.childForFieldName('attribute')?.text;
    if (!attr || !REQUEST_ATTRS.has(attr)) continue;
    const obj = a.childForFieldName('object');
    if (!obj || !REQUEST_OBJECTS.has(qualifiedName(obj, ctx.aliasesAt(a.startIndex)))) continue;
    if (sanitisedUnder(a, expr, sanitisers)) continue;
    const node = accessorChain(a, expr);
    const text = node.text.replace(/\s+/g, ' ');
    return { node, text: text.length > 60 ? `${text.slice(0, 57)}...` : text };
  }
  return null;
}

/** Whether `node` is inside an argument of a sanitising call or a mapping key, looking up to `root` (included). */
export function sanitisedUnder(node: Node, root: Node, sanitisers: ReadonlySet<string>): boolean {
  if (node.id === root.id) return false;
  let prev = node;
  for (let p = parentOf(node); p; p = parentOf(p)) {
    if (p.type === 'call' && p.childForFieldName('arguments')?.id === prev.id && sanitisers.has(calledName(p))) return true;
    // A key into a mapping (`ALLOWED[request.args["k"]]`) selects a value the code chose.
    if (p.type === 'subscript' && p.childForFieldName('value')?.id !== prev.id) return true;
    if (p.id === root.id) return false;
    prev = p;
  }
  return false;
}

/** `request.args` → `request.args.get("url")` / `request.args["url"]`: the read as written, up to `root`. */
function accessorChain(node: Node, root: Node): Node {
  let n = node;
  while (n.id !== root.id) {
    const p = parentOf(n);
    if (!p) break;
    const isObject = p.type === 'attribute' && p.childForFieldName('object')?.id === n.id;
    const isCallee = p.type === 'call' && p.childForFieldName('function')?.id === n.id;
    const isSubscripted = p.type === 'subscript' && p.childForFieldName('value')?.id === n.id;
    const isAwaited = p.type === 'await';
    if (!(isObject || isCallee || isSubscripted || isAwaited)) break;
    n = p;
  }
  return n;
}
