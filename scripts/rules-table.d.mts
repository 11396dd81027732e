// Types for scripts/rules-table.mjs, for test/readme.test.ts.
export interface RuleMeta {
  id: string;
  name: string;
  severity: string;
  confidence: string;
  cwe: number | null;
  owasp: string;
  risk: string;
  docs?: string;
  [key: string]: unknown;
}
export const QUERIES: string;
export const README: string;
export const START: string;
export const END: string;
export const OWASP_2021: Readonly<Record<string, string>>;
export function readRules(dir?: string): RuleMeta[];
export function rulesTable(rules?: RuleMeta[]): string;
export function readmeSection(readme: string): string | undefined;
export function replaceSection(readme: string, table: string): string;
