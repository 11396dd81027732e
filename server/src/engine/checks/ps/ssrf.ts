import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { calledName, shortName, unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { argument } from '../support/settings.js';
import { flowRule, sinkCalls, sinkGate, type Site } from './scoped.js';

/**
 * PS001 (OWASP A10, server-side request forgery): request data as the URL
 * of an HTTP client call. A flow rule (scoped.ts): the data-flow layer
 * decides what reaches the URL; `url_for`/`reverse`, an allow-list check
 * (`x in ALLOWED`, `urlparse(x).netloc in HOSTS`) and a URL validator in a
 * guard (`if not is_allowed_url(x): abort(400)`) clean it.
 */

/** HTTP clients by qualified name → the positional index of the URL. */
const HTTP_CLIENTS: ReadonlyMap<string, number> = new Map([
  ...['get', 'post', 'put', 'patch', 'delete', 'head', 'options'].flatMap((v) => [
    [`requests.${v}`, 0] as const,
    [`requests.api.${v}`, 0] as const,
    [`httpx.${v}`, 0] as const,
  ]),
  ['requests.request', 1],
  ['requests.api.request', 1],
  ['httpx.request', 1],
  ['httpx.stream', 1],
  ['urllib.request.urlopen', 0],
  ['urllib.request.Request', 0],
  ['urllib.request.urlretrieve', 0],
  ['urllib2.urlopen', 0],
  ['urllib2.Request', 0],
  ['six.moves.urllib.request.urlopen', 0],
  ['urllib3.request', 1],
  ['aiohttp.request', 1],
]);

/** A URL expression whose literal start fixes scheme and host: `f"https://api.example.com/u/{x}"`. */
function fixedOrigin(url: Node): boolean {
  let n = unparen(url);
  if (n.type === 'binary_operator') {
    for (let l = n.childForFieldName('left'); l; l = l.type === 'binary_operator' ? l.childForFieldName('left') : null) n = unparen(l);
  }
  if (n.type === 'call' && calledName(n) === 'format') {
    const obj = n.childForFieldName('function')?.childForFieldName('object');
    if (obj) n = unparen(obj);
  }
  if (n.type === 'concatenated_string') n = n.namedChildren.find((c) => c?.type === 'string') ?? n;
  if (n.type !== 'string') return false;
  let head = '';
  for (const c of n.children) {
    if (!c) continue;
    if (c.type === 'interpolation') break;
    if (c.type === 'string_content') head += c.text;
  }
  return /^[a-z][a-z0-9+.-]*:\/\/[^/{}%]+\//i.test(head);
}

/** The clients' last names: `get`, `urlopen`, `Request`… */
const SINKS: ReadonlySet<string> = new Set([...HTTP_CLIENTS.keys()].map(shortName));

const MESSAGE =
  "The server fetches a URL taken from the HTTP request: an attacker can make it call internal services (cloud metadata at 169.254.169.254, localhost admin ports, the internal network) and read the answers. Accept only URLs whose scheme and host are on an allow-list (parse with urllib.parse.urlsplit and compare exactly), or let the client pick a key that maps to a fixed URL.";
const FIXED_HOST_MESSAGE =
  "The path of this outgoing request comes from the HTTP request, though its host is fixed: a crafted value (../, ?, #, encoded characters) can still reach other endpoints of that host with the server's credentials. Validate the value (an id, a known name) before building the URL, and quote it with urllib.parse.quote(value, safe=\"\").";

function ssrfSites(fn: Node, ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const call of sinkCalls(fn, ctx, SINKS)) {
    const at = HTTP_CLIENTS.get(ctx.qualname(call));
    if (at === undefined) continue;
    const url = argument(call, at, 'url');
    if (!url || url.type === 'list_splat' || url.type === 'dictionary_splat') continue;
    if (fixedOrigin(url)) out.push({ value: url, kind: 'url', at: call, call, message: FIXED_HOST_MESSAGE, confidence: 'LOW', risk: 'Medium' });
    else out.push({ value: url, kind: 'url', at: call, call, message: MESSAGE });
  }
  return out;
}

export const CHECKS: Record<string, Check> = {
  ssrf_request_url: flowRule(sinkGate(SINKS), ssrfSites),
};
