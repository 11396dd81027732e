import { codePointPosition, lineStartsOf } from '../positions/lines.js';
import type { FileError, FileResult } from './file.js';

/** A syntax error as `check` and the report list it: the file was reviewed only in part. */
export function syntaxError(r: FileResult): FileError | undefined {
  if (r.syntaxErrorAt === undefined) return undefined;
  const { line, column } = r.at ? r.at(r.syntaxErrorAt) : codePointPosition(r.text, r.syntaxErrorAt, lineStartsOf(r.text));
  return { path: r.path, message: `syntax error at line ${line}, column ${column} (bandit skips such a file; the parts that parse were reviewed)` };
}
