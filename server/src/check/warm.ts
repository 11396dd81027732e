import { TextDocument } from 'vscode-languageserver-textdocument';
import { manifestKind } from '../audit/manifest.js';
import { isExcluded } from '../bandit/project-config.js';
import { projectConfigs } from '../batch/configs.js';
import type { FileError, FileResult } from '../batch/file.js';
import { absolute } from '../batch/resolve.js';
import { LookupCheck } from '../batch/verified-lookups.js';
import { syntaxError } from '../batch/syntax-error-note.js';
import { Hashes, sha256 } from '../cache/fresh.js';
import { fileKey, projectInputs, runInputs } from '../cache/key.js';
import { cacheFolder } from '../cache/location.js';
import { ResultStore } from '../cache/store.js';
import type { CheckOptions } from '../command-line/args.js';
import { decodeSource } from '../files/decode.js';
import { readRegularFile } from '../files/read.js';
import type { Finding } from '../findings/finding.js';
import type { HygieneIssue } from '../suppress/hygiene.js';
import { positionLookup, printedOffsets, type Position } from '../cache/positions.js';
import { VERSION } from '../version.js';
import { atLeastLevels, subtractBaseline } from './baseline.js';
import { checkInputs } from './inputs.js';
import { formatJson, formatText } from './format.js';
import { configured, type HygieneFinding } from './hygiene-level.js';
import { atLeastRisk } from './min-risk.js';
import { projectSettings, ruleTurnedOff } from './settings.js';

/**
 * `check`'s warm path: when the result cache holds every file's result, the
 * run is answered from it with none of the engine's modules loaded (no
 * grammar, no query, no analyzer: check/command.ts loads them). It decides
 * "every file is fresh" as the full run's cache lookups do (batch/cached.ts:
 * the same key, the same cross-file inputs), with the files' hashes taken
 * from their stat fingerprints (cache/fresh.ts), and reads only the text of
 * the files that have something to print. The first file it cannot answer
 * (a miss, a result without its hygiene, bandit or the dependency audit to
 * run, a `[tool.pysec]` table naming rules) makes it give up: undefined,
 * nothing printed, and the caller runs `check` in full (check/command.ts),
 * which says again whatever this one would have said.
 */

/** Thrown where the warm path needs what only the full run has. */
class NotWarm extends Error {}

/** The exit status, or undefined: not every file is answered by the cache (run in full). */
export async function warmCheck(options: CheckOptions, out: (s: string) => void): Promise<number | undefined> {
  // bandit's identity is in every key and asking for it starts a Python; the audit reads manifests and a database.
  if (!options.cache.enabled || options.bandit || options.advisories !== undefined) return undefined;
  // The audit's manifests are noted in the same walk as the Python files (audit/find-manifests.ts walks the same folders).
  const manifests = { wanted: manifestKind, found: [] as string[] };
  const { cwd, baseline, files } = checkInputs(options, options.audit ? manifests : undefined);
  if (manifests.found.length) return undefined;
  // What this run would say is said only if it answers: else the full run says it.
  const said: string[] = [];
  const warn = (message: string) => void said.push(`pysec-lsp check: ${message}\n`);
  const configOf = projectConfigs(cwd, warn);
  let results: WarmFile[];
  try {
    const settingsOf = await projectSettings(
      () => {
        throw new NotWarm('a [tool.pysec] table names rules');
      },
      configOf,
      warn,
      files,
    );
    const folder = cacheFolder(options.cache, cwd)!;
    const store = ResultStore.open(folder.dir);
    // --baseline compares the findings' lines of text: then the texts are read.
    const hashes = new Hashes((path) => store.recorded(path));
    const lookups = new LookupCheck(folder.dir, (path) => hashes.hashOf(path));
    const answered = answerAll(store, files, configOf, baseline !== undefined, hashes, lookups);
    if (!answered) return undefined;
    // The lookups resolved again are marked for the next run (cache/verified.ts); a failure to write only costs it the time.
    lookups.save();
    // One rule filter per project's settings (each builds its selector: 666 of them were a twentieth of a stdlib warm run's allocations).
    const filters = new Map<ReturnType<typeof settingsOf>, ReturnType<typeof ruleTurnedOff>>();
    results = answered.map((r) => {
      const settings = settingsOf(r.path);
      let off = filters.get(settings);
      if (!off) filters.set(settings, (off = ruleTurnedOff(settings)));
      const findings = r.findings.filter((f) => !off({ id: f.rule, name: f.name }));
      return { ...r, findings, hygiene: r.issues.flatMap((i) => configured(i, settings)) };
    });
    const { marked, resolved } = lookups.counts;
    if (options.verbose) warn(`cache ${folder.dir}: ${answered.length} files unchanged, 0 reviewed (module lookups: ${marked} files' held by their folders' record, ${resolved} resolved)`);
  } catch (e) {
    if (e instanceof NotWarm) return undefined;
    throw e;
  }
  const errors: FileError[] = [];
  for (const r of results) {
    const e = syntaxError(r);
    if (e) errors.push(e);
  }
  let shown = atLeastRisk(atLeastLevels(results, options.severity, options.confidence), options.minRisk);
  if (baseline) shown = subtractBaseline(shown, baseline, cwd);
  for (const s of said) process.stderr.write(s);
  out(options.format === 'json' ? formatJson(shown, errors) : formatText(shown, errors));
  if (options.exitZero) return 0;
  return errors.length > 0 || shown.some((r) => r.hygiene.length > 0 || r.findings.some((f) => !f.suppressed)) ? 1 : 0;
}

