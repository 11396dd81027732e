import type { Node } from 'web-tree-sitter';
import { keywordArgs, shortName, unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/tarfile_unsafe_members.py: B202 tarfile_unsafe_members.
 */

/** How Python's ast names a node's class, for the `repr` bandit puts in B202's message. */
const AST_CLASS: Record<string, string> = {
  attribute: 'Attribute',
  subscript: 'Subscript',
  list: 'List',
  tuple: 'Tuple',
  set: 'Set',
  dictionary: 'Dict',
  list_comprehension: 'ListComp',
  set_comprehension: 'SetComp',
  dictionary_comprehension: 'DictComp',
  generator_expression: 'GeneratorExp',
  string: 'Constant',
  concatenated_string: 'Constant',
  integer: 'Constant',
  float: 'Constant',
  true: 'Constant',
  false: 'Constant',
  none: 'Constant',
  binary_operator: 'BinOp',
  boolean_operator: 'BoolOp',
  conditional_expression: 'IfExp',
  lambda: 'Lambda',
  await: 'Await',
};

function membersRepr(value: Node): string {
  const v = unparen(value);
  if (v.type === 'identifier') return `{'Other': '${v.text}'}`;
  return `{'Other': <ast.${AST_CLASS[v.type] ?? 'expr'} object>}`;
}

/**
 * B202 tarfile_unsafe_members: a call whose name contains `extractall` in a
 * file that did `import tarfile`: fine with `filter="data"`; LOW/LOW when
 * `members=` is a call of a plain name (a filter function), MEDIUM/MEDIUM
 * for any other `members=`, HIGH/HIGH without it. A `members=` call of an
 * attribute (`members=self.safe(t)`) makes bandit's plugin fail: no issue.
 */
const tarfileUnsafeMembers: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (!ctx.isModuleImportedExact('tarfile', call.startIndex)) return null;
  if (!shortName(ctx.qualname(call)).includes('extractall')) return null;
  const kws = keywordArgs(call);
  const filter = kws.get('filter');
  if (filter && plainStr(filter) === 'data') return null;
  const members = kws.get('members');
  if (members) {
    const v = unparen(members);
    if (v.type === 'call') {
      const fn = v.childForFieldName('function');
      if (!fn || unparen(fn).type !== 'identifier') return null;
      return {
        severity: 'LOW',
        confidence: 'LOW',
        risk: 'Low',
        message:
          'Usage of tarfile.extractall(members=function(tarfile)). Make sure your function properly discards dangerous members ' +
          `{'Function': '${unparen(fn).text}'}).`,
      };
    }
    return {
      severity: 'MEDIUM',
      confidence: 'MEDIUM',
      risk: 'Medium',
      message:
        "Found tarfile.extractall(members=?) but couldn't identify the type of members. Check if the members were properly validated " +
        `${membersRepr(members)}).`,
    };
  }
  return true;
};

export const CHECKS: Record<string, Check> = {
  tarfile_unsafe_members: tarfileUnsafeMembers,
};
