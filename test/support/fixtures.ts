/** The rule fixtures (`test/fixtures/rules`) and the rules (`queries/*.json`). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { REPO_ROOT } from '../lsp/client.js';

export const FIXTURES_DIR = join(REPO_ROOT, 'test/fixtures/rules');
export const QUERIES_DIR = join(REPO_ROOT, 'queries');

export interface RuleMeta {
  id: string;
  name: string;
  severity: string;
  confidence: string;
  cwe: number | null;
  owasp: string;
  risk: string;
  message: string;
  docs: string;
  /** `dependency`: a rule of the dependency audit, without a `.scm` or a Python fixture. */
  kind?: 'dependency';
}

/** Every `.py` file below test/fixtures/rules, sorted, as absolute paths. */
export function fixtureFiles(dir = FIXTURES_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.py')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function fixtureName(path: string): string {
  return relative(FIXTURES_DIR, path);
}

/** The rule a fixture belongs to, from its name (`B602.py`, `B602_shell.py`, `PS501-cors.py`, `B602/x.py`). */
export function fixtureRule(path: string): string | null {
  const rel = fixtureName(path);
  const m = /^(B\d{3}|PS\d{3})(?=$|[-_./])/.exec(rel) ?? /^(B\d{3}|PS\d{3})(?=$|[-_.])/.exec(basename(path));
  return m ? m[1] : null;
}

export function readRules(): Map<string, RuleMeta> {
  const rules = new Map<string, RuleMeta>();
  for (const f of readdirSync(QUERIES_DIR).sort()) {
    if (!f.endsWith('.json')) continue;
    const meta = JSON.parse(readFileSync(join(QUERIES_DIR, f), 'utf8')) as RuleMeta;
    rules.set(meta.id, meta);
  }
  return rules;
}

/** DESIGN.md's default table, written out again here so that a change to the server's copy is caught. */
export const DEFAULT_SEVERITY: Record<string, Record<string, number>> = {
  // rows: severity; columns: confidence; values: LSP DiagnosticSeverity (1 Error, 2 Warning, 3 Information, 4 Hint)
  HIGH: { HIGH: 1, MEDIUM: 1, LOW: 2 },
  MEDIUM: { HIGH: 2, MEDIUM: 2, LOW: 3 },
  LOW: { HIGH: 3, MEDIUM: 3, LOW: 4 },
};

/** A UTF-16 column on `line` → a 1-based column in Unicode code points. */
export function codePointColumn(line: string, utf16: number): number {
  return [...line.slice(0, utf16)].length + 1;
}
