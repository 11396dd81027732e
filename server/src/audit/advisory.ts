import { normaliseName } from './names.js';
import { compareVersions, validVersion } from './versions.js';
import { cvssOf, type Cvss } from './cvss.js';

/**
 * One advisory as the audit uses it, read from an OSV record (JSON, or the
 * PyPA advisory database's YAML, which is the same record): only its PyPI
 * packages, their ranges as ordered events, the explicit versions.
 */
export interface Advisory {
  id: string;
  /** CVE, GHSA, PYSEC ids of the same vulnerability. */
  aliases: string[];
  summary: string;
  details: string;
  /** ISO date of the last change, or null. */
  modified: string | null;
  /** The CVSS vectors of its `severity` list, as written (`advisoryCvss` scores them, on first use). */
  vectors: string[];
  references: string[];
  affected: AffectedPackage[];
}

export interface RangeEvent {
  kind: 'introduced' | 'fixed' | 'last_affected';
  /** A valid PEP 440 version, or `0` for "from the beginning". */
  version: string;
}

export interface AffectedPackage {
  /** PEP 503-normalised. */
  name: string;
  /** Each ECOSYSTEM range's events, as written (`sortedRanges` orders them, on first use). */
  ranges: RangeEvent[][];
  /** Versions named one by one, as written (compared by `affects` as PEP 440 versions, invalid ones never match). */
  versions: string[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * An OSV record as an advisory: null when it is withdrawn or names no PyPI
 * package (not an error); throws when it is malformed (the loader counts it).
 */
export function advisoryFromOsv(record: unknown): Advisory | null {
  if (!record || typeof record !== 'object' || Array.isArray(record)) throw new Error('not an object');
  const o = record as Record<string, unknown>;
  const id = str(o.id);
  if (!id) throw new Error('no "id"');
  if (o.withdrawn) return null;
  if (!Array.isArray(o.affected)) throw new Error(`${id}: no "affected" list`);
  const affected: AffectedPackage[] = [];
  for (const a of o.affected as unknown[]) {
    const pkg = (a as { package?: { ecosystem?: unknown; name?: unknown } } | null)?.package;
    if (!pkg || str(pkg.ecosystem) !== 'PyPI' || !str(pkg.name)) continue;
    const entry = a as { ranges?: unknown; versions?: unknown };
    const ranges: RangeEvent[][] = [];
    for (const r of Array.isArray(entry.ranges) ? (entry.ranges as unknown[]) : []) {
      const range = r as { type?: unknown; events?: unknown };
      if (str(range?.type) !== 'ECOSYSTEM' || !Array.isArray(range.events)) continue;
      const events: RangeEvent[] = [];
      for (const ev of range.events as Record<string, unknown>[]) {
        for (const kind of ['introduced', 'fixed', 'last_affected'] as const) {
          const v = str(ev?.[kind]);
          if (!v) continue;
          if (v === '0' && kind === 'introduced') events.push({ kind, version: '0' });
          else {
            const valid = validVersion(v);
            if (valid === null) throw new Error(`${id}: "${v}" is not a PEP 440 version`);
            events.push({ kind, version: v });
          }
        }
      }
      if (events.length) ranges.push(events);
    }
    // Not validated here: a record lists hundreds, and a database has tens of thousands of records (`affects` reads them for the packages audited only).
    const versions = (Array.isArray(entry.versions) ? (entry.versions as unknown[]) : []).map(str).filter(Boolean);
    if (ranges.length || versions.length) affected.push({ name: normaliseName(str(pkg.name)), ranges, versions });
  }
  if (!affected.length) return null;
  const aliases = Array.isArray(o.aliases) ? (o.aliases as unknown[]).map(str).filter(Boolean) : [];
  const severity = Array.isArray(o.severity) ? (o.severity as { type?: unknown; score?: unknown }[]) : [];
  const references = Array.isArray(o.references) ? (o.references as { url?: unknown }[]).map((r) => str(r?.url)).filter(Boolean) : [];
  return {
    id,
    aliases,
    summary: oneLine(str(o.summary) || firstSentence(str(o.details))),
    details: str(o.details),
    modified: str(o.modified) || null,
    vectors: severity.map((s) => str(s?.score)).filter(Boolean),
    references,
    affected,
  };
}

/** Sorted on first use: ordering costs comparisons, and a database has tens of thousands of records, an audit reads a few. */
const sorted = new WeakMap<AffectedPackage, RangeEvent[][]>();

/** The entry's ranges, each one's events in version order (`0` first; at one version, `introduced` before the end that closes it). */
export function sortedRanges(p: AffectedPackage): RangeEvent[][] {
  let r = sorted.get(p);
  if (!r) sorted.set(p, (r = p.ranges.map(sortEvents)));
  return r;
}

function sortEvents(events: RangeEvent[]): RangeEvent[] {
  const rank = { introduced: 0, last_affected: 1, fixed: 2 };
  return events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => {
      if (x.e.version === '0' || y.e.version === '0') return (x.e.version === '0' ? -1 : 0) - (y.e.version === '0' ? -1 : 0) || x.i - y.i;
      return compareVersions(x.e.version, y.e.version) || rank[x.e.kind] - rank[y.e.kind] || x.i - y.i;
    })
    .map((x) => x.e);
}

function firstSentence(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? '';
  const dot = line.indexOf('. ');
  return dot > 0 ? line.slice(0, dot + 1) : line;
}

/** At most this many characters of a summary: a message says it on one line. */
const SUMMARY_MAX = 160;

function oneLine(s: string): string {
  const line = s.split(/\s+/).filter(Boolean).join(' ');
  return line.length <= SUMMARY_MAX ? line : `${line.slice(0, SUMMARY_MAX - 1).trimEnd()}…`;
}

/** The alias a reader looks for first: the CVE, else the first alias. */
export function cveOf(a: Pick<Advisory, 'id' | 'aliases'>): string | null {
  if (a.id.startsWith('CVE-')) return a.id;
  return a.aliases.find((x) => x.startsWith('CVE-')) ?? null;
}

/** Scored on first use: a database has tens of thousands of records, an audit reads a few. */
const scored = new WeakMap<Advisory, Cvss | null>();

/** The advisory's worst CVSS vector with its score, or null when none parses. */
export function advisoryCvss(a: Advisory): Cvss | null {
  if (!scored.has(a)) scored.set(a, cvssOf(a.vectors));
  return scored.get(a)!;
}
