import type { Risk } from '../findings/finding.js';

/**
 * The risk in plain words, as the review's executive summary says it: what
 * could happen to the business, not the mechanism. By rule id or test name
 * where the rule says something more exact, else by CWE, else by OWASP
 * category.
 */

const BY_RULE: Readonly<Record<string, string>> = {
  // bandit files eval and exec under CWE-78 (OS command injection); what they run is Python code.
  B102: 'Anyone who can influence the text passed to exec can run their own Python code inside the application: data theft, tampering or a full takeover.',
  exec_used: 'Anyone who can influence the text passed to exec can run their own Python code inside the application: data theft, tampering or a full takeover.',
  B307: 'Anyone who can influence the text passed to eval can run their own Python code inside the application: data theft, tampering or a full takeover.',
  eval: 'Anyone who can influence the text passed to eval can run their own Python code inside the application: data theft, tampering or a full takeover.',
  B101: 'A check written with assert disappears when Python runs optimised (-O): the protection it stands for silently goes away in production.',
  assert_used: 'A check written with assert disappears when Python runs optimised (-O): the protection it stands for silently goes away in production.',
  B201: "With Flask's debugger on, anyone who can reach the application can run their own code on the server and read its secrets.",
  flask_debug_true: "With Flask's debugger on, anyone who can reach the application can run their own code on the server and read its secrets.",
  B104: 'The service listens on every network the machine is connected to, so it can be reached from networks it was never meant to face.',
  hardcoded_bind_all_interfaces: 'The service listens on every network the machine is connected to, so it can be reached from networks it was never meant to face.',
  B403: 'This module can run code hidden in the data it loads; importing it is a flag to check where that data comes from.',
  import_pickle: 'This module can run code hidden in the data it loads; importing it is a flag to check where that data comes from.',
  B404: 'This module starts other programs; each use deserves a look at what reaches its command line.',
  import_subprocess: 'This module starts other programs; each use deserves a look at what reaches its command line.',
  B603: 'A program is started from Python; if any of its arguments come from users, they could make it do things it was not meant to.',
  subprocess_without_shell_equals_true:
    'A program is started from Python; if any of its arguments come from users, they could make it do things it was not meant to.',
  B607: 'The program is found through PATH: whoever controls the environment or a folder on PATH decides which program actually runs.',
  start_process_with_partial_path:
    'The program is found through PATH: whoever controls the environment or a folder on PATH decides which program actually runs.',
};

const BY_CWE: Readonly<Record<number, string>> = {
  20: 'A crafted input file can make the application build arbitrary objects, up to running code an attacker chose.',
  22: 'An attacker could read or overwrite files outside the folder the application means to use.',
  78: "Anyone who can influence this command can run their own commands on the server with the application's rights: data theft, tampering or a full takeover.",
  79: "Attackers could run script in other users' browsers, acting as those users and stealing their sessions.",
  89: 'Anyone who can influence this query could read, change or delete data in the database, including other customers\' records.',
  94: 'An attacker could make the application run code of their choosing, taking over the server.',
  95: 'An attacker could make the application run code of their choosing, taking over the server.',
  259: 'A password written in the code is readable by everyone with access to the repository, its history and every copy of it, for ever.',
  295: 'Anyone on the network path can read and change this traffic (man-in-the-middle), including credentials and personal data.',
  319: 'Data travels unencrypted: anyone on the network path can read and change it.',
  321: 'A key written in the code is readable by everyone with access to the repository, so what it protects is not protected.',
  326: 'The encryption is too weak to hold: protected data could be recovered.',
  327: 'This algorithm is broken or weak: data it protects could be forged or recovered with modest computing power.',
  328: 'This hash is weak: values it protects could be forged or recovered with modest computing power.',
  330: 'Values meant to be secret (tokens, passwords, keys) can be predicted by an attacker.',
  377: 'Other users of the machine can predict, read or replace this temporary file.',
  400: 'A slow or hostile counterpart can tie the application up indefinitely, making it unavailable.',
  502: 'Loading untrusted data this way lets an attacker run their own code on the server.',
  532: 'Passwords or tokens end up in log files, readable by everyone with access to the logs.',
  605: 'The service listens on every network the machine is connected to, so it can be reached from networks it was never meant to face.',
  703: 'An error is swallowed or a check can be skipped, so failures go unnoticed and protections may not hold.',
  732: 'Other users or processes on the machine can read or change this file.',
  798: 'A credential written in the code is readable by everyone with access to the repository, its history and every copy of it, for ever.',
  183: 'The application answers for any host name, which enables cache poisoning and password-reset links that point at an attacker.',
  209: 'Error details sent to the client map the application for an attacker: file paths, versions, code and sometimes data.',
  347: 'Anyone can forge a token that says who they are, including an administrator, and the application will believe it.',
  352: "Another website can make a signed-in user's browser submit this request on their behalf: changed passwords, payments, deleted data.",
  489: 'Debug mode shows internals to anyone who triggers an error, and some debuggers let visitors run code on the server.',
  601: 'A link under your domain can forward your users to any phishing site, borrowing your name to steal their credentials.',
  614: 'The session cookie can travel over plain HTTP, where anyone on the network path can read it and take over the session.',
  916: 'If the password table leaks, these hashes are cracked at billions of guesses per second, exposing users\' passwords.',
  1004: 'Script running in the page (through any XSS) can read the session cookie and take over the session.',
  918: 'The server can be made to fetch addresses an attacker chooses, reaching internal systems and cloud credentials behind the firewall.',
  942: "Any website a signed-in user visits could act as that user against this API and read the answers.",
  1336: 'An attacker who controls the template can run code on the server through the template engine.',
};

const BY_OWASP: Readonly<Record<string, string>> = {
  A01: 'Users could reach data or actions that should be closed to them.',
  A02: 'Sensitive data or secrets are not protected well enough and could be exposed.',
  A03: 'Untrusted input could change what the application executes, leading to data theft or takeover.',
  A04: 'The design trusts data it should not, which can be turned against the application.',
  A05: 'A setting meant for development or convenience exposes the application to attack.',
  A06: 'A component with known weaknesses is part of the application.',
  A07: 'Attackers could sign in as someone else or take over accounts.',
  A08: "The application accepts code or data without checking it is genuine, so it could be tampered with.",
  A09: 'Logs could leak sensitive data, or attacks could go unnoticed.',
  A10: 'The server can be made to fetch addresses an attacker chooses, reaching internal systems.',
};

/** The checklist's business impact of each risk level. */
export const IMPACT: Readonly<Record<Risk, string>> = {
  Critical: 'immediate risk of breach or compromise',
  High: 'exploitation likely without a fix',
  Medium: 'exploitation needs specific conditions',
  Low: 'a defense-in-depth improvement',
};

export function plainRisk(f: { rule: string; name: string; cwe: number | null; owasp: string }): string {
  return (
    (Object.hasOwn(BY_RULE, f.rule) ? BY_RULE[f.rule] : undefined) ??
    (Object.hasOwn(BY_RULE, f.name) ? BY_RULE[f.name] : undefined) ??
    (f.cwe !== null && Object.hasOwn(BY_CWE, f.cwe) ? BY_CWE[f.cwe] : undefined) ??
    BY_OWASP[f.owasp] ??
    'A weakness an attacker could use against the application.'
  );
}
