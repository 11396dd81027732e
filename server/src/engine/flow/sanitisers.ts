import type { SinkKind } from './types.js';

/**
 * Sanitisers per sink kind, by qualified name (after import aliases) or,
 * for the common bare imports, by last name. A sanitiser for one kind does
 * not clean for another: HTML escaping leaves a shell command as dangerous
 * as it was. '*': the value's type leaves nothing to inject (`int()`).
 */
export interface Sanitiser {
  kinds: readonly (SinkKind | '*')[];
  /** As the `sanitised` reach names it. */
  by: string;
}

const ALL: readonly '*'[] = ['*'];
const HTML: readonly SinkKind[] = ['html'];

const BY_QUALNAME: ReadonlyMap<string, Sanitiser> = new Map<string, Sanitiser>([
  ['int', { kinds: ALL, by: 'int()' }],
  ['float', { kinds: ALL, by: 'float()' }],
  ['bool', { kinds: ALL, by: 'bool()' }],
  ['complex', { kinds: ALL, by: 'complex()' }],
  ['len', { kinds: ALL, by: 'len()' }],
  ['abs', { kinds: ALL, by: 'abs()' }],
  ['round', { kinds: ALL, by: 'round()' }],
  ['ord', { kinds: ALL, by: 'ord()' }],
  ['hash', { kinds: ALL, by: 'hash()' }],
  ['uuid.UUID', { kinds: ALL, by: 'uuid.UUID()' }],
  ['decimal.Decimal', { kinds: ALL, by: 'Decimal()' }],
  ['datetime.date.fromisoformat', { kinds: ALL, by: 'date.fromisoformat()' }],
  ['datetime.datetime.fromisoformat', { kinds: ALL, by: 'datetime.fromisoformat()' }],
  ['ipaddress.ip_address', { kinds: ALL, by: 'ipaddress.ip_address()' }],
  // HTML
  ['html.escape', { kinds: HTML, by: 'html.escape' }],
  ['cgi.escape', { kinds: HTML, by: 'cgi.escape' }],
  ['markupsafe.escape', { kinds: HTML, by: 'markupsafe.escape' }],
  ['markupsafe.Markup.escape', { kinds: HTML, by: 'Markup.escape' }],
  ['flask.escape', { kinds: HTML, by: 'flask.escape' }],
  ['jinja2.escape', { kinds: HTML, by: 'jinja2.escape' }],
  ['django.utils.html.escape', { kinds: HTML, by: 'django.utils.html.escape' }],
  ['django.utils.html.conditional_escape', { kinds: HTML, by: 'conditional_escape' }],
  ['django.utils.html.strip_tags', { kinds: HTML, by: 'strip_tags' }],
  ['bleach.clean', { kinds: HTML, by: 'bleach.clean' }],
  // format_html escapes its arguments; its format string is PS302's own sink.
  ['django.utils.html.format_html', { kinds: HTML, by: 'format_html' }],
  ['xml.sax.saxutils.escape', { kinds: ['html', 'xml', 'xpath'], by: 'xml.sax.saxutils.escape' }],
  ['xml.sax.saxutils.quoteattr', { kinds: ['html', 'xml', 'xpath'], by: 'xml.sax.saxutils.quoteattr' }],
  // Shell
  ['shlex.quote', { kinds: ['command'], by: 'shlex.quote' }],
  ['pipes.quote', { kinds: ['command'], by: 'pipes.quote' }],
  ['shlex.join', { kinds: ['command'], by: 'shlex.join' }],
  // Paths
  ['os.path.basename', { kinds: ['path'], by: 'os.path.basename' }],
  ['werkzeug.utils.secure_filename', { kinds: ['path', 'header'], by: 'secure_filename' }],
  ['werkzeug.secure_filename', { kinds: ['path', 'header'], by: 'secure_filename' }],
  ['werkzeug.security.safe_join', { kinds: ['path'], by: 'safe_join' }],
  ['werkzeug.utils.safe_join', { kinds: ['path'], by: 'safe_join' }],
  ['flask.safe_join', { kinds: ['path'], by: 'safe_join' }],
  ['django.utils._os.safe_join', { kinds: ['path'], by: 'safe_join' }],
  ['django.utils.text.get_valid_filename', { kinds: ['path'], by: 'get_valid_filename' }],
  // URLs built by the app
  ['flask.url_for', { kinds: ['redirect', 'url'], by: 'url_for' }],
  ['django.urls.reverse', { kinds: ['redirect', 'url'], by: 'reverse' }],
  ['django.shortcuts.resolve_url', { kinds: ['redirect', 'url'], by: 'resolve_url' }],
  // Quoting for URLs and headers (no CR/LF, no markup left; no scheme or host of its own: "http://x" becomes "http%3A//x")
  ['urllib.parse.quote', { kinds: ['html', 'header', 'log', 'url'], by: 'urllib.parse.quote' }],
  ['urllib.parse.quote_plus', { kinds: ['html', 'header', 'log', 'url'], by: 'urllib.parse.quote_plus' }],
  ['urllib.parse.urlencode', { kinds: ['html', 'header', 'log', 'url'], by: 'urllib.parse.urlencode' }],
  // LDAP
  ['ldap3.utils.conv.escape_filter_chars', { kinds: ['ldap'], by: 'escape_filter_chars' }],
  ['ldap.filter.escape_filter_chars', { kinds: ['ldap'], by: 'escape_filter_chars' }],
  ['ldap.dn.escape_dn_chars', { kinds: ['ldap'], by: 'escape_dn_chars' }],
  // filter_format escapes its values; a template built from the request is still the filter argument's.
  ['ldap.filter.filter_format', { kinds: ['ldap'], by: 'filter_format' }],
  // SQL
  ['psycopg2.sql.Literal', { kinds: ['sql'], by: 'psycopg2.sql.Literal' }],
  ['psycopg2.sql.Identifier', { kinds: ['sql'], by: 'psycopg2.sql.Identifier' }],
  ['psycopg.sql.Literal', { kinds: ['sql'], by: 'psycopg.sql.Literal' }],
  ['psycopg.sql.Identifier', { kinds: ['sql'], by: 'psycopg.sql.Identifier' }],
  ['pymysql.converters.escape_string', { kinds: ['sql'], by: 'escape_string' }],
  ['MySQLdb.escape_string', { kinds: ['sql'], by: 'escape_string' }],
]);

