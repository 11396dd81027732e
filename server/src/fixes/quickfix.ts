import type { Node, Tree } from 'web-tree-sitter';
import type { Finding } from '../findings/finding.js';
import type { FileContext } from '../engine/context.js';
import { keywordArg, qualifiedName, unparen } from '../engine/pyast.js';
import { stringLiteral } from '../engine/pystring.js';
import type { OffsetTextEdit } from '../suppress/lines.js';
import { moduleBoundAt } from './module-binding.js';

/**
 * Quick fixes for findings whose safe rewrite is mechanical, each offered
 * only when the rewrite is certain (anything the fix cannot read for sure —
 * a `**kwargs`, a comment where text would go, an alias it cannot rename —
 * and it is not offered):
 *
 * - B506 `yaml.load(x)` / `yaml.load(x, Loader=yaml.Loader)` → `yaml.safe_load(x)`;
 * - B501 `verify=False` removed from a requests/httpx call;
 * - B602 `subprocess.run("ls -l", shell=True)` → `subprocess.run(["ls", "-l"])`,
 *   for a constant command of plain words (no quoting, expansion,
 *   redirection or shell builtin), split as the shell would;
 * - B324 `hashlib.md5(x)` → `hashlib.md5(x, usedforsecurity=False)` (for a
 *   hash that protects nothing), or → `hashlib.sha256(x)`;
 * - PS502 `DEBUG = True` in a settings module → `DEBUG = os.environ.get(
 *   "DJANGO_DEBUG", "") == "1"` (adding `import os` when needed), or `DEBUG = False`.
 *
 * Pure: a finding, the tree and the imports in, edits out.
 */

export interface QuickFix {
  title: string;
  edits: OffsetTextEdit[];
  /** The rewrite keeps the program's behaviour (LSP `isPreferred`). */
  preferred: boolean;
}

export type QuickFixer = (f: Finding, tree: Tree, ctx: FileContext) => QuickFix[];

/** The call a finding is about: the smallest `call` that starts where the finding's node does and covers its range. */
export function callOf(f: Finding, tree: Tree): Node | null {
  let n: Node | null = tree.rootNode.descendantForIndex(f.root.start, Math.max(f.root.start, f.root.end));
  for (; n; n = n.parent) {
    if (n.type === 'call' && n.startIndex <= f.range.start && n.endIndex >= f.range.end) return n;
  }
  return null;
}

function argumentList(call: Node): Node | null {
  const args = call.childForFieldName('arguments');
  return args && args.type === 'argument_list' ? args : null;
}

