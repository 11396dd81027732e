import { notReviewedLead, nothingToFix, untracedLead } from './markdown.js';
import type { Risk } from '../findings/finding.js';
import { RISK_ORDER } from './grading.js';
import type { ReportFinding, ReportModel } from './model.js';
import { DEPENDENCY_COLUMNS, dependencyHeader, dependencyRows } from './dependencies.js';

/**
 * The report as one self-contained HTML page for people who would rather
 * look than read: inline CSS, inline SVG charts (findings by risk and by
 * OWASP category), the findings grouped by risk then rule, and an index by
 * file. No script and no external resource; the Content-Security-Policy
 * forbids loading any.
 *
 * It scales to a real project (a thousand findings, most of them `assert`s
 * in tests): every group is a `<details>` with its count, Low collapsed; the
 * rule's text and remediation said once per group; code shown for Critical
 * and High, one click away for the rest; long values wrapped or cut with
 * the full text on expand; the tables fixed to the page's width.
 */

const RISK_COLOUR: Readonly<Record<Risk, string>> = { Critical: '#8b0000', High: '#d9480f', Medium: '#e0a800', Low: '#1c7ed6' };

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Bar {
  label: string;
  title: string;
  count: number;
  colour: string;
}

/** A horizontal bar chart; each bar says its count in text, so the chart reads without colour. */
function barChart(id: string, caption: string, bars: readonly Bar[], labelW: number): string {
  const rowH = 28;
  const barW = 360;
  const max = Math.max(1, ...bars.map((b) => b.count));
  const h = Math.max(1, bars.length) * rowH + 10;
  const rows = bars
    .map((b, i) => {
      const y = 5 + i * rowH;
      const w = b.count === 0 ? 0 : Math.max(3, Math.round((b.count / max) * barW));
      return (
        `<g class="bar" data-label="${esc(b.label)}" data-count="${b.count}"><title>${esc(b.title)}: ${b.count}</title>` +
        `<text x="${labelW - 8}" y="${y + 18}" text-anchor="end" class="bar-label">${esc(b.label)}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${w}" height="${rowH - 8}" fill="${b.colour}" rx="3"></rect>` +
        `<text x="${labelW + w + 6}" y="${y + 18}" class="bar-count">${b.count}</text></g>`
      );
    })
    .join('');
  return (
    `<figure class="chart" id="${id}"><figcaption>${esc(caption)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(caption)}" width="${labelW + barW + 50}" height="${h}" viewBox="0 0 ${labelW + barW + 50} ${h}">${rows}</svg></figure>`
  );
}

function badge(risk: Risk): string {
  return `<span class="badge risk-${risk.toLowerCase()}">${risk}</span>`;
}

function excerpt(f: ReportFinding): string {
  // One block per line: a long line wraps under its own text, not under the line numbers.
  const lines = f.excerpt.map((l) => `<span class="${l.hit ? 'hit' : 'ctx'}"><span class="ln">${l.line}</span>${esc(l.text)}</span>`).join('');
  return `<pre class="excerpt"><code>${lines}</code></pre>`;
}

/** Past this many characters a value (a secret in a message, a path sentence) is cut, the whole of it one click away. */
const LONG = 160;

/** Workspace text, escaped; a long one cut, with the full text on expand. */
function clipped(s: string): string {
  if (s.length <= LONG) return esc(s);
  return `<details class="long"><summary>${esc(s.slice(0, LONG - 40))}… <small>(${s.length} characters: show all)</small></summary>${esc(s)}</details>`;
}

/** A High or Medium rule with more findings than this starts closed. */
const RULE_OPEN = 50;

/** A next step lists at most this many ids of one rule; the rest are counted (its group has them all). */
const STEP_IDS = 12;

