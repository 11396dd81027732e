import { notReviewedLead, nothingToFix, untracedLead } from './markdown.js';
import type { Risk } from '../findings/finding.js';
import type { ReportFinding, ReportModel } from './model.js';
import { DEPENDENCY_COLUMNS, dependencyHeader, dependencyRows } from './dependencies.js';

/**
 * The report as one self-contained HTML page for people who would rather
 * look than read: inline CSS, inline SVG charts (findings by risk and by
 * OWASP category), findings grouped by file with their code. No script and
 * no external resource; the Content-Security-Policy forbids loading any.
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
  const lines = f.excerpt.map((l) => `<span class="${l.hit ? 'hit' : 'ctx'}"><span class="ln">${l.line}</span>${esc(l.text)}</span>`).join('\n');
  return `<pre class="excerpt"><code>${lines}</code></pre>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d232b; background: #f6f7f9; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
header.report { background: #1d232b; color: #fff; padding: 24px; border-radius: 8px; }
header.report h1 { margin: 0 0 8px; font-size: 26px; }
header.report dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
header.report dt { opacity: .75; }
header.report dd { margin: 0; }
section { background: #fff; border-radius: 8px; padding: 16px 24px; margin: 16px 0; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
h2 { font-size: 20px; margin: 4px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { flex: 1 1 150px; border-radius: 8px; padding: 12px 16px; color: #fff; }
.card .count { font-size: 32px; font-weight: 700; display: block; }
.risk-critical { background: ${RISK_COLOUR.Critical}; color: #fff; }
.risk-high { background: ${RISK_COLOUR.High}; color: #fff; }
.risk-medium { background: ${RISK_COLOUR.Medium}; color: #1d232b; }
.risk-low { background: ${RISK_COLOUR.Low}; color: #fff; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
figure.chart { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.bar-label, .bar-count { font: 13px system-ui, sans-serif; fill: #1d232b; }
pre.excerpt { background: #0f1419; color: #e6e1cf; padding: 8px 0; border-radius: 6px; overflow-x: auto; font-size: 13px; }
pre.excerpt span.hit { background: rgba(255, 80, 80, .25); display: inline-block; width: 100%; }
pre.excerpt span.ctx { opacity: .8; }
pre.excerpt .ln { display: inline-block; width: 3.5em; padding-right: 1em; text-align: right; color: #7f8b96; user-select: none; }
.file-group h3 { font-family: ui-monospace, monospace; font-size: 15px; margin: 12px 0 6px; }
.finding { border-left: 4px solid #ccc; padding: 4px 12px; margin: 8px 0; }
.finding.risk-border-critical { border-color: ${RISK_COLOUR.Critical}; }
.finding.risk-border-high { border-color: ${RISK_COLOUR.High}; }
.finding.risk-border-medium { border-color: ${RISK_COLOUR.Medium}; }
.finding.risk-border-low { border-color: ${RISK_COLOUR.Low}; }
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
      `</header>`,
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
      m.nextSteps.map((s) => `<h3>${esc(s.horizon)} (${s.risk})</h3><ul>${s.items.map((it) => `<li>${esc(it.ids.join(', '))} (${esc(it.rule)}): ${esc(it.text)}${it.paths.length ? `<ul>${it.paths.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}</li>`).join('')}</ul>`).join('') +
      (m.unjustified ? `<h3>Suppressions</h3><ul><li>Review the ${m.unjustified} suppression${m.unjustified === 1 ? '' : 's'} without a justification.</li></ul>` : '') +
      `</section>`,
  );

  parts.push(
    `<section id="by-file"><h2>Findings by File</h2>` +
      (m.byFile.length ? '' : '<p>No open findings.</p>') +
      m.byFile
        .map(
          (g) =>
            `<div class="file-group" data-path="${esc(g.path)}"><h3>${esc(g.path)} <small>(${g.findings.length})</small></h3>` +
            g.findings
              .map(
                (f) =>
                  `<div class="finding risk-border-${f.risk.toLowerCase()}" id="${f.id}"><p>${badge(f.risk)} <strong>${f.id}</strong> line ${f.line} · ${esc(f.rule)} · ${esc(f.owaspName)}${f.cwe !== null ? ` · CWE-${f.cwe}` : ''}</p>` +
                  `<p>${esc(f.description)}</p>${excerpt(f)}<p><em>How to fix:</em> ${esc(f.remediation)}</p></div>`,
              )
              .join('') +
            `</div>`,
        )
        .join('') +
      `</section>`,
  );

  parts.push(
    `<section id="technical-findings"><h2>Technical Findings</h2>` +
      (m.findings.length
        ? `<table><thead><tr><th>ID</th><th>Severity</th><th>OWASP category</th><th>File</th><th>Line</th><th>Description</th><th>Remediation</th></tr></thead><tbody>` +
          m.findings.map((f) => `<tr data-id="${f.id}"><td>${f.id}</td><td>${badge(f.risk)}</td><td>${esc(f.owaspName)}</td><td><code>${esc(f.path)}</code></td><td class="num">${f.line}</td><td>${esc(f.rule)}: ${esc(f.description)}</td><td>${esc(f.remediation)}</td></tr>`).join('') +
          `</tbody></table>`
        : '<p>No open findings.</p>') +
      `</section>`,
  );

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
        ? `<table><thead><tr><th>File</th><th>Line</th><th>Comment</th><th>Silences</th><th>Justification</th><th>Status</th></tr></thead><tbody>` +
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
      (m.errors.length ? `<h3 id="files-not-reviewed">Files not reviewed</h3><ul>${m.errors.map((e) => `<li><code>${esc(e.path)}</code>: ${esc(e.message)}</li>`).join('')}</ul>` : '') +
      `</section>`,
  );

  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(m.title)}</title><style>${CSS}</style></head><body><main>\n${parts.join('\n')}\n</main></body></html>\n`
  );
}
