import { type CheckOptions, UsageError } from '../command-line/args.js';
import { type AlsoFound, pythonFiles } from '../files/walk.js';
import { type BaselineEntry, readBaseline } from './baseline.js';

/**
 * What a `check` reads before it reviews anything, the same for the warm
 * path (warm.ts) and the full run (command.ts): the Python files its paths
 * name and the baseline, a missing path or an unreadable baseline said as a
 * usage error. `also`: other files noted in the same walk (files/walk.ts).
 */
export function checkInputs(options: CheckOptions, also?: AlsoFound): { cwd: string; baseline: BaselineEntry[] | undefined; files: string[] } {
  const cwd = process.cwd();
  let baseline: BaselineEntry[] | undefined;
  try {
    baseline = options.baseline === undefined ? undefined : readBaseline(options.baseline, cwd);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { files, missing } = pythonFiles(options.paths, also);
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  return { cwd, baseline, files };
}
