import type { Tree } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Engine } from '../engine/engine.js';
import type { RuleSelection } from '../engine/rule.js';
import type { ProjectIndex } from '../engine/flow/state.js';
import type { Finding } from '../findings/finding.js';
import { applySuppressions } from '../suppress/apply.js';
import { gradeAnalysed } from '../grading/merged.js';
import { withProject } from '../engine/flow/index.js';
import { decodeSource } from '../files/decode.js';
import { readRegularFile } from '../files/read.js';
import { firstSyntaxError } from '../engine/syntax-error.js';
import { codePointPosition, lineStartsOf } from '../positions/lines.js';
import { parsePythonOrWhy } from '../engine/parse.js';
import type { ModuleLookup } from '../cache/deps.js';

export interface FileResult {
  path: string;
  text: string;
  doc: TextDocument;
  findings: Finding[];
  /** Where the text stops being Python (engine/syntax-error.ts), when it does: the valid parts were still reviewed. */
  syntaxErrorAt?: number;
  /** The project modules its analysis looked up (cache/deps.ts): the result cache's cross-file inputs. */
  lookups?: ModuleLookup[];
  /** The printed (1-based, code point) position of an offset, when known without the text (a cached result: cache/positions.ts); else from `text`. */
  at?: (offset: number) => { line: number; column: number };
}

export interface FileError {
  path: string;
  message: string;
}


/** Runs the tree-sitter engine from scratch over one file; `project`: the run's other modules, for attack paths across files (batch/project.ts). */
export function checkText(engine: Engine, path: string, text: string, selection?: RuleSelection, project?: ProjectIndex, parsed?: SharedTrees): FileResult {
  // A tree the run's project index already holds for this text is borrowed (not deleted here): the same parse.
  const shared = parsed?.parsedTree(path, text);
  const tree = shared ?? parsePythonOrWhy(engine.parser, text);
  if (typeof tree === 'string') throw new NotParsed(tree);
  try {
    const analysis = engine.analysis(path, selection);
    // The rules that ask the flow layer see the project too: one analysis per def for them and the grading.
    withProject(project, () => analysis.full(tree));
    const doc = TextDocument.create(path, 'python', 0, text);
    const syntaxErrorAt = firstSyntaxError(tree);
    return {
      path,
      text,
      doc,
      findings: gradeAnalysed(applySuppressions(analysis.findings, doc, tree), tree, analysis, engine.ruleset, path, project),
      ...(syntaxErrorAt !== undefined ? { syntaxErrorAt } : {}),
    };
  } finally {
    if (!shared) tree.delete();
  }
}

/** Trees parsed already for files of the run (batch/project.ts RunProject): a review borrows one instead of parsing its file again. */
export interface SharedTrees {
  parsedTree(path: string, text: string): Tree | undefined;
}

/** A text not analysed (engine/parse.ts: mostly not Python, or over its memory bound): an error of its own, not an analysis failure. */
class NotParsed extends Error {
  constructor(why: string) {
    super(`not parsed: ${why}`);
  }
}

export function checkFile(engine: Engine, path: string, selection?: RuleSelection, project?: ProjectIndex, parsed?: SharedTrees): FileResult | FileError {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path);
  } catch (e) {
    return { path, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  const decoded = decodeSource(bytes);
  if ('error' in decoded) return { path, message: decoded.error };
  try {
    return checkText(engine, path, decoded.text, selection, project, parsed);
  } catch (e) {
    return { path, message: e instanceof NotParsed ? e.message : `analysis failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
