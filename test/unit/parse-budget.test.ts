/**
 * engine/parse.ts: a large text that is mostly not Python is not analysed;
 * a large file with a syntax error, and any small text, still are (issue 16).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Parser } from 'web-tree-sitter';
import { createParser } from '../../server/src/engine/grammar.js';
import { NOT_PYTHON, parsePythonOrWhy, WATCHED_FROM } from '../../server/src/engine/parse.js';

const ALPHABET = ' \t\n!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
function randomText(size: number): string {
  let x = 7;
  const out: string[] = [];
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(ALPHABET[x % ALPHABET.length]);
  }
  return out.join('');
}

describe('parse verdicts', () => {
  let parser: Parser;
  beforeAll(async () => {
    parser = await createParser();
  });
  afterAll(() => parser.delete());

  it('a large text of random printable characters: not analysed, mostly not Python', () => {
    expect(parsePythonOrWhy(parser, randomText(WATCHED_FROM + 10_000))).toBe(NOT_PYTHON);
  });

  it('a large Python file with a syntax error in the middle: parsed, its error local', () => {
    const half = 'x = 1\n'.repeat(Math.ceil(WATCHED_FROM / 12));
    const tree = parsePythonOrWhy(parser, `${half}def f(:\n    pass\n${half}eval(x)\n`);
    expect(typeof tree).not.toBe('string');
    if (typeof tree === 'string') return;
    expect(tree.rootNode.hasError).toBe(true);
    expect(tree.rootNode.lastChild?.text).toBe('eval(x)');
    tree.delete();
  });

  it('a small text is parsed whatever it holds (judged only from 1 MB)', () => {
    const tree = parsePythonOrWhy(parser, randomText(100_000));
    expect(typeof tree).not.toBe('string');
    if (typeof tree !== 'string') tree.delete();
  });
});
