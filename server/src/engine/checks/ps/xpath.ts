import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { argument } from '../support/settings.js';
import { flowRule, imports, methodName, ownNodes, receiver, type Site } from './scoped.js';

/**
 * PS304 XPath injection: request data in an XPath (or ElementPath)
 * expression. lxml's `etree.XPath(...)`/`ETXPath(...)` and any `.xpath(...)`
 * in a file that imports lxml, `elementpath.select/iter_select/Selector`,
 * and ElementTree's `find`/`findall`/`iterfind`/`findtext` paths (whose
 * predicates `[@name='...']` a value can rewrite) in a file that imports
 * xml.etree, lxml or defusedxml. XPath variables (`.xpath("//u[@n=$n]",
 * n=value)`) keep the expression constant: not reported.
 */

const MESSAGE = (what: string) =>
  `${what} gets an XPath expression built from request data: a quote in the value rewrites the query (' or '1'='1 matches every node), which bypasses a check or reads other parts of the document. Keep the expression constant and pass values as XPath variables (tree.xpath("//user[@name=$name]", name=value), etree.XPath("...$name...")(tree, name=value)); ElementTree paths cannot take variables: compare the value in Python instead.`;

const ELEMENTTREE = new Set(['find', 'findall', 'iterfind', 'findtext']);
const ELEMENTPATH = new Set(['select', 'iter_select', 'Selector']);

function xpathSites(fn: Node, ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const call of ownNodes(fn, 'call')) {
    const name = methodName(call);
    let path: Node | undefined;
    if (name === 'XPath' || name === 'ETXPath' || name === 'xpath') {
      if (!imports(ctx, 'lxml', call.startIndex)) continue;
      if (name === 'xpath' && !receiver(call)) continue;
      path = argument(call, 0, name === 'xpath' ? '_path' : 'path');
    } else if (ELEMENTPATH.has(name)) {
      const qual = ctx.qualname(call);
      if (!qual.startsWith('elementpath.')) continue;
      path = name === 'Selector' ? argument(call, 0, 'path') : argument(call, 1, 'path');
    } else if (ELEMENTTREE.has(name)) {
      const recv = receiver(call);
      // A string's find(): never an element's.
      if (!recv || recv.type === 'string' || recv.type === 'concatenated_string') continue;
      if (!imports(ctx, 'xml.etree', call.startIndex) && !imports(ctx, 'lxml', call.startIndex) && !imports(ctx, 'defusedxml', call.startIndex)) continue;
      path = argument(call, 0, 'path');
    } else continue;
    if (!path || path.type === 'keyword_argument' || path.type === 'list_splat' || path.type === 'dictionary_splat') continue;
    out.push({ value: unparen(path), kind: 'xpath', at: call, call, message: MESSAGE(`${name}()`) });
  }
  return out;
}

const WORDS = /\b(?:XPath|ETXPath|xpath|select|iter_select|Selector|find|findall|iterfind|findtext)\b/;

export const CHECKS: Record<string, Check> = {
  xpath_injection: flowRule(WORDS, xpathSites),
};
