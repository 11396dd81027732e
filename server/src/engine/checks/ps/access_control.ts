import { positionalArgs, qualifiedName, shortName, unparen } from '../../pyast.js';
import type { Check, Hit } from '../../rule.js';
import { type Judge, requestScoped, said, sanitisers } from './request-scoped.js';
import { checkedBefore } from './taint.js';
import { argument, callName, isFalse, settingsOf, settingText } from '../support/settings.js';

/**
 * OWASP A01 (broken access control): open redirects (PS101) and path
 * traversal (PS102), both request-input rules (request-input.ts), and CSRF
 * protection turned off (PS103).
 */

const set = (...xs: string[]) => new Set(xs);

const REDIRECTS = set('redirect', 'HttpResponseRedirect', 'HttpResponsePermanentRedirect', 'RedirectResponse');
const REDIRECT_SANITISERS = sanitisers('url_for', 'reverse', 'reverse_lazy');
/** Validators whose presence in the argument means the target is checked inline (`x if url_has_allowed_host_and_scheme(x, ...) else "/"`). */
const REDIRECT_VALIDATORS = /\b(url_has_allowed_host_and_scheme|is_safe_url|is_safe_redirect_url|is_safe_redirect|is_safe_next_url)\b/;

const openRedirect: Judge = (call, ctx, find) => {
  const { short } = callName(call, ctx);
  if (!REDIRECTS.has(short)) return null;
  const target = argument(call, 0, 'location', 'url', 'to', 'redirect_to');
  if (!target) return null;
  const src = find(target, REDIRECT_SANITISERS, 'redirect');
  if (!src || REDIRECT_VALIDATORS.test(target.text)) return null;
  if (src.from !== undefined && checkedBefore(call, src.text, REDIRECT_VALIDATORS)) return null;
  return {
    node: target,
    message: `${short}() sends the user to a URL taken from the request (${said(src)}): a link to this page can forward your users to any phishing site, under your domain's name. Redirect only to relative paths on this site or to an allow-list of hosts (Django: url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}); otherwise compare urlsplit(url).netloc to a list), and fall back to a fixed page.`,
  };
};

// ------------------------------------------------------------ PS102 path traversal

/** File sinks by short or qualified name → the keywords that name the path. */
const FILE_SINKS: ReadonlyMap<string, string[]> = new Map([
  ['open', ['file']],
  ['io.open', ['file']],
  ['codecs.open', ['filename']],
  ['send_file', ['path_or_file', 'filename_or_fp']],
  ['FileResponse', ['path']],
]);
const PATH_SANITISERS = sanitisers('secure_filename', 'basename', 'get_valid_filename', 'safe_join', 'open', 'send_file', 'FileResponse');

const pathTraversal: Judge = (call, ctx, find) => {
  const { qual, short } = callName(call, ctx);
  const keywords = qual === 'open' || qual === 'io.open' || qual === 'codecs.open' ? FILE_SINKS.get(qual) : short === 'send_file' || short === 'FileResponse' ? FILE_SINKS.get(short) : undefined;
  if (!keywords) return null;
  const path = argument(call, 0, ...keywords);
  if (!path) return null;
  const src = find(path, PATH_SANITISERS, 'path');
  if (!src) return null;
  return {
    node: path,
    message: `${qual === 'open' ? 'open' : short}() gets a file path built from the request (${said(src)}): "../" or an absolute path reads (or writes) any file the server can, such as settings, keys and /etc/passwd. Serve files through flask.send_from_directory / werkzeug.utils.safe_join, or reduce the name with secure_filename()/os.path.basename() and check that os.path.realpath() of the result stays inside the intended folder.`,
  };
};

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

const PATH_SINKS = new Set([...FILE_SINKS.keys()].map(shortName));

export const CHECKS: Record<string, Check> = {
  open_redirect: requestScoped(openRedirect, REDIRECTS),
  path_traversal_request: requestScoped(pathTraversal, PATH_SINKS),
  csrf_disabled: csrfDisabled,
};
