import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import type { ProjectIndex } from './state.js';
import { textBetween } from '../source.js';
import { moduleOpens, scanModule, type ModuleScan } from './module-gate.js';
import { REQUEST_FRAMEWORKS } from './sources.js';

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
 * followed). So the file's code is searched for those words, each placed
 * in the tree (`wordEnters`: a comment, a string, `urllib.request`, a type
 * outside an annotation let nothing in), and the modules its calls may
 * resolve to are read for what those calls reach in them (module-gate.ts).
 */

export interface CodeScan {
  /** A request name, request type or route decorator appears in the code. */
  request: boolean;
  /** Dotted names called (`a.b.c(`), as written: the calls that may resolve into a project module. */
  chains: Set<string>;
  /** Whether `chains` was read (only a file with a project needs it). */
  chainsRead: boolean;
  /**
   * The first argument of each `getattr(` (`getattr(module, name)()` may call
   * any def of an imported module), `*` where it is not a plain name: read with `chains`.
   */
  getattr: Set<string>;
}

/** The request words as whole words, in any text (a native search; each hit is then placed in the tree). */
const REQUEST_WORD_RE = /\b(?:request|req|Request|HttpRequest|WebSocket|HTTPConnection|BaseRequest)\b/g;
/** A line that starts with `@` (a decorator's place). */
const DECORATOR_LINE_RE = /^[ \t]*@/gm;
/** A route decorator's call: `.route(`, `.get (`… */
const ROUTE_CALL_RE = /\.\s*(?:route|get|post|put|delete|patch|options|head|api_route|websocket)\s*\(/;
/** `getattr` as a whole word (comments and strings included: more, never fewer). */
const GETATTR_RE = /\bgetattr\b/g;
/** What follows it: `(` and a plain name (its first argument). */
const GETATTR_ARG_RE = /\s*\(\s*([A-Za-z_]\w*)/y;

/** Adds to `into` the first argument of each `getattr` in `text`: `*` where it is not a plain name (a comment, a call…: any). */
function getattrArgs(text: string, into: Set<string>): Set<string> {
  GETATTR_RE.lastIndex = 0;
  for (let m = GETATTR_RE.exec(text); m; m = GETATTR_RE.exec(text)) {
    GETATTR_ARG_RE.lastIndex = m.index + m[0].length;
    const arg = GETATTR_ARG_RE.exec(text);
    into.add(arg ? arg[1] : '*');
  }
  return into;
}
/** Hits beyond which a file is taken as open without looking at each. */
const MAX_HITS = 256;
/** Where a word in the tree is not code. */
const NOT_CODE = new Set(['comment', 'string_content', 'string_start', 'string_end', 'escape_sequence', 'string']);

/**
 * `scanCode` of a parsed file, without a pass over its characters in JS: a
 * keystroke asks it of the whole file again, and the tree says what is code.
 * The request words and decorator lines are found by native searches and
 * each placed in the tree (a comment or a string is not code); the dotted
 * names called on an import-bound name (`heads`) by one search over the
 * text, comments and strings included (more names, never fewer).
 */
export function scanTree(root: Node, heads: ReadonlySet<string> | null, owners: ReadonlySet<string> = FRAMEWORK_OWNERS): CodeScan {
  return scanSpans(root, null, heads, owners);
}

/**
 * `scanTree` of the spans of a parsed file only (statements an edit
 * re-ran); null: the whole file.
 */
function scanSpans(root: Node, spans: readonly { start: number; end: number }[] | null, heads: ReadonlySet<string> | null, owners: ReadonlySet<string>): CodeScan {
  // The module node may start after leading comments: the spans are cut to it.
  const base = root.startIndex;
  const out: CodeScan = { request: false, chains: new Set(), chainsRead: heads !== null, getattr: new Set() };
  const state = { hits: 0 };
  for (const span of spans ?? [{ start: base, end: root.endIndex }]) {
    const from = Math.max(base, span.start);
    // Each span's text alone (engine/source.ts): a keystroke does not join the whole file.
    const text = spans ? textBetween(root, from, Math.min(root.endIndex, Math.max(from, span.end))) : root.text;
    scanText(root, text, from, heads, owners, out, state);
    if (out.request) break;
  }
  return out;
}

function scanText(root: Node, text: string, base: number, heads: ReadonlySet<string> | null, owners: ReadonlySet<string>, out: CodeScan, state: { hits: number }): void {
  REQUEST_WORD_RE.lastIndex = 0;
  for (let m = REQUEST_WORD_RE.exec(text); m && !out.request; m = REQUEST_WORD_RE.exec(text)) {
    const n = root.descendantForIndex(base + m.index, base + m.index + m[0].length - 1);
    if (++state.hits > MAX_HITS || !n || (!NOT_CODE.has(n.type) && wordEnters(n, m[0], owners))) out.request = true;
  }
  DECORATOR_LINE_RE.lastIndex = 0;
  for (let m = DECORATOR_LINE_RE.exec(text); m && !out.request; m = DECORATOR_LINE_RE.exec(text)) {
    const at = base + m.index + m[0].length - 1;
    let n = root.descendantForIndex(at, at);
    for (let up = 0; n && n.type !== 'decorator' && up < 2; up++) n = n.parent;
    if (++state.hits > MAX_HITS) out.request = true;
    else if (n?.type === 'decorator' && ROUTE_CALL_RE.test(n.text)) out.request = true;
  }
  if (heads && heads.size && !out.request) {
    getattrArgs(text, out.getattr);
    const re = chainRe(heads);
    if (!re) out.chains.add('*');
    else {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) out.chains.add(m[0].replace(/\s+/g, ''));
    }
  }
}

/** Names whose `.request` is the request object (sources.ts REQUEST_NAMES), before the file's aliases. */
const FRAMEWORK_OWNERS: ReadonlySet<string> = new Set(['self', ...REQUEST_FRAMEWORKS]);
/** Where a request type names a parameter's type (sources.ts frameworkParams). */
const TYPED_PARAMETERS = new Set(['typed_parameter', 'typed_default_parameter']);
/** Nodes above which a type word is in no annotation. */
const NOT_ANNOTATION = new Set(['block', 'module', 'expression_statement', 'call', 'argument_list', 'lambda', 'class_definition', 'function_definition', 'parameters']);

/**
 * Whether a request word in code (`n`, its identifier) may let request data in
 * (sources.ts, expr.ts `lookup`/`attributeValue`): `request`/`req` as a name
 * (a parameter, a global, an import binding it), `x.request` where `x` is
 * `self` or a framework module (`owners`: with the file's aliases of them);
 * a request type only in a parameter's annotation. Not: `urllib.request`
 * (a module path; `import urllib.request` binds `urllib`), `a.b.request`,
 * `x.req`, `Request(...)` called or a class named so. Anything unexpected
 * counts (more asking, never less).
 */
function wordEnters(n: Node, word: string, owners: ReadonlySet<string>): boolean {
  if (n.type !== 'identifier') return true;
  const p = n.parent;
  if (!p) return true;
  if (word !== 'request' && word !== 'req') {
    // A type: in a parameter's annotation (`r: Request`, `r: Annotated[web.Request, ...]`).
    let up: Node | null = n;
    for (let depth = 0; up && depth < 32; depth++, up = up.parent) {
      if (up.type === 'type' && up.parent && TYPED_PARAMETERS.has(up.parent.type)) return true;
      if (NOT_ANNOTATION.has(up.type)) return false;
    }
    return true;
  }
  if (p.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) {
    const obj = p.childForFieldName('object');
    if (obj?.type === 'identifier') return word === 'request' && owners.has(obj.text);
    // `a.b.request` names no request (qualifiedName: three parts); `(x).request`, `f().request`: counted.
    return obj?.type !== 'attribute';
  }
  if (p.type === 'dotted_name') {
    // In an import: only a name it binds to the word or under an alias (`from flask import request [as r]`, `import a.request as r`).
    if (p.lastNamedChild?.id !== n.id) return false;
    const stmt = p.parent;
    if (stmt?.type === 'aliased_import') return stmt.childForFieldName('name')?.id === p.id;
    if (stmt?.type === 'import_from_statement') return stmt.childForFieldName('module_name')?.id !== p.id;
    return stmt?.type !== 'import_statement' && stmt?.type !== 'relative_import';
  }
  return true;
}

/** `self`, the framework modules and the file's aliases of them: the names whose `.request` is the request. */
export function requestOwners(ctx: FileContext): ReadonlySet<string> {
  let owners = ownersOf.get(ctx);
  if (!owners) {
    owners = new Set(FRAMEWORK_OWNERS);
    for (const fact of ctx.imports) for (const [local, target] of fact.aliases) if (REQUEST_FRAMEWORKS.has(target)) owners.add(local);
    ownersOf.set(ctx, owners);
  }
  return owners;
}
const ownersOf = new WeakMap<FileContext, Set<string>>();

/**
 * The scan of a file after an edit, from the scan before it: the re-run
 * spans read again and added (a request word found stays found until the
 * next whole run: more asking, never less). The spans cover every
 * statement whose text or structure changed (a quote that turned a string
 * into code included), so nothing new can be outside them.
 */
export function carryScan(before: CodeScan, root: Node, spans: readonly { start: number; end: number }[], heads: ReadonlySet<string>, owners: ReadonlySet<string> = FRAMEWORK_OWNERS): CodeScan {
  if (before.request) return before;
  const now = scanSpans(root, spans, before.chainsRead ? heads : null, owners);
  return { request: now.request, chains: new Set([...before.chains, ...now.chains]), chainsRead: before.chainsRead, getattr: new Set([...before.getattr, ...now.getattr]) };
}

/** Heads beyond which no search is built: the file is taken as calling into any module (`*`). */
const MAX_HEADS = 512;
const chainRes = new Map<string, RegExp | null>();

/** `head.a.b` for any import-bound head, as a linear search (each repetition starts with its `.`). */
function chainRe(heads: ReadonlySet<string>): RegExp | null {
  const key = [...heads].join(' ');
  let re = chainRes.get(key);
  if (re === undefined) {
    re = heads.size > MAX_HEADS ? null : new RegExp(String.raw`(?<![\w.])(?:${[...heads].map((h) => h.replace(/[^\w]/g, '\\$&')).join('|')})(?:[\s\\]*\.[\s\\]*[A-Za-z_]\w*)+`, 'g');
    chainRes.set(key, re);
    while (chainRes.size > 16) chainRes.delete(chainRes.keys().next().value!);
  }
  return re;
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

/** What a file may ask the project for (resolve.ts): the modules to look up, and the dotted names it may call in them. */
interface Asked {
  /** Module names to look up: every name below and its prefixes (a call `pkg.mod.f()`: `pkg.mod`, `pkg`, never `pkg.mod.f`). */
  modules: Set<string>;
  /** The dotted names the file's calls may resolve to, in full (`pkg.mod.f`, `helpers.user`). */
  called: Set<string>;
  /** Modules `getattr(m, name)()` may call any def of: those an import binds to a name `getattr` is given (`import m`, `from pkg import m`). */
  everyDef: Set<string>;
}

/**
 * Every dotted name the flow layer may ask the project for from this file
 * (resolve.ts): the imports' modules and aliases' targets (an imported
 * function, `getattr(module, …)`), and each call on an import-bound name
 * with the aliases it may expand through (`sp.run` → `subprocess.run`).
 */
function askedBy(ctx: FileContext, chains: ReadonlySet<string>, getattr: ReadonlySet<string>): Asked {
  const aliases = new Map<string, Set<string>>();
  const out: Asked = { modules: new Set(), called: new Set(), everyDef: new Set() };
  const any = getattr.has('*');
  /** `q` and its prefixes as modules; `full: false`, its prefixes only. */
  const addWithPrefixes = (q: string, full = true): void => {
    const parts = q.split('.');
    for (let i = 1; i <= parts.length - (full ? 0 : 1); i++) out.modules.add(parts.slice(0, i).join('.'));
  };
  for (const fact of ctx.imports) {
    for (const m of fact.modules) {
      addWithPrefixes(m);
      out.called.add(m);
      if (any || getattr.has(m)) out.everyDef.add(m);
    }
    for (const [local, target] of fact.aliases) {
      addWithPrefixes(target);
      out.called.add(target);
      if (any || getattr.has(local)) out.everyDef.add(target);
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
    for (const v of variants) {
      addWithPrefixes(v, false);
      out.called.add(v);
    }
  }
  return out;
}

/** A project module's units (module-gate.ts), kept while its text is the same string. */
const scans = new Map<string, { text: string; scan: ModuleScan }>();

function moduleScan(project: ProjectIndex, name: string, from: string): ModuleScan | undefined {
  const src = project.moduleSource ? project.moduleSource(name, from) : moduleSourceByParse(project, name, from);
  if (!src) return undefined;
  const hit = scans.get(src.file);
  if (hit && hit.text === src.text) return hit.scan;
  const scan = scanModule(src.text);
  scans.set(src.file, { text: src.text, scan });
  while (scans.size > 1024) scans.delete(scans.keys().next().value!);
  return scan;
}

function moduleSourceByParse(project: ProjectIndex, name: string, from: string): { file: string; text: string } | undefined {
  const m = project.module(name, from);
  return m ? { file: m.file, text: m.root.text } : undefined;
}

/**
 * Whether request data may enter the file of `text` (its scan given):
 * through its own code, or through what its calls may reach in a project
 * module one import away (module-gate.ts).
 */
export function fileMayReadRequest(scan: CodeScan, ctx: FileContext, project: ProjectIndex | undefined, fromFile: string): boolean {
  if (scan.request) return true;
  if (!project) return false;
  if (scan.chains.has('*')) return true;
  const asked = askedBy(ctx, scan.chains, scan.getattr);
  for (const name of asked.modules) {
    // What the calls may reach in the module (resolve.ts defsIn: a def, or a class's method); nothing: no need to read it.
    const entries: string[][] = [];
    for (const q of asked.called) {
      if (q.length > name.length && q.startsWith(name) && q.charCodeAt(name.length) === 46) {
        const rest = q.slice(name.length + 1).split('.');
        if (rest.length <= 2) entries.push(rest);
      }
    }
    const everyDef = asked.everyDef.has(name);
    if (!entries.length && !everyDef) continue;
    const ms = moduleScan(project, name, fromFile);
    if (ms && moduleOpens(ms, entries, everyDef)) return true;
  }
  return false;
}
