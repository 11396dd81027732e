/**
 * The request gate's reading of a project module one import away
 * (request-gate.ts): not "does the module name a request word anywhere",
 * but "does what the flow layer follows into it from this file".
 *
 * What the layer follows into a module M from a file F (resolve.ts
 * `targetsOf`, summary.ts): a call of F resolves to a top-level def of M
 * (`from M import f; f()`, `M.f()`, through aliases), to a method of a
 * top-level class (`M.Cls.m()`, `from M import Cls; Cls.m()`), or, for
 * `getattr(M, name)()`, to every top-level def of M. A class called is not
 * followed (its constructor is an unresolved call). M's analysis has no
 * project (`projectModule`): from a def of M the layer follows only M's
 * own top-level defs called by name (`g()`), methods of M's classes
 * (`self.m()` / `cls.m()` in the class, `Cls.m()`, `getattr(Cls, name)()`),
 * and reads M's top-level plain assignments (`X = ...`, evaluated alone:
 * no call in them followed). Request data enters M only where that code
 * names it (sources.ts: a request name or type, a route decorator): in a
 * reached def (with its decorators and nested defs), class, or read global.
 *
 * So a module is read once per text into units (each top-level def, class
 * with its methods, and top-level statement led by `NAME =`), with the
 * names each unit calls and reads, and the gate follows, from the entries
 * F's calls may reach, what the layer could follow. More than the layer
 * follows (a whole class for one of its methods, every name read taken as
 * a global), never less: it never closes a file the layer could open.
 */

import { REQUEST_FRAMEWORKS, REQUEST_TYPE_WORDS, REQUEST_WORDS, ROUTE_METHODS } from './sources.js';

/** A top-level def, class or assignment of a module, as the gate reads it. */
interface Unit {
  /** A request word or a route decorator in its code (its decorators included). */
  request: boolean;
  /** Dotted names called (`g(`, `Cls.m(`, `self.m(`), as written. */
  calls: Set<string>;
  /** Identifiers not after a dot: the module-level names it may read. */
  names: Set<string>;
  /** `x.request` with `x` neither `self` nor a framework: the request only where an import may alias `x` to one (the module names a framework). */
  aliasRequest: boolean;
}

export interface ModuleScan {
  /** A request word or route decorator anywhere in the module's code: false, nothing in it can open a file. */
  request: boolean;
  /** Top-level defs by name (every definition of the name: the last wins at run time). */
  defs: Map<string, Unit[]>;
  /** Top-level classes by name, each with its methods. */
  classes: Map<string, Unit[]>;
  /** Top-level names assigned (`X = ...`, `X: T = ...`) whose statement names a request word. */
  requestGlobals: Set<string>;
  /** Per entry (`d:f`, `c:Cls`, `*`): whether request data may enter through it. */
  opens: Map<string, boolean>;
}


const isIdStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isIdPart = (c: number): boolean => isIdStart(c) || (c >= 48 && c <= 57);
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 12;

/** sources.ts REQUEST_WORDS as whole words, and a decorator line: a module with neither is read no further. */
const ANY_REQUEST_RE = /\b(?:request|req|Request|HttpRequest|WebSocket|HTTPConnection|BaseRequest)\b|^[ \t]*@/m;
const LONE_CR_RE = /\r(?!\n)/;
const PREFIX_RE = /^[rRbBuUfF]{1,3}$/;
const F_RE = /[fF]/;

/**
 * A module's units, in one linear pass (each character looked at a bounded
 * number of times, no regex over the whole): the tokens of scanCode
 * (request-gate.ts: comments and plain strings skipped, f-strings' bodies
 * read as code), and where each top-level statement starts (a line at
 * column 0, outside brackets, strings and a `\` continuation).
 */
