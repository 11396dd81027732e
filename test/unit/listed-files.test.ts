/**
 * The result cache's resolver (batch/resolve.ts RunRoots): it reads each
 * folder once and judges the folders below a search folder from their
 * parents' listings (issue 19: the warm run over the standard library
 * asked thousands of folders that do not exist). It must say exactly what
 * the engine's resolver says, which asks `lstat` of each candidate: every
 * name below is resolved both ways and the answers compared.
 */
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { absolute, isRegularFile, ListedFiles, NameResolver, RunRoots } from '../../server/src/batch/resolve.js';
import { tempProjects } from '../support/temp-projects.js';

const { project } = tempProjects('pysec-listed-files-');

const NAMES = ['app', 'app.util', 'app.sub.deep', 'app.sub', 'linked', 'linked.mod', 'filelink', 'notadir.x', 'notadir', 'helpers', 'missing', 'missing.deeper.still', 'lib', 'lib.core', 'os', 'os.path', 'pkg.mod', 'locked', 'locked.inner'];

describe('the listing resolver says what lstat says', () => {
  it('for packages, modules, links to folders and files, files named like folders, missing names and an unreadable folder', () => {
    const root = project('tree', {
      'app/__init__.py': '',
      'app/util.py': '',
      'app/sub/__init__.py': '',
      'app/sub/deep.py': '',
      'src/lib/__init__.py': '',
      'src/lib/core.py': '',
      'helpers.py': '',
      'notadir': 'a file where a folder could be\n',
      'pkg/__init__.py': '',
      'pkg/inner/__init__.py': '',
      'pkg/inner/m.py': '',
      'pkg/mod.py': '',
      'target/mod.py': '',
      'target/__init__.py': '',
      'locked/inner.py': '',
    });
    symlinkSync(join(root, 'target'), join(root, 'linked'));
    symlinkSync(join(root, 'helpers.py'), join(root, 'filelink.py'));
    mkdirSync(join(root, 'empty'));
    // Unreadable but passable: a listing fails where lstat still answers (root reads every folder: only as another user).
    chmodSync(join(root, 'locked'), 0o311);
    try {
      const fromFiles = [join(root, 'main.py'), join(root, 'app/sub/deep.py'), join(root, 'pkg/inner/m.py'), join(root, 'empty/x.py'), join(root, 'linked/mod.py')];
      const plain = new NameResolver({ rootOf: () => root, exists: (p) => isRegularFile(p) });
      // Two orders: what a folder's listing says must not depend on which name asked first.
      for (const order of [NAMES, [...NAMES].reverse()]) {
        const roots = new RunRoots();
        roots.addRoot(root);
        for (const from of fromFiles) for (const name of order) expect([name, from, roots.resolver.fileOf(name, from)]).toEqual([name, from, plain.fileOf(name, from)]);
      }
      // And some resolve at all (the comparison is not of two empty answers).
      const roots = new RunRoots();
      roots.addRoot(root);
      expect(roots.resolver.fileOf('app.sub.deep', join(root, 'main.py'))).toBe(join(root, 'app/sub/deep.py'));
      expect(roots.resolver.fileOf('lib.core', join(root, 'main.py'))).toBe(join(root, 'src/lib/core.py'));
      expect(roots.resolver.fileOf('linked.mod', join(root, 'main.py'))).toBe(join(root, 'linked/mod.py'));
      expect(roots.resolver.fileOf('notadir.x', join(root, 'main.py'))).toBeUndefined();
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  });

  it('a folder below the search folder that is a file, or absent, is judged without reading it', () => {
    const root = project('judged', { 'a.py': '', 'notadir': '' });
    const files = new ListedFiles();
    expect(files.isFile(join(root, 'notadir/x/__init__.py'), root)).toBe(false);
    expect(files.isFile(join(root, 'absent/deeper/m.py'), root)).toBe(false);
    expect(files.isFile(join(root, 'a.py'), root)).toBe(true);
  });

  it('absolute: a normal absolute path as it is, any other as path.resolve makes it', () => {
    for (const p of ['/a/b', '/a/.hidden', '/a/..b', '/']) expect(absolute(p)).toBe(p);
    expect(absolute('/a//b/')).toBe('/a/b');
    expect(absolute('/a/./b/../c')).toBe('/a/c');
    expect(absolute('/a/b/.')).toBe('/a/b');
    expect(absolute('rel/x.py')).toBe(join(process.cwd(), 'rel/x.py'));
  });
});
