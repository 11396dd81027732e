import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../engine/context.js';
import { reachOfElement } from '../engine/flow/index.js';
import type { Reach } from '../engine/flow/types.js';

/**
 * The program of a process started without a shell, for grading an `argv`
 * sink (B603, B606, B607): choosing the program is running any code,
 * choosing an argument only is argument injection. `os.spawn*(mode, path,
 * ...)` names it second, `os.exec*(path, ...)`, `os.startfile(path)` and
 * subprocess's `args` first; of a list or tuple argv, its first element
 * (followed through names by the flow layer's `reachOfElement`); a string
 * argv is the program itself.
 */
export function programReach(call: Node, ctx: FileContext): Reach | null {
  const qual = ctx.qualname(call);
  const arg = programArgument(call, /^os\.spawn/.test(qual) ? 1 : 0);
  return arg ? reachOfElement(arg, 0, 'argv', ctx) : null;
}

/** The positional argument `index` of a call, or its `args` keyword (subprocess's). */
function programArgument(call: Node, index: number): Node | null {
  const list = call.childForFieldName('arguments');
  if (list?.type !== 'argument_list') return null;
  let pos = 0;
  let keyword: Node | null = null;
  for (const c of list.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'keyword_argument') {
      if (c.childForFieldName('name')?.text === 'args') keyword = c.childForFieldName('value');
      continue;
    }
    // `f(*argv)`: the positions after it are not known.
    if (c.type === 'list_splat' || c.type === 'dictionary_splat') return null;
    if (pos++ === index) return c;
  }
  return index === 0 ? keyword : null;
}
