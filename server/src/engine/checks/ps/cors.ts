import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { keywordArg, positionalArgs, qualifiedName, shortName, unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import type { Check, Hit } from '../../rule.js';
import { assignmentSetting, isTrue } from '../support/settings.js';

/**
 * PS501 (OWASP A05): CORS that lets every origin in with credentials, in
 * flask-cors, Starlette/FastAPI's CORSMiddleware (one call) and
 * django-cors-headers (two settings in separate statements: the settings
 * facts).
 */

/** Origin regexes that let every origin through. */
const MATCH_ALL = /^\^?(?:\(?(?:https?\??:\/\/)?\.[*+]\)?)\$?$/;

/** Whether a literal origin (or list of them) lets every origin in: `"*"`, or a match-all regex. */
function wildcardOrigins(node: Node): boolean {
  const n = unparen(node);
  const one = (s: string | null) => s !== null && (s.trim() === '*' || MATCH_ALL.test(s.trim()));
  if (n.type === 'list' || n.type === 'tuple' || n.type === 'set') {
    return n.namedChildren.some((c) => c !== null && c.type !== 'comment' && one(plainStr(c)));
  }
  return one(plainStr(n));
}


const STARLETTE_MESSAGE =
  'CORS lets every origin ("*") make credentialed requests: any website a signed-in user visits can call this API with their cookies and read the responses. List the exact trusted origins in allow_origins (e.g. ["https://app.example.com"]) instead of "*", or set allow_credentials=False.';
const FLASK_MESSAGE =
  'CORS lets every origin ("*") make credentialed requests: any website a signed-in user visits can call this API with their cookies and read the responses. List the exact trusted origins in origins (e.g. ["https://app.example.com"]) instead of "*", or drop supports_credentials=True.';
const FLASK_DEFAULT_MESSAGE =
  'CORS with supports_credentials=True and no origins lets every origin in (flask-cors defaults to origins="*"): any website a signed-in user visits can call this API with their cookies and read the responses. Pass origins= with the exact trusted origins (e.g. ["https://app.example.com"]).';

/** Starlette/FastAPI `CORSMiddleware` keywords on `call`: a wildcard origin and `allow_credentials=True`. */
function starletteWildcard(call: Node): boolean {
  if (!isTrue(keywordArg(call, 'allow_credentials'))) return false;
  const origins = keywordArg(call, 'allow_origins');
  const regex = keywordArg(call, 'allow_origin_regex');
  return (!!origins && wildcardOrigins(origins)) || (!!regex && MATCH_ALL.test((plainStr(regex) ?? '').trim()));
}

function isCorsMiddleware(node: Node | undefined, ctx: FileContext, at: number): boolean {
  if (!node) return false;
  return shortName(qualifiedName(node, ctx.aliasesAt(at))) === 'CORSMiddleware';
}

const FLASK_CORS = new Set([
  'flask_cors.CORS',
  'flask_cors.cross_origin',
  'flask_cors.extension.CORS',
  'flask_cors.decorator.cross_origin',
  'flask.ext.cors.CORS',
  'flask.ext.cors.cross_origin',
]);

/** A dict literal's value for a constant string key. */
function dictGet(dict: Node, key: string): Node | undefined {
  for (const pair of dict.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const k = pair.childForFieldName('key');
    if (k && plainStr(k) === key) return pair.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/**
 * flask-cors: `CORS(app, ...)` / `@cross_origin(...)` with
 * `supports_credentials=True` and origins `"*"`, given or by default; a
 * `resources` dict may override both per path.
 */
function flaskCors(call: Node, allowResources: boolean): Hit | null {
  const topOrigins = keywordArg(call, 'origins');
  const topCreds = keywordArg(call, 'supports_credentials');
  // origins given but not a literal: unknown, so not flagged.
  const verdict = (origins: Node | undefined, creds: Node | undefined): Hit | null => {
    if (!isTrue(creds)) return null;
    if (!origins) return { confidence: 'MEDIUM', message: FLASK_DEFAULT_MESSAGE };
    return wildcardOrigins(origins) ? { message: FLASK_MESSAGE } : null;
  };
  const resources = allowResources ? keywordArg(call, 'resources') : undefined;
  const res = resources ? unparen(resources) : undefined;
  if (res?.type === 'dictionary') {
    let found: Hit | null = null;
    for (const pair of res.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const v = pair.childForFieldName('value');
      const opts = v ? unparen(v) : undefined;
      const hit =
        opts?.type === 'dictionary'
          ? verdict(dictGet(opts, 'origins') ?? topOrigins, dictGet(opts, 'supports_credentials') ?? topCreds)
          : verdict(topOrigins, topCreds);
      if (hit && (!found || (found.confidence === 'MEDIUM' && !hit.confidence))) found = hit;
    }
    return found;
  }
  return verdict(topOrigins, topCreds);
}

/**
 * PS501 cors_wildcard_with_credentials: CORS that allows every origin
 * together with credentials (cookies, HTTP auth), so that any site can make
 * authenticated requests and read the answers.
 * - Starlette/FastAPI: `app.add_middleware(CORSMiddleware, ...)`,
 *   `Middleware(CORSMiddleware, ...)`, `CORSMiddleware(app, ...)` with
 *   `allow_origins` holding "*" (or a match-all `allow_origin_regex`) and
 *   `allow_credentials=True`;
 * - flask-cors: `CORS(app, ...)`, `cross_origin(...)` with
 *   `supports_credentials=True` and origins "*" or not given.
 * django-cors-headers (two settings in separate statements) is checked below (`corsAll`),
 * through the file-wide settings facts.
 */
const corsWildcardWithCredentials: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const name = shortName(qual);
  if (FLASK_CORS.has(qual)) return flaskCors(call, !qual.endsWith('cross_origin'));
  if (name === 'add_middleware' || name === 'Middleware') {
    const cls = positionalArgs(call)[0] ?? keywordArg(call, name === 'add_middleware' ? 'middleware_class' : 'cls');
    if (!isCorsMiddleware(cls, ctx, call.startIndex)) return null;
    return starletteWildcard(call) ? { message: STARLETTE_MESSAGE } : null;
  }
  if (name === 'CORSMiddleware') return starletteWildcard(call) ? { message: STARLETTE_MESSAGE } : null;
  return null;
};

// ------------------------------------------------------------ django-cors-headers

function matchAllRegexes(node: Node): boolean {
  const n = unparen(node);
  const items = n.type === 'list' || n.type === 'tuple' || n.type === 'set' ? n.namedChildren : [n];
  return items.some((c) => {
    const v = c ? plainStr(c) : null;
    return v !== null && MATCH_ALL.test(v.trim());
  });
}

const DJANGO_CORS_MESSAGE = (name: string) =>
  `${name} lets every origin in, and CORS_ALLOW_CREDENTIALS = True lets them send the user's cookies: any website a signed-in user visits can call this API as them and read the responses. List the exact trusted origins in CORS_ALLOWED_ORIGINS (e.g. ["https://app.example.com"]) instead, or turn credentials off.`;

const corsAll: Check = (m, rule, ctx) => {
  const node = m.node;
  if (node.type === 'call') return corsWildcardWithCredentials(m, rule, ctx);
  const s = assignmentSetting(node);
  if (!s || s.form !== 'module' || ctx.settings.value('CORS_ALLOW_CREDENTIALS') !== 'True') return null;
  if ((s.name === 'CORS_ALLOW_ALL_ORIGINS' || s.name === 'CORS_ORIGIN_ALLOW_ALL') && isTrue(s.value)) {
    return { message: DJANGO_CORS_MESSAGE(`${s.name} = True`) };
  }
  if ((s.name === 'CORS_ALLOWED_ORIGIN_REGEXES' || s.name === 'CORS_ORIGIN_REGEX_WHITELIST') && matchAllRegexes(s.value)) {
    return { message: DJANGO_CORS_MESSAGE(`${s.name} with a match-all pattern`) };
  }
  return null;
};

export const CHECKS: Record<string, Check> = {
  cors_wildcard_with_credentials: corsWildcardWithCredentials,
  cors_wildcard_with_credentials_any: corsAll,
};
