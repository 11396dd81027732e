/**
 * Helpers for the flow layer's unit tests: parse a snippet with the engine's
 * own grammar and FileContext, find the sink's argument, ask `reachOf`.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { collectFacts } from '../../../server/src/engine/analyzer.js';
import { FileContext } from '../../../server/src/engine/context.js';
import { Engine } from '../../../server/src/engine/engine.js';
import { reachOf, requestMayReach, type ProjectIndex, type Reach, type SinkKind } from '../../../server/src/engine/flow/index.js';

let engine: Engine | undefined;

export async function loadEngine(): Promise<Engine> {
  engine ??= await Engine.load();
  return engine;
}

export interface Parsed {
  tree: Tree;
  ctx: FileContext;
}

export function parse(text: string, filename = '/project/app/views.py'): Parsed {
  if (!engine) throw new Error('loadEngine() first');
  const tree = engine.parser.parse(text)!;
  const facts = collectFacts(engine.ruleset, tree.rootNode, null);
  return { tree, ctx: new FileContext(facts.imports, filename, facts.settings) };
}

/**
 * The sink's argument: of the last call whose callee is written `callee`,
 * the positional argument `arg` (a number) or the keyword `arg` (a string).
 * `callee` "=": the right-hand side of the last assignment whose target
 * starts with `target`.
 */
export function sinkArg(root: Node, callee: string, arg: number | string = 0): Node {
  const calls = root.descendantsOfType('call').filter((c): c is Node => !!c && c.childForFieldName('function')?.text === callee);
  const call = calls[calls.length - 1];
  if (!call) throw new Error(`no call to ${callee}`);
  const args = call.childForFieldName('arguments')!.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (typeof arg === 'string') {
    const kw = args.find((c) => c.type === 'keyword_argument' && c.childForFieldName('name')?.text === arg);
    if (!kw) throw new Error(`no keyword ${arg}`);
    return kw.childForFieldName('value')!;
  }
  const positional = args.filter((c) => c.type !== 'keyword_argument');
  if (!positional[arg]) throw new Error(`no argument ${arg} to ${callee}`);
  return positional[arg];
}

/** The value stored by the last `target... = value` assignment. */
export function storedValue(root: Node, target: string): Node {
  const assigns = root.descendantsOfType('assignment').filter((c): c is Node => !!c && (c.childForFieldName('left')?.text ?? '').startsWith(target));
  const a = assigns[assigns.length - 1];
  if (!a) throw new Error(`no assignment to ${target}`);
  return a.childForFieldName('right')!;
}

/** The reach at a sink of a snippet. */
export function reach(text: string, sink: SinkKind, callee: string, arg: number | string = 0, project?: ProjectIndex, filename?: string): Reach {
  const { tree, ctx } = parse(text, filename);
  try {
    const node = callee.startsWith('=') ? storedValue(tree.rootNode, callee.slice(1)) : sinkArg(tree.rootNode, callee, arg);
    return reachOf(node, sink, ctx, project);
  } finally {
    tree.delete();
  }
}

/** Whether the request gate (flow/request-gate.ts) lets request data into a snippet's file. */
export function gateOpen(text: string, project?: ProjectIndex, filename?: string): boolean {
  const { tree, ctx } = parse(text, filename);
  try {
    return requestMayReach(tree.rootNode, ctx, project);
  } finally {
    tree.delete();
  }
}
