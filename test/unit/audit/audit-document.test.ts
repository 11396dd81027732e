/**
 * auditDocument (the editor's entry point) and the database it reads: the
 * folder and zip forms, the stamp that changes with them, the skipped
 * records; the grading by CVSS and by imports; a lock file deciding for a
 * range; suppression by advisory id.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDocument, auditPaths, DatabaseCache, databaseStamp, defaultDatabasePath, EMPTY_CONTEXT, loadDatabase, type AdvisoryDatabase, type DependencyRule, type ProjectContext } from '../../../server/src/audit/index.js';
import { importsOfText, installedTopLevels } from '../../../server/src/audit/imports.js';
import { importedBy } from '../../../server/src/audit/audit.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const DB = join(ROOT, 'test/fixtures/audit/db');
const rule = (id: string): DependencyRule => JSON.parse(readFileSync(join(ROOT, 'queries', `${id}.json`), 'utf8')) as DependencyRule;
const RULES = new Map([
  ['PS601', rule('PS601')],
  ['PS602', rule('PS602')],
]);

let TMP: string;
let db: AdvisoryDatabase;
beforeAll(() => {
  TMP = mkdtempSync(join(tmpdir(), 'pysec-audit-unit-'));
  db = loadDatabase(DB)!;
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('the advisory database', () => {
  it('reads OSV JSON and PyPA YAML, recursively; withdrawn, other ecosystems and malformed records are skipped', () => {
    expect(db.count).toBe(7);
    expect(db.withdrawn).toBe(1);
    expect(db.malformed).toBe(1);
    expect(db.problems[0]).toContain('GHSA-malformed.json');
    expect([...db.byPackage.keys()].sort()).toEqual(['django', 'flask', 'jinja2', 'pillow', 'pyyaml', 'requests', 'urllib3']);
    expect(db.byPackage.get('requests')!.map((a) => a.id)).toEqual(['GHSA-x84v-xcm2-53pg']);
    // Its date: the newest `modified`.
    expect(db.date).toBe('2024-05-01T00:00:00.000Z');
  });

  it('reads the same from a zip', () => {
    const files: Record<string, Uint8Array> = {};
    for (const name of ['GHSA-x84v-xcm2-53pg.json', 'GHSA-malformed.json']) files[`osv/${name}`] = readFileSync(join(DB, 'osv', name));
    files['pypa/pyyaml/PYSEC-2021-142.yaml'] = readFileSync(join(DB, 'pypa/pyyaml/PYSEC-2021-142.yaml'));
    const zip = join(TMP, 'db.zip');
    writeFileSync(zip, zipSync(files));
    const z = loadDatabase(zip)!;
    expect([z.count, z.malformed]).toEqual([2, 1]);
    expect([...z.byPackage.keys()].sort()).toEqual(['pyyaml', 'requests']);
  });

  it('nothing there: null; the stamp changes when the folder does, and the cache reloads then', () => {
    expect(loadDatabase(join(TMP, 'none'))).toBeNull();
    expect(databaseStamp(join(TMP, 'none'))).toBeNull();
    const dir = join(TMP, 'live');
    mkdirSync(dir);
    const cache = new DatabaseCache();
    expect(cache.get(dir).db!.count).toBe(0);
    const before = databaseStamp(dir);
    writeFileSync(join(dir, 'a.json'), readFileSync(join(DB, 'osv/GHSA-x84v-xcm2-53pg.json')));
    expect(databaseStamp(dir)).not.toBe(before);
    expect(cache.get(dir).db!.count).toBe(1);
    // Unchanged: the same object, not read again.
    expect(cache.get(dir).db).toBe(cache.get(dir).db);
  });

  it('lives in the user cache', () => {
    expect(defaultDatabasePath({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/pysec-lsp/advisories');
    expect(defaultDatabasePath({ XDG_CACHE_HOME: 'relative' })).toMatch(/\/\.cache\/pysec-lsp\/advisories$/);
  });
});

describe('auditDocument', () => {
  const ctx = (over: Partial<ProjectContext> = {}): ProjectContext => ({ ...EMPTY_CONTEXT, ...over });

  it('a pin: PS601 with the advisory, its CVE, the summary and the fix; severity from CVSS', () => {
    const text = 'requests==2.19.0 ; python_version >= "3.6"\n';
    const a = auditDocument('/p/requirements.txt', text, db, ctx(), RULES);
    expect(a.findings).toHaveLength(1);
    const f = a.findings[0];
    expect(f).toMatchObject({ rule: 'PS601', engine: 'audit', severity: 'HIGH', risk: 'High', range: { start: 0, end: 16 } });
    expect(f.dependency).toMatchObject({ package: 'requests', version: '2.19.0', advisory: 'GHSA-x84v-xcm2-53pg', fixedIn: '2.20.0', cvss: { score: 7.5 } });
    expect(f.message).toContain('GHSA-x84v-xcm2-53pg (CVE-2018-18074)');
  });

  it('the fixed version: no finding; a marker does not change the answer', () => {
    expect(auditDocument('/p/requirements.txt', 'requests==2.20.0 ; python_version >= "3.6"\n', db, ctx(), RULES).findings).toEqual([]);
  });

  it('a range: PS602 unless a lock file of the project pins the package', () => {
    const text = 'urllib3>=1.24\n';
    expect(auditDocument('/p/requirements.txt', text, db, ctx(), RULES).findings.map((f) => f.rule)).toEqual(['PS602']);
    expect(auditDocument('/p/requirements.txt', text, db, ctx({ locked: new Set(['urllib3']) }), RULES).findings).toEqual([]);
    expect(auditDocument('/p/requirements.txt', 'urllib3~=1.25\n', db, ctx(), RULES).findings).toEqual([]);
  });

  it('not imported by the project: one step lower; imported, or not known: as is', () => {
    const text = 'django==3.2.12\n';
    const risk = (c: ProjectContext) => auditDocument('/p/requirements.txt', text, db, c, RULES).findings[0].risk;
    expect(risk(ctx())).toBe('Critical');
    expect(risk(ctx({ imports: new Set(['django']) }))).toBe('Critical');
    expect(risk(ctx({ imports: new Set(['flask']) }))).toBe('High');
  });

  it('import names: the table, installed metadata, and not sure for an unknown name', () => {
    expect(importedBy('pyyaml', ctx({ imports: new Set(['yaml']) }))).toBe(true);
    expect(importedBy('pillow', ctx({ imports: new Set(['yaml']) }))).toBe(false);
    expect(importedBy('some-lib', ctx({ imports: new Set(['yaml']) }))).toBeNull();
    expect(importedBy('somelib', ctx({ imports: new Set(['yaml']) }))).toBe(false);
    expect(importedBy('somelib', ctx({ imports: null }))).toBeNull();
    expect(importedBy('some-lib', ctx({ imports: new Set(['yaml']), installed: new Map([['some-lib', ['somelib']]]) }))).toBe(false);
    expect(importedBy('some-lib', ctx({ imports: new Set(['somelib']), installed: new Map([['some-lib', ['somelib']]]) }))).toBe(true);
  });

  it("reads an installed venv's top_level.txt and RECORD, executing nothing", () => {
    const site = join(TMP, 'proj/.venv/lib/python3.12/site-packages');
    mkdirSync(join(site, 'Some_Lib-1.0.dist-info'), { recursive: true });
    writeFileSync(join(site, 'Some_Lib-1.0.dist-info/top_level.txt'), 'somelib\n');
    mkdirSync(join(site, 'other-2.0.dist-info'), { recursive: true });
    writeFileSync(join(site, 'other-2.0.dist-info/RECORD'), 'othermod/__init__.py,sha256=x,1\nother-2.0.dist-info/METADATA,,\n../../bin/x,,\n');
    expect(installedTopLevels(join(TMP, 'proj'))).toEqual(new Map([['some-lib', ['somelib']], ['other', ['othermod']]]));
  });

  it('reads imports from text', () => {
    const out = new Set<string>();
    importsOfText('import os, yaml as y\nfrom PIL import Image\nfrom . import local\nx = 1; import bs4.element\n# import nothing\n', out);
    expect([...out].sort()).toEqual(['PIL', 'bs4', 'os', 'yaml']);
  });

  it('# pysec: ignore[ID] silences exactly that advisory; another id is unused', () => {
    const text = 'requests==2.19.0  # pysec: ignore[CVE-2018-18074, GHSA-nope]  # redirects never followed\n';
    const a = auditDocument('/p/requirements.txt', text, db, ctx(), RULES);
    expect(a.findings[0].suppressed).toEqual({ kind: 'pysec-ignore', justification: 'redirects never followed', line: 0 });
    expect(a.unusedIgnores.map((u) => [u.id, text.slice(u.span.start, u.span.end)])).toEqual([['GHSA-nope', 'GHSA-nope']]);
  });

  it('a lock file: PS601 on the name; the document not a manifest: nothing', () => {
    const lock = '[[package]]\nname = "pillow"\nversion = "9.0.0"\n';
    const a = auditDocument('/p/poetry.lock', lock, db, ctx(), RULES);
    expect(a.findings.map((f) => [f.rule, lock.slice(f.range.start, f.range.end)])).toEqual([['PS601', 'pillow']]);
    expect(auditDocument('/p/setup.py', 'x', db, ctx(), RULES).manifest).toBeNull();
  });

  it('without a database: parsed, no finding', () => {
    const a = auditDocument('/p/requirements.txt', 'requests==2.19.0\n-e .\n', null, ctx(), RULES);
    expect(a.findings).toEqual([]);
    expect(a.manifest!.requirements).toHaveLength(1);
    expect(a.notChecked).toHaveLength(1);
  });
});

describe('auditPaths', () => {
  it('finds the manifests under a folder and follows -r/-c to files of any name, never out of the folder', () => {
    const dir = join(TMP, 'includes');
    mkdirSync(join(dir, 'deps'), { recursive: true });
    writeFileSync(join(dir, 'requirements.txt'), `-r deps/base-list\n-c constraints.cfg\n-r ${join(TMP, 'outside.txt')}\n-r ../outside.txt\n`);
    writeFileSync(join(TMP, 'outside.txt'), 'django==3.2.12\n');
    writeFileSync(join(dir, 'deps/base-list'), 'requests==2.19.0\n-r ../requirements.txt\n');
    writeFileSync(join(dir, 'constraints.cfg'), 'urllib3==1.24.1\n');
    const run = auditPaths([dir], { enabled: true, database: DB, python: [], rules: RULES });
    expect(run.summary.manifests.map((m) => m.slice(dir.length + 1)).sort()).toEqual(['constraints.cfg', 'deps/base-list']);
    expect(run.results.flatMap((r) => r.findings.map((f) => `${r.path.slice(dir.length + 1)} ${f.dependency!.package}`)).sort()).toEqual(['constraints.cfg urllib3', 'deps/base-list requests']);
    expect(run.summary.status).toBe('findings');
  });
});
