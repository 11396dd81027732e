import type { Check, CheckGate } from '../rule.js';
import { BLACKLIST_GATE, blacklistCall, blacklistImport } from './blacklist.js';
import { CHECKS_CRYPTO } from './crypto.js';
import { CHECKS_GENERAL } from './general.js';
import { CHECKS_INJECTION } from './injection.js';
import { CHECKS_SHELL } from './shell.js';
import { CHECKS_WEB } from './web.js';
import { CHECKS_OWASP } from './owasp.js';
import { CHECKS_BANDIT_MISC } from './bandit-misc.js';
import { CHECKS_BANDIT_CRYPTO } from './bandit-crypto.js';
import { CHECKS_BANDIT_INJECTION } from './bandit-injection.js';
import { CHECKS_BANDIT_TEMPLATES } from './bandit-templates.js';
import { CHECKS_PS_HEADERS } from './ps/headers.js';
import { CHECKS_PS_LDAP } from './ps/ldap.js';
import { CHECKS_PS_MASS } from './ps/mass-assignment.js';
import { CHECKS_PS_SESSION } from './ps/session.js';
import { CHECKS_PS_XPATH } from './ps/xpath.js';
import { CHECKS_PS_XSS } from './ps/xss.js';
import { CHECKS_PS_XXE } from './ps/xxe.js';

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
  ...CHECKS_PS_XSS,
  ...CHECKS_PS_LDAP,
  ...CHECKS_PS_XPATH,
  ...CHECKS_PS_HEADERS,
  ...CHECKS_PS_SESSION,
  ...CHECKS_PS_XXE,
  ...CHECKS_PS_MASS,
};

/** The checks that declare a gate (rule.ts `CheckGate`), by name. */
export const GATES: Record<string, CheckGate> = {
  blacklist_call: BLACKLIST_GATE,
  blacklist_import: BLACKLIST_GATE,
};