/** Bare names imported from somewhere we do not see (`from .utils import escape`): the common ones. */
const BY_LAST_NAME: ReadonlyMap<string, Sanitiser> = new Map<string, Sanitiser>([
  ['escape', { kinds: HTML, by: 'escape' }],
  ['conditional_escape', { kinds: HTML, by: 'conditional_escape' }],
  ['format_html', { kinds: HTML, by: 'format_html' }],
  ['secure_filename', { kinds: ['path', 'header'], by: 'secure_filename' }],
  ['safe_join', { kinds: ['path'], by: 'safe_join' }],
  ['quote', { kinds: ['command'], by: 'quote' }],
  ['escape_filter_chars', { kinds: ['ldap'], by: 'escape_filter_chars' }],
  ['url_for', { kinds: ['redirect', 'url'], by: 'url_for' }],
  ['UUID', { kinds: ALL, by: 'UUID()' }],
]);

/** The sanitiser a call is, by its resolved name (`markupsafe.escape`) or, for a bare imported name, its last part. */
export function sanitiserOf(qualified: string): Sanitiser | undefined {
  const hit = BY_QUALNAME.get(qualified);
  if (hit) return hit;
  const i = qualified.lastIndexOf('.');
  const last = i < 0 ? qualified : qualified.slice(i + 1);
  // `quote` from urllib is a URL quote (cleans html/header), from shlex/pipes the shell's.
  if (last === 'quote' && qualified.includes('urllib')) return BY_QUALNAME.get('urllib.parse.quote');
  return BY_LAST_NAME.get(last);
}

/** Validators whose truth makes a URL the app's own (`url_has_allowed_host_and_scheme(url, ...)`, `is_safe_url`). */
export const URL_VALIDATORS = /^(?:url_has_allowed_host_and_scheme|is_safe_url|is_safe_redirect|is_safe_redirect_url|safe_url|is_allowed_url|is_valid_redirect|validate_redirect|is_local_url)$/;

/** Predicates whose truth leaves only harmless characters (`x.isdigit()`). */
export const SAFE_PREDICATES = new Set(['isdigit', 'isdecimal', 'isnumeric', 'isalnum', 'isalpha', 'isidentifier', 'isascii_alnum']);
