/**
 * `report --format html` rendered in headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core): what a reader sees — the
 * sections, the counts in the charts, the findings by risk then rule with
 * their code, the index by file — and that the page asks for nothing over
 * the network. The Flask-sized report is html-scale.test.ts's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let tmp: string;
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  tmp = mkdtempSync(join(tmpdir(), 'pysec-report-html-'));
  // A fresh profile (user-data-dir) for every run.
  context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  requests: string[];
  violations: string[];
  html: string;
}

async function open(app: string): Promise<Opened> {
  const file = join(tmp, `${app}.html`);
  const r = await runCli(['report', '--no-bandit', '--format', 'html', '--output', file, `test/fixtures/apps/${app}`]);
  expect(r.code).toBe(0);
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  // Loads the Content-Security-Policy blocks would not show up as requests: record the attempts too.
  await page.addInitScript(() => {
    (window as unknown as { __violations: string[] }).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __violations: string[] }).__violations.push(e.blockedURI));
  });
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  return { page, requests: requests.filter((u) => u !== url), violations, html: readFileSync(file, 'utf8') };
}

describe('report --format html in headless Chromium', () => {
  it('shows the Flask report: sections, chart counts, file groups, code; no network', async () => {
    const { page, requests, violations, html } = await open('flask');
    try {
      expect(await page.title()).toBe('Security review: flask');
      const text = await page.locator('body').innerText();
      for (const heading of ['Risk Summary', 'Top 3 Findings', 'What Is Working Well', 'Recommended Next Steps', 'Findings by File', 'Technical Findings', 'Reviewed and Suppressed', 'Engines']) {
        await expect(page.getByRole('heading', { name: heading, exact: true }).isVisible()).resolves.toBe(true);
      }
      expect(text).toContain('Flask (2 files)');
      expect(text).toContain('bandit did not run: --no-bandit was given');

      // The risk chart: one bar per risk, its count as visible text.
      const bars = page.locator('#chart-risk g.bar');
      expect(await bars.count()).toBe(4);
      const risk: Record<string, string> = {};
      for (const b of await bars.all()) risk[(await b.getAttribute('data-label'))!] = (await b.locator('text.bar-count').textContent())!;
      // app.py and tasks.py, and views.py's handlers in pairs (test/cli/apps-risk.test.ts), graded by attack path;
      // pickle.loads(blob) in tasks.py has no traced caller, so it is High, and the review partial.
      expect(risk).toEqual({ Critical: '8', High: '12', Medium: '3', Low: '13' });
      expect(await page.locator('#partial-review').isVisible()).toBe(true);
      expect(await page.locator('#partial-review li').allInnerTexts()).toContainEqual(expect.stringMatching(/^F-\d{3} test\/fixtures\/apps\/flask\/tasks\.py:10 \(B301, deserialisation sink\)$/));
      expect(await page.locator('#top-findings li').first().innerText()).toContain('Attack path: ');
      expect(await page.locator('#chart-risk svg').isVisible()).toBe(true);
      const critical = await page.locator('#chart-risk g.bar[data-label="Critical"] rect').boundingBox();
      expect(critical!.width).toBeGreaterThan(10);

      // The OWASP chart: A01 2, A03 Injection 18, A04 6, A05 4, A08 2, A10 2.
      const owasp: Record<string, string> = {};
      for (const b of await page.locator('#chart-owasp g.bar').all()) owasp[(await b.getAttribute('data-label'))!.slice(0, 3)] = (await b.locator('text.bar-count').textContent())!;
      expect(owasp).toEqual({ A01: '2', A03: '20', A04: '6', A05: '4', A08: '2', A10: '2' });

      // Technical findings by risk, then rule (issue 20): a group per risk with its count, Low closed; the code of Critical and High shown.
      const riskGroups = page.locator('#technical-findings details.risk-group');
      expect(await riskGroups.evaluateAll((ds) => ds.map((d) => `${(d as HTMLElement).dataset.risk} ${(d as HTMLDetailsElement).open}`))).toEqual(['Critical true', 'High true', 'Medium true', 'Low false']);
      expect(await riskGroups.locator(':scope > summary').allInnerTexts()).toEqual(['Critical 8 findings (5 rules)', 'High 12 findings (11 rules)', 'Medium 3 findings (3 rules)', 'Low 13 findings (10 rules)']);
      const sqli = page.locator('#rule-critical-B608');
      expect(await sqli.locator(':scope > summary').innerText()).toBe('B608 hardcoded_sql_expressions (2)');
      expect(await sqli.locator('pre.excerpt .hit').first().innerText()).toContain('cur.execute(f"SELECT * FROM users WHERE id = {user_id}")');
      expect(await sqli.locator('pre.excerpt').first().isVisible()).toBe(true);
      expect(await page.locator('#technical-findings tbody tr').count()).toBe(36);
      // Medium and Low: the code one click away, as the finding's line.
      const medium = page.locator('#technical-findings details.risk-group[data-risk="Medium"] tbody tr').first();
      expect(await medium.locator('pre').isVisible()).toBe(false);
      await medium.locator('details > summary', { hasText: 'Code' }).click();
      expect(await medium.locator('pre').isVisible()).toBe(true);
      // Low opens on a click; its next step is a count per rule.
      const low = riskGroups.last();
      expect(await low.locator('tbody tr').first().isVisible()).toBe(false);
      await low.locator(':scope > summary').click();
      await low.locator('details.rule-group > summary').first().click();
      expect(await low.locator('tbody tr').first().isVisible()).toBe(true);
      expect(await page.locator('#next-steps h3:has-text("(Low)") + ul li').first().innerText()).toMatch(/^\d+ findings? \(B\d{3}\): /);

      // The index by file: three files, each open (few files) with its count by risk, linking to the findings.
      const groups = page.locator('.file-group');
      expect(await groups.count()).toBe(3);
      expect(await groups.locator(':scope > summary').allInnerTexts()).toEqual([
        'test/fixtures/apps/flask/app.py (6) 3 Critical, 2 High, 1 Low',
        'test/fixtures/apps/flask/tasks.py (5) 2 High, 3 Low',
        'test/fixtures/apps/flask/views.py (25) 5 Critical, 8 High, 3 Medium, 9 Low',
      ]);
      const link = groups.first().locator('a').first();
      const target = (await link.getAttribute('href'))!;
      expect(target).toMatch(/^#F-\d{3}$/);
      expect(await page.locator(`#technical-findings tr${target}`).count()).toBe(1);
      // A link into a closed group shows its finding: Chromium opens the <details> around a fragment's target.
      await low.evaluate((d) => ((d as HTMLDetailsElement).open = false));
      const lowLink = groups.locator('li.k-low a').last();
      const lowTarget = (await lowLink.getAttribute('href'))!;
      expect(await page.locator(`tr${lowTarget}`).isVisible()).toBe(false);
      await lowLink.click();
      await page.locator(`tr${lowTarget}`).waitFor({ state: 'visible', timeout: 30_000 });

      // Suppressions: the unjustified one is called out, visibly.
      expect(await page.locator('#suppressed tr.suppression').count()).toBe(2);
      expect(await page.locator('#suppressed .unjustified').first().isVisible()).toBe(true);
      expect(text).toContain('1 suppression has no justification');

      // Self-contained: no request but the page itself, nothing blocked, no external reference, no script.
      expect(requests).toEqual([]);
      expect(violations).toEqual([]);
      expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<link/i);
    } finally {
      await page.close();
    }
  }, 120_000);

  it.each([
    // With the views and routes in pairs (shop/flows.py, routes.py: test/cli/apps-risk.test.ts).
    ['django', { Critical: '8', High: '8', Medium: '7', Low: '7' }, 3],
    ['fastapi', { Critical: '6', High: '10', Medium: '4', Low: '7' }, 2],
  ])('shows the %s report with its counts and file groups', async (app, counts, files) => {
    const { page, requests, violations } = await open(app);
    try {
      const risk: Record<string, string> = {};
      for (const b of await page.locator('#chart-risk g.bar').all()) risk[(await b.getAttribute('data-label'))!] = (await b.locator('text.bar-count').textContent())!;
      expect(risk).toEqual(counts);
      for (const card of await page.locator('#risk-summary .card').all()) {
        expect(await card.locator('.count').innerText()).toBe(counts[(await card.getAttribute('data-risk')) as keyof typeof counts]);
      }
      expect(await page.locator('.file-group').count()).toBe(files);
      expect(requests).toEqual([]);
      expect(violations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