/** The arguments (not comments) of an argument list, in order. */
function argsOf(list: Node): Node[] {
  return list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function hasComment(list: Node, start: number, end: number): boolean {
  return list.namedChildren.some((c) => c !== null && c.type === 'comment' && c.startIndex < end && c.endIndex > start);
}

/** Removes one argument with the comma that goes with it; null when a comment is in the way. */
export function removeArgument(list: Node, arg: Node): OffsetTextEdit | null {
  const args = argsOf(list);
  const i = args.findIndex((a) => a.id === arg.id);
  if (i < 0) return null;
  let start: number;
  let end: number;
  if (i + 1 < args.length) {
    // Up to the next argument: `f(a, verify=False, b)` → `f(a, b)`.
    start = arg.startIndex;
    end = args[i + 1].startIndex;
  } else if (i > 0) {
    // From the end of the previous one: `f(a, verify=False)` → `f(a)`; a trailing comma stays.
    start = args[i - 1].endIndex;
    end = arg.endIndex;
  } else {
    // The only argument: `f(verify=False,)` → `f()`.
    start = arg.startIndex;
    const close = list.lastChild;
    end = close && close.type === ')' ? close.startIndex : arg.endIndex;
  }
  if (hasComment(list, start, end)) return null;
  return { start, end, text: '' };
}

/** Inserts `text` (a keyword argument) after the last argument. */
function appendArgument(list: Node, text: string): OffsetTextEdit | null {
  const args = argsOf(list);
  const last = args.at(-1);
  if (!last) {
    const open = list.firstChild;
    if (!open || open.type !== '(') return null;
    return { start: open.endIndex, end: open.endIndex, text };
  }
  return { start: last.endIndex, end: last.endIndex, text: `, ${text}` };
}

function hasSplat(list: Node): boolean {
  return argsOf(list).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat');
}

/** `obj.attr` → the node of `attr`, when the called function is written as an attribute. */
function calledAttribute(call: Node): Node | null {
  const fn = call.childForFieldName('function');
  if (!fn || fn.type !== 'attribute') return null;
  return fn.childForFieldName('attribute');
}

// ---------------------------------------------------------------- B506

const UNSAFE_LOADERS = new Set(['Loader', 'UnsafeLoader', 'FullLoader', 'CLoader', 'CUnsafeLoader', 'CFullLoader']);

const yamlSafeLoad: QuickFixer = (f, tree, ctx) => {
  const call = callOf(f, tree);
  if (!call || ctx.qualname(call) !== 'yaml.load') return [];
  const attr = calledAttribute(call);
  const list = argumentList(call);
  if (!attr || attr.text !== 'load' || !list || hasSplat(list)) return [];
  const args = argsOf(list);
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  const keywords = args.filter((a) => a.type === 'keyword_argument');
  if (positional.length < 1 || positional.length > 2) return [];
  if (keywords.some((k) => !['Loader'].includes(k.childForFieldName('name')?.text ?? ''))) return [];
  const loaderArg = positional[1] ?? keywords[0];
  if (positional[1] && keywords.length) return [];
  const edits: OffsetTextEdit[] = [{ start: attr.startIndex, end: attr.endIndex, text: 'safe_load' }];
  if (loaderArg) {
    const value = loaderArg.type === 'keyword_argument' ? loaderArg.childForFieldName('value') : loaderArg;
    if (!value) return [];
    const q = qualifiedName(unparen(value), ctx.aliasesAt(call.startIndex));
    const parts = q.split('.');
    if (parts[0] !== 'yaml' || !UNSAFE_LOADERS.has(parts[parts.length - 1])) return [];
    const removal = removeArgument(list, loaderArg);
    if (!removal) return [];
    edits.push(removal);
  }
  return [{ title: 'pysec: use yaml.safe_load (plain YAML only, no Python objects)', edits, preferred: false }];
};

// ---------------------------------------------------------------- B501

const removeVerifyFalse: QuickFixer = (f, tree) => {
  const call = callOf(f, tree);
  const list = call ? argumentList(call) : null;
  if (!call || !list) return [];
  const value = keywordArg(call, 'verify');
  if (!value || unparen(value).type !== 'false') return [];
  const kw = value.parent;
  if (!kw || kw.type !== 'keyword_argument') return [];
  const removal = removeArgument(list, kw);
  if (!removal) return [];
  return [{ title: 'pysec: remove verify=False (check TLS certificates)', edits: [removal], preferred: false }];
};

// ---------------------------------------------------------------- B602

/** Characters that mean nothing to the shell inside a word. */
const PLAIN_WORD = /^[A-Za-z0-9_\-./:,+@%=]+$/;

/** sh/bash builtins and keywords: without a shell they are another program, or none. */
const SHELL_BUILTINS = new Set(
  (
    '. : [ [[ ]] ! alias bg bind break builtin caller case cd command compgen complete compopt continue coproc declare dirs disown do done ' +
    'echo elif else enable esac eval exec exit export false fc fg fi for function getopts hash help history if in jobs kill let local ' +
    'logout mapfile popd printf pushd pwd read readarray readonly return select set shift shopt source suspend test then time times ' +
    'trap true type typeset ulimit umask unalias unset until wait while'
  ).split(' '),
);

/**
 * A constant command as the shell would split it, when splitting is all the
 * shell would do: plain words separated by blanks. Null otherwise.
 */
export function plainCommandWords(command: string): string[] | null {
  const words = command.split(/[ \t]+/).filter((w) => w !== '');
  if (words.length === 0) return null;
  if (!words.every((w) => PLAIN_WORD.test(w))) return null;
  // `A=b cmd` sets a variable; a builtin is not a program.
  if (words[0].includes('=') || SHELL_BUILTINS.has(words[0])) return null;
  return words;
}

const shellToArgumentList: QuickFixer = (f, tree) => {
  const call = callOf(f, tree);
  const list = call ? argumentList(call) : null;
  if (!call || !list || hasSplat(list)) return [];
  const shell = keywordArg(call, 'shell');
  if (!shell || unparen(shell).type !== 'true') return [];
  if (keywordArg(call, 'executable') || keywordArg(call, 'args')) return [];
  const first = argsOf(list)[0];
  if (!first || first.type === 'keyword_argument') return [];
  const lit = first.type === 'string' ? stringLiteral(first) : null;
  if (!lit || lit.bytes) return [];
  const words = plainCommandWords(lit.value);
  if (!words) return [];
  const quoteChar = /^[a-zA-Z]*(['"])/.exec(first.text)?.[1] ?? '"';
  const listText = `[${words.map((w) => quoteChar + w + quoteChar).join(', ')}]`;
  const kw = shell.parent;
  if (!kw || kw.type !== 'keyword_argument') return [];
  const removal = removeArgument(list, kw);
  if (!removal) return [];
  const replace: OffsetTextEdit = { start: first.startIndex, end: first.endIndex, text: listText };
  // `run("ls", shell=True)`: the two edits touch; one edit says it without ambiguity.
  const edits = removal.start === replace.end ? [{ start: replace.start, end: removal.end, text: listText }] : [replace, removal];
  return [{ title: `pysec: run without a shell: ${listText}`, edits, preferred: false }];
};

// ---------------------------------------------------------------- B324

const WEAK = new Set(['md4', 'md5', 'sha', 'sha1']);

const hashlibFixes: QuickFixer = (f, tree, ctx) => {
  const call = callOf(f, tree);
  const list = call ? argumentList(call) : null;
  if (!call || !list) return [];
  const parts = ctx.qualname(call).split('.');
  if (!parts.includes('hashlib')) return [];
  const func = parts[parts.length - 1];
  const out: QuickFix[] = [];

  // Not for security: the same digest, declared as such (Python 3.9+).
  const existing = keywordArg(call, 'usedforsecurity');
  const mark = existing ? { start: existing.startIndex, end: existing.endIndex, text: 'False' } : hasSplat(list) ? null : appendArgument(list, 'usedforsecurity=False');
  if (mark) {
    out.push({
      title: 'pysec: not used for security: pass usedforsecurity=False (only for checksums, cache keys and the like)',
      edits: [mark],
      preferred: false,
    });
  }

  // A strong hash instead: a different digest.
  const attr = calledAttribute(call);
  if (WEAK.has(func) && attr && attr.text === func) {
    out.push({ title: 'pysec: use hashlib.sha256 instead (a different digest)', edits: [{ start: attr.startIndex, end: attr.endIndex, text: 'sha256' }], preferred: false });
  } else if (func === 'new') {
    const name = argsOf(list)[0];
    const lit = name && name.type === 'string' ? stringLiteral(name) : null;
    if (lit && !lit.bytes && WEAK.has(lit.value.toLowerCase()) && /^['"][A-Za-z0-9]+['"]$/.test(name.text)) {
      const q = name.text[0];
      out.push({ title: 'pysec: use sha256 instead (a different digest)', edits: [{ start: name.startIndex, end: name.endIndex, text: `${q}sha256${q}` }], preferred: false });
    }
  }
  return out;
};

// ---------------------------------------------------------------- PS502

/** Where `import os` can go: before the first top-level statement that is not the docstring or a `from __future__` import. */
function importSpot(tree: Tree): number | null {
  let first = true;
  for (const stmt of tree.rootNode.namedChildren) {
    if (!stmt || stmt.type === 'comment') continue;
    const docstring = first && stmt.type === 'expression_statement' && stmt.namedChildren[0]?.type === 'string';
    first = false;
    if (!docstring && stmt.type !== 'future_import_statement') return stmt.startIndex;
  }
  return null;
}

/**
 * PS502 `DEBUG = True` in a settings module → read from the environment
 * (off unless DJANGO_DEBUG=1), adding `import os` when the file names no
 * `os` at all; or plainly `DEBUG = False`.
 */
const debugFromEnvironment: QuickFixer = (f, tree, ctx) => {
  let n: Node | null = tree.rootNode.descendantForIndex(f.root.start, Math.max(f.root.start, f.root.end));
  while (n && !(n.type === 'assignment' && n.startIndex === f.root.start)) n = n.parent;
  if (!n || n.parent?.type !== 'expression_statement' || n.parent.parent?.type !== 'module') return [];
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  if (!left || left.text !== 'DEBUG' || !right || unparen(right).type !== 'true') return [];
  const out: QuickFix[] = [];
  const text = tree.rootNode.text;
  const env: OffsetTextEdit = { start: right.startIndex, end: right.endIndex, text: 'os.environ.get("DJANGO_DEBUG", "") == "1"' };
  const title = 'pysec: read DEBUG from the environment (off unless DJANGO_DEBUG=1)';
  if (moduleBoundAt(tree, 'os', n.startIndex)) {
    // A top-level `import os` came before and nothing rebound it: `os` is the module.
    out.push({ title, edits: [env], preferred: false });
  } else if (!/\bos\b/.test(text)) {
    // Nothing in the file is called `os`: importing it changes nothing else.
    const spot = importSpot(tree);
    const eol = /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
    if (spot !== null && spot <= n.startIndex) {
      out.push({ title: `${title}, importing os`, edits: [{ start: spot, end: spot, text: `import os${eol}` }, env], preferred: false });
    }
  }
  out.push({ title: 'pysec: set DEBUG = False', edits: [{ start: right.startIndex, end: right.endIndex, text: 'False' }], preferred: false });
  return out;
};

/** Quick fixers by rule id. */
export const QUICK_FIXES: Readonly<Record<string, QuickFixer>> = {
  B506: yamlSafeLoad,
  B501: removeVerifyFalse,
  B602: shellToArgumentList,
  B324: hashlibFixes,
  PS502: debugFromEnvironment,
};

export function quickFixes(f: Finding, tree: Tree, ctx: FileContext): QuickFix[] {
  const fixer = QUICK_FIXES[f.rule];
  if (!fixer) return [];
  try {
    return fixer(f, tree, ctx);
  } catch {
    return [];
  }
}
