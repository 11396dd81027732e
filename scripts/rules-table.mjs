#!/usr/bin/env node
// Prints the rule list of README.md as a markdown table, generated from the
// rules' metadata in queries/*.json, so that the README never drifts from the
// rules the server runs.
//
//   node scripts/rules-table.mjs           print the table
//   node scripts/rules-table.mjs --write   rewrite README.md between the markers
//   node scripts/rules-table.mjs --check   exit 1 when README.md's table is stale
//
// test/readme.test.ts checks that README.md holds exactly this table.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const QUERIES = join(ROOT, 'queries');
export const README = join(ROOT, 'README.md');
export const START = '<!-- rules:start -->';
export const END = '<!-- rules:end -->';

/** OWASP Top 10 (2021) names; test/readme.test.ts checks them against server/src/findings/owasp.ts. */
export const OWASP_2021 = {
  A01: 'Broken Access Control',
  A02: 'Cryptographic Failures',
  A03: 'Injection',
  A04: 'Insecure Design',
  A05: 'Security Misconfiguration',
  A06: 'Vulnerable and Outdated Components',
  A07: 'Identification and Authentication Failures',
  A08: 'Software and Data Integrity Failures',
  A09: 'Security Logging and Monitoring Failures',
  A10: 'Server-Side Request Forgery',
};

const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Bandit's ids (B101 …) first, in numeric order, then ours (PS…). */
function byId(a, b) {
  const key = (id) => {
    const m = /^([A-Z]+)(\d+)$/.exec(id);
    return m ? [m[1] === 'B' ? 0 : 1, m[1], Number(m[2])] : [2, id, 0];
  };
  const [ka, kb] = [key(a.id), key(b.id)];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

export function readRules(dir = QUERIES) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const rule = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      if (!rule.id) throw new Error(`${join(dir, f)}: no "id"`);
      return rule;
    })
    .sort(byId);
}

/** The markdown table, one line a rule, ending in a newline. */
export function rulesTable(rules = readRules()) {
  const lines = [
    '| Rule | Name | Severity | Confidence | CWE | OWASP Top 10 (2021) | Risk |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rules) {
    const id = r.docs ? `[${cell(r.id)}](${r.docs})` : cell(r.id);
    const cwe = r.cwe == null ? '—' : `[CWE-${r.cwe}](https://cwe.mitre.org/data/definitions/${r.cwe}.html)`;
    const owasp = r.owasp ? `${cell(r.owasp)} ${cell(OWASP_2021[r.owasp] ?? '')}`.trim() : '—';
    lines.push(`| ${id} | \`${cell(r.name)}\` | ${cell(r.severity)} | ${cell(r.confidence)} | ${cwe} | ${owasp} | ${cell(r.risk)} |`);
  }
  return lines.join('\n') + '\n';
}

/** The text between the markers in `readme` (without the newlines next to them), or undefined. */
export function readmeSection(readme) {
  const s = readme.indexOf(START);
  const e = readme.indexOf(END);
  if (s < 0 || e < s) return undefined;
  return readme.slice(s + START.length, e).replace(/^\r?\n/, '');
}

/** `readme` with the section between the markers replaced by `table`. */
export function replaceSection(readme, table) {
  const s = readme.indexOf(START);
  const e = readme.indexOf(END);
  if (s < 0 || e < s) throw new Error(`README.md has no ${START} … ${END} section`);
  return readme.slice(0, s + START.length) + '\n' + table + readme.slice(e);
}

function main(argv) {
  const table = rulesTable();
  if (argv.includes('--write')) {
    const before = readFileSync(README, 'utf8');
    const after = replaceSection(before, table);
    if (after !== before) writeFileSync(README, after);
    process.stdout.write(`${after === before ? 'README.md is up to date' : 'README.md rewritten'} (${readRules().length} rules)\n`);
    return 0;
  }
  if (argv.includes('--check')) {
    if (readmeSection(readFileSync(README, 'utf8')) === table) return 0;
    process.stderr.write('README.md\'s rule table is stale: run `node scripts/rules-table.mjs --write`\n');
    return 1;
  }
  process.stdout.write(table);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
