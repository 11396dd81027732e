import type { Node } from 'web-tree-sitter';
import { keywordArgs, shortName, type FileContext } from '../context.js';
import { isAstConstant, plainStr, unparen } from '../literal.js';
import { memo } from '../memo.js';
import type { Check } from '../rule.js';
import { astSpan, bodyStatements, callArgAt, callArgValue, checkCallArgValue, hasKeyword, headerSpan, pyTruthy } from './bandit-util.js';
import { looksLikePassword } from './general.js';

/**
 * bandit 1.9.4 plugins without a family of their own: hard-coded password
 * defaults (B107), swallowed exceptions (B110, B112), HTTP calls without a
 * timeout (B113), tarfile extraction (B202), logging.config.listen (B612),
 * Trojan Source characters (B613), torch.load (B614) and unpinned Hugging
 * Face downloads (B615).
 */

// ---------------------------------------------------------------- function parameters

export interface Param {
  name: string;
  /** The parameter's node (`a`, `a=1`, `a: int = 1`). */
  node: Node;
  default: Node | null;
}

/**
 * A `def`'s parameters as Python's `ast.arguments` splits them: `posonly`
 * before a `/`, `args` up to `*` / `*args`; `defaults` are the default
 * values of posonly + args together (they belong to the last ones).
 */
export function positionalParams(fn: Node): { posonly: Param[]; args: Param[]; defaults: Node[] } {
  return memo(fn, 'positionalParams', positionalParamsUncached);
}

function positionalParamsUncached(fn: Node): { posonly: Param[]; args: Param[]; defaults: Node[] } {
  const params = fn.childForFieldName('parameters');
  const all: Param[] = [];
  let posonlyCount = 0;
  if (params) {
    for (const p of params.namedChildren) {
      if (!p || p.type === 'comment') continue;
      if (p.type === 'positional_separator') {
        posonlyCount = all.length;
        continue;
      }
      if (p.type === 'keyword_separator' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') break;
      if (p.type === 'typed_parameter') {
        const first = p.namedChildren.find((c) => c !== null && c.type !== 'comment');
        if (!first || first.type === 'list_splat_pattern' || first.type === 'dictionary_splat_pattern') break;
        all.push({ name: first.text, node: p, default: null });
      } else if (p.type === 'identifier') {
        all.push({ name: p.text, node: p, default: null });
      } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        all.push({ name: p.childForFieldName('name')?.text ?? '', node: p, default: p.childForFieldName('value') });
      }
    }
  }
  const defaults = all.filter((p) => p.default).map((p) => p.default!);
  return { posonly: all.slice(0, posonlyCount), args: all.slice(posonlyCount), defaults };
}

/**
 * The text of a def's parameter list, memoised: every name and default the
 * def's parameters hold is in it, so a rule looking for a word among them
 * can rule a def out without reading its parameters one by one.
 */
export function paramsText(fn: Node): string {
  return memo(fn, 'paramsText', (f) => f.childForFieldName('parameters')?.text ?? '');
}

/** Whether a `function_definition` is Python's `FunctionDef` (not `AsyncFunctionDef`, which bandit's FunctionDef tests never see). */
export function isSyncDef(fn: Node): boolean {
  return fn.type === 'function_definition' && fn.child(0)?.type !== 'async';
}

/**
 * What to highlight for an issue bandit puts on a `def` line: `preferred`
 * when it starts on that line, else the function's name, else `def`.
 */
export function defLineNode(fn: Node, preferred: Node | null): Node {
  const row = fn.startPosition.row;
  if (preferred && preferred.startPosition.row === row) return preferred;
  const name = fn.childForFieldName('name');
  if (name && name.startPosition.row === row) return name;
  return fn.child(0) ?? fn;
}

// ---------------------------------------------------------------- B107

/**
 * B107 hardcoded_password_default: the first regular parameter (not
 * positional-only, not keyword-only) with a password-like name whose
 * default, paired bandit's way (`args` zipped with `defaults` padded on the
 * left), is a constant str. Reported on the `def` line; the context is the
 * whole function.
 */
/** A word every password-like name holds (`looksLikePassword`; same flags, so the same case folding). */
const PASSWORD_WORD = /pas|pwd|token|secret/iu;