export function scanModule(source: string): ModuleScan {
  const out: ModuleScan = { request: false, defs: new Map(), classes: new Map(), requestGlobals: new Set(), opens: new Map() };
  if (!ANY_REQUEST_RE.test(source)) return out;
  // Lines as Python ends them (a lone \r too): only names are read here, no place.
  const text = LONE_CR_RE.test(source) ? source.replace(/\r\n?/g, '\n') : source;
  const n = text.length;
  let unit: Unit = newUnit();
  /** The current unit is a group of decorators still waiting for its def or class. */
  let decorators = false;
  let global: string | null = null;
  const globals: [string, Unit][] = [];
  /** A framework module is named: `x.request` may be `flask.request` under an alias. */
  let framework = false;
  const closeUnit = (): void => {
    if (global !== null) globals.push([global, unit]);
    global = null;
  };
  /** A top-level statement starts at `i`: a new unit (or the def a decorator group waits for). */
  const startStatement = (i: number): void => {
    const c = text.charCodeAt(i);
    if (c === 64 /* @ */) {
      if (!decorators) {
        closeUnit();
        unit = newUnit();
        decorators = true;
      }
      return;
    }
    const lead = leadOf(text, i);
    if (!(decorators && (lead.kind === 'def' || lead.kind === 'class'))) {
      closeUnit();
      unit = newUnit();
    }
    decorators = false;
    if (lead.kind === 'def' || lead.kind === 'class') {
      const map = lead.kind === 'def' ? out.defs : out.classes;
      const list = map.get(lead.name);
      if (list) list.push(unit);
      else map.set(lead.name, [unit]);
    } else if (lead.kind === 'global') global = lead.name;
  };

  let chain: string[] = [];
  let afterDot = false;
  let decorator = false;
  let prevWasDot = false;
  const endChain = (next: number): void => {
    if (chain.length && next === 40 /* ( */) {
      if (!prevWasDot) unit.calls.add(chain.join('.'));
      if (decorator && chain.length >= 2 && ROUTE_METHODS.has(chain[chain.length - 1])) unit.request = out.request = true;
    }
    chain = [];
    afterDot = false;
    decorator = false;
  };
  let depth = 0; // brackets open: a line inside them continues its statement
  let continued = false; // a `\` ends the line: the next one continues its statement
  let lineStart = true;
  let fBody = false;
  let fQuote = '';
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (lineStart && !fBody) {
      if (c === 12) {
        // A form feed at a line's start resets the indentation (Python's tokenizer): the line may still start a statement.
        i++;
        continue;
      }
      lineStart = false;
      if (c !== 10 && c !== 13 && c !== 35 && !isBlank(c) && c !== 92) {
        endChain(0);
        prevWasDot = false;
        startStatement(i);
      }
    }
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
      lineStart = depth === 0;
      continue;
    } else if (c === 34 || c === 39 /* " ' */) {
      i = skipString(text, i);
      endChain(0);
      prevWasDot = false;
      continued = false;
      if (text.charCodeAt(i - 1) === 10) lineStart = depth === 0; // an unterminated string ends at its line's end
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      const q = text.charCodeAt(j);
      continued = false;
      if (!fBody && (q === 34 || q === 39) && j - i <= 3 && PREFIX_RE.test(word)) {
        endChain(0);
        prevWasDot = false;
        if (F_RE.test(word)) {
          const triple = text.startsWith(String.fromCharCode(q).repeat(3), j);
          fQuote = String.fromCharCode(q).repeat(triple ? 3 : 1);
          fBody = true;
          i = j + fQuote.length;
        } else {
          i = skipString(text, j);
          if (text.charCodeAt(i - 1) === 10) lineStart = depth === 0;
        }
        continue;
      }
      if (REQUEST_WORDS.has(word)) {
        // sources.ts: `request`/`req` alone, `self.request` or `<framework>.request` (`urllib.request` is no request); a type anywhere (`web.Request`).
        const head = chain.length === 1 && afterDot ? chain[0] : null;
        if (!(chain.length && afterDot) || REQUEST_TYPE_WORDS.has(word) || (word === 'request' && head !== null && (head === 'self' || REQUEST_FRAMEWORKS.has(head)))) unit.request = out.request = true;
        else if (word === 'request' && head !== null) unit.aliasRequest = true;
      }
      if (REQUEST_FRAMEWORKS.has(word)) framework = true;
      if (chain.length && !afterDot) {
        endChain(0);
        prevWasDot = false;
      }
      if (chain.length === 0) {
        chain = [word];
        if (!prevWasDot) unit.names.add(word);
      } else chain.push(word);
      afterDot = false;
      i = j;
      continue;
    }
    if (c === 10 /* \n */) {
      if (!fBody && !continued && depth === 0) lineStart = true;
      continued = false;
      i++;
      continue;
    }
    if (c === 92 /* \ */) {
      continued = true;
      i++;
      continue;
    }
    if (isBlank(c) || c === 13) {
      i++;
      continue;
    }
    continued = false;
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
    if (!fBody) {
      if (c === 40 || c === 91 || c === 123) depth++;
      else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
    }
    endChain(c);
    prevWasDot = c === 46;
    i++;
  }
  endChain(0);
  closeUnit();
  if (framework) {
    for (const map of [out.defs, out.classes]) for (const units of map.values()) for (const u of units) if (u.aliasRequest) u.request = out.request = true;
    for (const [, u] of globals) if (u.aliasRequest) u.request = out.request = true;
  }
  for (const [name, u] of globals) if (u.request) out.requestGlobals.add(name);
  // No request word in its code (only in comments, strings, `urllib.request`): nothing in it opens a file, and its units need not be kept.
  if (!out.request) return { request: false, defs: new Map(), classes: new Map(), requestGlobals: new Set(), opens: new Map() };
  return out;
}

