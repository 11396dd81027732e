import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { unparen } from '../../pyast.js';
import { memo, parentOf } from '../../memo.js';
import { requestInput, sanitisedUnder, type RequestInput } from './request-input.js';

/**
 * Request input followed through one function body: the names that hold it
 * at a point of the function. Two kinds of binding:
 *
 * - a FastAPI route handler's parameters that FastAPI fills from the query
 *   or path as text (`async def fetch(url: str)` under `@app.get(...)`);
 * - a simple assignment whose value reads request input, directly or
 *   through a name that holds it (`target = request.args["url"]`,
 *   `full = f"{base}/x"`, `u = request.args.get("u").strip()`), also `+=`,
 *   `:=` and a `for` target over request input.
 *
 * Order is the text's: the last binding of a name before the use decides,
 * and a name rebound to anything else (a constant, a sanitised value) is
 * clean from there on. Branches and loops are not modelled: an assignment
 * inside an `if` counts as if it always ran, and a use before a loop's later
 * assignment is not followed. Nested defs and classes are scopes of their
 * own (a closure's use of an outer name is not followed); module-level
 * assignments are not followed either.
 */

export interface Binding {
  name: string;
  /** From this offset on the binding holds: the end of the assignment, the start of the body for a parameter. */
  at: number;
  /** Where its request input came from, as said in a message; null: the name is bound to something clean. */
  from: string | null;
}

const SCOPES = new Set(['function_definition', 'class_definition']);

/** The innermost def a node belongs to (its body, parameters or return type), or null at module or class level outside any def. */
export function ownerFunction(node: Node): Node | null {
  return memo(node, 'ownerFunction', (n) => {
    for (let p = parentOf(n); p; p = parentOf(p)) if (p.type === 'function_definition') return p;
    return null;
  });
}

/** The calls a def owns: in its text, not inside a nested def (a class inside it is still its). In text order. */
export function ownCalls(fn: Node): Node[] {
  return memo(fn, 'ownCalls', (f) => {
    // Two searches in the tree rather than a walk: each step of a walk crosses into wasm.
    const calls = f.descendantsOfType('call');
    const nested = f.descendantsOfType('function_definition').filter((d): d is Node => !!d && d.id !== f.id);
    const out: Node[] = [];
    for (const c of calls) if (c && !nested.some((d) => c.startIndex >= d.startIndex && c.endIndex <= d.endIndex)) out.push(c);
    return out;
  });
}

// ------------------------------------------------------------ FastAPI routes

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'api_route']);
/** Parameter types FastAPI fills with the client's text (a URL or path is what the sinks care about). */
const TEXT_TYPES = new Set(['str', 'HttpUrl', 'AnyUrl', 'AnyHttpUrl', 'Url', 'Path', 'PurePath']);
const NOT_INPUT = new Set(['self', 'cls']);

/** Whether a def is a FastAPI route handler: `@<app or router>.get("/x")` and the like, in a file that imports fastapi. */
export function isFastApiRoute(fn: Node, ctx: FileContext): boolean {
  if (!ctx.frameworks.has('fastapi')) return false;
  const parent = parentOf(fn);
  if (parent?.type !== 'decorated_definition') return false;
  for (const d of parent.namedChildren) {
    if (d?.type !== 'decorator') continue;
    const expr = d.namedChildren.find((c) => c && c.type !== 'comment');
    const e = expr ? unparen(expr) : null;
    if (e?.type !== 'call') continue;
    const f = e.childForFieldName('function');
    if (f?.type === 'attribute' && ROUTE_METHODS.has(f.childForFieldName('attribute')?.text ?? '')) return true;
  }
  return false;
}

/** `Optional[str]`, `str | None`, `Union[str, None]`, `Annotated[str, Query()]`, `pydantic.HttpUrl` → whether it is text. */
function textType(annotation: Node): boolean {
  const t = annotation.text.replace(/\s+/g, '');
  if (/\bDepends\(|\bSecurity\(/.test(t)) return false;
  const annotated = /^(?:typing\.|typing_extensions\.)?Annotated\[(.+?),/.exec(t);
  const inner = annotated ? annotated[1] : t;
  const parts = inner
    .replace(/^(?:typing\.)?(?:Optional|Union)\[(.*)\]$/, '$1')
    .split(/[|,]/)
    .map((p) => p.replace(/^.*\./, ''))
    .filter((p) => p !== 'None');
  return parts.length > 0 && parts.every((p) => TEXT_TYPES.has(p));
}

/** A default that makes FastAPI inject a dependency rather than read the request text. */
function injected(value: Node | null): boolean {
  if (!value) return false;
  const v = unparen(value);
  if (v.type !== 'call') return false;
  const name = v.childForFieldName('function')?.text.replace(/^.*\./, '') ?? '';
  return name === 'Depends' || name === 'Security';
}

/** The route's parameters FastAPI fills from the query or path as text: unannotated ones, `str`, `Optional[str]`, `HttpUrl`; not `Depends(...)`. */
export function routeTextParams(fn: Node): Node[] {
  const params = fn.childForFieldName('parameters');
  const out: Node[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p) continue;
    let name: Node | null = null;
    let type: Node | null = null;
    let value: Node | null = null;
    if (p.type === 'identifier') name = p;
    else if (p.type === 'typed_parameter') {
      name = p.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      type = p.childForFieldName('type');
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      name = p.childForFieldName('name');
      type = p.childForFieldName('type');
      value = p.childForFieldName('value');
    }
    if (!name || name.type !== 'identifier' || NOT_INPUT.has(name.text)) continue;
    if (injected(value) || (type && !textType(type))) continue;
    out.push(name);
  }
  return out;
}

// ------------------------------------------------------------ bindings

/** The bindings of a def in text order, for the sinks of one rule (its sanitisers, memo `key`). */
export function bindings(fn: Node, ctx: FileContext, sanitisers: ReadonlySet<string>, key: string): Binding[] {
  return ctx.memo(fn, `bindings:${key}`, () => collect(fn, ctx, sanitisers, key));
}

/** The binding of `name` in force at `offset`: the one that took hold last before it. */
function lookup(list: readonly Binding[], name: string, offset: number): Binding | null {
  let best: Binding | null = null;
  for (const b of list) if (b.name === name && b.at <= offset && (!best || b.at >= best.at)) best = b;
  return best;
}

const TARGET_LISTS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'parenthesized_expression', 'list_splat_pattern']);

