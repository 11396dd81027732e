import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { positionalArgs, qualifiedName, shortName, unparen } from '../../pyast.js';
import type { Check, Hit } from '../../rule.js';
import { argument, callName, isFalse, settingsOf, settingText } from '../support/settings.js';
import { flowRule, sinkCalls, sinkGate, type Site } from './scoped.js';

/**
 * OWASP A01 (broken access control): open redirects (PS101) and path
 * traversal (PS102), both flow rules (scoped.ts: the data-flow layer
 * decides what reaches the target or the path), and CSRF protection turned
 * off (PS103).
 */

const set = (...xs: string[]) => new Set(xs);

/** A value no rule can take apart: `f(*args)`, `f(**kw)`. */
const splat = (n: Node) => n.type === 'list_splat' || n.type === 'dictionary_splat';

// ------------------------------------------------------------ PS101 open redirect

const REDIRECTS = set('redirect', 'HttpResponseRedirect', 'HttpResponsePermanentRedirect', 'RedirectResponse');
/**
 * Validators whose presence in the argument means the target is checked
 * inline (`x if url_has_allowed_host_and_scheme(x, ...) else "/"`): the
 * layer's guards clean a name checked in an `if`, not a subscript checked
 * inside a conditional expression.
 */
const REDIRECT_VALIDATORS = /\b(url_has_allowed_host_and_scheme|is_safe_url|is_safe_redirect_url|is_safe_redirect|is_safe_next_url)\b/;

const REDIRECT_MESSAGE = (what: string) =>
  `${what}() sends the user to a URL taken from the request: a link to this page can forward your users to any phishing site, under your domain's name. Redirect only to relative paths on this site or to an allow-list of hosts (Django: url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}); otherwise compare urlsplit(url).netloc to a list), and fall back to a fixed page.`;

function redirectSites(fn: Node, ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const call of sinkCalls(fn, ctx, REDIRECTS)) {
    const { short } = callName(call, ctx);
    if (!REDIRECTS.has(short)) continue;
    const target = argument(call, 0, 'location', 'url', 'to', 'redirect_to');
    if (!target || splat(target) || REDIRECT_VALIDATORS.test(target.text)) continue;
    out.push({ value: target, kind: 'redirect', at: call, call, message: REDIRECT_MESSAGE(short) });
  }
  return out;
}

// ------------------------------------------------------------ PS102 path traversal

/** File sinks by short or qualified name → the keywords that name the path. */
const FILE_SINKS: ReadonlyMap<string, string[]> = new Map([
  ['open', ['file']],
  ['io.open', ['file']],
  ['codecs.open', ['filename']],
  ['send_file', ['path_or_file', 'filename_or_fp']],
  ['FileResponse', ['path']],
]);

/** Their last names: `open`, `send_file`, `FileResponse`. */
const PATH_SINKS: ReadonlySet<string> = new Set([...FILE_SINKS.keys()].map(shortName));

/** The path keywords of a file sink call, or undefined when the call is none. */
function fileSink(call: Node, ctx: FileContext): { keywords: string[]; what: string } | undefined {
  const { qual, short } = callName(call, ctx);
  if (qual === 'open' || qual === 'io.open' || qual === 'codecs.open') return { keywords: FILE_SINKS.get(qual)!, what: qual };
  if (short === 'send_file' || short === 'FileResponse') return { keywords: FILE_SINKS.get(short)!, what: short };
  return undefined;
}

const PATH_MESSAGE = (what: string) =>
  `${what}() gets a file path built from the request: "../" or an absolute path reads (or writes) any file the server can, such as settings, keys and /etc/passwd. Serve files through flask.send_from_directory / werkzeug.utils.safe_join, or reduce the name with secure_filename()/os.path.basename() and check that os.path.realpath() of the result stays inside the intended folder.`;

function pathSites(fn: Node, ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const call of sinkCalls(fn, ctx, PATH_SINKS)) {
    const sink = fileSink(call, ctx);
    if (!sink) continue;
    const path = argument(call, 0, ...sink.keywords);
    if (!path || splat(path)) continue;
    // `FileResponse(open(p, "rb"))`: the inner open() is the sink that reads the path.
    const inner = unparen(path);
    if (inner.type === 'call' && fileSink(inner, ctx)) continue;
    out.push({ value: path, kind: 'path', at: call, call, message: PATH_MESSAGE(shortName(sink.what)) });
  }
  return out;
}

// ------------------------------------------------------------ PS103 CSRF protection off

function csrfExemptName(qual: string): boolean {
  return shortName(qual) === 'csrf_exempt' || /(^|\.)csrf\w*\.exempt$/i.test(qual);
}

const CSRF_EXEMPT_MESSAGE =
  'This view is exempt from CSRF protection: another website can make a signed-in user submit this request (change their e-mail, password, or make a payment) without them knowing. Remove the exemption; for an API authenticated by a token header (not cookies) or a signed webhook, keep it only with a justification and verify the signature or token in the view.';

const csrfDisabled: Check = (m, _rule, ctx) => {
  const node = m.node;
  if (node.type === 'decorator') {
    const expr = node.namedChildren.find((c) => c && c.type !== 'comment');
    if (!expr || (unparen(expr).type !== 'identifier' && unparen(expr).type !== 'attribute')) return null;
    return csrfExemptName(qualifiedName(expr, ctx.aliasesAt(node.startIndex))) ? { message: CSRF_EXEMPT_MESSAGE } : null;
  }
  if (node.type === 'call') {
    const { qual, short } = callName(node, ctx);
    if (csrfExemptName(qual)) return { message: CSRF_EXEMPT_MESSAGE };
    if (short === 'method_decorator') {
      const first = positionalArgs(node)[0];
      if (first && csrfExemptName(qualifiedName(first, ctx.aliasesAt(node.startIndex)))) return { message: CSRF_EXEMPT_MESSAGE };
      return null;
    }
  }
  const hits: Hit[] = [];
  for (const s of settingsOf(node, ctx)) {
    if (s.name === 'WTF_CSRF_ENABLED' && s.form !== 'attribute' && isFalse(s.value)) {
      hits.push({
        node: s.node,
        message: `${settingText(s, node)} turns off Flask-WTF's CSRF protection for every form: another website can make a signed-in user submit them. Keep it on (the default) outside tests, and exempt single views with a justification if you must.`,
      });
    }
  }
  return hits;
};

export const CHECKS: Record<string, Check> = {
  open_redirect: flowRule(sinkGate(REDIRECTS), redirectSites),
  path_traversal_request: flowRule(sinkGate(PATH_SINKS), pathSites),
  csrf_disabled: csrfDisabled,
};
