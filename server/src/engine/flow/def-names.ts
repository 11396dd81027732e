/**
 * Whether a module's text may define a function named `name` anywhere (a
 * `def` whose name is `name`): a plain scan, no parse. A call into a
 * project module follows only a function (resolve.ts `targetsOf`: a class
 * called is not followed), and the ProjectIndex's `mayDefine` also says yes
 * for `class name`: this spares parsing a module for a class or a method's
 * name alone. On the standard library a quarter of the modules the grading
 * parsed were parsed for that, most of them twice in a `check` run (each
 * worker thread parses its own, and one reviewed earlier is parsed again).
 *
 * Only ever says no where no `def` of that name is: an occurrence of the
 * name as a whole word counts as a possible def's name when the token
 * before it (past spaces, tabs, form feeds and line continuations) is the
 * keyword `def`, or when a line break lies between them and the line
 * before holds a comment (a comment may stand between `def` and its name).
 * What it does not foresee is the parser's recovery from a syntax error
 * inside that very def's head. Linear in the text.
 */
export function mayDefineFunction(text: string, name: string): boolean {
  if (name.length === 0) return false;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if (isWordChar(text.charCodeAt(at - 1)) || isWordChar(text.charCodeAt(at + name.length))) continue;
    let i = at - 1;
    let lineBreak = false;
    for (; i >= 0; i--) {
      const c = text[i];
      if (c === '\n' || c === '\r') lineBreak = true;
      else if (c !== ' ' && c !== '\t' && c !== '\f' && c !== '\\') break;
    }
    if (i >= 2 && text.startsWith('def', i - 2) && !isWordChar(text.charCodeAt(i - 3))) return true;
    if (lineBreak && lineHasComment(text, i)) return true;
  }
  return false;
}

/** Whether the line holding offset `i` has a `#` (maybe in a string: then too, which only says yes more often). */
function lineHasComment(text: string, i: number): boolean {
  for (let j = i; j >= 0; j--) {
    const c = text[j];
    if (c === '\n' || c === '\r') return false;
    if (c === '#') return true;
  }
  return false;
}

/** A character that may be part of an identifier: ASCII letters, digits, `_`, and anything past ASCII (NaN, out of the text, is none). */
function isWordChar(code: number): boolean {
  if (Number.isNaN(code)) return false;
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
}
