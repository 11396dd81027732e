import type { Node } from 'web-tree-sitter';
import type { Check } from '../../rule.js';
import { callArgsCount, checkCallArgValue } from '../support/calls.js';

/**
 * bandit/plugins/snmp_security_check.py: B508 snmp_insecure_version_check and
 * B509 snmp_crypto_check.
 */

/** B508 snmp_insecure_version_check: `pysnmp.hlapi.CommunityData(..., mpModel=0|1)` (SNMPv1/v2c). */
const snmpInsecureVersion: Check = (m, _rule, ctx) => {
  const call = m.node;
  if (ctx.qualname(call) !== 'pysnmp.hlapi.CommunityData') return null;
  return !!(checkCallArgValue(call, 'mpModel', 0) || checkCallArgValue(call, 'mpModel', 1));
};

/** B509 snmp_crypto_check: `pysnmp.hlapi.UsmUserData(...)` with fewer than three positional arguments (no privacy key). */
const snmpCrypto: Check = (m, _rule, ctx) => {
  const call: Node = m.node;
  return ctx.qualname(call) === 'pysnmp.hlapi.UsmUserData' && callArgsCount(call) < 3;
};

export const CHECKS: Record<string, Check> = {
  snmp_insecure_version_check: snmpInsecureVersion,
  snmp_crypto_check: snmpCrypto,
};
