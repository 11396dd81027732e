import type { Check, CheckGate } from '../rule.js';
import { BLACKLIST_GATE, blacklistCall } from './bandit/blacklist_calls.js';
import { blacklistImport } from './bandit/blacklist_imports.js';
import { CHECKS as appDebug } from './bandit/app_debug.js';
import { CHECKS as asserts } from './bandit/asserts.js';
import { CHECKS as cryptoRequestNoCertValidation } from './bandit/crypto_request_no_cert_validation.js';
import { CHECKS as djangoSqlInjection } from './bandit/django_sql_injection.js';
import { CHECKS as djangoXss } from './bandit/django_xss.js';
import { CHECKS as exec } from './bandit/exec.js';
import { CHECKS as generalBadFilePermissions } from './bandit/general_bad_file_permissions.js';
import { CHECKS as generalBindAllInterfaces } from './bandit/general_bind_all_interfaces.js';
import { CHECKS as generalHardcodedPassword } from './bandit/general_hardcoded_password.js';
import { CHECKS as generalHardcodedTmp } from './bandit/general_hardcoded_tmp.js';
import { CHECKS as hashlibInsecureFunctions } from './bandit/hashlib_insecure_functions.js';
import { CHECKS as huggingfaceUnsafeDownload } from './bandit/huggingface_unsafe_download.js';
import { CHECKS as injectionParamiko } from './bandit/injection_paramiko.js';
import { CHECKS as injectionShell } from './bandit/injection_shell.js';
import { CHECKS as injectionSql } from './bandit/injection_sql.js';
import { CHECKS as injectionWildcard } from './bandit/injection_wildcard.js';
import { CHECKS as insecureSslTls } from './bandit/insecure_ssl_tls.js';
import { CHECKS as jinja2Templates } from './bandit/jinja2_templates.js';
import { CHECKS as loggingConfigInsecureListen } from './bandit/logging_config_insecure_listen.js';
import { CHECKS as makoTemplates } from './bandit/mako_templates.js';
import { CHECKS as markupsafeMarkupXss } from './bandit/markupsafe_markup_xss.js';
import { CHECKS as pytorchLoad } from './bandit/pytorch_load.js';
import { CHECKS as requestWithoutTimeout } from './bandit/request_without_timeout.js';
import { CHECKS as snmpSecurityCheck } from './bandit/snmp_security_check.js';
import { CHECKS as sshNoHostKeyVerification } from './bandit/ssh_no_host_key_verification.js';
import { CHECKS as tarfileUnsafeMembers } from './bandit/tarfile_unsafe_members.js';
import { CHECKS as trojansource } from './bandit/trojansource.js';
import { CHECKS as tryExceptContinue } from './bandit/try_except_continue.js';
import { CHECKS as tryExceptPass } from './bandit/try_except_pass.js';
import { CHECKS as weakCryptographicKey } from './bandit/weak_cryptographic_key.js';
import { CHECKS as yamlLoad } from './bandit/yaml_load.js';
import { CHECKS as psAccessControl } from './ps/access_control.js';
import { CHECKS as psCrypto } from './ps/crypto.js';
import { CHECKS as psCors } from './ps/cors.js';
import { CHECKS as psMisconfiguration } from './ps/misconfiguration.js';
import { CHECKS as psAuth } from './ps/auth.js';
import { CHECKS as psIntegrity } from './ps/integrity.js';
import { CHECKS as psLogging } from './ps/logging.js';
// The flow rules: each matches a def and asks the data-flow layer (ps/scoped.ts); PS103 (CSRF, in access_control.ts) is not one.
import { CHECKS as psSsrf } from './ps/ssrf.js';
import { CHECKS as psInjection } from './ps/injection.js';
import { CHECKS as psXss } from './ps/xss.js';
import { CHECKS as psLdap } from './ps/ldap.js';
import { CHECKS as psXpath } from './ps/xpath.js';
import { CHECKS as psHeaders } from './ps/headers.js';
import { CHECKS as psSession } from './ps/session.js';
import { CHECKS as psXxe } from './ps/xxe.js';
import { CHECKS as psMassAssignment } from './ps/mass_assignment.js';

/**
 * Checks by name. A rule's JSON names its check; the query finds candidate
 * nodes, the check applies bandit's logic (qualified names, argument values)
 * that a query's predicates cannot express. `bandit/` holds one module per
 * bandit plugin module (named as bandit names it), `ps/` the PS rules by
 * OWASP family; the helpers they share are in `support/` and `ps/scoped.ts` (the
 * flow rules: what reaches a sink is the data-flow layer's answer, engine/flow).
 */
export const CHECKS: Record<string, Check> = {
  blacklist_call: blacklistCall,
  blacklist_import: blacklistImport,
  ...appDebug,
  ...asserts,
  ...cryptoRequestNoCertValidation,
  ...djangoSqlInjection,
  ...djangoXss,
  ...exec,
  ...generalBadFilePermissions,
  ...generalBindAllInterfaces,
  ...generalHardcodedPassword,
  ...generalHardcodedTmp,
  ...hashlibInsecureFunctions,
  ...huggingfaceUnsafeDownload,
  ...injectionParamiko,
  ...injectionShell,
  ...injectionSql,
  ...injectionWildcard,
  ...insecureSslTls,
  ...jinja2Templates,
  ...loggingConfigInsecureListen,
  ...makoTemplates,
  ...markupsafeMarkupXss,
  ...pytorchLoad,
  ...requestWithoutTimeout,
  ...snmpSecurityCheck,
  ...sshNoHostKeyVerification,
  ...tarfileUnsafeMembers,
  ...trojansource,
  ...tryExceptContinue,
  ...tryExceptPass,
  ...weakCryptographicKey,
  ...yamlLoad,
  ...psSsrf,
  ...psAccessControl,
  ...psInjection,
  ...psCrypto,
  ...psCors,
  ...psMisconfiguration,
  ...psAuth,
  ...psIntegrity,
  ...psLogging,
  ...psXss,
  ...psLdap,
  ...psXpath,
  ...psHeaders,
  ...psSession,
  ...psXxe,
  ...psMassAssignment,
};

/** The checks that declare a gate (rule.ts `CheckGate`), by name. */
export const GATES: Record<string, CheckGate> = {
  blacklist_call: BLACKLIST_GATE,
  blacklist_import: BLACKLIST_GATE,
};
