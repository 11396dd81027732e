import type { Node } from 'web-tree-sitter';
import { type FileContext } from '../../context.js';
import { keywordArg, positionalArgs } from '../../pyast.js';
import { unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { flowRule, methodName, ownNodes, receiver, type Site } from './scoped.js';

/**
 * PS305 header injection: request data as a response header's name or
 * value. `<response>.headers[name] = value` (Flask, Werkzeug, Starlette),
 * `<response>[name] = value` on a name that says it is a response (Django),
 * `.headers.add/set/setdefault/add_header(name, value)`, and the headers a
 * response is built with (`Response(..., headers={...})`,
 * `make_response(body, status, {...})`, `HttpResponse(headers={...})`).
 * Cookies are PS504's; a redirect's Location is PS101's.
 */

const MESSAGE = (what: string) =>
  `${what} is set from request data: a value with CR/LF splits the response (older servers and WSGI stacks), and even where newlines are refused the client picks the header's content (a Content-Disposition file name, a reflected Access-Control-Allow-Origin, a Link or Refresh target). Set headers from the server's own values; when one must carry client data, allow-list it or encode it (urllib.parse.quote) and reject control characters.`;

const HEADER_METHODS = new Set(['add', 'set', 'setdefault', 'add_header']);
const RESPONSE_NAME = /^(resp|response|res|http_response|r)$|_(resp|response)$|^response_/i;
const RESPONSE_CALLS = new Map<string, number>([
  ['Response', -1],
  ['make_response', 2],
  ['HttpResponse', -1],
  ['JsonResponse', -1],
  ['JSONResponse', -1],
  ['HTMLResponse', -1],
  ['PlainTextResponse', -1],
  ['StreamingResponse', -1],
  ['FileResponse', -1],
  ['RedirectResponse', -1],
]);

/** Whether `node` is a response's header map: `<x>.headers`. */
function headerMap(node: Node | null): boolean {
  const n = node ? unparen(node) : null;
  return n?.type === 'attribute' && n.childForFieldName('attribute')?.text === 'headers' && unparen(n.childForFieldName('object')!).text !== 'request';
}

/** The header names and values of a headers argument: each pair of a dict literal, or the whole mapping. */
function headerValues(arg: Node): Node[] {
  const a = unparen(arg);
  if (a.type !== 'dictionary') return [a];
  const out: Node[] = [];
  for (const pair of a.namedChildren) {
    if (pair?.type === 'pair') {
      const k = pair.childForFieldName('key');
      const v = pair.childForFieldName('value');
      if (k) out.push(unparen(k));
      if (v) out.push(unparen(v));
    } else if (pair?.type === 'dictionary_splat') {
      const inner = pair.namedChildren[0];
      if (inner) out.push(unparen(inner));
    }
  }
  return out;
}

function headerSites(fn: Node, _ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const assign of ownNodes(fn, 'assignment')) {
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    if (left?.type !== 'subscript' || !right) continue;
    const map = left.childForFieldName('value');
    const key = left.childForFieldName('subscript');
    const m = map ? unparen(map) : null;
    const django = m?.type === 'identifier' && RESPONSE_NAME.test(m.text);
    if (!headerMap(m) && !django) continue;
    const what = `The response header ${left.text.length > 40 ? '' : `\`${left.text}\``}`.trim();
    if (key) out.push({ value: unparen(key), kind: 'header', at: assign, message: MESSAGE(`${what}'s name`) });
    out.push({ value: unparen(right), kind: 'header', at: assign, message: MESSAGE(what) });
  }
  for (const call of ownNodes(fn, 'call')) {
    const name = methodName(call);
    if (HEADER_METHODS.has(name) && headerMap(receiver(call))) {
      const [k, v] = positionalArgs(call);
      if (k) out.push({ value: unparen(k), kind: 'header', at: call, call, message: MESSAGE(`A response header's name (headers.${name}())`) });
      if (v) out.push({ value: unparen(v), kind: 'header', at: call, call, message: MESSAGE(`A response header (headers.${name}())`) });
      continue;
    }
    const at = RESPONSE_CALLS.get(name);
    if (at === undefined) continue;
    const headers = keywordArg(call, 'headers') ?? (at >= 0 ? positionalArgs(call)[at] : undefined);
    if (!headers) continue;
    for (const v of headerValues(headers)) out.push({ value: v, kind: 'header', at: call, call, message: MESSAGE(`A header of ${name}()`) });
  }
  return out;
}

const WORDS = /\bheaders\b|\b(?:resp|response|res|r|http_response)\b|_(?:resp|response)\b|\bresponse_/;

export const CHECKS: Record<string, Check> = {
  header_injection: flowRule(WORDS, headerSites),
};
