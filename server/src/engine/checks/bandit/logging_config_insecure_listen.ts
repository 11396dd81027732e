import type { Check } from '../../rule.js';
import { hasKeyword } from '../support/calls.js';

/**
 * bandit/plugins/logging_config_insecure_listen.py: B612 logging_config_insecure_listen.
 */

/** B612 logging_config_insecure_listen: `logging.config.listen(...)` without `verify=`. */
const loggingConfigInsecureListen: Check = (m, _rule, ctx) =>
  ctx.qualname(m.node) === 'logging.config.listen' && !hasKeyword(m.node, 'verify');

export const CHECKS: Record<string, Check> = {
  logging_config_insecure_listen: loggingConfigInsecureListen,
};
