import type { FileContext } from '../../context.js';
import { argValue, callArgAt, keywordArg } from '../../pyast.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/yaml_load.py: B506 yaml_load.
 */

const SAFE_LOADERS = ['SafeLoader', 'CSafeLoader'];

/**
 * B506 yaml_load: `yaml.load` (any qualified name with a `yaml` part and
 * `load` last) in a file that has done `import yaml`, unless the loader,
 * by keyword or second argument, is SafeLoader or CSafeLoader.
 */
const yamlLoad: Check = (m, _rule, ctx: FileContext) => {
  const call = m.node;
  if (!ctx.isModuleImportedExact('yaml', call.startIndex)) return null;
  const parts = ctx.qualname(call).split('.');
  if (!parts.includes('yaml') || parts[parts.length - 1] !== 'load') return null;
  const loader = keywordArg(call, 'Loader');
  if (loader) {
    const v = argValue(loader);
    if (typeof v === 'string' && SAFE_LOADERS.includes(v)) return null;
  }
  const second = callArgAt(call, 1);
  if (typeof second === 'string' && SAFE_LOADERS.includes(second)) return null;
  return true;
};

export const CHECKS: Record<string, Check> = {
  yaml_load: yamlLoad,
};
