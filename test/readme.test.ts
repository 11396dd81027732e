/**
 * README.md lists the rules the server runs: its table between
 * `<!-- rules:start -->` and `<!-- rules:end -->` is exactly what
 * `scripts/rules-table.mjs` generates from queries/*.json.
 * When this fails, run `node scripts/rules-table.mjs --write`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OWASP_2021 as SERVER_OWASP } from '../server/src/findings/owasp.js';
import { OWASP_2021, README, readmeSection, readRules, rulesTable } from '../scripts/rules-table.mjs';

describe('README.md', () => {
  const readme = readFileSync(README, 'utf8');

  it('has the rules section markers', () => {
    expect(readmeSection(readme), 'README.md needs <!-- rules:start --> … <!-- rules:end -->').toBeDefined();
  });

  it("lists exactly the rules in queries/ (run `node scripts/rules-table.mjs --write` when this fails)", () => {
    expect(readmeSection(readme)).toBe(rulesTable());
  });

  it('names every rule of queries/ in the table', () => {
    const section = readmeSection(readme) ?? '';
    const rules = readRules();
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(section).toContain(`[${r.id}]`);
  });

  it("uses the server's OWASP Top 10 names", () => {
    expect(OWASP_2021).toEqual(SERVER_OWASP);
  });
});
