import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../context.js';
import type { FlowStep } from './types.js';
import { stepAt as stepIn } from './sources.js';
import type { Value } from './value.js';

/** The values of a scope's names at one point; null: the point is not reached (after a return). */
export type Env = Map<string, Value>;

/**
 * What the project offers the flow layer beyond the file (the document store
 * and `check` implement it): another module of the workspace, parsed, by its
 * dotted name as the importing file wrote it. Undefined for a module that is
 * not the project's own (the standard library, site-packages) or not found.
 */
export interface ProjectIndex {
  module(name: string, fromFile: string): ProjectModule | undefined;
  /**
   * Optional, to spare a parse: false when the module `name` certainly
   * defines no top-level def or class `def` (`os.path.join` and `os.py`).
   */
  mayDefine?(name: string, fromFile: string, def: string): boolean;
  /**
   * Optional, to spare a parse: the file and text the module `name`
   * resolves to (the request gate, request-gate.ts, scans its text).
   */
  moduleSource?(name: string, fromFile: string): { file: string; text: string } | undefined;
}

export interface ProjectModule {
  /** Absolute path: the steps in it name it. */
  file: string;
  /** Its tree's root (`module`), alive while the flow layer is asked about it. */
  root: Node;
  /** Its imports and aliases. */
  ctx: FileContext;
}

/** What a scope's analysis may ask the rest of the layer (summary.ts provides it). */
export interface Resolver {
  /** The value a call to a def of the project returns, given its arguments; undefined when the callee is not one. */
  callDef(call: Node, env: Env, args: readonly Value[], kwargs: ReadonlyMap<string, Value>, a: Analysis): Value | undefined;
  /** A module-level name's value (a constant, an allow-list), or undefined. */
  global(name: string, a: Analysis): Value | undefined;
}

/**
 * A module-level name's value or a callee's summary, as the analysis used
 * it; or a call not followed because the callee is in a recursive cycle
 * with the scope (cycles.ts), which holds while the callee's text does.
 */
export type Dependency =
  | { kind: 'global'; name: string; value: Value | undefined }
  | { kind: 'call'; module: string | null; path: string[]; key: string; fingerprint: string }
  | { kind: 'cut'; module: string | null; path: string[]; key: string };

/** How deep expression nesting that needs a scope of its own (comprehensions) or summaries may go before the layer gives up (unknown). */
export const MAX_DEPTH = 12;

/** One scope's analysis in progress (a def, or the module's own statements). */
export class Analysis {
  /**
   * The value of every expression evaluated (the last, widest, for a
   * loop's), by its place relative to the scope's start: node ids change
   * with every tree, and a def that an edit above it only moved keeps its
   * analysis (summary.ts rebases its steps).
   */
  private readonly values = new Map<number, Map<number, Value>>();
  /** Statements that run on some path (the others are dead), by place. */
  private readonly reached = new Map<number, Set<number>>();
  private count = 0;
  /** Where the scope started when analysed: places are relative to it, steps absolute from it. */
  readonly base: { start: number; row: number; end: number };
  /** Where the outermost def around the scope starts: steps from there to `base.end` move with the scope. */
  readonly baseFrom: number;
  /** What the scope returns (a def), joined over its returns. */
  readonly returns: Value[] = [];
  /** The names where the scope returns (with the end of its body: the scope's final names, for closures and globals). */
  readonly exits: Env[] = [];
  /** What the analysis read from outside its scope, to tell whether a cached one still holds (summary.ts). */
  readonly deps: Dependency[] = [];
  /** Loops being run: where `break`/`continue` leave their environment. */
  readonly loops: { breaks: Env[]; continues: Env[] }[] = [];
  /** Nesting of comprehensions and summaries below this analysis. */
  depth = 0;
  /** Whether the analysis gave up (a nesting deeper than MAX_DEPTH): its values stand for unknown. */
  gaveUp = false;
  /** Whether a call was not followed for depth alone: the analysis holds for this run, and is not cached. */
  truncated = false;
  /** Whether a module's names analysis left a call to a def of its own file unfollowed (summary.ts): it is then not the module's whole analysis. */
  innerCut = false;

  // The scope, the file's context and the resolver are what the analysis works with; `release`
  // lets go of them once it is done (a cached analysis keeps values and places, no tree).
  private scopeNode: Node | null;
  private context: FileContext | null;
  private resolverOf: Resolver | null;

  constructor(
    scope: Node,
    ctx: FileContext,
    /** The file as the steps name it: null for the file being asked about. */
    readonly file: string | null,
    resolver: Resolver,
    /** The enclosing def's final names, for a closure. */
    readonly outer: Env | null,
  ) {
    this.scopeNode = scope;
    this.context = ctx;
    this.resolverOf = resolver;
    // Steps inside the outermost def around the scope move with it (a nested def's cache key holds that def's text).
    let outermost = scope;
    for (let p = scope.parent; p; p = p.parent) if (p.type === 'function_definition') outermost = p;
    this.base = { start: scope.startIndex, row: scope.startPosition.row, end: outermost.endIndex };
    this.baseFrom = outermost.startIndex;
  }

  get scope(): Node {
    if (!this.scopeNode) throw new Error('flow: a finished analysis was asked for its scope');
    return this.scopeNode;
  }

  get ctx(): FileContext {
    if (!this.context) throw new Error('flow: a finished analysis was asked for its context');
    return this.context;
  }

  get resolver(): Resolver {
    if (!this.resolverOf) throw new Error('flow: a finished analysis was asked for its resolver');
    return this.resolverOf;
  }

  /**
   * The analysis is done: what it keeps (values by place, returns, exits,
   * dependencies) holds no tree. Its scope node, the file's context and the
   * resolver (which holds the file's tree and project) would keep the tree's
   * JS objects and memo alive as long as the analysis is cached across edits
   * (~100 kB an entry, measured); they are let go here.
   */
  release(): void {
    this.scopeNode = null;
    this.context = null;
    this.resolverOf = null;
    this.loops.length = 0;
  }

  /**
   * A node's place: its start relative to the scope's start, and its
   * length (nested nodes that share a start differ in length; two nodes of
   * one span are never both evaluated). Two small integers, two maps: a
   * single number key would leave the small-integer range and cost a heap
   * number per node.
   */
  valueOf(node: Node, scopeStart = this.base.start): Value | undefined {
    return this.values.get(node.startIndex - scopeStart)?.get(node.endIndex - node.startIndex);
  }

  record(node: Node, v: Value): void {
    const at = node.startIndex - this.base.start;
    let byLength = this.values.get(at);
    if (!byLength) this.values.set(at, (byLength = new Map()));
    if (!byLength.has(node.endIndex - node.startIndex)) this.count++;
    byLength.set(node.endIndex - node.startIndex, v);
  }

  markReached(stmt: Node): void {
    const at = stmt.startIndex - this.base.start;
    let byLength = this.reached.get(at);
    if (!byLength) this.reached.set(at, (byLength = new Set()));
    byLength.add(stmt.endIndex - stmt.startIndex);
  }

  wasReached(stmt: Node, scopeStart = this.base.start): boolean {
    return !!this.reached.get(stmt.startIndex - scopeStart)?.has(stmt.endIndex - stmt.startIndex);
  }

  /** How many expression values the analysis holds (a cached analysis that gave up holds none worth keeping). */
  get size(): number {
    return this.count;
  }

  step(node: Node, note: string): FlowStep {
    return stepIn(node, note, this.file);
  }
}
