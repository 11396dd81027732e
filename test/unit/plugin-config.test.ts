/**
 * bandit's per-plugin settings → our rules' params (plugin-config.ts), as
 * bandit 1.9's `_load_tests` hands them over: a section replaces the
 * plugin's defaults whole, and wrong types are reported with the default kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../server/src/bandit/project-config.js';
import { overridesKey, pluginOverrides, ruleVariant } from '../../server/src/bandit/plugin-config.js';
import { readRules } from '../../server/src/engine/rules-read.js';
import { paramSet } from '../../server/src/engine/checks/support/params.js';
import { parse as parseYaml } from 'yaml';

const rules = readRules();
const byId = (id: string) => rules.find((r) => r.id === id)!;

describe('pluginOverrides', () => {
  it('no config, or no plugin section: nothing to override', () => {
    expect(pluginOverrides(undefined, 'x')).toEqual({ params: new Map(), problems: [] });
    expect(pluginOverrides({ skips: ['B101'] }, 'x')).toEqual({ params: new Map(), problems: [] });
  });

  it('tmp_dirs replaces the default list (bandit: config["tmp_dirs"]), not added to it', () => {
    const o = pluginOverrides({ hardcoded_tmp_directory: { tmp_dirs: ['/srv/scratch'] } }, 'p');
    expect(o.problems).toEqual([]);
    expect(o.params.get('B108')).toEqual({ tmp_dirs: ['/srv/scratch'] });
    const b108 = ruleVariant(o.params)(byId('B108'));
    expect(b108.params.tmp_dirs).toEqual(['/srv/scratch']);
    expect(byId('B108').params.tmp_dirs).toContain('/tmp'); // the shared rule is untouched
  });

  it('an empty hardcoded_tmp_directory section keeps the default (bandit: `"tmp_dirs" in config`)', () => {
    expect(pluginOverrides({ hardcoded_tmp_directory: {} }, 'p')).toEqual({ params: new Map([['B108', {}]]), problems: [] });
    expect(ruleVariant(new Map([['B108', {}]]))(byId('B108'))).toBe(byId('B108'));
  });

  it('check_typed_exception goes to B110 and B112 by their own sections', () => {
    const o = pluginOverrides({ try_except_pass: { check_typed_exception: true }, try_except_continue: { check_typed_exception: false } }, 'p');
    expect(o.params.get('B110')).toEqual({ check_typed_exception: true });
    expect(o.params.get('B112')).toEqual({ check_typed_exception: false });
  });

  it('shell_injection is shared by B602–B607 and B609; each rule takes only the keys it has', () => {
    const sections = { shell_injection: { subprocess: ['my.run'], shell: ['my.system'], no_shell: ['my.exec'] } };
    const o = pluginOverrides(sections, 'p');
    expect(o.problems).toEqual([]);
    expect([...o.params.keys()].sort()).toEqual(['B602', 'B603', 'B604', 'B605', 'B606', 'B607', 'B609']);
    const v = ruleVariant(o.params);
    expect(v(byId('B602')).params).toEqual({ subprocess: ['my.run'] });
    expect(v(byId('B605')).params).toEqual({ shell: ['my.system'] });
    expect(paramSet(v(byId('B606')), 'no_shell')).toEqual(new Set(['my.exec']));
    expect(paramSet(byId('B606'), 'no_shell').has('os.execl')).toBe(true);
  });

  it('ssl_with_bad_version feeds B502 and B503 (B503 takes that config name)', () => {
    const o = pluginOverrides({ ssl_with_bad_version: { bad_protocol_versions: ['PROTOCOL_TLSv1_2'] } }, 'p');
    expect(o.params.get('B502')).toEqual({ bad_protocol_versions: ['PROTOCOL_TLSv1_2'] });
    expect(o.params.get('B503')).toEqual({ bad_protocol_versions: ['PROTOCOL_TLSv1_2'] });
  });

  it('markupsafe_xss and assert_used: a missing key is an empty list, as bandit\'s config.get(key, [])', () => {
    const o = pluginOverrides({ markupsafe_xss: { allowed_calls: ['bleach.clean'] }, assert_used: {} }, 'p');
    expect(o.params.get('B704')).toEqual({ allowed_calls: ['bleach.clean'], extend_markup_names: [] });
    expect(o.params.get('B101')).toEqual({ skips: [] });
  });

  it('a wrong type is said once, with the file, and the default kept', () => {
    const o = pluginOverrides(
      { hardcoded_tmp_directory: { tmp_dirs: '/srv' }, try_except_pass: { check_typed_exception: 'yes' }, shell_injection: ['x'] },
      '/p/pyproject.toml',
    );
    expect(o.problems).toEqual([
      '/p/pyproject.toml: hardcoded_tmp_directory.tmp_dirs must be a list of strings; the default is kept',
      '/p/pyproject.toml: try_except_pass.check_typed_exception must be true or false; the default is kept',
      "/p/pyproject.toml: bandit's shell_injection settings must be a table/mapping; the defaults are kept",
    ]);
    expect(o.params.get('B108')).toEqual({});
    expect(o.params.get('B110')).toEqual({});
    expect(o.params.has('B602')).toBe(false);
  });

  it('a key bandit indexes but the section lacks: said, default kept', () => {
    const o = pluginOverrides({ shell_injection: { subprocess: ['a.b'] } }, 'p');
    expect(o.problems).toEqual([
      'p: shell_injection has no shell; bandit fails on it (an internal error per check), the tree-sitter rules keep the default',
      'p: shell_injection has no no_shell; bandit fails on it (an internal error per check), the tree-sitter rules keep the default',
    ]);
    expect(ruleVariant(o.params)(byId('B605'))).toBe(byId('B605'));
  });
});

describe('ruleVariant', () => {
  it('one copy per distinct config and rule, so per-rule caches are built once', () => {
    const a = pluginOverrides({ hardcoded_tmp_directory: { tmp_dirs: ['/a'] } }, 'p').params;
    const same = pluginOverrides({ hardcoded_tmp_directory: { tmp_dirs: ['/a'] } }, 'q').params;
    const other = pluginOverrides({ hardcoded_tmp_directory: { tmp_dirs: ['/b'] } }, 'p').params;
    expect(overridesKey(a)).toBe(overridesKey(same));
    expect(ruleVariant(a)(byId('B108'))).toBe(ruleVariant(same)(byId('B108')));
    expect(ruleVariant(other)(byId('B108'))).not.toBe(ruleVariant(a)(byId('B108')));
    expect(ruleVariant(a)(byId('B101'))).toBe(byId('B101'));
    expect(overridesKey(new Map())).toBe('');
  });
});

describe('loadProjectConfig reads the plugin settings from the config bandit is given with -c', () => {
  it('pyproject [tool.bandit.<plugin>]; a settings config file (YAML) instead when there is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pysec-plugin-cfg-'));
    try {
      writeFileSync(join(dir, 'pyproject.toml'), '[tool.bandit.hardcoded_tmp_directory]\ntmp_dirs = ["/srv/scratch"]\n');
      writeFileSync(join(dir, 'bandit.yaml'), 'try_except_pass:\n  check_typed_exception: true\n');
      const fromPyproject = loadProjectConfig(dir);
      expect([...fromPyproject.pluginParams]).toEqual([['B108', { tmp_dirs: ['/srv/scratch'] }]]);
      expect(fromPyproject.pluginKey).not.toBe('');
      const fromYaml = loadProjectConfig(dir, 'bandit.yaml', parseYaml);
      expect([...fromYaml.pluginParams]).toEqual([['B110', { check_typed_exception: true }]]);
      expect(fromYaml.problems).toEqual([]);
      writeFileSync(join(dir, 'bandit.yaml'), 'hardcoded_tmp_directory: [1]\n');
      expect(loadProjectConfig(dir, 'bandit.yaml', parseYaml).problems).toEqual([
        `${join(dir, 'bandit.yaml')}: bandit's hardcoded_tmp_directory settings must be a table/mapping; the defaults are kept`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