const hardcodedPasswordDefault: Check = (m) => {
  const fn = m.node;
  if (!PASSWORD_WORD.test(paramsText(fn))) return null;
  if (!isSyncDef(fn)) return null;
  const { args, defaults } = positionalParams(fn);
  const pad = args.length - defaults.length;
  const defs: (Node | null)[] = pad > 0 ? [...Array<null>(pad).fill(null), ...defaults] : defaults;
  const n = Math.min(args.length, defs.length);
  for (let i = 0; i < n; i++) {
    const val = defs[i];
    // The name first: a string test, where the default's value is calls into wasm.
    if (!val || !looksLikePassword(args[i].name) || unparen(val).type === 'none') continue;
    const s = plainStr(val);
    if (s !== null) {
      return { node: defLineNode(fn, args[i].node), anchor: astSpan(fn), message: `Possible hardcoded password: '${s}'` };
    }
  }
  return null;
};

// ---------------------------------------------------------------- B110, B112

/** The exception type an `except` clause names (`except T as e` → T), or null for a bare `except:`. */
export function exceptType(clause: Node): Node | null {
  for (const c of clause.namedChildren) {
    if (!c || c.type === 'comment' || c.type === 'block') continue;
    if (c.type === 'as_pattern') return c.namedChildren.find((x) => x !== null && x.type !== 'comment') ?? null;
    return c;
  }
  return null;
}

/** bandit's ExceptHandler tests: one statement of `kind` as the whole body, for `except:` / `except Exception` (any type with check_typed_exception). */
function exceptBodyIs(kind: string): Check {
  return (m, rule) => {
    const clause = m.node;
    const body = bodyStatements(clause.children.find((c) => c?.type === 'block'));
    if (body.length !== 1) return null;
    if (rule.params.check_typed_exception !== true) {
      const t = exceptType(clause);
      if (t && !(unparen(t).type === 'identifier' && unparen(t).text === 'Exception')) return null;
    }
    if (body[0].type !== kind) return null;
    return { node: headerSpan(clause), anchor: astSpan(clause) };
  };
}

// ---------------------------------------------------------------- B113

const HTTP_VERBS = new Set(['get', 'options', 'head', 'post', 'put', 'patch', 'delete']);
const HTTPX_ATTRS = new Set(['request', 'stream', 'Client', 'AsyncClient', ...HTTP_VERBS]);

/**
 * B113 request_without_timeout: `requests.<verb>(...)` without a literal
 * `timeout=` (a non-literal value counts as none, as in bandit), and
 * `requests.<verb>` / `httpx.<verb|request|stream|Client|AsyncClient>` with
 * `timeout=None`.
 */
const requestWithoutTimeout: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const pkg = qual.split('.')[0];
  const name = shortName(qual);
  const requests = pkg === 'requests' && HTTP_VERBS.has(name);
  if (requests && checkCallArgValue(call, 'timeout') === undefined) return { message: `Call to ${pkg} without timeout` };
  if (requests || (pkg === 'httpx' && HTTPX_ATTRS.has(name))) {
    if (checkCallArgValue(call, 'timeout', 'None')) return { message: `Call to ${pkg} with timeout set to None` };
  }
  return null;
};

// ---------------------------------------------------------------- B202

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

// ---------------------------------------------------------------- B612

/** B612 logging_config_insecure_listen: `logging.config.listen(...)` without `verify=`. */
const loggingConfigInsecureListen: Check = (m, _rule, ctx) =>
  ctx.qualname(m.node) === 'logging.config.listen' && !hasKeyword(m.node, 'verify');

// ---------------------------------------------------------------- B613

/** bandit's BIDI_CHARACTERS, in its order. */
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f'];
const ANY_BIDI = /[\u202a-\u202e\u2066-\u2069\u200f]/;
/** Python's `str.splitlines` boundaries. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;

function pyRepr(ch: string): string {
  return `'\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}'`;
}

/**
 * B613 trojansource (a File test in bandit): the first line of the file
 * (Python's `splitlines`) that holds a bidirectional control character; of
 * those on the line, the first in bandit's list. One issue per file; its
 * line range is that line alone. The rule's match is the module, so any
 * edit re-runs it.
 */
