import type { FileContext } from '../../context.js';
import { isAstConstant } from '../../literal.js';
import { callArgAt, keywordArgs, keywordValue, shortName } from '../../pyast.js';
import { pyTruthy } from '../support/calls.js';
import type { Check } from '../../rule.js';

/**
 * bandit/plugins/huggingface_unsafe_download.py: B615 huggingface_unsafe_download.
 */

const HF_MODULES = ['transformers', 'datasets', 'huggingface_hub'];
const HF_UNSAFE: Record<string, string> = {
  from_pretrained: 'transformers',
  load_dataset: 'datasets',
  hf_hub_download: 'huggingface_hub',
  snapshot_download: 'huggingface_hub',
  repository_id: 'huggingface_hub',
};
const HEX = /^[0-9a-fA-F]*$/;

/**
 * B615 huggingface_unsafe_download: `from_pretrained` (transformers),
 * `load_dataset` (datasets), `hf_hub_download` / `snapshot_download`
 * (huggingface_hub) without a commit hash in `revision=` / `commit_id=`, in
 * a file that imports one of those packages; a non-literal revision gets the
 * benefit of the doubt, as does a first argument that is a local path.
 */
const huggingfaceUnsafeDownload: Check = (m, _rule, ctx: FileContext) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const func = shortName(qual);
  const required = Object.prototype.hasOwnProperty.call(HF_UNSAFE, func) ? HF_UNSAFE[func] : undefined;
  if (!required || !qual.split('.').includes(required)) return null;
  if (!HF_MODULES.some((mod) => ctx.isModuleImportedLike(mod, call.startIndex))) return null;
  for (const [name, value] of keywordArgs(call)) {
    if ((name === 'revision' || name === 'commit_id') && !isAstConstant(value)) return null;
  }
  const revision = keywordValue(call, 'revision');
  const toCheck = pyTruthy(revision) ? revision : keywordValue(call, 'commit_id');
  if (typeof toCheck === 'string') {
    const r = toCheck.replace(/^["']+|["']+$/g, '');
    if (r.length >= 7 && HEX.test(r)) return null;
  }
  const first = callArgAt(call, 0);
  if (typeof first === 'string' && first && (first.startsWith('./') || first.startsWith('/') || first.startsWith('../'))) return null;
  return { message: `Unsafe Hugging Face Hub download without revision pinning in ${func}()` };
};

export const CHECKS: Record<string, Check> = {
  huggingface_unsafe_download: huggingfaceUnsafeDownload,
};
