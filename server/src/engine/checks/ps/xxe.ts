import type { Node } from 'web-tree-sitter';
import { type FileContext } from '../../context.js';
import { keywordArg, positionalArgs } from '../../pyast.js';
import { unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import type { Check } from '../../rule.js';
import { isTrue } from '../support/settings.js';
import { flowRule, methodName, ownNodes, receiver, type Site } from './scoped.js';

/**
 * PS508 XXE: an XML parser with external entities switched on, parsing
 * request data. The parsers: lxml's `XMLParser(resolve_entities=True)` (or
 * `no_network=False`), a SAX parser after
 * `setFeature(feature_external_ges/feature_external_pes, True)`, an expat
 * parser after `SetParamEntityParsing(XML_PARAM_ENTITY_PARSING_ALWAYS)` or
 * with an `ExternalEntityRefHandler`; configured in the same def (or built
 * inline in the parse call). The parse calls: lxml's `fromstring`/`XML`/
 * `parse`/`iterparse`/`XMLID`/`feed` with that parser, the parser's own
 * `parse`/`feed`/`Parse`/`ParseFile`, and pulldom/minidom `parse`/
 * `parseString(..., parser)`. bandit's B313-B319 report the standard
 * library's parsers whatever they parse (and 1.9 no longer reports lxml):
 * this rule is about the entities being switched on for input from the request.
 */

const MESSAGE = (what: string) =>
  `${what} parses request data with external entities switched on: a document with <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]> reads local files or calls internal URLs (XXE, SSRF), and entity expansion can exhaust memory. Leave entity resolution off (lxml: XMLParser(resolve_entities=False, no_network=True); SAX: feature_external_ges/pes False, the default), or parse untrusted XML with defusedxml.`;

const SAX_FEATURES = /(^|\.)feature_external_(ges|pes)$|external-(general|parameter)-entities$/;
const LXML_PARSE = new Set(['fromstring', 'XML', 'parse', 'iterparse', 'XMLID', 'fromstringlist']);
const PARSER_METHODS = new Set(['parse', 'feed', 'Parse', 'ParseFile']);

/** Whether a call builds an lxml parser with entities on: `XMLParser(resolve_entities=True)`, `XMLParser(no_network=False)`. */
function entityParser(call: Node): boolean {
  if (methodName(call) !== 'XMLParser') return false;
  const network = keywordArg(call, 'no_network');
  return isTrue(keywordArg(call, 'resolve_entities')) || (!!network && unparen(network).type === 'false');
}

/** The names (in this def) of parsers with external entities on, and where each became so. */
function enabledParsers(fn: Node): Map<string, number> {
  const out = new Map<string, number>();
  for (const assign of ownNodes(fn, 'assignment')) {
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    if (left?.type === 'identifier' && right && unparen(right).type === 'call' && entityParser(unparen(right))) out.set(left.text, assign.endIndex);
    // expat: `p.ExternalEntityRefHandler = handler`.
    if (left?.type === 'attribute' && left.childForFieldName('attribute')?.text === 'ExternalEntityRefHandler') {
      const obj = left.childForFieldName('object');
      if (obj?.type === 'identifier') out.set(obj.text, assign.endIndex);
    }
  }
  for (const call of ownNodes(fn, 'call')) {
    const recv = receiver(call);
    if (recv?.type !== 'identifier') continue;
    const name = methodName(call);
    const [a, b] = positionalArgs(call);
    if (name === 'setFeature' && a && b && isTrue(b)) {
      const feature = plainStr(unparen(a)) ?? unparen(a).text;
      if (SAX_FEATURES.test(feature)) out.set(recv.text, call.endIndex);
    } else if (name === 'SetParamEntityParsing' && a && /ALWAYS|UNLESS_STANDALONE/.test(a.text)) {
      out.set(recv.text, call.endIndex);
    }
  }
  return out;
}

/** Whether `arg` is a parser with entities on at `offset`: a name configured earlier in the def, or one built inline. */
function isEnabled(arg: Node | undefined, parsers: Map<string, number>, offset: number): boolean {
  if (!arg) return false;
  const a = unparen(arg);
  if (a.type === 'call') return entityParser(a);
  const at = a.type === 'identifier' ? parsers.get(a.text) : undefined;
  return at !== undefined && at <= offset;
}

function xxeSites(fn: Node, ctx: FileContext): Site[] {
  const parsers = enabledParsers(fn);
  const out: Site[] = [];
  for (const call of ownNodes(fn, 'call')) {
    const name = methodName(call);
    const recv = receiver(call);
    const args = positionalArgs(call);
    let data: Node | undefined;
    // The parser's own methods: `parser.parse(src)`, `parser.feed(data)`, `p.Parse(data)`.
    if (PARSER_METHODS.has(name) && recv?.type === 'identifier' && isEnabled(recv, parsers, call.startIndex)) data = args[0];
    else if (LXML_PARSE.has(name) && /^lxml\./.test(ctx.qualname(call))) {
      if (isEnabled(keywordArg(call, 'parser') ?? args[1], parsers, call.startIndex)) data = args[0] ?? keywordArg(call, 'source') ?? keywordArg(call, 'text');
    } else if ((name === 'parse' || name === 'parseString') && /^xml\.dom\.(pulldom|minidom)\./.test(ctx.qualname(call))) {
      if (isEnabled(keywordArg(call, 'parser') ?? args[1], parsers, call.startIndex)) data = args[0];
    }
    if (!data) continue;
    out.push({ value: unparen(data), kind: 'xml', at: call, call, message: MESSAGE(`${name}()`) });
  }
  return out;
}

const WORDS = /\bresolve_entities\b|\bno_network\b|\bsetFeature\b|\bSetParamEntityParsing\b|\bExternalEntityRefHandler\b/;

export const CHECKS: Record<string, Check> = {
  xxe_external_entities: flowRule(WORDS, xxeSites),
};
