import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The stdlib's folder, from Debian's own python3 first, then the python3 on PATH (every bench reads it). */
export function stdlibDir() {
  const code = "import sysconfig; print(sysconfig.get_paths()['stdlib'])";
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      const dir = execFileSync(python, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (dir && existsSync(join(dir, '_pydecimal.py'))) return dir;
    } catch {
      /* try the next one */
    }
  }
  throw new Error('found no python3 whose standard library has _pydecimal.py (apt-get install python3)');
}