function newUnit(): Unit {
  return { request: false, calls: new Set(), names: new Set(), aliasRequest: false };
}

/** What a top-level statement at `i` is: `def f` / `async def f`, `class C`, `NAME =` / `NAME: T =`, or anything else. */
function leadOf(text: string, i: number): { kind: 'def' | 'class' | 'global' | 'other'; name: string } {
  let word = wordAt(text, i);
  let at = i + word.length;
  if (word === 'async') {
    at = skipBlanks(text, at);
    word = wordAt(text, at);
    if (word !== 'def') return { kind: 'other', name: '' };
    at += word.length;
  }
  if (word === 'def' || word === 'class') {
    const name = wordAt(text, skipBlanks(text, at));
    return name ? { kind: word, name } : { kind: 'other', name: '' };
  }
  if (!word) return { kind: 'other', name: '' };
  at = skipBlanks(text, at);
  const c = text.charCodeAt(at);
  if ((c === 61 /* = */ && text.charCodeAt(at + 1) !== 61) || c === 58 /* : */) return { kind: 'global', name: word };
  return { kind: 'other', name: '' };
}

function wordAt(text: string, i: number): string {
  if (!isIdStart(text.charCodeAt(i))) return '';
  let j = i + 1;
  while (j < text.length && isIdPart(text.charCodeAt(j))) j++;
  return text.slice(i, j);
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** The index after a string literal starting at `i` (its quote). A backslash escapes the next character, raw strings included (as for the quote). */
export function skipString(text: string, i: number): number {
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

/**
 * Whether request data may enter through what a file's calls reach in the
 * module: `entries`, the rest of each dotted name asked after the module's
 * (`["f"]` for `M.f`, `["Cls", "m"]` for `M.Cls.m`); `everyDef`, a
 * `getattr(M, name)()` may call any top-level def.
 */
export function moduleOpens(ms: ModuleScan, entries: Iterable<readonly string[]>, everyDef: boolean): boolean {
  if (!ms.request) return false;
  if (everyDef && opensFrom(ms, '*')) return true;
  for (const rest of entries) {
    if (rest.length === 0 || rest.length > 2) continue;
    // resolve.ts defsIn: `M.f` a def; `M.Cls.m` a method (`M.f.x`: the def f itself). A class alone is its constructor: not followed.
    if (ms.defs.has(rest[0]) && opensFrom(ms, `d:${rest[0]}`)) return true;
    if (rest.length === 2 && ms.classes.has(rest[0]) && opensFrom(ms, `c:${rest[0]}`)) return true;
  }
  return false;
}

/** Whether request data may enter through an entry (memoised per module text): what the layer may follow from it, walked with a worklist. */
function opensFrom(ms: ModuleScan, entry: string): boolean {
  const known = ms.opens.get(entry);
  if (known !== undefined) return known;
  const seen = new Set<string>();
  const todo: string[] = [];
  const add = (key: string): void => {
    if (!seen.has(key)) {
      seen.add(key);
      todo.push(key);
    }
  };
  if (entry === '*') for (const name of ms.defs.keys()) add(`d:${name}`);
  else add(entry);
  let open = false;
  while (todo.length && !open) {
    const key = todo.pop()!;
    const units = (key.startsWith('d:') ? ms.defs : ms.classes).get(key.slice(2)) ?? [];
    for (const u of units) {
      if (u.request) open = true;
      for (const name of u.names) if (ms.requestGlobals.has(name)) open = true;
      if (open) break;
      for (const call of u.calls) {
        const dot = call.indexOf('.');
        if (dot < 0) {
          // `g()`: a top-level def (a class called is its constructor, not followed); `getattr(Cls, name)()`: Cls's methods.
          if (ms.defs.has(call)) add(`d:${call}`);
          if (call === 'getattr') for (const name of u.names) if (ms.classes.has(name)) add(`c:${name}`);
        } else if (call.indexOf('.', dot + 1) < 0) {
          // `Cls.m()`: a method of a top-level class (`self.m()` is in the class's own unit).
          const head = call.slice(0, dot);
          if (ms.classes.has(head)) add(`c:${head}`);
        }
      }
    }
  }
  ms.opens.set(entry, open);
  return open;
}
