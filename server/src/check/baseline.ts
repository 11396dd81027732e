import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LEVELS, type Finding, type Level } from '../findings/finding.js';
import type { CheckedFile } from './hygiene.js';
import type { FileResult } from '../batch/file.js';

/**
 * `check --baseline FILE`: only findings that an earlier JSON report (from
 * `check --format json` or `report --format json`) did not have. As bandit's
 * baseline does, a finding is matched on its file, rule and issue text, not
 * its line, so a finding that only moved is still known; each earlier
 * finding accounts for one current finding (two new evals next to a known
 * one are still two new findings). A `code` field in the earlier report
 * (the report's JSON has one) must match the finding's source line too.
 */

/**
 * What a baseline must hold: `findings`, each with a string `path` and
 * `rule` and its message (`message` from check, `description` from report),
 * an optional string `code`; other fields are let through. Checked by hand
 * rather than with zod, which would add a tenth of a second to every
 * `check` start for this one file; the messages read as zod's did.
 */
interface BaselineFinding {
  path: string;
  rule: string;
  message?: string;
  description?: string;
  code?: string;
}

function baselineProblem(data: unknown): { path: string; message: string } | { findings: BaselineFinding[] } {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const expected = (path: string, type: string, v: unknown) => ({ path, message: `Invalid input: expected ${type}, received ${kind(v)}` });
  if (kind(data) !== 'object') return expected('', 'object', data);
  const findings = (data as { findings?: unknown }).findings;
  if (!Array.isArray(findings)) return expected('findings', 'array', findings);
  for (let i = 0; i < findings.length; i++) {
    const f: unknown = findings[i];
    const at = `findings.${i}`;
    if (kind(f) !== 'object') return expected(at, 'object', f);
    const o = f as Record<string, unknown>;
    for (const key of ['path', 'rule']) if (typeof o[key] !== 'string') return expected(`${at}.${key}`, 'string', o[key]);
    for (const key of ['message', 'description', 'code']) if (o[key] !== undefined && typeof o[key] !== 'string') return expected(`${at}.${key}`, 'string', o[key]);
    if (o.message === undefined && o.description === undefined) return { path: at, message: 'a finding needs its message' };
  }
  return { findings: findings as BaselineFinding[] };
}

export interface BaselineEntry {
  path: string;
  rule: string;
  message: string;
  code?: string;
}

/** Reads a baseline file; throws an Error whose message says what is wrong with it. */
export function readBaseline(file: string, cwd: string): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`the baseline ${file} is not JSON: ${(e as Error).message}`);
  }
  const parsed = baselineProblem(data);
  if (!('findings' in parsed)) throw new Error(`the baseline ${file} is not a pysec-lsp JSON report (${parsed.path || 'top level'}: ${parsed.message})`);
  return parsed.findings.map((f) => ({ path: resolve(cwd, f.path), rule: f.rule, message: (f.message ?? f.description)!, ...(f.code !== undefined ? { code: f.code } : {}) }));
}

/** The source line a finding starts on, trimmed: the `code` a report records. */
export function findingCode(r: FileResult, f: { range: Finding['range'] }): string {
  const line = r.doc.positionAt(f.range.start).line;
  const start = r.doc.offsetAt({ line, character: 0 });
  const end = r.doc.offsetAt({ line: line + 1, character: 0 });
  return r.text.slice(start, end).trim();
}

/**
 * The results without the findings the baseline already had. Pure. The
 * suppression-hygiene findings (PSN…) are matched the same way, on their
 * code and message.
 */
export function subtractBaseline(results: readonly CheckedFile[], baseline: readonly BaselineEntry[], cwd: string): CheckedFile[] {
  const pool = new Map<string, BaselineEntry[]>();
  for (const b of baseline) {
    const k = `${b.path}\0${b.rule}\0${b.message}`;
    pool.set(k, [...(pool.get(k) ?? []), b]);
  }
  return results.map((r) => {
    const path = resolve(cwd, r.path);
    const known = (rule: string, message: string, at: { range: Finding['range'] }) => {
      const left = pool.get(`${path}\0${rule}\0${message}`);
      if (!left?.length) return false;
      const code = findingCode(r, at);
      const i = left.findIndex((b) => b.code === undefined || b.code === code);
      if (i < 0) return false;
      left.splice(i, 1);
      return true;
    };
    const findings = r.findings.filter((f) => !known(f.rule, f.message, f));
    const hygiene = r.hygiene.filter((h) => !known(h.code, h.message, h));
    return findings.length === r.findings.length && hygiene.length === r.hygiene.length ? r : { ...r, findings, hygiene };
  });
}

/** Findings (hygiene findings too, by the level their severity maps to) at or above both thresholds. Pure. */
export function atLeastLevels(results: readonly CheckedFile[], severity: Level, confidence: Level): CheckedFile[] {
  const rank = (l: Level) => LEVELS.indexOf(l);
  const keep = (f: { severity: Level; confidence: Level }) => rank(f.severity) >= rank(severity) && rank(f.confidence) >= rank(confidence);
  return results.map((r) => {
    const findings = r.findings.filter(keep);
    const hygiene = r.hygiene.filter(keep);
    return findings.length === r.findings.length && hygiene.length === r.hygiene.length ? r : { ...r, findings, hygiene };
  });
}