/** The names a target rebinds: `a`, `a, (b, *c)`; not `d[k]` or `self.x`, which rebind no name. */
function targetNames(target: Node): Node[] {
  if (target.type === 'identifier') return [target];
  if (!TARGET_LISTS.has(target.type)) return [];
  return target.namedChildren.flatMap((c) => (c ? targetNames(c) : []));
}

function collect(fn: Node, ctx: FileContext, sanitisers: ReadonlySet<string>, key: string): Binding[] {
  const out: Binding[] = [];
  const body = fn.childForFieldName('body');
  if (!body) return out;
  if (isFastApiRoute(fn, ctx)) {
    for (const p of routeTextParams(fn)) out.push({ name: p.text, at: body.startIndex, from: `the FastAPI route parameter \`${p.text}\`` });
  }
  const origin = (value: Node): string | null => {
    const src = findInput(value, ctx, sanitisers, key, out);
    return src ? (src.from ?? src.text) : null;
  };
  const bind = (target: Node, from: string | null, at: number): void => {
    // Only a plain name carries the input on; names unpacked from it (`a, b = ...`) are taken as clean.
    const t = unparen(target);
    if (t.type === 'identifier') out.push({ name: t.text, at, from });
    else for (const id of targetNames(t)) out.push({ name: id.text, at, from: null });
  };
  const visit = (n: Node): void => {
    for (const c of n.namedChildren) {
      if (!c || SCOPES.has(c.type) || c.type === 'lambda') continue;
      // Inner expressions first: `a = (b := request.args["x"])` binds b, then a.
      visit(c);
      if (c.type === 'assignment') {
        const left = c.childForFieldName('left');
        const right = c.childForFieldName('right');
        if (left && right) bind(left, unparen(left).type === 'identifier' ? origin(right) : null, c.endIndex);
      } else if (c.type === 'augmented_assignment') {
        const left = c.childForFieldName('left');
        const right = c.childForFieldName('right');
        if (left?.type === 'identifier' && right) {
          const before = lookup(out, left.text, c.startIndex)?.from ?? null;
          out.push({ name: left.text, at: c.endIndex, from: before ?? origin(right) });
        }
      } else if (c.type === 'named_expression') {
        const name = c.childForFieldName('name');
        const value = c.childForFieldName('value');
        if (name && value) out.push({ name: name.text, at: c.endIndex, from: origin(value) });
      } else if (c.type === 'for_statement') {
        const left = c.childForFieldName('left');
        const right = c.childForFieldName('right');
        // Bound from the loop header on; the body's uses come after it.
        if (left && right) bind(left, unparen(left).type === 'identifier' ? origin(right) : null, right.endIndex);
      }
    }
  };
  visit(body);
  // `visit` pushes inner bindings before the statement that holds them; lookups want them by position.
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The first request input in `expr`: a read of the request itself
 * (`requestInput`), or a name that holds request input at that point of
 * the def (`bindings`), unless inside a sanitiser's argument or a mapping key.
 */
function findInput(expr: Node, ctx: FileContext, sanitisers: ReadonlySet<string>, key: string, list: readonly Binding[]): RequestInput | null {
  const direct = requestInput(expr, ctx, sanitisers, key);
  if (direct) return direct;
  const ids = expr.type === 'identifier' ? [expr] : [];
  for (const id of expr.descendantsOfType('identifier')) if (id && id.id !== expr.id) ids.push(id);
  for (const id of ids) {
    const p = parentOf(id);
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) continue;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) continue;
    const b = lookup(list, id.text, id.startIndex);
    if (!b?.from || sanitisedUnder(id, expr, sanitisers)) continue;
    return { node: id, text: id.text, from: b.from };
  }
  return null;
}

/** `requestInput`, also through the names of the def that owns `expr` (see above). */
export function taintedInput(expr: Node, fn: Node, ctx: FileContext, sanitisers: ReadonlySet<string>, key: string): RequestInput | null {
  return ctx.memo(expr, `taintedInput:${key}`, () => findInput(expr, ctx, sanitisers, key, bindings(fn, ctx, sanitisers, key)));
}

/**
 * Whether, before `use`, the def that owns it passes the name `name` to a
 * call whose name `validator` accepts (`if url_has_allowed_host_and_scheme(target, ...)`,
 * `if not is_safe_url(next_url): abort(400)`): the value was checked, on
 * some path at least (branches are not modelled), and is not reported.
 */
export function checkedBefore(use: Node, name: string, validator: RegExp): boolean {
  const fn = ownerFunction(use);
  if (!fn) return false;
  for (const call of ownCalls(fn)) {
    if (call.startIndex >= use.startIndex) break;
    const f = call.childForFieldName('function');
    const callee = f ? (f.type === 'attribute' ? f.childForFieldName('attribute')?.text : f.text) : '';
    if (!callee || !validator.test(callee)) continue;
    const args = call.childForFieldName('arguments');
    if (args?.namedChildren.some((a) => !!a && (unparen(a).text === name || (a.type === 'keyword_argument' && a.childForFieldName('value')?.text === name)))) return true;
  }
  return false;
}