type Answered = FileResult & { issues: HygieneIssue[] };
type WarmFile = FileResult & { hygiene: HygieneFinding[] };

/** Every file's stored result, in the files' order (excluded ones left out), or undefined at the first that is not stored or no longer holds. */
function answerAll(store: ResultStore, files: readonly string[], configOf: ReturnType<typeof projectConfigs>, needText: boolean, hashes: Hashes, lookups: LookupCheck): Answered[] | undefined {
  const run = runInputs(VERSION, null);
  const projectKeys = new Map<string, string>();
  const out: Answered[] = [];
  for (const path of files) {
    const cfg = configOf(path);
    if (isExcluded(cfg, path)) continue;
    lookups.roots.addRoot(cfg.root);
    const abs = absolute(path);
    const hash = hashes.hashOf(abs);
    if (hash === null) return undefined;
    let project = projectKeys.get(cfg.root);
    if (project === undefined) projectKeys.set(cfg.root, (project = projectInputs(cfg.root, cfg.files)));
    const e = store.get(abs, fileKey(run, project, hash));
    if (!e || !lookups.holds(abs, e)) return undefined;
    const { findings, syntaxErrorAt, hygiene } = e.data;
    if (!Array.isArray(findings) || !findings.every(isFinding) || (syntaxErrorAt !== undefined && typeof syntaxErrorAt !== 'number') || !Array.isArray(hygiene)) return undefined;
    const issues = hygiene as HygieneIssue[];
    // Only a file with something to print needs its positions: stored with it (cache/positions.ts), else from its text.
    let text = '';
    let at: Map<number, Position> | undefined;
    const offsets = printedOffsets(findings as Finding[], syntaxErrorAt as number | undefined, issues);
    if (offsets.length) {
      at = needText ? undefined : positionLookup(e.data.at);
      if (!at || !offsets.every((o) => at!.has(o))) {
        at = undefined;
        const read = textOf(abs, hash);
        if (read === undefined) return undefined;
        text = read;
      }
    }
    const table = at;
    out.push({
      path,
      text,
      doc: TextDocument.create(path, 'python', 0, text),
      findings: findings as Finding[],
      ...(syntaxErrorAt !== undefined ? { syntaxErrorAt: syntaxErrorAt as number } : {}),
      ...(table ? { at: (o: number) => table.get(o)! } : {}),
      issues,
    });
  }
  return out;
}

function isFinding(f: unknown): boolean {
  return !!f && typeof f === 'object' && typeof (f as Finding).rule === 'string' && typeof (f as Finding).range?.start === 'number';
}

/** The text of the bytes whose hash is `hash` (undefined: the file is other bytes now, or undecodable). */
function textOf(path: string, hash: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path);
  } catch {
    return undefined;
  }
  // Hashed here whatever the fingerprint says: a file changed between the check and this read must not print stale positions.
  if (sha256(bytes) !== hash) return undefined;
  const decoded = decodeSource(bytes);
  return 'error' in decoded ? undefined : decoded.text;
}
