import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

/**
 * yaml's `parse`, loaded when a project's bandit config is a YAML file (`-c`
 * bandit.yaml): the package is a quarter of a megabyte of JavaScript, which
 * every `check` would otherwise compile at start (issue 19). Loading must be
 * synchronous here (project-config.ts reads configs synchronously), so the
 * bundle carries yaml as a CommonJS file of its own beside its chunks,
 * `dist/yaml.cjs` (scripts/bundle.mjs); run from tsc's tree or from the
 * sources, the package itself.
 */
export function parseYaml(text: string): unknown {
  if (!yaml) {
    const require = createRequire(import.meta.url);
    try {
      yaml = require('./yaml.cjs') as Yaml;
    } catch {
      yaml = require('yaml') as Yaml;
    }
  }
  return yaml.parse(text);
}
