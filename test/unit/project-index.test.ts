/**
 * The project index (batch/project.ts): where a dotted name is looked for
 * from the importing file, never outside the root, files over the size
 * bound and links left out, each file read once until it is invalidated;
 * and checkText with it: a path through a helper module.
 */
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../server/src/batch/file.js';
import { candidatesIn, DiskModules, ProjectFiles, RunProject, searchFolders } from '../../server/src/batch/project.js';
import { Engine } from '../../server/src/engine/engine.js';
import { tempProjects } from '../support/temp-projects.js';

const { project } = tempProjects('pysec-project-index-');
let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load();
});

describe('where a name is looked for', () => {
  it('the file\'s folder, the package chain above it, then the root and its src/; never above the root', () => {
    const root = project('search', { 'pkg/__init__.py': '', 'pkg/sub/__init__.py': '', 'pkg/sub/m.py': '' });
    const isFile = (p: string) => p.endsWith('__init__.py') && !p.endsWith(join('search', '__init__.py'));
    expect(searchFolders(join(root, 'pkg/sub/m.py'), root, isFile)).toEqual([join(root, 'pkg/sub'), join(root, 'pkg'), root, join(root, 'src')]);
    // A file in no root: its own folder only.
    expect(searchFolders(join(root, 'pkg/sub/m.py'), undefined, isFile)).toEqual([join(root, 'pkg/sub')]);
    expect(searchFolders('/elsewhere/x.py', root, isFile)).toEqual(['/elsewhere']);
    expect(candidatesIn('/r', 'app.util')).toEqual(['/r/app/util/__init__.py', '/r/app/util.py']);
  });

  it('resolves siblings, packages and src/; not names outside the root, links, or what is no dotted name', () => {
    const root = project('resolve', {
      'app/__init__.py': '',
      'app/views.py': '',
      'app/util.py': 'def f(x):\n    return x\n',
      'src/lib/__init__.py': 'def g(x):\n    return x\n',
      'helpers.py': '',
    });
    const outside = project('outside', { 'secret.py': 'X = 1\n' });
    symlinkSync(join(outside, 'secret.py'), join(root, 'linked.py'));
    const index = new RunProject(engine);
    index.addRoot(root);
    const files = index.index;
    const from = join(root, 'app/views.py');
    expect(files.fileOf('util', from)).toBe(join(root, 'app/util.py'));
    expect(files.fileOf('app.util', from)).toBe(join(root, 'app/util.py'));
    expect(files.fileOf('helpers', from)).toBe(join(root, 'helpers.py'));
    expect(files.fileOf('lib', from)).toBe(join(root, 'src/lib/__init__.py'));
    expect(files.fileOf('secret', from)).toBeUndefined();
    expect(files.fileOf('linked', from)).toBeUndefined();
    expect(files.fileOf('os', from)).toBeUndefined();
    expect(files.fileOf('../outside/secret', from)).toBeUndefined();
    expect(files.module('app.util', from)?.root.text).toBe('def f(x):\n    return x\n');
  });
});

describe('reading', () => {
  it('each file once, again only after it is invalidated; none over the size bound', () => {
    const root = project('reading', { 'a.py': 'def f(x):\n    return x\n', 'big.py': `X = "${'y'.repeat(200)}"\n` });
    const disk = new DiskModules(engine, { maxBytes: 100 });
    const files = new ProjectFiles(disk, { rootOf: () => root });
    const first = files.module('a', join(root, 'm.py'))!;
    expect(files.module('a', join(root, 'm.py'))).toBe(first);
    expect(files.module('big', join(root, 'm.py'))).toBeUndefined();
    writeFileSync(join(root, 'a.py'), 'def f(x):\n    return "ls"\n');
    // Read once for the run: the disk's change is not seen until the file is invalidated.
    expect(files.module('a', join(root, 'm.py'))).toBe(first);
    disk.invalidate(join(root, 'a.py'));
    expect(files.module('a', join(root, 'm.py'))?.root.text).toBe('def f(x):\n    return "ls"\n');
  });
});

describe('checkText with the index', () => {
  const APP = 'import subprocess\nfrom flask import request\nimport helpers\n\ndef view():\n    subprocess.run(helpers.build(request.args["d"]), shell=True)\n';

  it('a path through helpers.build(): Critical with a step in helpers.py; a quoting helper: Low', () => {
    const root = project('check', { 'helpers.py': 'def build(arg):\n    return "ls " + arg\n' });
    const run = new RunProject(engine);
    run.addRoot(root);
    const f = checkText(engine, join(root, 'app.py'), APP, undefined, run.index).findings.find((x) => x.rule === 'B602')!;
    expect(f.risk).toBe('Critical');
    expect(f.flow?.map((s) => [s.file, s.line, s.note])).toContainEqual([join(root, 'helpers.py'), 0, 'parameter arg of build() in helpers']);
    // Without the index: the helper is an unresolved call, the path stays in the file.
    const alone = checkText(engine, join(root, 'app.py'), APP).findings.find((x) => x.rule === 'B602')!;
    expect(alone.flow?.every((s) => s.file === null)).toBe(true);

    const safe = project('check-safe', { 'helpers.py': 'import shlex\n\ndef build(arg):\n    return "ls " + shlex.quote(arg)\n' });
    const run2 = new RunProject(engine);
    run2.addRoot(safe);
    const g = checkText(engine, join(safe, 'app.py'), APP, undefined, run2.index).findings.find((x) => x.rule === 'B602')!;
    expect(g.risk).toBe('Low');
    expect(g.flow).toBeNull();
  });
});
