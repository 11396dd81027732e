/**
 * The flow layer's shortcuts answer as the analysis would: a literal at a
 * sink (literal-ask.ts: no analysis of its def, except where the def gives
 * up or the sink's own form may sanitise it), and a project module not
 * parsed for a name it defines no function of (def-names.ts), a def's callers
 * found from its name's occurrences in the text (index.ts `callsNamed`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mayDefineFunction } from '../../../server/src/engine/flow/def-names.js';
import type { ProjectIndex, ProjectModule } from '../../../server/src/engine/flow/index.js';
import { loadEngine, parse, reach } from './support.js';

beforeAll(loadEngine);

/** `depth` nested `if x<i>:` lines around `inner` in a def (a module Python accepts up to 100 levels). */
function nested(depth: number, inner: string): string {
  let body = '';
  for (let i = 0; i < depth; i++) body += `${' '.repeat(i + 4)}if x${i}:\n`;
  return `import os, yaml\ndef f():\n${body}${' '.repeat(depth + 4)}${inner}\n`;
}

describe('a literal at a sink (literal-ask.ts)', () => {
  it('is constant, in a def, at the top level, and in dead code', () => {
    expect(reach('def f():\n    exec("print(1)")\n', 'code', 'exec').kind).toBe('constant');
    expect(reach('exec("print(1)" + "x" % ())\n', 'code', 'exec').kind).toBe('constant');
    expect(reach('def f():\n    return\n    exec("print(1)")\n', 'code', 'exec').kind).toBe('constant');
    expect(reach('import subprocess\nsubprocess.run(["git", "log"])\n', 'argv', 'subprocess.run').kind).toBe('constant');
  });

  it('an f-string is no literal: it is traced', () => {
    expect(reach('import os\ndef f(x):\n    os.system(f"ls {x}")\nf(input())\n', 'command', 'os.system').kind).toBe('untrusted');
  });

  it('a sink whose own form is safe answers sanitised, as the analysis does', () => {
    expect(reach('import yaml\ndef f():\n    yaml.safe_load("a: 1")\n', 'deserialisation', 'yaml.safe_load')).toEqual({ kind: 'sanitised', by: 'yaml.safe_load' });
  });

  it('in a def nested deeper than the analysis goes: unknown, as the analysis answers', () => {
    expect(reach(nested(60, 'exec("print(1)")'), 'code', 'exec').kind).toBe('unknown');
    expect(reach(nested(30, 'exec("print(1)")'), 'code', 'exec').kind).toBe('constant');
  });
});

describe('a def of that name (def-names.ts)', () => {
  it('finds a def, async or not, past spaces, continuations and a comment', () => {
    expect(mayDefineFunction('def run(x):\n    pass\n', 'run')).toBe(true);
    expect(mayDefineFunction('async  def\trun(x): pass\n', 'run')).toBe(true);
    expect(mayDefineFunction('def \\\n  run(x): pass\n', 'run')).toBe(true);
    expect(mayDefineFunction('def # why\n  run(x): pass\n', 'run')).toBe(true);
    expect(mayDefineFunction('class A:\n    def run(self): pass\n', 'run')).toBe(true);
  });

  it('says no for a class, a call, another def whose name holds it, and none at all', () => {
    expect(mayDefineFunction('class Run:\n    pass\n', 'Run')).toBe(false);
    expect(mayDefineFunction('x = run(1)\nrun(2)\n', 'run')).toBe(false);
    expect(mayDefineFunction('def run_all(): pass\ndef rerun(): pass\n', 'run')).toBe(false);
    expect(mayDefineFunction('undef run\n', 'run')).toBe(false);
    expect(mayDefineFunction('', 'run')).toBe(false);
  });

  it('a call to a project module class is not followed, and its module is not parsed', () => {
    const helper = parse('class Runner:\n    def __init__(self, cmd):\n        self.cmd = cmd\n', '/project/app/helpers.py');
    let parsed = 0;
    const project: ProjectIndex = {
      module(name) {
        if (name !== 'helpers') return undefined;
        parsed++;
        return { file: '/project/app/helpers.py', root: helper.tree.rootNode, ctx: helper.ctx } satisfies ProjectModule;
      },
      mayDefine: (name, _from, def) => name === 'helpers' && helper.tree.rootNode.text.includes(`class ${def}`),
      moduleSource: (name) => (name === 'helpers' ? { file: '/project/app/helpers.py', text: helper.tree.rootNode.text } : undefined),
    };
    try {
      const text = 'import os\nfrom helpers import Runner\ndef f():\n    os.system(Runner("ls"))\n';
      expect(reach(text, 'command', 'os.system', 0, project).kind).toBe('unknown');
      expect(parsed).toBe(0);
    } finally {
      helper.tree.delete();
    }
  });
});

describe("a def's callers found by its name (index.ts callsNamed)", () => {
  it('in a file that opens with blank lines and comments (the module node starts after them)', () => {
    const text = (arg: string) => `\n\n# header\n\nimport os\ndef run(c):\n    os.system(c)\nrun_all = 1\n"run(x)"  # run(input())\nrun(${arg})\n`;
    expect(reach(text('input()'), 'command', 'os.system').kind).toBe('untrusted');
    // A public def: a caller passing a constant does not make it constant (someone else may call it).
    expect(reach(text('"ls"'), 'command', 'os.system').kind).toBe('unknown');
  });

  it('methods through self and cls, and a name written more often than is looked at one by one', () => {
    const method = 'import os\nclass A:\n    def _run(self, c):\n        os.system(c)\n    def go(self):\n        self._run(input())\n';
    expect(reach(method, 'command', 'os.system').kind).toBe('untrusted');
    const often = `import os\ndef _run(c):\n    os.system(c)\n${'x = "_run"\n'.repeat(100)}_run(input())\n`;
    expect(reach(often, 'command', 'os.system').kind).toBe('untrusted');
    expect(reach(often.replace('_run(input())', '_run("ls")'), 'command', 'os.system').kind).toBe('constant');
  });
});
