/** Each manifest format: what is read, where it is written, what is not checked. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../server/src/audit/parse.js';
import { poetryToPep440 } from '../../../server/src/audit/poetry-constraint.js';
import { manifestKind, type Manifest } from '../../../server/src/audit/manifest.js';

const at = (text: string, s: { start: number; end: number } | null) => (s ? text.slice(s.start, s.end) : null);
function parse(name: string, text: string): Manifest {
  const m = parseManifest(name, text);
  if (!m) throw new Error(`${name} is no manifest`);
  return m;
}

describe('requirements.txt', () => {
  const text = [
    '# comment',
    '-r base.txt',
    '--constraint=constraints.txt',
    '-i https://pypi.org/simple',
    'Requests[security,socks] == 2.19.0 ; python_version >= "3.6"  # pysec: ignore[GHSA-x]  # why',
    'django>=3.0,<4 \\',
    '    --hash=sha256:abc \\',
    '    --hash=sha256:def',
    '-e git+https://github.com/x/y.git#egg=y',
    'https://example.com/pkg-1.0.tar.gz',
    './local/pkg',
    'flask @ https://example.com/flask.whl',
    'PyYAML===5.1',
    'name with junk ==',
    'jinja2 (>=2.10)',
    'x==1.*',
  ].join('\n');
  const m = parse('requirements.txt', text);

  it('reads the requirements with their names, specifiers, extras and markers', () => {
    expect(m.requirements.map((r) => [r.package, r.specifier, r.pinned, r.line])).toEqual([
      ['requests', '== 2.19.0', '2.19.0', 4],
      ['django', '>=3.0,<4', null, 5],
      ['pyyaml', '===5.1', '5.1', 12],
      ['jinja2', '>=2.10', null, 14],
      ['x', '==1.*', null, 15],
    ]);
    const req = m.requirements[0];
    expect(req.extras).toEqual(['security', 'socks']);
    expect(req.marker).toBe('python_version >= "3.6"');
    expect(at(text, req.nameSpan)).toBe('Requests');
    expect(at(text, req.specSpan)).toBe('== 2.19.0');
    expect(req.comment?.text).toBe('# pysec: ignore[GHSA-x]  # why');
    expect(at(text, m.requirements[1].specSpan)).toBe('>=3.0,<4');
  });

  it('follows -r and -c, and says what it cannot check', () => {
    expect(m.includes.map((i) => [i.path, i.constraint, i.line])).toEqual([
      ['base.txt', false, 1],
      ['constraints.txt', true, 2],
    ]);
    expect(m.notChecked.map((n) => n.line)).toEqual([8, 9, 10, 11, 13]);
    expect(m.notChecked[4].reason).toContain('not a PEP 440 specifier');
    expect(m.errors.map((e) => e.line)).toEqual([]);
    expect(m.requirements.some((r) => r.package === 'name')).toBe(false);
  });
});

describe('pyproject.toml', () => {
  const text = [
    '[project]',
    'name = "demo"',
    'dependencies = [',
    '  "requests==2.19.0",  # pysec: ignore[PS601]  # reviewed',
    "  'urllib3>=1.0; python_version > \"3\"',",
    ']',
    '[project.optional-dependencies]',
    'yaml = ["PyYAML>=5.0"]',
    '[dependency-groups]',
    'dev = ["pytest>=7", {include-group = "lint"}]',
    '[tool.poetry.dependencies]',
    'python = "^3.9"',
    'Flask = "^1.0.2"',
    'jinja2 = { version = "~2.10", extras = ["i18n"] }',
    'mylib = { git = "https://example.com/mylib.git" }',
    '[tool.poetry.group.dev.dependencies]',
    'black = "19.3b0"',
  ].join('\n');
  const m = parse('pyproject.toml', text);

  it('reads PEP 621, PEP 735 and poetry tables, with positions', () => {
    expect(m.requirements.map((r) => [r.package, r.specifier, r.line, r.group])).toEqual([
      ['requests', '==2.19.0', 3, 'project.dependencies'],
      ['urllib3', '>=1.0', 4, 'project.dependencies'],
      ['pyyaml', '>=5.0', 7, 'project.optional-dependencies.yaml'],
      ['pytest', '>=7', 9, 'dependency-groups.dev'],
      ['flask', '>=1.0.2,<2.0.0', 12, 'tool.poetry.dependencies'],
      ['jinja2', '>=2.10,<2.11', 13, 'tool.poetry.dependencies'],
      ['black', '==19.3b0', 16, 'tool.poetry.group.dev.dependencies'],
    ]);
    const [requests, urllib3] = m.requirements;
    expect(at(text, requests.nameSpan)).toBe('requests');
    expect(at(text, requests.specSpan)).toBe('==2.19.0');
    expect(requests.comment?.text).toBe('# pysec: ignore[PS601]  # reviewed');
    expect(at(text, urllib3.specSpan)).toBe('>=1.0');
    const flask = m.requirements[4];
    expect(at(text, flask.nameSpan)).toBe('Flask');
    expect(at(text, flask.specSpan)).toBe('^1.0.2');
    expect(m.notChecked.map((n) => n.text)).toEqual(['mylib']);
  });

  it('a TOML error is one error, with its line', () => {
    const bad = parse('pyproject.toml', '[project]\ndependencies = [\n');
    expect(bad.requirements).toEqual([]);
    expect(bad.errors.length).toBe(1);
  });
});

describe("poetry's constraints in PEP 440", () => {
  it.each([
    ['^1.2.3', '>=1.2.3,<2.0.0'],
    ['^0.2.3', '>=0.2.3,<0.3.0'],
    ['^0.0.3', '>=0.0.3,<0.0.4'],
    ['^0', '>=0,<1.0'],
    ['^1', '>=1,<2.0'],
    ['~1.2.3', '>=1.2.3,<1.3.0'],
    ['~1.2', '>=1.2,<1.3'],
    ['~1', '>=1,<2.0'],
    ['*', ''],
    ['1.2.3', '==1.2.3'],
    ['>=1.2,<1.5', '>=1.2,<1.5'],
    ['~=1.4', '~=1.4'],
  ])('%s → %s', (poetry, pep440) => {
    expect(poetryToPep440(poetry)).toBe(pep440);
  });
  it('an either-or has no PEP 440 form', () => {
    expect(poetryToPep440('^1.0 || ^2.0')).toBeNull();
  });
});

describe('lock files', () => {
  it('poetry.lock and uv.lock: each [[package]] at its locked version', () => {
    const text = ['[[package]]', 'name = "requests"', 'version = "2.19.0"', '', '[[package]]', 'name = "Jinja2"', 'version = "2.10"', '[package.dependencies]', 'MarkupSafe = ">=0.23"'].join('\n');
    for (const name of ['poetry.lock', 'uv.lock']) {
      const m = parse(name, text);
      expect(m.requirements.map((r) => [r.package, r.pinned, r.locked, r.line])).toEqual([
        ['requests', '2.19.0', true, 1],
        ['jinja2', '2.10', true, 5],
      ]);
      expect(at(text, m.requirements[1].specSpan)).toBe('2.10');
    }
  });

  it("uv.lock: the project itself is skipped, a git source is not checked", () => {
    const text = ['version = 1', '[[package]]', 'name = "demo"', 'version = "0.1.0"', 'source = { editable = "." }', '[[package]]', 'name = "lib"', 'version = "1.0"', 'source = { git = "https://x/lib.git" }'].join('\n');
    const m = parse('uv.lock', text);
    expect(m.requirements).toEqual([]);
    expect(m.notChecked.map((n) => n.text)).toEqual(['lib']);
  });

  it('pylock.toml: [[packages]]', () => {
    const m = parse('pylock.toml', ['lock-version = "1.0"', '[[packages]]', 'name = "urllib3"', 'version = "1.24.1"', '[[packages]]', 'name = "nover"'].join('\n'));
    expect(m.requirements.map((r) => [r.package, r.pinned])).toEqual([['urllib3', '1.24.1']]);
    expect(m.notChecked.map((n) => n.text)).toEqual(['nover']);
  });

  it('Pipfile.lock: default and develop', () => {
    const text = JSON.stringify({ _meta: {}, default: { requests: { version: '==2.19.0', hashes: [] } }, develop: { pytest: { version: '==7.0.0' }, mine: { path: '.' } } }, null, 4);
    const m = parse('Pipfile.lock', text);
    expect(m.requirements.map((r) => [r.package, r.pinned, r.group])).toEqual([
      ['requests', '2.19.0', 'default'],
      ['pytest', '7.0.0', 'develop'],
    ]);
    expect(at(text, m.requirements[0].nameSpan)).toBe('requests');
    expect(at(text, m.requirements[0].specSpan)).toBe('2.19.0');
    expect(m.notChecked.map((n) => n.text)).toEqual(['mine']);
  });
});

describe('TOML positions', () => {
  it('dotted keys, comments inside arrays, literal and multi-line strings, escapes: each string where it is written', () => {
    const text = [
      'project.name = "x"',
      'project.dependencies = [ # the runtime ones',
      '  # a comment line with "quotes"',
      "  'requests==2.19.0',",
      '  """django>=3.2""",',
      '  "jinja2\\u003d=2.10",',
      ']',
      '[tool.poetry.dependencies]',
      'flask = { version = "^1.0", extras = ["async"], markers = "python_version > \'3\'" }',
    ].join('\n');
    const m = parse('pyproject.toml', text);
    expect(m.errors).toEqual([]);
    expect(m.requirements.map((r) => [r.package, r.line, at(text, r.nameSpan), at(text, r.specSpan)])).toEqual([
      ['requests', 3, 'requests', '==2.19.0'],
      ['django', 4, 'django', '>=3.2'],
      // An escape inside: the whole string token is the place.
      ['jinja2', 5, '"jinja2\\u003d=2.10"', '"jinja2\\u003d=2.10"'],
      ['flask', 8, 'flask', '^1.0'],
    ]);
    expect(m.requirements[3].extras).toEqual(['async']);
    expect(m.requirements[3].marker).toBe("python_version > '3'");
  });
});

describe('which files are manifests', () => {
  it.each([
    ['requirements.txt', 'requirements'],
    ['requirements-dev.txt', 'requirements'],
    ['requirements.in', 'requirements'],
    ['dev.in', 'requirements'],
    ['MANIFEST.in', null],
    ['Makefile.in', null],
    ['config.h.in', null],
    ['notes.txt', null],
    ['pyproject.toml', 'pyproject'],
    ['poetry.lock', 'poetry.lock'],
    ['uv.lock', 'uv.lock'],
    ['Pipfile.lock', 'Pipfile.lock'],
    ['pylock.toml', 'pylock'],
    ['pylock.dev.toml', 'pylock'],
  ])('%s → %s', (name, kind) => {
    expect(manifestKind(`/p/${name}`)).toBe(kind);
  });
});
