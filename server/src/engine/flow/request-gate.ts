import type { FileContext } from '../context.js';
import type { ProjectIndex } from './state.js';

/**
 * Whether request data can reach anything in a file at all: the flow rules
 * fire on request data only (scoped.ts), and most defs that call `open` or
 * `requests.get` are in files no request ever enters, where asking the
 * flow layer costs an analysis of the def, its callers and callees for
 * nothing. A pre-filter: it says no only where the layer could never
 * answer "untrusted, from the request" — never loses a finding.
 *
 * Request data enters only where the code names it (sources.ts): the
 * request object under a request name (`request`, `req`, `self.request`,
 * `flask.request`: the identifier `request` or `req`), a parameter typed
 * as one (`Request`, `HttpRequest`, `WebSocket`, `HTTPConnection`,
 * `BaseRequest`), a route decorator (`@app.route("/<x>")`, FastAPI's
 * `@router.get(...)`), Django's URL kwargs (after a `request` parameter).
 * In the file itself (its defs, callers, globals) or in a project module
 * one import away, the only other code the layer follows (resolve.ts
 * `projectModule`: a module's own calls into further modules are not
 * followed). So the file's code tokens (comments and plain strings left
 * out, f-strings' bodies kept) are scanned for those names, and so are the
 * modules its calls may resolve to.
 */

/** Identifiers by which request data enters (sources.ts REQUEST_NAMES' parts and REQUEST_TYPES). */
const REQUEST_WORDS = new Set(['request', 'req', 'Request', 'HttpRequest', 'WebSocket', 'HTTPConnection', 'BaseRequest']);
/** sources.ts ROUTE_METHODS: a decorator `@x.<one>(...)` fills parameters from the request. */
const ROUTE_METHODS = new Set(['route', 'get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'api_route', 'websocket']);

export interface CodeScan {
  /** A request name, request type or route decorator appears in the code. */
  request: boolean;
  /** Dotted names called (`a.b.c(`), as written: the calls that may resolve into a project module. */
  chains: Set<string>;
}

const isIdStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isIdPart = (c: number): boolean => isIdStart(c) || (c >= 48 && c <= 57);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 12 || c === 13 || c === 10 || c === 92;

/**
 * One pass over Python source (linear: each character looked at a bounded
 * number of times, no regex): identifiers, `.`, `(`, `@`; comments and
 * string literals skipped, except f-strings, whose bodies hold code and are
 * read as code too (their literal text may add names: more, never fewer).
 */
export function scanCode(text: string): CodeScan {
  const out: CodeScan = { request: false, chains: new Set() };
  const n = text.length;
  // The dotted chain being read, and whether it follows an `@`.
  let chain: string[] = [];
  let afterDot = false;
  let decorator = false;
  let prevWasDot = false; // the chain's head follows a `.` (`x().a.b(`): not a name
  const endChain = (next: number): void => {
    if (chain.length && next === 40 /* ( */) {
      if (!prevWasDot) out.chains.add(chain.join('.'));
      if (decorator && chain.length >= 2 && ROUTE_METHODS.has(chain[chain.length - 1])) out.request = true;
    }
    chain = [];
    afterDot = false;
    decorator = false;
  };
  let fBody = false; // inside an f-string's body: quotes end it, nothing else is special
  let fQuote = '';
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (fBody) {
      if (text.startsWith(fQuote, i)) {
        fBody = false;
        endChain(0);
        prevWasDot = false;
        i += fQuote.length;
        continue;
      }
      if (c === 92 /* \ */) {
        endChain(0);
        i += 2;
        continue;
      }
    } else if (c === 35 /* # */) {
      endChain(0);
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    } else if (c === 34 || c === 39 /* " ' */) {
      i = skipString(text, i, '');
      endChain(0);
      prevWasDot = false;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      const q = text.charCodeAt(j);
      if (!fBody && (q === 34 || q === 39) && j - i <= 3 && /^[rRbBuUfF]+$/.test(word)) {
        // A prefixed string: an f-string's body is read as code, the others skipped.
        endChain(0);
        prevWasDot = false;
        if (/[fF]/.test(word)) {
          const triple = text.startsWith(String.fromCharCode(q).repeat(3), j);
          fQuote = String.fromCharCode(q).repeat(triple ? 3 : 1);
          fBody = true;
          i = j + fQuote.length;
        } else i = skipString(text, j, word);
        continue;
      }
      if (REQUEST_WORDS.has(word)) out.request = true;
      if (chain.length && !afterDot) {
        // Two names in a row (`return f`, `def f`): the first chain is no call.
        endChain(0);
        prevWasDot = false;
      }
      if (chain.length === 0) chain = [word];
      else chain.push(word);
      afterDot = false;
      i = j;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 46 /* . */ && chain.length && !afterDot) {
      afterDot = true;
      i++;
      continue;
    }
    if (c === 64 /* @ */) {
      endChain(0);
      prevWasDot = false;
      decorator = true;
      i++;
      continue;
    }
    endChain(c);
    prevWasDot = c === 46;
    i++;
  }
  return out;
}

/** The index after a string literal starting at `i` (its quote); `prefix` is its prefix (raw strings keep their backslashes, but a backslash still escapes the quote). */
function skipString(text: string, i: number, _prefix: string): number {
  const q = text[i];
  const n = text.length;
  if (text.startsWith(q + q + q, i)) {
    const close = q + q + q;
    for (let j = i + 3; j < n; j++) {
      if (text.charCodeAt(j) === 92) {
        j++;
        continue;
      }
      if (text.startsWith(close, j)) return j + 3;
    }
    return n;
  }
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      j++;
      continue;
    }
    if (c === 10) return j + 1; // an unterminated string ends at the line's end
    if (text[j] === q) return j + 1;
  }
  return n;
}

