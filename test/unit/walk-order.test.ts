/**
 * files/walk.ts lists a tree depth first, each folder's entries in name
 * order, with a sub-folder's files where the sub-folder stands among them —
 * iteratively (no recursion as deep as the tree). Held against a plain
 * recursive reference here, on a tree whose names interleave files and
 * folders, and on the local standard library; and a tree deeper than a
 * recursive walk should ever be asked to go is walked to its bottom.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSkippedDir, pythonFiles } from '../../server/src/files/walk.js';
import { tempProjects } from '../support/temp-projects.js';

const { project } = tempProjects('pysec-walk-order-');

/** The order the walk keeps, recursively: .py/.pyi files and links to files (the library holds a few). */
function reference(dir: string, out: string[] = []): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!isSkippedDir(dir, e.name)) reference(path, out);
    } else if (/\.pyi?$/.test(e.name) && (e.isFile() || (e.isSymbolicLink() && linksToFile(path)))) out.push(path);
  }
  return out;
}

function linksToFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

describe('pythonFiles: order and depth', () => {
  it('puts a sub-folder\'s files where the sub-folder stands among its siblings', () => {
    const root = project('mixed', { 'a.py': '', 'b/x.py': '', 'b/c/y.py': '', 'b.py': '', 'c.pyi': '', 'd/z.py': '', 'e.txt': '', '__pycache__/q.py': '' });
    const got = pythonFiles([root]).files;
    expect(got).toEqual(['a.py', 'b/c/y.py', 'b/x.py', 'b.py', 'c.pyi', 'd/z.py'].map((f) => join(root, f)));
    expect(got).toEqual(reference(root));
  });

  it('lists the standard library as the recursive reference does', () => {
    const lib = '/usr/lib/python3.11';
    const got = pythonFiles([lib]).files;
    expect(got.length).toBeGreaterThan(500);
    expect(got).toEqual(reference(lib));
  });

  it('walks a tree 1,500 folders deep to its bottom', () => {
    const root = project('deep', { 'top.py': '' });
    let dir = root;
    for (let i = 0; i < 1500; i++) dir = join(dir, 'd');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bottom.py'), '');
    expect(pythonFiles([root]).files).toEqual([join(dir, 'bottom.py'), join(root, 'top.py')]);
  });
});
