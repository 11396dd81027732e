/**
 * Finds the ways a TypeScript/JavaScript file could run a command through a
 * shell, by reading its syntax tree (the TypeScript compiler's parser, so
 * strings, comments and `RegExp.prototype.exec` never trip it):
 *
 * - a `shell` option that is not the literal `false`;
 * - `exec`/`execSync` of `child_process` (they always use a shell);
 * - execa's `execaCommand`/`execaCommandSync` (a command line split by execa)
 *   and its template-string forms (`` $`…` ``, `` execa`…` ``);
 * - `spawn`/`spawnSync`/`execFile`/`execFileSync`/`fork`, or `execa`/`execaSync`,
 *   whose program is a literal with whitespace in it (a command line passed
 *   as one string, which only a shell would split).
 */
import ts from 'typescript';

export interface ShellUse {
  line: number;
  what: string;
}

const CHILD_PROCESS = new Set(['child_process', 'node:child_process']);
const ALWAYS_SHELL = new Set(['exec', 'execSync']);
const PROGRAM_FIRST = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);
const EXECA_PROGRAM_FIRST = new Set(['execa', 'execaSync', 'execaNode']);
const EXECA_COMMAND = new Set(['execaCommand', 'execaCommandSync', 'parseCommandString']);
const EXECA_TEMPLATE = new Set(['$', 'execa', 'execaSync', 'execaNode']);

export function findShellUses(fileName: string, source: string): ShellUse[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const out: ShellUse[] = [];
  const at = (n: ts.Node, what: string) => out.push({ line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, what });

  // Local names bound to child_process and execa exports: name → export.
  const cp = new Map<string, string>();
  const cpNamespaces = new Set<string>();
  const execa = new Map<string, string>();
  const execaNamespaces = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const mod = st.moduleSpecifier.text;
    const isCp = CHILD_PROCESS.has(mod);
    const isExeca = mod === 'execa';
    if (!isCp && !isExeca) continue;
    const clause = st.importClause;
    if (!clause) continue;
    if (clause.name) (isCp ? cpNamespaces : execaNamespaces).add(clause.name.text);
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) (isCp ? cpNamespaces : execaNamespaces).add(nb.name.text);
    if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) {
        const exported = (el.propertyName ?? el.name).text;
        (isCp ? cp : execa).set(el.name.text, exported);
        if (isExeca && EXECA_COMMAND.has(exported)) at(el, `imports ${exported} from execa (a command string)`);
      }
    }
  }
  // `require('child_process')` in CommonJS: the bound name is a namespace.
  const visitRequire = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && n.initializer && ts.isCallExpression(n.initializer) && ts.isIdentifier(n.initializer.expression) && n.initializer.expression.text === 'require') {
      const arg = n.initializer.arguments[0];
      if (arg && ts.isStringLiteral(arg) && (CHILD_PROCESS.has(arg.text) || arg.text === 'execa')) {
        const isCp = CHILD_PROCESS.has(arg.text);
        if (ts.isIdentifier(n.name)) (isCp ? cpNamespaces : execaNamespaces).add(n.name.text);
        else if (ts.isObjectBindingPattern(n.name)) {
          for (const el of n.name.elements) {
            if (!ts.isIdentifier(el.name)) continue;
            const exported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            (isCp ? cp : execa).set(el.name.text, exported);
          }
        }
      }
    }
    ts.forEachChild(n, visitRequire);
  };
  visitRequire(sf);

  /** Which child_process / execa export a callee is, if any. */
  const resolveCallee = (e: ts.Expression): { from: 'cp' | 'execa'; name: string } | undefined => {
    if (ts.isIdentifier(e)) {
      if (cp.has(e.text)) return { from: 'cp', name: cp.get(e.text)! };
      if (execa.has(e.text)) return { from: 'execa', name: execa.get(e.text)! };
    }
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
      if (cpNamespaces.has(e.expression.text)) return { from: 'cp', name: e.name.text };
      if (execaNamespaces.has(e.expression.text)) return { from: 'execa', name: e.name.text };
      // `$.sync`
      if (execa.get(e.expression.text) === '$') return { from: 'execa', name: '$' };
    }
    return undefined;
  };

  const hasSpace = (e: ts.Expression | undefined) =>
    !!e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e)) && /\s/.test(e.getText(sf).slice(1, -1));

  const visit = (n: ts.Node) => {
    if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) && n.name.text === 'shell' && n.initializer.kind !== ts.SyntaxKind.FalseKeyword) {
      at(n, `shell: ${n.initializer.getText(sf)}`);
    }
    if (ts.isShorthandPropertyAssignment(n) && n.name.text === 'shell') at(n, 'shell (shorthand, not the literal false)');
    if (ts.isCallExpression(n)) {
      const c = resolveCallee(n.expression);
      if (c?.from === 'cp' && ALWAYS_SHELL.has(c.name)) at(n, `child_process.${c.name} (always a shell)`);
      if (c?.from === 'execa' && EXECA_COMMAND.has(c.name)) at(n, `${c.name} (a command string)`);
      if (c && ((c.from === 'cp' && PROGRAM_FIRST.has(c.name)) || (c.from === 'execa' && EXECA_PROGRAM_FIRST.has(c.name))) && hasSpace(n.arguments[0])) {
        at(n, `${c.name} with a command line as its program: ${n.arguments[0].getText(sf)}`);
      }
    }
    if (ts.isTaggedTemplateExpression(n)) {
      let tag: ts.Expression = n.tag;
      // `$({cwd})\`…\`` and `execa({…})\`…\``: the tag is a call of the export.
      if (ts.isCallExpression(tag)) tag = tag.expression;
      const c = resolveCallee(tag);
      if (c?.from === 'execa' && EXECA_TEMPLATE.has(c.name)) at(n, `execa template string ${n.getText(sf).slice(0, 60)}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
