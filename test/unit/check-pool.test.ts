/**
 * The check pool (server/src/batch/pool.ts) runs files on worker threads:
 * its outcomes must equal a serial run's, in the same order, and a file
 * that cannot be read, or a worker that dies on a file, must cost that file
 * only. The workers run the built code (dist/): `npm run build` first.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFiles, type CheckOutcome, type PoolFile } from '../../server/src/batch/pool.js';
import { checkRecorded, withoutDoc } from '../../server/src/batch/worker.js';
import { RunProject } from '../../server/src/batch/project.js';
import { Engine } from '../../server/src/engine/engine.js';
import { ruleSelection } from '../../server/src/engine/rule.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULES = join(ROOT, 'test/fixtures/rules');
const CRASH_WORKER = new URL('../fixtures/pool/crash-worker.mjs', import.meta.url);
/** Some of the standard library too: bigger files, other encodings. */
const STDLIB = ['/usr/lib/python3.11/json/decoder.py', '/usr/lib/python3.11/json/encoder.py', '/usr/lib/python3.11/shlex.py', '/usr/lib/python3.11/tarfile.py'];

let engine: Engine;
let files: string[];

beforeAll(async () => {
  engine = await Engine.load();
  const fixtures = readdirSync(RULES)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => join(RULES, f));
  files = [...fixtures.slice(0, 40), ...STDLIB];
});

/**
 * What a serial run in this thread gives, in the pool's outcome shape. The
 * module lookups the result cache keys on (cache/deps.ts) are left out on
 * both sides: this thread's flow layer keeps analyses of files it saw in
 * earlier tests, and a kept analysis is not looked up again.
 */
function serial(paths: readonly string[], enabled?: (rule: { id: string }) => boolean): CheckOutcome[] {
  const selection = enabled && ruleSelection(enabled);
  const project = new RunProject(engine);
  return paths.map((p) => {
    const r = checkRecorded(engine, p, selection, project);
    return 'message' in r ? r : withoutLookups(withoutDoc(r));
  });
}

function withoutLookups(o: CheckOutcome): CheckOutcome {
  if (!('lookups' in o)) return o;
  const { lookups: _, ...rest } = o;
  return rest;
}

/** The pool's outcomes, compared with `serial`'s. */
async function pooledRun(...args: Parameters<typeof checkFiles>): Promise<CheckOutcome[]> {
  return (await checkFiles(...args)).map(withoutLookups);
}

const all = (paths: readonly string[]): PoolFile[] => paths.map((path) => ({ path, selection: 0 }));

describe('check pool', () => {
  it('gives what a serial run gives, in the same order, on two workers in small chunks', async () => {
    const raw = await checkFiles(engine, all(files), [null], { workers: 2, chunk: 3, inlineBelow: 0 });
    // Each file's module lookups come back with it (a fixture that imports `os` asked the project index for it).
    const b108 = raw.find((o) => o.path.endsWith('B108.py'));
    expect(b108 && 'lookups' in b108 ? b108.lookups : undefined).toContainEqual(['os', b108!.path, null]);
    const pooled = raw.map(withoutLookups);
    const expected = serial(files);
    expect(pooled.map((o) => o.path)).toEqual(files);
    expect(pooled.filter((o) => 'findings' in o && o.findings.length > 0).length).toBeGreaterThan(30);
    expect(pooled).toEqual(expected);
  }, 120_000);

  it('applies each file its own rule selection', async () => {
    const b101 = join(RULES, 'B101.py');
    const pooled = await pooledRun(engine, [{ path: b101, selection: 0 }, { path: b101, selection: 1 }, ...all(files.slice(0, 6))], [null, ['B102']], { workers: 2, chunk: 1, inlineBelow: 0 });
    const rulesOf = (o: CheckOutcome) => ('findings' in o ? [...new Set(o.findings.map((f) => f.rule))] : ['error']);
    expect(rulesOf(pooled[0])).toContain('B101');
    expect(rulesOf(pooled[1])).toEqual([]);
    expect(pooled[1]).toEqual(serial([b101], (rule) => rule.id === 'B102')[0]);
  }, 120_000);

  it('reports a folder or a missing file in the list as an error and loses no other file', async () => {
    const list = [...files.slice(0, 5), RULES, ...files.slice(5, 10), join(RULES, 'no-such-file.py'), ...files.slice(10, 15)];
    const pooled = await pooledRun(engine, all(list), [null], { workers: 2, chunk: 2, inlineBelow: 0 });
    expect(pooled[5]).toEqual({ path: RULES, message: 'cannot read: EISDIR' });
    expect(pooled[11]).toEqual({ path: join(RULES, 'no-such-file.py'), message: 'cannot read: ENOENT' });
    expect(pooled).toEqual(serial(list));
  }, 120_000);

  it.each([
    ['exits', { exitOn: 'B105.py' }, /analysis crashed: the worker exited with code 70/],
    ['throws', { throwOn: 'B105.py' }, /analysis crashed: .*thrown on .*B105\.py/],
  ])('a worker that %s on one file costs that file only: it is reported, the others are checked', async (_how, workerData, message) => {
    const pooled = await pooledRun(engine, all(files), [null], { workers: 2, chunk: 4, inlineBelow: 0, workerUrl: CRASH_WORKER, workerData });
    const at = files.findIndex((f) => f.endsWith('B105.py'));
    expect(at).toBeGreaterThan(0);
    const crashed = pooled[at];
    expect('message' in crashed && crashed.message).toMatch(message);
    const expected = serial(files);
    expect(pooled.filter((_, i) => i !== at)).toEqual(expected.filter((_, i) => i !== at));
  }, 120_000);

  it.each([
    ['throws as it starts', new URL('../fixtures/pool/broken-worker.mjs', import.meta.url)],
    ['does not exist', new URL('../fixtures/pool/no-such-worker.mjs', import.meta.url)],
  ])('when no worker can start (the script %s), this thread checks the files', async (_how, workerUrl) => {
    const some = files.slice(0, 12);
    const pooled = await pooledRun(engine, all(some), [null], { workers: 2, inlineBelow: 0, workerUrl });
    expect(pooled).toEqual(serial(some));
  }, 120_000);

  it('when aborted, the files not yet checked come back as cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const pooled = await checkFiles(engine, all(files.slice(0, 10)), [null], { workers: 2, inlineBelow: 0, signal: controller.signal });
    expect(pooled).toEqual(files.slice(0, 10).map((path) => ({ path, message: 'cancelled' })));
  });
});
