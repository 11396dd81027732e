import type { Check, CheckGate } from '../rule.js';
import { BLACKLIST_GATE, blacklistCall, blacklistImport } from './bandit/blacklist_calls.js';
import { CHECKS_CRYPTO } from './bandit/hashlib_insecure_functions.js';
import { CHECKS_GENERAL } from './bandit/general_hardcoded_password.js';
import { CHECKS_INJECTION } from './bandit/injection_sql.js';
import { CHECKS_SHELL } from './bandit/injection_shell.js';
import { CHECKS_WEB } from './ps/cors.js';
import { CHECKS_OWASP } from './ps/misconfiguration.js';
import { CHECKS_BANDIT_MISC } from './bandit/tarfile_unsafe_members.js';
import { CHECKS_BANDIT_CRYPTO } from './bandit/weak_cryptographic_key.js';
import { CHECKS_BANDIT_INJECTION } from './bandit/django_sql_injection.js';
import { CHECKS_BANDIT_TEMPLATES } from './bandit/django_xss.js';

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
  ...CHECKS_OWASP,
  ...CHECKS_BANDIT_MISC,
  ...CHECKS_BANDIT_CRYPTO,
  ...CHECKS_BANDIT_INJECTION,
  ...CHECKS_BANDIT_TEMPLATES,
};

/** The checks that declare a gate (rule.ts `CheckGate`), by name. */
export const GATES: Record<string, CheckGate> = {
  blacklist_call: BLACKLIST_GATE,
  blacklist_import: BLACKLIST_GATE,
};
