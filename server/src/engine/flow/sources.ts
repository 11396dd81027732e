import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import { unparen } from '../pyast.js';
import { stringLiteral } from '../pystring.js';
import { memo, parentOf } from '../memo.js';
import type { FlowStep, Trust } from './types.js';
import { cleaned, type Value } from './value.js';

/**
 * Where untrusted data enters: the request object of Flask, Django, DRF,
 * Starlette/FastAPI and aiohttp and what of it the client sent; the
 * parameters a framework fills from the URL or the body (Flask `<x>`,
 * FastAPI path/query/body, Django URL kwargs); and the operator's inputs
 * (`input()`, `sys.argv`, `os.environ`), trusted more (`trust: 'local'`).
 */

/** A place in the file being analysed, as a step of a path. */
export function stepAt(node: Node, note: string, file: string | null = null): FlowStep {
  return { file, span: { start: node.startIndex, end: node.endIndex }, line: node.startPosition.row, column: node.startPosition.column, note };
}

/** Code as a message shows it: one line, at most 60 characters. */
export function shown(node: Node): string {
  const t = node.text.replace(/\s+/g, ' ');
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

/** Modules whose `request` is the request object (`flask.request`, `from quart import request`). */
export const REQUEST_FRAMEWORKS: ReadonlySet<string> = new Set(['flask', 'quart', 'bottle', 'sanic']);

/** Names under which views receive or import the request object. */
const REQUEST_NAMES = new Set(['request', 'req', 'self.request', ...[...REQUEST_FRAMEWORKS].map((f) => `${f}.request`)]);

export function isRequestName(qualified: string): boolean {
  return REQUEST_NAMES.has(qualified);
}

/** The request's attributes that hold what the client sent, and what each is in plain words. */
const REQUEST_ATTRS: ReadonlyMap<string, string> = new Map([
  // Flask / Werkzeug / Quart
  ['args', 'query parameter'],
  ['form', 'form field'],
  ['values', 'request value'],
  ['json', 'JSON body'],
  ['data', 'request body'],
  ['files', 'uploaded file'],
  ['cookies', 'cookie'],
  ['headers', 'header'],
  ['view_args', 'URL parameter'],
  ['environ', 'request environment'],
  ['full_path', 'request path'],
  ['path', 'request path'],
  ['url', 'request URL'],
  ['query_string', 'query string'],
  ['stream', 'request body'],
  // Django / DRF
  ['GET', 'query parameter'],
  ['POST', 'form field'],
  ['COOKIES', 'cookie'],
  ['META', 'request header'],
  ['FILES', 'uploaded file'],
  ['body', 'request body'],
  ['query_params', 'query parameter'],
  // Starlette
  ['path_params', 'URL parameter'],
  // aiohttp, bottle, Pyramid
  ['match_info', 'URL parameter'],
  ['query', 'query parameter'],
  ['params', 'request parameter'],
  ['rel_url', 'request URL'],
  ['content', 'request body'],
]);

/** Methods of the request that return what the client sent. */
const REQUEST_METHODS: ReadonlyMap<string, string> = new Map([
  ['get_json', 'JSON body'],
  ['get_data', 'request body'],
  ['json', 'JSON body'],
  ['form', 'form field'],
  ['body', 'request body'],
  ['post', 'form field'],
  ['text', 'request body'],
  ['read', 'request body'],
  ['stream', 'request body'],
]);

/** Reads a source container hands on (`request.args.get("q")`), its element is the key's value. */
export const CHAIN_READS = new Set(['get', 'getlist', 'getall', 'getone', 'pop', 'to_dict', 'dict', 'items', 'keys', 'values', 'copy', 'lists']);

export function requestAttrNoun(attr: string): string | undefined {
  return REQUEST_ATTRS.get(attr);
}

export function requestMethodNoun(method: string): string | undefined {
  return REQUEST_METHODS.get(method);
}

/** "request.form['c'] (form field 'c')": the source step's note for a read, with its key when constant. */
export function sourceNote(node: Node, noun: string, key: string | null): string {
  return key === null ? `${shown(node)} (${noun})` : `${shown(node)} (${noun} '${key}')`;
}

/** A source: untrusted from `node`. */
export function source(node: Node, note: string, trust: Trust, file: string | null, chain?: { attr: string; base: string }): Value {
  return { t: 'taint', trust, path: [stepAt(node, note, file)], clean: null, chain };
}

/** The constant string key of a read (`["c"]`, `.get("c")`), or null. */
export function constKey(node: Node | null | undefined): string | null {
  if (!node) return null;
  const s = stringLiteral(unparen(node));
  return s && !s.bytes ? s.value : null;
}

// ------------------------------------------------------------ local sources

/** Calls whose result the operator typed or set (lower trust). */
const LOCAL_CALLS: ReadonlyMap<string, string> = new Map([
  ['input', 'typed input'],
  ['raw_input', 'typed input'],
  ['os.getenv', 'environment variable'],
  ['os.environ.get', 'environment variable'],
  ['sys.stdin.read', 'standard input'],
  ['sys.stdin.readline', 'standard input'],
  ['sys.stdin.readlines', 'standard input'],
]);

/** Names that hold the operator's input. */
const LOCAL_NAMES: ReadonlyMap<string, string> = new Map([
  ['sys.argv', 'command-line argument'],
  ['os.environ', 'environment variable'],
  ['sys.stdin', 'standard input'],
]);

export function localCallNoun(qualified: string): string | undefined {
  return LOCAL_CALLS.get(qualified);
}

export function localNameNoun(qualified: string): string | undefined {
  return LOCAL_NAMES.get(qualified);
}

// ------------------------------------------------------------ framework parameters

/** A decorator `@x.<one>(...)` routes requests to its def (and fills its parameters from them). */
export const ROUTE_METHODS: ReadonlySet<string> = new Set(['route', 'get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'api_route', 'websocket']);
/** Types whose conversion leaves nothing an injection could use. */
const SAFE_TYPES = new Set(['int', 'float', 'bool', 'UUID', 'uuid.UUID', 'date', 'datetime', 'Decimal', 'PositiveInt', 'conint', 'confloat', 'StrictInt', 'StrictBool', 'StrictFloat']);
const REQUEST_TYPES = new Set(['Request', 'HttpRequest', 'WebSocket', 'HTTPConnection', 'web.Request', 'BaseRequest']);
/** The request types' own names (`web.Request` → `Request`): a parameter annotated with one, dotted or not, is the request. */
export const REQUEST_TYPE_WORDS: ReadonlySet<string> = new Set([...REQUEST_TYPES].map((t) => t.replace(/^.*\./, '')));
/**
 * The identifiers by which request data enters (the request names' and
 * types' last parts): the request gates (request-gate.ts, module-gate.ts)
 * look for these, so they follow this table rather than a copy of it.
 */
export const REQUEST_WORDS: ReadonlySet<string> = new Set([...[...REQUEST_NAMES].map((n) => n.replace(/^.*\./, '')), ...REQUEST_TYPE_WORDS]);
const NOT_INPUT = new Set(['self', 'cls']);
/** Parameters FastAPI fills by their type with its own objects, not the client's text. */
const FRAMEWORK_TYPES = new Set(['Response', 'BackgroundTasks', 'SecurityScopes', 'JSONResponse', 'HTMLResponse']);

export interface Param {
  name: string;
  node: Node;
  type: Node | null;
  value: Node | null;
  /** `*args` or `**kwargs`. */
  splat: boolean;
}

/** A def's parameters in order, with their annotation and default. */
export function paramsOf(fn: Node): Param[] {
  const out: Param[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    switch (p.type) {
      case 'identifier':
        out.push({ name: p.text, node: p, type: null, value: null, splat: false });
        break;
      case 'typed_parameter': {
        const id = p.namedChildren.find((c) => c?.type === 'identifier');
        const splat = p.namedChildren.find((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern');
        const name = id ?? splat?.namedChildren.find((c) => c?.type === 'identifier');
        if (name) out.push({ name: name.text, node: name, type: p.childForFieldName('type'), value: null, splat: !id });
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = p.childForFieldName('name');
        if (name) out.push({ name: name.text, node: name, type: p.childForFieldName('type'), value: p.childForFieldName('value'), splat: false });
        break;
      }
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern': {
        const name = p.namedChildren.find((c) => c?.type === 'identifier');
        if (name) out.push({ name: name.text, node: name, type: null, value: null, splat: true });
        break;
      }
    }
  }
  return out;
}

/**
 * The route decorators of a def: `@app.route("/u/<name>")`, `@router.get("/x")`,
 * `@bp.post(...)`, `@api.websocket(...)` → [method name, path string or null].
 * The one reading of route decorators: the framework parameters below, the
 * rules that ask whether a def is a view (checks/ps/xss.ts) and the grading.
 */
export function routeDecorators(fn: Node): { method: string; path: string | null }[] {
  return memo(fn, 'routeDecorators', readRouteDecorators);
}

/** Whether a def is a route handler (Flask, Quart, FastAPI, Starlette routers, Sanic…): it has a route decorator. */
export function isRouteHandler(fn: Node): boolean {
  return routeDecorators(fn).length > 0;
}

function readRouteDecorators(fn: Node): { method: string; path: string | null }[] {
  const parent = parentOf(fn);
  if (parent?.type !== 'decorated_definition') return [];
  const out: { method: string; path: string | null }[] = [];
  for (const d of parent.namedChildren) {
    if (d?.type !== 'decorator') continue;
    const e = d.namedChildren.find((c) => c && c.type !== 'comment');
    const call = e ? unparen(e) : null;
    if (call?.type !== 'call') continue;
    const f = call.childForFieldName('function');
    if (f?.type !== 'attribute') continue;
    const method = f.childForFieldName('attribute')?.text ?? '';
    if (!ROUTE_METHODS.has(method)) continue;
    const first = call.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment' && c.type !== 'keyword_argument');
    out.push({ method, path: constKey(first) });
  }
  return out;
}

/** Flask/Werkzeug route variables: `<x>`, `<path:x>`, `<int:x>` → name and converter. */
function routeVariables(path: string): Map<string, string> {
  const out = new Map<string, string>();
  // A scan from each `<` to the next `>` (a regex run over the route would
  // rescan from every `<` of a route like `<a(<a(<a(…`), each piece read once.
  const piece = /^(?:([A-Za-z_][A-Za-z0-9_]*)(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)$/;
  for (let open = path.indexOf('<'); open >= 0; ) {
    const close = path.indexOf('>', open + 1);
    if (close < 0) break;
    const inner = path.lastIndexOf('<', close);
    const m = piece.exec(path.slice(inner + 1, close));
    if (m) out.set(m[2], m[1] ?? 'string');
    open = path.indexOf('<', close + 1);
  }
  return out;
}

function typeName(type: Node | null): string {
  if (!type) return '';
  const t = type.text.replace(/\s+/g, '');
  const annotated = /^(?:typing\.|typing_extensions\.)?Annotated\[([^,\]]+)/.exec(t);
  const inner = (annotated ? annotated[1] : t).replace(/^(?:typing\.)?Optional\[(.*)\]$/, '$1').replace(/\|None$/, '');
  return inner;
}

/** A FastAPI parameter FastAPI fills by injection rather than from the request text. */
function injected(p: Param): boolean {
  const v = p.value ? unparen(p.value) : null;
  if (v?.type === 'call' && /(?:^|\.)(?:Depends|Security)$/.test(v.childForFieldName('function')?.text ?? '')) return true;
  return /\b(?:Depends|Security)\(/.test(p.type?.text ?? '');
}

/**
 * The values a framework gives a def's parameters, by name (parameters not
 * listed are the def's own, unknown). `file`: the analysed file (null).
 */
export function frameworkParams(fn: Node, ctx: FileContext, file: string | null = null): Map<string, Value> {
  const out = new Map<string, Value>();
  const params = paramsOf(fn);
  for (const p of params) {
    const t = typeName(p.type);
    if (isRequestName(p.name) || REQUEST_TYPES.has(t) || REQUEST_TYPES.has(t.replace(/^.*\./, ''))) out.set(p.name, { t: 'request' });
  }
  const routes = routeDecorators(fn);
  const fastapi = ctx.frameworks.has('fastapi');
  for (const r of routes) {
    if (r.path !== null && r.path.includes('<')) {
      // Flask/Werkzeug (and Quart, Sanic): the URL's variables.
      const vars = routeVariables(r.path);
      for (const p of params) {
        const conv = vars.get(p.name);
        if (!conv || out.has(p.name)) continue;
        const v = source(p.node, `the route parameter <${conv === 'string' ? '' : `${conv}:`}${p.name}> of ${r.path}`, 'request', file);
        out.set(p.name, conv === 'int' || conv === 'float' || conv === 'uuid' ? cleaned(v, ['*'], `the route's ${conv} converter`) : v);
      }
    } else if (fastapi) {
      // FastAPI: every parameter not injected is the client's (path, query or body).
      for (const p of params) {
        const short = t2short(typeName(p.type));
        if (out.has(p.name) || NOT_INPUT.has(p.name) || injected(p) || FRAMEWORK_TYPES.has(short)) continue;
        const v = source(p.node, `the request parameter \`${p.name}\``, 'request', file);
        out.set(p.name, SAFE_TYPES.has(short) ? cleaned(v, ['*'], `its ${short} type`) : v);
      }
    }
  }
  if (routes.length === 0 && ctx.frameworks.has('django')) {
    // A Django view: `def view(request, slug)`, `def get(self, request, pk)`: the URL's kwargs follow the request.
    const i = params.findIndex((p) => p.name === 'request');
    if (i >= 0 && (i === 0 || (i === 1 && NOT_INPUT.has(params[0].name)))) {
      for (const p of params.slice(i + 1)) {
        if (p.splat || out.has(p.name) || p.value) continue;
        out.set(p.name, source(p.node, `the URL parameter \`${p.name}\``, 'request', file));
      }
    }
  }
  return out;
}

const t2short = (t: string): string => t.replace(/^.*\./, '');
