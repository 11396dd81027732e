import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import type { Check } from '../../rule.js';
import { argument } from '../support/settings.js';
import { flowRule, imports, methodName, ownNodes, type Site } from './scoped.js';

/**
 * PS303 LDAP injection: request data in an LDAP search filter. ldap3's
 * `Connection.search(search_base, search_filter, ...)` (and
 * `extend.standard.paged_search`), python-ldap's `search`/`search_s`/
 * `search_st`/`search_ext`/`search_ext_s(base, scope, filterstr, ...)`, in
 * a file that imports the library. The filter escapers
 * (`escape_filter_chars`, `filter_format`) clean the value.
 */

const PYTHON_LDAP = new Set(['search', 'search_s', 'search_st', 'search_ext', 'search_ext_s']);
const LDAP3 = new Set(['search', 'paged_search']);

const MESSAGE = (what: string) =>
  `${what} gets an LDAP filter built from request data: characters such as *, (, ) and | rewrite the query ("*)(uid=*))(|(uid=*" matches every entry), which bypasses a login check or lists the directory. Escape each value with ldap3.utils.conv.escape_filter_chars / ldap.filter.escape_filter_chars, or build the filter with ldap.filter.filter_format(template, [value]).`;

function ldapSites(fn: Node, ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const call of ownNodes(fn, 'call')) {
    const name = methodName(call);
    if (!LDAP3.has(name) && !PYTHON_LDAP.has(name)) continue;
    // A method on a connection: never a bare function named search.
    if (call.childForFieldName('function')?.type !== 'attribute') continue;
    const v3 = LDAP3.has(name) && imports(ctx, 'ldap3', call.startIndex);
    const py = PYTHON_LDAP.has(name) && imports(ctx, 'ldap', call.startIndex);
    const filter = v3 ? argument(call, 1, 'search_filter') : py ? argument(call, 2, 'filterstr') : undefined;
    if (!filter || filter.type === 'keyword_argument' || filter.type === 'list_splat' || filter.type === 'dictionary_splat') continue;
    out.push({ value: filter, kind: 'ldap', at: call, call, message: MESSAGE(`${name}()`) });
  }
  return out;
}

const WORDS = /\b(?:search|search_s|search_st|search_ext|search_ext_s|paged_search)\b/;

export const CHECKS: Record<string, Check> = {
  ldap_injection: flowRule(WORDS, ldapSites),
};