const trojansource: Check = (m) => {
  const mod = m.node;
  const text = mod.text;
  if (!ANY_BIDI.test(text)) return null;
  let start = 0;
  const lines: [number, number][] = [];
  LINE_BREAK.lastIndex = 0;
  for (let br = LINE_BREAK.exec(text); br; br = LINE_BREAK.exec(text)) {
    lines.push([start, br.index]);
    start = br.index + br[0].length;
  }
  lines.push([start, text.length]);
  for (const [a, b] of lines) {
    const line = text.slice(a, b);
    if (!ANY_BIDI.test(line)) continue;
    for (const ch of BIDI) {
      const i = line.indexOf(ch);
      if (i < 0) continue;
      const at = mod.startIndex + a + i;
      const span = { start: at, end: at + 1 };
      return { node: span, anchor: span, message: `A Python source file contains bidirectional control characters (${pyRepr(ch)}).` };
    }
  }
  return null;
};

// ---------------------------------------------------------------- B614

/** B614 pytorch_load: `torch.load` / `torch.serialization.load` without `weights_only=True`, in a file that did `import torch`. */
const pytorchLoad: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (!ctx.isModuleImportedExact('torch', call.startIndex)) return null;
  const qual = ctx.qualname(call);
  if (qual !== 'torch.load' && qual !== 'torch.serialization.load') return null;
  return callArgValue(call, 'weights_only') !== 'True';
};

// ---------------------------------------------------------------- B615

const HF_MODULES = ['transformers', 'datasets', 'huggingface_hub'];
const HF_UNSAFE: Record<string, string> = {
  from_pretrained: 'transformers',
  load_dataset: 'datasets',
  hf_hub_download: 'huggingface_hub',
  snapshot_download: 'huggingface_hub',
  repository_id: 'huggingface_hub',
};
const HEX = /^[0-9a-fA-F]*$/;

/**
 * B615 huggingface_unsafe_download: `from_pretrained` (transformers),
 * `load_dataset` (datasets), `hf_hub_download` / `snapshot_download`
 * (huggingface_hub) without a commit hash in `revision=` / `commit_id=`, in
 * a file that imports one of those packages; a non-literal revision gets the
 * benefit of the doubt, as does a first argument that is a local path.
 */
const huggingfaceUnsafeDownload: Check = (m, _rule, ctx: FileContext) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const func = shortName(qual);
  const required = Object.prototype.hasOwnProperty.call(HF_UNSAFE, func) ? HF_UNSAFE[func] : undefined;
  if (!required || !qual.split('.').includes(required)) return null;
  if (!HF_MODULES.some((mod) => ctx.isModuleImportedLike(mod, call.startIndex))) return null;
  for (const [name, value] of keywordArgs(call)) {
    if ((name === 'revision' || name === 'commit_id') && !isAstConstant(value)) return null;
  }
  const revision = callArgValue(call, 'revision');
  const toCheck = pyTruthy(revision) ? revision : callArgValue(call, 'commit_id');
  if (typeof toCheck === 'string') {
    // Quotes stripped from both ends by a loop (`["']+$` rescans a run of quotes from each of them).
    let a = 0;
    let b = toCheck.length;
    while (a < b && (toCheck[a] === '"' || toCheck[a] === "'")) a++;
    while (b > a && (toCheck[b - 1] === '"' || toCheck[b - 1] === "'")) b--;
    const r = toCheck.slice(a, b);
    if (r.length >= 7 && HEX.test(r)) return null;
  }
  const first = callArgAt(call, 0);
  if (typeof first === 'string' && first && (first.startsWith('./') || first.startsWith('/') || first.startsWith('../'))) return null;
  return { message: `Unsafe Hugging Face Hub download without revision pinning in ${func}()` };
};

export const CHECKS_BANDIT_MISC: Record<string, Check> = {
  hardcoded_password_default: hardcodedPasswordDefault,
  try_except_pass: exceptBodyIs('pass_statement'),
  try_except_continue: exceptBodyIs('continue_statement'),
  request_without_timeout: requestWithoutTimeout,
  tarfile_unsafe_members: tarfileUnsafeMembers,
  logging_config_insecure_listen: loggingConfigInsecureListen,
  trojansource,
  pytorch_load: pytorchLoad,
  huggingface_unsafe_download: huggingfaceUnsafeDownload,
};
