import type { Node } from 'web-tree-sitter';
import { calledName, shortName, unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { type Judge, requestScoped, said, sanitisers } from './request-scoped.js';
import { checkedBefore } from './taint.js';
import { argument } from '../support/settings.js';

/**
 * PS001 (OWASP A10, server-side request forgery): request input as the URL
 * of an HTTP client call. A request-input rule (request-input.ts).
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

const SSRF_SANITISERS = sanitisers('quote', 'quote_plus', 'urlencode');
/** Checks a URL held in a name may go through earlier in the def (`if not is_allowed_url(url): abort(400)`). */
const SSRF_VALIDATORS = /^(is_)?(safe|allowed|valid|trusted)_(url|host|domain|target)|^(validate|check|verify)_(url|host|domain|target)|^url_has_allowed_host_and_scheme$/;

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

const ssrf: Judge = (call, ctx, find) => {
  const at = HTTP_CLIENTS.get(ctx.qualname(call));
  if (at === undefined) return null;
  const url = argument(call, at, 'url');
  if (!url) return null;
  const src = find(url, SSRF_SANITISERS, 'ssrf');
  if (!src) return null;
  if (src.from !== undefined && checkedBefore(call, src.text, SSRF_VALIDATORS)) return null;
  if (fixedOrigin(url)) {
    return {
      node: url,
      confidence: 'LOW',
      risk: 'Medium',
      message: `The path of this outgoing request comes from the HTTP request (${said(src)}), though its host is fixed: a crafted value (../, ?, #, encoded characters) can still reach other endpoints of that host with the server's credentials. Validate the value (an id, a known name) before building the URL, and quote it with urllib.parse.quote(value, safe="").`,
    };
  }
  return {
    node: url,
    message: `The server fetches a URL taken from the HTTP request (${said(src)}): an attacker can make it call internal services (cloud metadata at 169.254.169.254, localhost admin ports, the internal network) and read the answers. Accept only URLs whose scheme and host are on an allow-list (parse with urllib.parse.urlsplit and compare exactly), or let the client pick a key that maps to a fixed URL.`,
  };
};

const SSRF_SINKS = new Set([...HTTP_CLIENTS.keys()].map(shortName));

export const CHECKS: Record<string, Check> = {
  ssrf_request_url: requestScoped(ssrf, SSRF_SINKS),
};
