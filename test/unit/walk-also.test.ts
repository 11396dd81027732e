/**
 * check's warm path notes the audit's manifests in the walk that lists the
 * Python files (files/walk.ts `also`) instead of walking the tree a second
 * time (audit/find-manifests.ts): it must find what foundManifests finds,
 * dot folders, virtualenvs and skipped folders left out alike, and list
 * the same Python files as a walk without it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foundManifests } from '../../server/src/audit/find-manifests.js';
import { manifestKind } from '../../server/src/audit/manifest.js';
import { pythonFiles } from '../../server/src/files/walk.js';
import { tempProjects } from '../support/temp-projects.js';

const { project } = tempProjects('pysec-walk-also-');

describe('manifests noted in the Python files\' walk', () => {
  it('are those foundManifests finds, and the Python files are unchanged', () => {
    const root = project('tree', {
      'app.py': '',
      'requirements.txt': 'flask==2.0\n',
      'pkg/pyproject.toml': '[project]\nname = "x"\n',
      'pkg/mod.py': '',
      'pkg/requirements-dev.in': 'pytest\n',
      '.hidden/requirements.txt': 'a\n',
      '.hidden/inner.py': '',
      'venv-x/pyvenv.cfg': '',
      'venv-x/requirements.txt': 'b\n',
      'node_modules/requirements.txt': 'c\n',
      'deep/a/b/poetry.lock': '',
      'deep/a/b/c.py': '',
    });
    const paths = [root, join(root, 'pkg/pyproject.toml'), join(root, 'app.py')];
    const also = { wanted: manifestKind, found: [] as string[] };
    const walked = pythonFiles(paths, also);
    expect(walked).toEqual(pythonFiles(paths));
    expect([...also.found].sort()).toEqual([...foundManifests(paths)].sort());
    expect(also.found).toContain(join(root, 'deep/a/b/poetry.lock'));
    expect(also.found).not.toContain(join(root, '.hidden/requirements.txt'));
    // The dot folder's Python file is still reviewed.
    expect(walked.files).toContain(join(root, '.hidden/inner.py'));
  });

  it('a tree with none finds none', () => {
    const root = project('none', { 'a.py': '', 'b/c.py': '', '.git/requirements.txt': '' });
    const also = { wanted: manifestKind, found: [] as string[] };
    expect(pythonFiles([root], also).files).toEqual([join(root, 'a.py'), join(root, 'b/c.py')]);
    expect(also.found).toEqual([]);
  });
});
