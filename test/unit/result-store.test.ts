/**
 * The result cache's file (cache/store.ts) is bounded: beyond its entry
 * limit the least recently used entries go; in the user cache root, beyond
 * MAX_FOLDERS working folders' caches, the oldest folders go (never the one
 * being written). Its writes leave no temp file behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CACHE_FILE, MAX_FOLDERS, ResultStore } from '../../server/src/cache/store.js';

const root = mkdtempSync(join(tmpdir(), 'pysec-result-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const entry = (key: string) => ({ key, deps: [], data: { findings: [] } });

describe('ResultStore', () => {
  it('keeps the most recently used entries up to its limit', async () => {
    const dir = join(root, 'bounded');
    const store = ResultStore.open(dir, { maxEntries: 3 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      store.put(`/p/${name}.py`, entry(`k-${name}`));
      // Distinct times: the order of use is the order of the puts.
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(store.save()).toBeUndefined();
    const again = ResultStore.open(dir, { maxEntries: 3 });
    expect(again.size).toBe(3);
    expect(again.get('/p/a.py', 'k-a')).toBeUndefined();
    expect(again.get('/p/e.py', 'k-e')).toBeDefined();
    // Another key for the same file is no hit.
    expect(again.get('/p/e.py', 'k-other')).toBeUndefined();
    expect(readdirSync(dir)).toEqual([CACHE_FILE]);
  });

  it('removes the oldest cache folders of the user cache beyond MAX_FOLDERS, never its own', () => {
    const base = join(root, 'user-cache');
    const now = Date.now() / 1000;
    for (let i = 0; i < MAX_FOLDERS + 3; i++) {
      const d = join(base, `f${String(i).padStart(3, '0')}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, CACHE_FILE), '{}');
      // f000 is the oldest.
      utimesSync(join(d, CACHE_FILE), now - 10_000 + i, now - 10_000 + i);
    }
    // The run writes into the oldest folder: it stays, the next oldest go.
    const store = ResultStore.open(join(base, 'f000'), { evictSiblings: true });
    store.put('/p/x.py', entry('k'));
    expect(store.save()).toBeUndefined();
    const left = readdirSync(base).sort();
    expect(left).toHaveLength(MAX_FOLDERS);
    expect(left).toContain('f000');
    expect(left).not.toContain('f001');
    expect(left).not.toContain('f002');
    expect(left).not.toContain('f003');
    expect(left).toContain('f004');
  });
});
