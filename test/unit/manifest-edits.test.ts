/**
 * The editor side of the dependency audit, pure parts (server/src/manifests/):
 * which files are manifests, the upgrade's rewrite of a version text (PEP 440
 * and poetry), and the ignore comment's placement, each checked against the
 * audit's own parser where it matters.
 */
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseManifest } from '../../server/src/audit/parse.js';
import { ignoreEdit } from '../../server/src/manifests/ignore.js';
import { manifestKindOf, manifestOf } from '../../server/src/manifests/names.js';
import { pep440Upgrade, poetryUpgrade, upgradeEdit } from '../../server/src/manifests/upgrade.js';

describe('manifest names', () => {
  it.each([
    ['/p/requirements.txt', 'requirements'],
    ['/p/requirements-dev.txt', 'requirements'],
    ['/p/requirements.in', 'requirements'],
    ['/p/requirements/base.in', 'requirements'],
    ['/p/pyproject.toml', 'pyproject'],
    ['/p/poetry.lock', 'poetry.lock'],
    ['/p/uv.lock', 'uv.lock'],
    ['/p/Pipfile.lock', 'Pipfile.lock'],
    ['/p/pylock.toml', 'pylock'],
    ['/p/pylock.dev.toml', 'pylock'],
    ['/p/MANIFEST.in', null],
    ['/p/Makefile.in', null],
    ['/p/constraints.txt', null],
    ['/p/requirements/base.txt', null],
    ['/p/app.py', null],
  ])('%s is %s', (path, kind) => {
    expect(manifestKindOf(path)).toBe(kind);
    // What the editor accepts the audit reads too, by the same name.
    if (kind) expect(parseManifest(path, '')?.kind ?? kind).toBe(kind);
  });

  it('only file: URIs', () => {
    expect(manifestOf('untitled:requirements.txt')).toBeNull();
    expect(manifestOf('file:///p/requirements.txt')).toEqual({ path: '/p/requirements.txt', kind: 'requirements' });
  });
});

describe('the upgrade of a version text', () => {
  it.each([
    ['==2.30.0', '==2.31.0'],
    ['===2.30.0', '===2.31.0'],
    ['>=2.0,<3', '>=2.31.0,<3'],
    ['>= 2.0, < 3', '>=2.31.0, < 3'],
    ['>2.0,!=2.5.0', '>=2.31.0,!=2.5.0'],
    ['~=2.0', '>=2.31.0,~=2.0'],
    ['<3', '>=2.31.0,<3'],
    ['==2.*', '>=2.31.0,==2.*'],
    ['', '>=2.31.0'],
    ['latest', null],
  ])('PEP 440 %j → %j', (written, expected) => {
    expect(pep440Upgrade(written, '2.31.0')).toBe(expected);
  });

  it.each([
    ['^2.30', '^2.31.0'],
    ['~2.30.1', '~2.31.0'],
    ['2.30.0', '2.31.0'],
    ['*', '>=2.31.0'],
    ['>=2.0,<3', '>=2.31.0,<3'],
    ['^1.0 || ^2.0', null],
  ])('poetry %j → %j', (written, expected) => {
    expect(poetryUpgrade(written, '2.31.0')).toBe(expected);
  });

  it('a requirement without a version gets a lower bound after its extras, its marker kept, and still parses', () => {
    const text = 'requests[socks] ; python_version < "3.12"  # http\n';
    const m = parseManifest('requirements.txt', text)!;
    const e = upgradeEdit(text, 'requirements', m.requirements[0], '2.31.0')!;
    const next = text.slice(0, e.start) + e.text + text.slice(e.end);
    expect(next).toBe('requests[socks]>=2.31.0 ; python_version < "3.12"  # http\n');
    expect(parseManifest('requirements.txt', next)!.requirements[0]).toMatchObject({ specifier: '>=2.31.0', marker: 'python_version < "3.12"', extras: ['socks'] });
  });

  it('a lock file is never edited (its tool writes it)', () => {
    const text = '[[package]]\nname = "requests"\nversion = "2.30.0"\n';
    const m = parseManifest('poetry.lock', text)!;
    expect(m.requirements).toHaveLength(1);
    expect(upgradeEdit(text, 'poetry.lock', m.requirements[0], '2.31.0')).toBeNull();
  });
});

describe('the ignore comment', () => {
  const edit = (name: string, text: string, kind: Parameters<typeof ignoreEdit>[1], id = 'GHSA-aaaa-bbbb-cccc') => {
    const m = parseManifest(name, text)!;
    const doc = TextDocument.create('file:///p/' + name, 'plaintext', 1, text);
    const e = ignoreEdit(doc, kind, m.requirements[0], id, 'justification required');
    return e && text.slice(0, e.start) + e.text + text.slice(e.end);
  };

  it('goes at the end of the line, two spaces after the code', () => {
    expect(edit('requirements.txt', 'requests==2.30.0   \nflask\n', 'requirements')).toBe('requests==2.30.0  # pysec: ignore[GHSA-aaaa-bbbb-cccc]  # justification required\nflask\n');
  });

  it('joins a comment already there: its text first, then the marker', () => {
    expect(edit('requirements.txt', 'requests==2.30.0  # pinned for py3.7\n', 'requirements')).toBe('requests==2.30.0  # pinned for py3.7  # pysec: ignore[GHSA-aaaa-bbbb-cccc]  # justification required\n');
  });

  it('adds the id to an ignore already there, keeping its reason', () => {
    expect(edit('requirements.txt', 'requests==2.30.0  # pysec: ignore[GHSA-1111-2222-3333]  # not used\n', 'requirements')).toBe(
      'requests==2.30.0  # pysec: ignore[GHSA-1111-2222-3333, GHSA-aaaa-bbbb-cccc]  # not used\n',
    );
  });

  it('a CRLF file keeps its line ending', () => {
    expect(edit('requirements.txt', 'requests==2.30.0\r\nflask\r\n', 'requirements')).toBe('requests==2.30.0  # pysec: ignore[GHSA-aaaa-bbbb-cccc]  # justification required\r\nflask\r\n');
  });

  it('a TOML lock file takes it on the version line; Pipfile.lock (JSON) takes none', () => {
    const lock = '[[package]]\nname = "requests"\nversion = "2.30.0"\n';
    const out = edit('poetry.lock', lock, 'poetry.lock');
    expect(out).not.toBeNull();
    expect(parseManifest('poetry.lock', out!)!.errors).toEqual([]);
    const pipfile = '{"default": {"requests": {"version": "==2.30.0"}}, "develop": {}}\n';
    expect(edit('Pipfile.lock', pipfile, 'Pipfile.lock')).toBeNull();
  });
});