function idLinks(ids: readonly string[]): string {
  return ids.map((id) => `<a href="#${id}">${id}</a>`).join(', ');
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A next step's ids: Low's as a count per rule (a thousand `assert`s are one
 * step, not a paragraph of ids), the others as links, at most STEP_IDS of
 * them and the rest counted (Critical's all: each has its path below).
 */
function stepIds(risk: Risk, ids: readonly string[], rule: string): string {
  const group = `<a href="#rule-${risk.toLowerCase()}-${esc(rule)}">`;
  if (risk === 'Low') return `${group}${plural(ids.length, 'finding')}</a>`;
  if (risk === 'Critical' || ids.length <= STEP_IDS) return idLinks(ids);
  return `${idLinks(ids.slice(0, STEP_IDS))} and ${group}${(ids.length - STEP_IDS).toLocaleString('en')} more</a>`;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): [string, T[]][] {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return [...out.entries()];
}

/**
 * Critical and High show their code; the rest on demand, as the finding's
 * line only (a code block per `assert` is what made the page unreadable).
 * A row is short (its cells styled by position, not by class): a thousand
 * of them must stay well under the page's 600 kB.
 */
function findingRow(f: ReportFinding, common: string | null): string {
  const shown = f.risk === 'Critical' || f.risk === 'High';
  const code = shown ? excerpt(f) : `<details><summary>Code</summary><pre><code>${esc(f.code)}</code></pre></details>`;
  // Divs, not paragraphs: a cut value is a <details>, which a <p> cannot hold.
  const description = f.description === common ? '' : `<div>${clipped(f.description)}</div>`;
  const path = f.attackPath ? `<div><em>Attack path:</em> ${clipped(f.attackPath)}</div>` : '';
  return `<tr id="${f.id}"><td>${f.id}</td><td>${esc(f.path)}</td><td>${f.line}</td><td>${description}${path}${code}</td></tr>`;
}

/**
 * The findings by risk, then rule: each group a `<details>` with its count,
 * Low's closed (and its rules' too: opening Low shows a count per rule),
 * and a High or Medium rule's past RULE_OPEN findings (that many of one
 * rule are a pattern to fix once, not a list to read: its count says it).
 * The rule's category, CWE, message and remediation are said once, in the
 * group; its table fits the page (fixed layout, values wrapped).
 */
function byRisk(m: ReportModel): string {
  if (!m.findings.length) return '<p>No open findings.</p>';
  return groupBy(m.findings, (f) => f.risk)
    .map(([risk, fs]) => {
      const open = risk === 'Low' ? '' : ' open';
      const rules = groupBy(fs, (f) => f.rule).sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const groups = rules
        .map(([rule, rs]) => {
          const f = rs[0];
          const common = rs.every((r) => r.description === f.description) ? f.description : null;
          const ruleOpen = risk === 'Critical' || (open && rs.length <= RULE_OPEN) ? open : '';
          return (
            `<details class="rule-group" id="rule-${risk.toLowerCase()}-${esc(rule)}" data-rule="${esc(rule)}"${ruleOpen}><summary><strong>${esc(rule)}</strong> ${esc(f.name)} <span class="count">(${rs.length.toLocaleString('en')})</span></summary>` +
            `<div class="rule-meta">${esc(f.owaspName)}${f.cwe !== null ? ` · CWE-${f.cwe}` : ''}${common !== null ? ` · ${clipped(common)}` : ''}</div>` +
            `<p class="remediation"><em>How to fix:</em> ${esc(f.remediation)}</p>` +
            `<table class="findings"><colgroup><col class="c-id"><col class="c-file"><col class="c-line"><col></colgroup>` +
            `<thead><tr><th>ID</th><th>File</th><th>Line</th><th>${common !== null ? 'Code' : 'Description and code'}</th></tr></thead><tbody>` +
            rs.map((r) => findingRow(r, common)).join('') +
            `</tbody></table></details>`
          );
        })
        .join('');
      return `<details class="risk-group" data-risk="${risk}"${open}><summary>${badge(risk as Risk)} ${plural(fs.length, 'finding')} <small>(${plural(rules.length, 'rule')})</small></summary>${groups}</details>`;
    })
    .join('');
}

/**
 * The index by file: each file's findings as links into the groups, the
 * files open when few, and the whole list one click away when many (a few
 * hundred files are a page of their own).
 */
function byFile(m: ReportModel): string {
  if (!m.byFile.length) return '<p>No open findings.</p>';
  const open = m.byFile.length <= 20 ? ' open' : '';
  const files = m.byFile
    .map((g) => {
      const counts = RISK_ORDER.map((risk) => [risk, g.findings.filter((f) => f.risk === risk).length] as const).filter(([, n]) => n > 0).map(([risk, n]) => `${n} ${risk}`);
      return (
        `<details class="file-group"${open}><summary><code>${esc(g.path)}</code> <span class="count">(${g.findings.length})</span> <small>${counts.join(', ')}</small></summary><ul class="refs">` +
        g.findings.map((f) => `<li class="k-${f.risk.toLowerCase()}"><a href="#${f.id}">${f.id}</a> line ${f.line} ${esc(f.rule)}</li>`).join('') +
        `</ul></details>`
      );
    })
    .join('');
  return m.byFile.length <= 50 ? files : `<details class="file-list"><summary>${plural(m.byFile.length, 'file')} with findings</summary>${files}</details>`;
}

/** Files not reviewed, at the top: the reader must know before the Risk Summary that it is not the whole project. */
function notReviewed(m: ReportModel): string {
  if (!m.errors.length) return '';
  const list = `<ul>${m.errors.map((e) => `<li><code>${esc(e.path)}</code>: ${clipped(e.message)}</li>`).join('')}</ul>`;
  return (
    `<section id="files-not-reviewed" class="warning"><h2>Files not reviewed</h2><p>${esc(notReviewedLead(m.errors))}: the findings below are not the whole picture.</p>` +
    (m.errors.length > 10 ? `<details><summary>${plural(new Set(m.errors.map((e) => e.path)).size, 'file')}: show the list</summary>${list}</details>` : list) +
    `</section>`
  );
}

// Every value may be long (a 265-character secret, a deep path): text breaks anywhere rather than widen its box,
// and the tables' columns are fixed, so nothing is wider than the page or cut off at its edge.
const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d232b; background: #f6f7f9; overflow-wrap: anywhere; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
header.report { background: #1d232b; color: #fff; padding: 24px; border-radius: 8px; }
header.report h1 { margin: 0 0 8px; font-size: 26px; }
header.report dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 16px; margin: 0; }
header.report dt { opacity: .75; }
header.report dd { margin: 0; }
section { background: #fff; border-radius: 8px; padding: 16px 24px; margin: 16px 0; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
section.warning { border-left: 6px solid #b00020; }
h2 { font-size: 20px; margin: 4px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; table-layout: fixed; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
col.c-id { width: 6.5em; } col.c-file { width: 28%; } col.c-line { width: 4.5em; }
#suppressed col.c-line { width: 4.5em; } #suppressed col.c-file { width: 28%; } #suppressed col.c-comment { width: 18%; }
table.findings td > div { margin: 0 0 4px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { flex: 1 1 150px; border-radius: 8px; padding: 12px 16px; color: #fff; }
.card .count { font-size: 32px; font-weight: 700; display: block; }
.risk-critical { background: ${RISK_COLOUR.Critical}; color: #fff; }
.risk-high { background: ${RISK_COLOUR.High}; color: #fff; }
.risk-medium { background: ${RISK_COLOUR.Medium}; color: #1d232b; }
.risk-low { background: ${RISK_COLOUR.Low}; color: #fff; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
ul.refs li::before { font-size: 12px; font-weight: 600; margin-right: .5em; }
li.k-critical::before { content: "Critical"; color: ${RISK_COLOUR.Critical}; } li.k-high::before { content: "High"; color: ${RISK_COLOUR.High}; }
li.k-medium::before { content: "Medium"; color: #8a6700; } li.k-low::before { content: "Low"; color: ${RISK_COLOUR.Low}; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
figure.chart { margin: 0; max-width: 100%; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.bar-label, .bar-count { font: 13px system-ui, sans-serif; fill: #1d232b; }
pre.excerpt { background: #0f1419; color: #e6e1cf; padding: 8px 12px 8px 0; border-radius: 6px; font-size: 13px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.excerpt > code > span { display: block; padding-left: 4.5em; text-indent: -4.5em; }
pre.excerpt span.hit { background: rgba(255, 80, 80, .25); }
pre.excerpt span.ctx { opacity: .8; }
pre.excerpt .ln { display: inline-block; width: 3.5em; padding-right: 1em; text-indent: 0; text-align: right; color: #7f8b96; user-select: none; }
details > summary { cursor: pointer; }
details.risk-group { margin: 8px 0; }
details.risk-group > summary { font-size: 17px; font-weight: 600; padding: 4px 0; }
details.rule-group { margin: 6px 0 10px 16px; }
details.rule-group > summary { font-size: 15px; padding: 2px 0; }
table.findings td:nth-child(2) { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
table.findings td:nth-child(3) { text-align: right; font-variant-numeric: tabular-nums; }
table.findings td > details > summary, details.long > summary small { color: #495057; font-size: 13px; }
table.findings td > details > pre { background: #0f1419; color: #e6e1cf; padding: 4px 1em; border-radius: 6px; font-size: 13px; margin: 4px 0; white-space: pre-wrap; }
.rule-meta, .remediation { margin: 4px 0; }
details.file-group > summary { padding: 2px 0; }
details.file-list > summary { font-weight: 600; }
ul.refs { margin: 2px 0 8px; }
.unjustified { color: #b00020; font-weight: 600; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
ol.top li { margin-bottom: 8px; }
`;

export function renderHtml(m: ReportModel): string {
  const parts: string[] = [];
  const fw = m.frameworks.length ? m.frameworks.map((f) => `${f.name} (${f.files} file${f.files === 1 ? '' : 's'})`).join(', ') : 'none detected';
  parts.push(
    `<header class="report"><h1>${esc(m.title)}</h1><dl>` +
      `<dt>Application</dt><dd>${esc(m.application)}</dd>` +
      `<dt>Date</dt><dd><time datetime="${esc(m.generatedAt)}">${esc(m.date)}</time></dd>` +
      `<dt>Framework(s)</dt><dd id="frameworks">${esc(fw)}</dd>` +
      `<dt>Scope</dt><dd>${m.scope.paths.map((p) => `<code>${esc(p)}</code>`).join(', ')} — ${m.scope.files} Python file${m.scope.files === 1 ? '' : 's'} reviewed</dd>` +
      (m.dependencies ? `<dt>Dependencies</dt><dd id="dependencies-status">${esc(dependencyHeader(m.dependencies))}</dd>` : '') +
      `</dl>` +
      (m.errors.length ? `<p id="not-reviewed" class="unjustified">${esc(notReviewedLead(m.errors))} (see <a href="#files-not-reviewed">Files not reviewed</a>).</p>` : '') +
      `</header>` +
      notReviewed(m),
  );

  parts.push(
    `<section id="risk-summary"><h2>Risk Summary</h2><div class="cards">` +
      m.summary.map((s) => `<div class="card risk-${s.risk.toLowerCase()}" data-risk="${s.risk}"><span class="count">${s.count}</span>${s.risk}<br><small>${esc(s.impact)}</small></div>`).join('') +
      `</div><p>${m.total} open finding${m.total === 1 ? '' : 's'}; ${m.suppressions.length} suppression${m.suppressions.length === 1 ? '' : 's'} reviewed (${m.unjustified} without a justification). ` +
      `Informational: ${m.positives.length} good practice${m.positives.length === 1 ? '' : 's'} already in place (below).</p>` +
      (m.untraced.length
        ? `<div id="partial-review"><p><strong>Partial review.</strong> ${esc(untracedLead(m.untraced.length))}</p><ul>${m.untraced.map((u) => `<li>${u.id} <code>${esc(u.path)}:${u.line}</code> (${esc(u.rule)}, ${esc(u.sink)} sink)</li>`).join('')}</ul></div>`
        : '') +
      `<div class="charts">` +
      barChart('chart-risk', 'Findings by risk', m.summary.map((s) => ({ label: s.risk, title: `${s.risk} (CVSS ${s.cvss})`, count: s.count, colour: RISK_COLOUR[s.risk] })), 90) +
      barChart('chart-owasp', 'Findings by OWASP Top 10 (2021) category', m.byOwasp.map((o) => ({ label: `${o.id} ${o.name}`, title: `${o.id}:2021 ${o.name}`, count: o.count, colour: '#495057' })), 340) +
      `</div></section>`,
  );

  parts.push(
    `<section id="top-findings"><h2>Top 3 Findings</h2>` +
      (m.top.length
        ? `<ol class="top">${m.top.map((f) => `<li>${badge(f.risk)} <strong>${esc(f.owaspName.replace(/^A\d+:2021 /, ''))} in <code>${esc(f.path)}:${f.line}</code></strong> (${f.id}). ${esc(f.impact)}${f.attackPath ? ` <em>Attack path:</em> ${esc(f.attackPath)}` : ''} <em>How to fix:</em> ${esc(f.remediation)}</li>`).join('')}</ol>`
        : '<p>No open findings.</p>') +
      `</section>`,
  );

  parts.push(
    `<section id="working-well"><h2>What Is Working Well</h2>` +
      (m.positives.length
        ? `<ul>${m.positives
            .map(
              (p) =>
                `<li class="positive" data-id="${p.id}"><strong>${esc(p.title)}</strong> — ${esc(p.why)}` +
                (p.evidence.length ? `<ul>${p.evidence.map((e) => `<li><code>${esc(e.path)}:${e.line}</code> <code>${esc(e.code)}</code></li>`).join('')}</ul>` : ` <small>(${p.count} file${p.count === 1 ? '' : 's'} reviewed, none calls them)</small>`) +
                `</li>`,
            )
            .join('')}</ul>`
        : '<p>No good practices were recognised in the reviewed code.</p>') +
      `</section>`,
  );

  parts.push(
    `<section id="next-steps"><h2>Recommended Next Steps</h2>` +
      (m.nextSteps.length ? '' : `<p>${esc(nothingToFix(m.errors))}</p>`) +
      m.nextSteps.map((s) => `<h3>${esc(s.horizon)} (${s.risk})</h3><ul>${s.items.map((it) => `<li>${stepIds(s.risk, it.ids, it.rule)} (${esc(it.rule)}): ${esc(it.text)}${it.paths.length ? `<ul>${it.paths.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}</li>`).join('')}</ul>`).join('') +
      (m.unjustified ? `<h3>Suppressions</h3><ul><li>Review the ${m.unjustified} suppression${m.unjustified === 1 ? '' : 's'} without a justification.</li></ul>` : '') +
      `</section>`,
  );

  parts.push(
    `<section id="technical-findings"><h2>Technical Findings</h2>` +
      (m.findings.length ? `<p class="hint">By risk, then rule; click a group to open or close it. The index by file follows.</p>` : '') +
      byRisk(m) +
      `</section>`,
  );

  parts.push(`<section id="by-file"><h2>Findings by File</h2>${byFile(m)}</section>`);

  // The dependency audit's own section (issue 15), kept apart from the technical table.
  if (m.dependencies?.vulnerable.length) {
    parts.push(
      `<section id="vulnerable-dependencies"><h2>Vulnerable Dependencies</h2><table><thead><tr>${DEPENDENCY_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>` +
        dependencyRows(m.dependencies)
          .map((row) => `<tr>${row.map((c, i) => (i === row.length - 1 ? `<td><code>${esc(c)}</code></td>` : `<td>${esc(c)}</td>`)).join('')}</tr>`)
          .join('') +
        `</tbody></table></section>`,
    );
  }

  parts.push(
    `<section id="suppressed"><h2>Reviewed and Suppressed</h2>` +
      (m.suppressions.length
        ? `<table><colgroup><col class="c-file"><col class="c-line"><col class="c-comment"><col><col><col></colgroup><thead><tr><th>File</th><th>Line</th><th>Comment</th><th>Silences</th><th>Justification</th><th>Status</th></tr></thead><tbody>` +
          m.suppressions
            .map((s) => {
              const comment = s.kind === 'nosec' ? `# nosec${s.ids.length ? ' ' + s.ids.join(' ') : ''}` : `# pysec: ignore[${s.ids.join(', ')}]`;
              const status = !s.problems.length ? 'reviewed' : `<span class="${s.justified ? 'note' : 'unjustified'}">${s.justified ? 'note' : 'UNJUSTIFIED'}: ${esc(s.problems.join('; '))}</span>`;
              return `<tr class="suppression${s.justified ? '' : ' unjustified-row'}"><td><code>${esc(s.path)}</code></td><td class="num">${s.line}</td><td><code>${esc(comment)}</code></td><td>${esc(s.silences.join(', ') || '—')}</td><td>${esc(s.justification ?? '(none)')}</td><td>${status}</td></tr>`;
            })
            .join('') +
          `</tbody></table>` +
          (m.unjustified ? `<p class="unjustified">${m.unjustified} suppression${m.unjustified === 1 ? ' has' : 's have'} no justification. A suppression without review is itself a security gap.</p>` : '')
        : '<p>No suppression comments in the reviewed code.</p>') +
      `</section>`,
  );

  parts.push(
    `<section id="engines"><h2>Engines</h2><ul>${m.engines.map((e) => `<li>${esc(e.name)}: ${e.ran ? `ran, version ${esc(e.version ?? '?')} (${esc(e.detail)})` : esc(e.detail)}</li>`).join('')}</ul>` +
      (m.errors.length ? `<p>Some files were not reviewed: see <a href="#files-not-reviewed">Files not reviewed</a>.</p>` : '') +
      `</section>`,
  );

  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(m.title)}</title><style>${CSS}</style></head><body><main>\n${parts.join('\n')}\n</main></body></html>\n`
  );
}
