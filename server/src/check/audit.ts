import { existsSync } from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { auditPaths, manifestHygiene, type DependencySummary } from '../audit/index.js';
import type { FileResult } from '../batch/file.js';
import type { Settings } from '../config/schema.js';
import type { Rule } from '../engine/rule.js';
import { UsageError } from '../command-line/args.js';
import { configured, type CheckedFile } from './hygiene.js';

/**
 * `check`'s dependency audit: the manifests under its paths as results
 * beside the Python files' (their findings PS601/PS602, their hygiene
 * PSN005/PSN006), what the run says of itself, and its notes for stderr.
 */
export function checkDependencies(
  paths: readonly string[],
  options: { audit: boolean; advisories?: string },
  rules: readonly Rule[],
  python: readonly FileResult[],
  settingsOf: (path: string) => Settings,
  warn: (message: string) => void,
): { results: CheckedFile[]; summary: DependencySummary } {
  if (options.advisories !== undefined && options.audit && !existsSync(options.advisories)) throw new UsageError(`--advisories: no such file or folder: ${options.advisories}`);
  const run = auditPaths(paths, {
    enabled: options.audit,
    ...(options.advisories !== undefined ? { database: options.advisories } : {}),
    python,
    rules: new Map(rules.map((r) => [r.id, r])),
  });
  for (const n of run.notes) warn(n);
  const results = run.results.map((r): CheckedFile => {
    const settings = settingsOf(r.path);
    return {
      path: r.path,
      text: r.text,
      doc: TextDocument.create(r.path, r.manifest?.kind === 'requirements' ? 'pip-requirements' : r.manifest?.kind === 'Pipfile.lock' ? 'json' : 'toml', 0, r.text),
      findings: r.findings,
      hygiene: manifestHygiene(r, settings.suppress.placeholder).flatMap((i) => configured(i, settings)),
    };
  });
  return { results, summary: run.summary };
}
