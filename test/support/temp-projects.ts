import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A private temp folder for one test file, made on first use and removed
 * after the file's tests, and a maker of project folders inside it. Call at
 * the top level of a test file (it registers an `afterAll`).
 */
export function tempProjects(prefix: string): { readonly dir: string; project: (name: string, files: Record<string, string>) => string } {
  let made: string | undefined;
  afterAll(() => {
    if (made) rmSync(made, { recursive: true, force: true });
  });
  const root = () => (made ??= mkdtempSync(join(tmpdir(), prefix)));
  return {
    get dir() {
      return root();
    },
    /** A fresh project folder `name` with these files (paths relative to it). */
    project(name, files) {
      const at = join(root(), name);
      mkdirSync(at, { recursive: true });
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(at, path)), { recursive: true });
        writeFileSync(join(at, path), text);
      }
      return at;
    },
  };
}
