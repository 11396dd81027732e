import type { Check } from '../../rule.js';
import { keywordValue } from '../../pyast.js';

/**
 * bandit/plugins/pytorch_load.py: B614 pytorch_load.
 */

/** B614 pytorch_load: `torch.load` / `torch.serialization.load` without `weights_only=True`, in a file that did `import torch`. */
const pytorchLoad: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (!ctx.isModuleImportedExact('torch', call.startIndex)) return null;
  const qual = ctx.qualname(call);
  if (qual !== 'torch.load' && qual !== 'torch.serialization.load') return null;
  return keywordValue(call, 'weights_only') !== 'True';
};

export const CHECKS: Record<string, Check> = {
  pytorch_load: pytorchLoad,
};
