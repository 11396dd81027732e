import { dirname } from 'node:path';
import { absolute } from './resolve.js';
import { findProjectRoot, loadProjectConfig, type ProjectBanditConfig } from '../bandit/project-config.js';

/**
 * bandit's project config for each file, read once per project root (the
 * nearest folder with a `.bandit` or `[tool.bandit]`, up to `cwd`); each
 * config's problems said once through `warn`.
 */
export function projectConfigs(cwd: string, warn: (message: string) => void): (path: string) => ProjectBanditConfig {
  const configs = new Map<string, ProjectBanditConfig>();
  // The root depends on the file's folder only: looked for once per folder (a warm cached run over a library is mostly this).
  const rootOf = new Map<string, string>();
  return (path: string) => {
    const folder = dirname(absolute(path));
    let root = rootOf.get(folder);
    if (root === undefined) rootOf.set(folder, (root = findProjectRoot(path, cwd)));
    let cfg = configs.get(root);
    if (!cfg) {
      cfg = loadProjectConfig(root);
      for (const p of cfg.problems) warn(p);
      configs.set(root, cfg);
    }
    return cfg;
  };
}
