import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { cweUrl, owaspLabel } from '../findings/owasp.js';
import { grade, riskRank, sarifLevel, securitySeverity } from './grading.js';
import type { ReportFinding, ReportModel, RuleInfo } from './model.js';

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one run,
 * rule metadata (help text, CWE and OWASP tags, security-severity), the
 * open findings as results, and the suppressed ones as results with an
 * `inSource` suppression carrying its justification. Columns count
 * Unicode code points, as the rest of the report does.
 */

const PRECISION = { HIGH: 'high', MEDIUM: 'medium', LOW: 'low' } as const;

function tags(r: Pick<RuleInfo, 'cwe' | 'owasp'>): string[] {
  const t = ['security', `OWASP-${r.owasp}:2021`, `owasp-top10-2021/${r.owasp.toLowerCase()}`];
  if (r.cwe !== null) t.push(`CWE-${r.cwe}`, `external/cwe/cwe-${r.cwe}`);
  return t;
}

function fingerprint(path: string, rule: string, code: string): string {
  return createHash('sha256').update(`${path}\0${rule}\0${code}`).digest('hex').slice(0, 32);
}

export function renderSarif(m: ReportModel): string {
  const rules = new Map(m.rules.map((r) => [r.id, r]));
  const suppressed = m.suppressed.map((s) => ({ ...s, suppression: m.suppressions[s.suppression] }));
  const used = [...new Set([...m.findings.map((f) => f.rule), ...suppressed.map((s) => s.rule)])].sort();
  const ruleIndex = new Map(used.map((id, i) => [id, i]));
  const sarifRules = used.map((id) => {
    const r: RuleInfo = rules.get(id)!;
    // Graded by attack path, a rule's findings differ in risk: the rule ranks as its worst open one (code scanning shows the rule's).
    const graded = m.findings.filter((f) => f.rule === id).map((f) => f.risk);
    const risk = graded.length ? graded.reduce((a, b) => (riskRank(b) < riskRank(a) ? b : a)) : grade(r);
    const help = [
      r.message,
      r.remediation ? `How to fix: ${r.remediation}` : '',
      `OWASP: ${owaspLabel(r.owasp)}.`,
      r.cwe !== null ? `CWE-${r.cwe}: ${cweUrl(r.cwe)}` : '',
      `Documentation: ${r.docs}`,
    ].filter(Boolean);
    return {
      id,
      name: r.name,
      shortDescription: { text: r.message },
      fullDescription: { text: r.remediation ? `${r.message} ${r.remediation}` : r.message },
      helpUri: r.docs,
      help: { text: help.join('\n'), markdown: help.join('\n\n') },
      defaultConfiguration: { level: sarifLevel(risk) },
      properties: { tags: tags(r), precision: PRECISION[r.confidence], 'security-severity': securitySeverity(risk), risk },
    };
  });

  const location = (path: string, line: number, column: number, endLine?: number, endColumn?: number, snippet?: string) => ({
    physicalLocation: {
      artifactLocation: { uri: encodeURI(path), uriBaseId: '%SRCROOT%' },
      region: {
        startLine: line,
        startColumn: column,
        ...(endLine !== undefined ? { endLine, endColumn } : {}),
        ...(snippet !== undefined ? { snippet: { text: snippet } } : {}),
      },
    },
  });

  const open = m.findings.map((f: ReportFinding) => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex.get(f.rule)!,
    level: sarifLevel(f.risk),
    message: { text: `${f.description} ${f.impact}` },
    locations: [location(f.path, f.line, f.column, f.endLine, f.endColumn, f.code)],
    partialFingerprints: { 'pysecFinding/v1': fingerprint(f.path, f.rule, f.code) },
    // The attack path that grades it: one thread flow, source first, the sink's argument last.
    ...(f.flow?.length
      ? { codeFlows: [{ message: { text: f.attackPath ?? '' }, threadFlows: [{ locations: f.flow.map((s) => ({ location: { ...location(s.path, s.line, s.column), message: { text: s.note } } })) }] }] }
      : {}),
    properties: {
      id: f.id,
      risk: f.risk,
      owasp: owaspLabel(f.owasp),
      severity: f.severity,
      confidence: f.confidence,
      engine: f.engine,
      remediation: f.remediation,
      // A vulnerable dependency (PS6xx): which package, version and advisory, and the fix.
      ...(f.advisory ? { package: f.package, version: f.version, specifier: f.specifier, advisory: f.advisory, aliases: f.aliases, fixedIn: f.fixedIn } : {}),
    },
  }));
  const silenced = suppressed.map((s) => ({
    ruleId: s.rule,
    ruleIndex: ruleIndex.get(s.rule)!,
    level: 'note' as const,
    message: { text: s.message },
    locations: [location(s.path, s.line, s.column, undefined, undefined, s.code)],
    partialFingerprints: { 'pysecFinding/v1': fingerprint(s.path, s.rule, s.code) },
    suppressions: [
      {
        kind: 'inSource',
        status: s.suppression.justified ? 'accepted' : 'underReview',
        justification: s.suppression.justification ?? 'no justification given',
        location: location(s.suppression.path, s.suppression.line, 1, undefined, undefined, s.suppression.code),
      },
    ],
  }));

  const bandit = m.engines.find((e) => e.name === 'bandit');
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pysec-lsp',
            semanticVersion: m.engines[0].version ?? undefined,
            rules: sarifRules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...(bandit && !bandit.ran ? [{ level: 'warning', message: { text: bandit.detail } }] : []),
              ...m.errors.map((e) => ({ level: 'error', message: { text: `${e.path}: ${e.message}` }, locations: [location(e.path, 1, 1)] })),
            ],
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(m.scope.base.endsWith('/') ? m.scope.base : `${m.scope.base}/`).href } },
        columnKind: 'unicodeCodePoints',
        results: [...open, ...silenced],
        properties: {
          frameworks: m.frameworks.map((f) => f.name),
          engines: m.engines.map((e) => ({ name: e.name, ran: e.ran, version: e.version, detail: e.detail })),
        },
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
