/**
 * The rules as the build read them (dist/rules.json, engine/prebuilt.ts):
 * taken at a start only while queries/ is what they were built from, and
 * then the same rules, and the same combined query, as reading queries/
 * gives; queries/ dated no later than the build and of the same names and
 * sizes is taken as it is without hashing its files. Needs `npm run build`
 * (the file is a build output).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../server/src/engine/engine.js';
import { queriesStamp, readPrebuilt } from '../../server/src/engine/prebuilt.js';
import { prebuild, readRules } from '../../server/src/engine/rules-read.js';
import { defaultQueriesDir, RuleSet } from '../../server/src/engine/ruleset.js';

let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'pysec-prebuilt-'));
  cpSync(defaultQueriesDir(), join(copy, 'queries'), { recursive: true });
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('prebuilt rules', () => {
  it('are taken for queries/ as it is, and equal what reading its files gives', () => {
    const dir = defaultQueriesDir();
    const pre = readPrebuilt(dir);
    expect(pre).not.toBeNull();
    const fresh = prebuild(dir, queriesStamp(dir));
    expect(pre!.rules.length).toBeGreaterThan(50);
    expect(pre).toEqual(fresh);
    expect(readRules(dir)).toEqual(fresh.rules);
  });

  it('are not taken once a rule file changes: the change is read', () => {
    const dir = join(copy, 'queries');
    expect(readPrebuilt(dir)).not.toBeNull();
    const meta = JSON.parse(readFileSync(join(dir, 'B602.json'), 'utf8')) as { message: string };
    writeFileSync(join(dir, 'B602.json'), JSON.stringify({ ...meta, message: 'changed after the build' }));
    expect(readPrebuilt(dir)).toBeNull();
    expect(readRules(dir).find((r) => r.id === 'B602')?.message).toBe('changed after the build');
  });

  it('a copy of queries/ dated before the build is taken by its names and sizes; a file of the same size dated after it is hashed, and read', () => {
    const dir = mkdtempSync(join(copy, 'dated-'));
    cpSync(defaultQueriesDir(), dir, { recursive: true });
    // Dated as an installed package's files are: before dist/rules.json was written.
    const built = statSync(join(defaultQueriesDir(), '../dist/rules.json')).mtimeMs / 1000;
    for (const f of readdirSync(dir)) utimesSync(join(dir, f), built - 60, built - 60);
    expect(readPrebuilt(dir)?.stamp).toBe(queriesStamp(defaultQueriesDir()));
    // An edit that keeps the file's size, dated now: hashed, and found changed.
    const scm = readFileSync(join(dir, 'B602.scm'), 'utf8');
    const edited = scm.replace('Every call', 'every call');
    expect(edited).not.toBe(scm);
    expect(edited.length).toBe(scm.length);
    writeFileSync(join(dir, 'B602.scm'), edited);
    expect(readPrebuilt(dir)).toBeNull();
    // Dated back to before the build, the same-size edit is not seen (make's rule): the price of not hashing at each start.
    utimesSync(join(dir, 'B602.scm'), built - 60, built - 60);
    expect(readPrebuilt(dir)).not.toBeNull();
    // A renamed file, dated before the build too: the names differ.
    renameSync(join(dir, 'B602.scm'), join(dir, 'B602x.scm'));
    expect(readPrebuilt(dir)).toBeNull();
  });

  it('are not taken once a rule file is added or removed', () => {
    const dir = join(copy, 'queries');
    rmSync(join(dir, 'B602.json'));
    rmSync(join(dir, 'B602.scm'));
    expect(readPrebuilt(dir)).toBeNull();
    expect(readRules(dir).some((r) => r.id === 'B602')).toBe(false);
  });

  it('give the combined query that splitting the rules gives: same patterns, same owners', async () => {
    const engine = await Engine.load();
    const read = readRules();
    const fromPrebuilt = new RuleSet(engine.ruleset.language, read);
    // A copy of the array is not registered as prebuilt: its RuleSet splits the patterns itself.
    const split = new RuleSet(engine.ruleset.language, [...read]);
    try {
      expect(fromPrebuilt.query.patternCount()).toBe(split.query.patternCount());
      expect(fromPrebuilt.rulesByPattern.map((g) => g.map((r) => r.id))).toEqual(split.rulesByPattern.map((g) => g.map((r) => r.id)));
    } finally {
      fromPrebuilt.query.delete();
      split.query.delete();
    }
  });
});