/** The first part of every name the file's imports bind (`os` of `import os.path`, `sp` of `import subprocess as sp`). */
export function importHeads(ctx: FileContext): ReadonlySet<string> {
  let heads = headsOf.get(ctx);
  if (!heads) {
    heads = new Set();
    for (const fact of ctx.imports) {
      for (const m of fact.modules) heads.add(m.split('.')[0]);
      for (const [local] of fact.aliases) heads.add(local.split('.')[0]);
    }
    headsOf.set(ctx, heads);
  }
  return heads;
}
const headsOf = new WeakMap<FileContext, Set<string>>();

/**
 * Every dotted name the flow layer may ask the project for from this file
 * (resolve.ts): the imports' modules and aliases' targets (an imported
 * function, `getattr(module, …)`), and each call on an import-bound name
 * with the aliases it may expand through (`sp.run` → `subprocess.run`),
 * with all their prefixes.
 */
function moduleNames(ctx: FileContext, chains: ReadonlySet<string>): Set<string> {
  const aliases = new Map<string, Set<string>>();
  const names = new Set<string>();
  /** `q` and its prefixes; `full: false`, its prefixes only (a call `pkg.mod.f()` asks for `pkg.mod`, `pkg`, never `pkg.mod.f`). */
  const addWithPrefixes = (q: string, full = true): void => {
    const parts = q.split('.');
    for (let i = 1; i <= parts.length - (full ? 0 : 1); i++) names.add(parts.slice(0, i).join('.'));
  };
  for (const fact of ctx.imports) {
    for (const m of fact.modules) addWithPrefixes(m);
    for (const [local, target] of fact.aliases) {
      addWithPrefixes(target);
      let s = aliases.get(local);
      if (!s) aliases.set(local, (s = new Set()));
      s.add(target);
    }
  }
  const heads = importHeads(ctx);
  for (const chain of chains) {
    const parts = chain.split('.');
    if (parts.length < 2 || !heads.has(parts[0])) continue;
    // qualifiedName: the head, then each longer prefix, may be replaced by an alias's target.
    let variants = new Set([parts[0], ...(aliases.get(parts[0]) ?? [])]);
    for (let i = 1; i < parts.length && variants.size <= 64; i++) {
      const next = new Set<string>();
      for (const v of variants) {
        const q = `${v}.${parts[i]}`;
        next.add(q);
        for (const t of aliases.get(q) ?? []) next.add(t);
      }
      variants = next;
    }
    for (const v of variants) addWithPrefixes(v, false);
  }
  return names;
}

/** A project module's scan, kept while its text is the same string. */
const scans = new Map<string, { text: string; request: boolean }>();

function moduleMayRead(project: ProjectIndex, name: string, from: string): boolean {
  const src = project.moduleSource ? project.moduleSource(name, from) : moduleSourceByParse(project, name, from);
  if (!src) return false;
  const hit = scans.get(src.file);
  if (hit && hit.text === src.text) return hit.request;
  const request = scanCode(src.text).request;
  scans.set(src.file, { text: src.text, request });
  while (scans.size > 1024) scans.delete(scans.keys().next().value!);
  return request;
}

function moduleSourceByParse(project: ProjectIndex, name: string, from: string): { file: string; text: string } | undefined {
  const m = project.module(name, from);
  return m ? { file: m.file, text: m.root.text } : undefined;
}

/**
 * Whether request data may enter the file of `text` (its scan given):
 * through its own code, or through a project module it may call into.
 */
export function fileMayReadRequest(scan: CodeScan, ctx: FileContext, project: ProjectIndex | undefined, fromFile: string): boolean {
  if (scan.request) return true;
  if (!project) return false;
  for (const name of moduleNames(ctx, scan.chains)) if (moduleMayRead(project, name, fromFile)) return true;
  return false;
}
