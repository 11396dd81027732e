import type { Check } from '../rule.js';
import { blacklistCall, blacklistImport } from './blacklist.js';
import { CHECKS_CRYPTO } from './crypto.js';
import { CHECKS_GENERAL } from './general.js';
import { CHECKS_INJECTION } from './injection.js';
import { CHECKS_SHELL } from './shell.js';
import { CHECKS_WEB } from './web.js';

/**
 * Checks by name. A rule's JSON names its check; the query finds candidate
 * nodes, the check applies bandit's logic (qualified names, argument values)
 * that a query's predicates cannot express. Each module groups the checks of
 * one family of rules.
 */
export const CHECKS: Record<string, Check> = {
  blacklist_call: blacklistCall,
  blacklist_import: blacklistImport,
  ...CHECKS_GENERAL,
  ...CHECKS_SHELL,
  ...CHECKS_INJECTION,
  ...CHECKS_CRYPTO,
  ...CHECKS_WEB,
};
