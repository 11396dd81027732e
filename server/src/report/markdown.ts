import type { Risk } from '../findings/finding.js';
import type { ReportFinding, ReportModel } from './model.js';
import { DEPENDENCY_COLUMNS, dependencyHeader, dependencyRows } from './dependencies.js';

/**
 * The report as markdown, in the review checklist's order: header, risk
 * summary, top three in plain words, what works, next steps, the technical
 * table, reviewed and suppressed, engines. Readable by whoever approves the
 * budget, and fixable from by whoever writes the code.
 */

/**
 * Workspace text (paths, code, messages that quote it, justifications) as
 * markdown text that shows as written and carries no markup: `&`, `<` and
 * `>` as entities (no raw HTML, no autolink), the characters of inline
 * markdown (links, images, emphasis, code, tables, strikethrough) escaped.
 * One line: a line break would end a table row or a list item.
 */
export function mdText(s: string): string {
  return s
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

/** A table cell: `mdText`, which also escapes pipes. */
const cell = mdText;

/** Inline code in a table cell: GFM reads a cell's pipes before its code spans, and drops the backslash of `\|`. */
function cellCode(s: string): string {
  return code(s.replace(/\|/g, '\\|'));
}

/**
 * Inline code that shows its text as written: fenced by one backtick more
 * than its longest run of them (CommonMark), padded when it starts or ends
 * with one. Code spans take no markup and no HTML, so nothing else is
 * escaped; a line break becomes a space.
 */
export function code(s: string): string {
  const text = s.replace(/\r\n|\r|\n/g, ' ');
  let longest = 0;
  for (let run = 0, i = 0; i < text.length; i++) {
    run = text[i] === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function where(f: Pick<ReportFinding, 'path' | 'line'>): string {
  return `${f.path}:${f.line}`;
}

/** The header's warning when some files were not reviewed (unreadable, a syntax error, bandit could not check them). */
export function notReviewedLead(errors: readonly { path: string }[]): string {
  const n = new Set(errors.map((e) => e.path)).size;
  return `Not everything was reviewed: ${n} file${n === 1 ? '' : 's'} could not be read, parsed or checked in full`;
}

/** A next step lists at most this many ids of one rule; the rest are counted (the technical findings list them all). */
const STEP_IDS = 12;

/**
 * A next step's ids, as the HTML report gives them: Low's as a count (a
 * thousand `assert`s are one step, not a paragraph of ids), Critical's all
 * (each has its path), the others at most STEP_IDS and the rest counted.
 */
export function stepIds(risk: Risk, ids: readonly string[]): string {
  if (risk === 'Low') return `${ids.length.toLocaleString('en')} finding${ids.length === 1 ? '' : 's'}`;
  if (risk === 'Critical' || ids.length <= STEP_IDS) return ids.join(', ');
  return `${ids.slice(0, STEP_IDS).join(', ')} and ${(ids.length - STEP_IDS).toLocaleString('en')} more`;
}

/** Recommended Next Steps with nothing to fix: not a clean bill of health when files were left out. */
export function nothingToFix(errors: readonly { path: string }[]): string {
  return errors.length ? `Nothing to fix in what was reviewed; first make the files not reviewed readable and valid Python, and review again.` : 'Nothing to fix: keep the review running on every change.';
}

/** Why a review is partial, the same words in every format. */
export function untracedLead(n: number): string {
  return `The input of ${n} injection or code-execution sink${n === 1 ? '' : 's'} could not be traced to its source: ${n === 1 ? 'its finding is' : 'their findings are'} graded at most High until someone checks where that input comes from.`;
}

export function renderMarkdown(m: ReportModel): string {
  const out: string[] = [];
  out.push(`# ${mdText(m.title)}`, '');
  out.push(`- **Application:** ${mdText(m.application)}`);
  out.push(`- **Date:** ${m.date}`);
  out.push(`- **Framework(s):** ${m.frameworks.length ? m.frameworks.map((f) => `${mdText(f.name)} (${f.files} file${f.files === 1 ? '' : 's'})`).join(', ') : 'none detected'}`);
  out.push(`- **Scope:** ${m.scope.paths.map(code).join(', ')} — ${m.scope.files} Python file${m.scope.files === 1 ? '' : 's'} reviewed`);
  out.push(`- **Engines:** ${m.engines.map((e) => (e.ran ? `${e.name} ${e.version ?? ''}`.trim() : `${e.name} (did not run)`)).join(', ')}`);
  if (m.dependencies) out.push(`- **Dependencies:** ${mdText(dependencyHeader(m.dependencies))}`);
  out.push('');
  if (m.errors.length) out.push(`**${notReviewedLead(m.errors)}** (see Files Not Reviewed).`, '');

  out.push('## Risk Summary', '');
  out.push('| Risk | Count | Business impact | CVSS |', '|---|---:|---|---|');
  for (const s of m.summary) out.push(`| ${s.risk} | ${s.count} | ${cell(s.impact)} | ${s.cvss} |`);
  out.push('');
  out.push(`Informational: ${m.positives.length} good practice${m.positives.length === 1 ? '' : 's'} already in place (see What Is Working Well).`, '');
  out.push(`${m.total} open finding${m.total === 1 ? '' : 's'}; ${m.suppressions.length} suppression${m.suppressions.length === 1 ? '' : 's'} reviewed below (${m.unjustified} without a justification).`, '');
  if (m.untraced.length) {
    out.push(`**Partial review.** ${untracedLead(m.untraced.length)}`, '');
    for (const u of m.untraced) out.push(`- ${u.id} ${code(where(u))} (${u.rule}, ${u.sink} sink)`);
    out.push('');
  }

  out.push('## Top 3 Findings', '');
  if (!m.top.length) out.push('No open findings.', '');
  m.top.forEach((f, i) => {
    out.push(`${i + 1}. **${f.risk}: ${f.owaspName.replace(/^A\d+:2021 /, '')} in ${code(where(f))}** (${f.id}). ${f.impact}${f.attackPath ? ` Attack path: ${mdText(f.attackPath)}` : ''} How to fix: ${mdText(f.remediation)}`);
  });
  if (m.top.length) out.push('');

  out.push('## What Is Working Well', '');
  if (!m.positives.length) out.push('No good practices were recognised in the reviewed code.', '');
  for (const p of m.positives) {
    const evidence = p.evidence.length
      ? p.evidence.map((e) => `${code(`${e.path}:${e.line}`)} ${code(e.code)}`).join('; ')
      : `${p.count} file${p.count === 1 ? '' : 's'} reviewed, none calls them`;
    out.push(`- **${p.title}** — ${p.why} Evidence: ${evidence}${p.count > p.evidence.length && p.evidence.length ? ` (${p.count} places in all)` : ''}.`);
  }
  if (m.positives.length) out.push('');

  out.push('## Recommended Next Steps', '');
  if (!m.nextSteps.length && !m.unjustified) out.push(nothingToFix(m.errors), '');
  for (const step of m.nextSteps) {
    out.push(`### ${step.horizon} (${step.risk})`, '');
    for (const it of step.items) {
      out.push(`- ${stepIds(step.risk, it.ids)} (${it.rule}): ${cell(it.text)}`);
      for (const p of it.paths) out.push(`  - ${cell(p)}`);
    }
    out.push('');
  }
  if (m.unjustified) {
    out.push('### Suppressions', '', `- Review the ${m.unjustified} suppression${m.unjustified === 1 ? '' : 's'} without a justification (listed below): confirm each is a false positive and write why, or remove it.`, '');
  }

  out.push('## Technical Findings', '');
  if (!m.findings.length) out.push('No open findings.', '');
  else {
    out.push('| ID | Severity | OWASP category | File | Line | Rule | Description | Remediation |', '|---|---|---|---|---:|---|---|---|');
    for (const f of m.findings) {
      out.push(`| ${f.id} | ${f.risk} | ${cell(f.owaspName)} | ${cellCode(f.path)} | ${f.line} | ${f.rule}${f.cwe !== null ? ` (CWE-${f.cwe})` : ''} | ${cell(f.description)} | ${cell(f.remediation)} |`);
    }
    out.push('');
  }

  if (m.dependencies?.vulnerable.length) {
    out.push('## Vulnerable Dependencies', '');
    out.push(`| ${DEPENDENCY_COLUMNS.join(' | ')} |`, `|${DEPENDENCY_COLUMNS.map(() => '---').join('|')}|`);
    for (const row of dependencyRows(m.dependencies)) out.push(`| ${row.map((c, i) => (i === row.length - 1 ? cellCode(c) : cell(c))).join(' | ')} |`);
    out.push('');
  }

  out.push('## Reviewed and Suppressed', '');
  if (!m.suppressions.length) out.push('No suppression comments in the reviewed code.', '');
  else {
    out.push('| File | Line | Comment | Silences | Justification | Status |', '|---|---:|---|---|---|---|');
    for (const s of m.suppressions) {
      const comment = s.kind === 'nosec' ? `# nosec${s.ids.length ? ' ' + s.ids.join(' ') : ''}` : `# pysec: ignore[${s.ids.join(', ')}]`;
      const status = !s.problems.length ? 'reviewed' : `${s.justified ? 'note' : '**UNJUSTIFIED**'}: ${cell(s.problems.join('; '))}`;
      out.push(`| ${cellCode(s.path)} | ${s.line} | ${cellCode(comment)} | ${cell(s.silences.join(', ')) || '—'} | ${cell(s.justification ?? '(none)')} | ${status} |`);
    }
    out.push('');
    if (m.unjustified) out.push(`**${m.unjustified} suppression${m.unjustified === 1 ? ' has' : 's have'} no justification.** A suppression without review is itself a security gap.`, '');
  }

  out.push('## Engines', '');
  for (const e of m.engines) out.push(`- ${e.name}: ${mdText(e.ran ? `ran, version ${e.version} (${e.detail})` : e.detail)}`);
  out.push('');
  if (m.errors.length) {
    out.push('## Files Not Reviewed', '');
    for (const e of m.errors) out.push(`- ${code(e.path)}: ${mdText(e.message)}`);
    out.push('');
  }
  return out.join('\n');
}
