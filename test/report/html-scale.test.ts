/**
 * The HTML report on a project the size of Flask (issue 20, item 2): over a
 * thousand findings, most of them `assert`s and `random` in tests, secrets
 * (one of 265 characters), deep paths, and a few Critical and High findings
 * with their attack paths. Rendered by `report --format html`, loaded in
 * headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * at 1200 px: nothing wider than the page or than its card, the page under
 * 20,000 px with Low collapsed, the file under 600 kB, and a Low group that
 * opens when clicked.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lsp/client.js';
import { runCli } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = !existsSync(CHROMIUM);
const WIDTH = 1200;
const TEST_FILES = 300;
const ASSERTS = 3;
/** A secret this long once widened the Description column to 3,664 px (sqlmap). */
const LONG_SECRET = 'x9'.repeat(132) + 'Q';
/** Folders deep enough that a path is longer than its column. */
const DEEP = ['flaskish', 'a_rather_long_package_name_for_wrapping_tests', 'and_another_deeply_nested_subpackage_name', 'with_one_more_level_to_make_it_long'];

function project(root: string): void {
  const tests = join(root, 'tests');
  mkdirSync(tests, { recursive: true });
  for (let i = 0; i < TEST_FILES; i++) {
    const n = String(i).padStart(3, '0');
    const lines = ['import random', '', `def test_case_${n}():`, `    value = random.random()`];
    for (let a = 0; a < ASSERTS; a++) lines.push(`    assert value >= ${a} or value < ${a + 1}`);
    if (i % 10 === 0) lines.push(`    password = "hunter2-${n}"`, '    assert password');
    writeFileSync(join(tests, `test_module_${n}.py`), lines.join('\n') + '\n');
  }
  const deep = join(root, ...DEEP);
  mkdirSync(deep, { recursive: true });
  // 60 of one Medium rule: past 50, its group starts closed.
  for (let i = 0; i < 60; i++) {
    writeFileSync(join(deep, `module_with_a_long_descriptive_name_number_${String(i).padStart(2, '0')}.py`), `import random\n\n\ndef jitter():\n    return random.random()\n`);
  }
  writeFileSync(join(deep, 'settings.py'), `SECRET_KEY = "k3y-0f-th3-pr0duct10n-s1t3"\npassword = "${LONG_SECRET}"\n`);
  // The Flask fixture app: Critical and High findings with their attack paths.
  const app = join(root, 'app');
  mkdirSync(app);
  for (const f of readdirSync(join(REPO_ROOT, 'test/fixtures/apps/flask'))) copyFileSync(join(REPO_ROOT, 'test/fixtures/apps/flask', f), join(app, f));
}

let tmp: string;
let file: string;
let browser: Browser;

describe.skipIf(MISSING)(MISSING ? `SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)` : 'report --format html on a Flask-sized project, in headless Chromium at 1200 px', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'pysec-report-scale-'));
    const root = join(tmp, 'flaskish');
    project(root);
    file = join(tmp, 'report.html');
    const r = await runCli(['report', '--no-bandit', '--format', 'html', '--output', file, '.'], { cwd: root, timeoutMs: 300_000 });
    expect(r.stderr).toContain('wrote');
    expect(r.code).toBe(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return page;
  }

  it('is under 600 kB with over 1,000 findings', () => {
    const html = readFileSync(file, 'utf8');
    expect(statSync(file).size).toBeLessThan(600 * 1024);
    const rows = html.match(/<tr id="F-\d+"/g) ?? [];
    expect(rows.length).toBeGreaterThanOrEqual(1000);
    // Every finding once in the groups, once in the index by file.
    expect(new Set(rows).size).toBe(rows.length);
    expect((html.match(/<li class="k-\w+"><a href="#F-\d+"/g) ?? []).length).toBe(rows.length);
  });

  it('fits 1200 px, is under 20,000 px with Low collapsed, and a Low group opens', async () => {
    const page = await open();
    try {
      const counts: Record<string, string> = {};
      for (const card of await page.locator('#risk-summary .card').all()) counts[(await card.getAttribute('data-risk'))!] = await card.locator('.count').innerText();
      // 300 test files: 3 asserts, random, and every tenth a secret and its assert (Low in tests); 60 jitters (Medium); the settings' secrets (Critical).
      expect(Number(counts.Low)).toBeGreaterThanOrEqual(TEST_FILES * (ASSERTS + 1) + (TEST_FILES / 10) * 2);
      expect(Number(counts.Critical)).toBeGreaterThanOrEqual(2);

      const size = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
      expect(size.width).toBeLessThanOrEqual(WIDTH);
      expect(size.height).toBeLessThan(20_000);

      // Low and its rules closed; the others open, with their code.
      const low = page.locator('#technical-findings details.risk-group[data-risk="Low"]');
      expect(await low.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      for (const risk of ['Critical', 'High', 'Medium']) {
        expect(await page.locator(`#technical-findings details.risk-group[data-risk="${risk}"]`).evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      }
      expect(await page.locator('#technical-findings details.risk-group[data-risk="Critical"] pre.excerpt').first().isVisible()).toBe(true);
      // Medium open, but its 60 jitters (B311) one closed group with their count.
      const jitters = page.locator('#rule-medium-B311');
      expect(await jitters.locator(':scope > summary').innerText()).toBe('B311 random (60)');
      expect(await jitters.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);

      // The 265-character secret: cut in its row, all of it on expand.
      const secret = page.locator('#rule-critical-B105 tr', { hasText: 'settings.py', has: page.locator('details.long') });
      expect(await secret.count()).toBe(1);
      const long = secret.locator('details.long');
      expect(await long.locator('summary').innerText()).not.toContain(LONG_SECRET);
      await long.locator('summary').click();
      expect(await long.innerText()).toContain(LONG_SECRET);
      expect(await long.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);

      // The next step for Low: a count per rule, not a thousand ids.
      const lowStep = await page.locator('#next-steps h3:has-text("When convenient (Low)") + ul').innerText();
      expect(lowStep).toContain(`${TEST_FILES * ASSERTS + TEST_FILES / 10} findings (B101)`);
      expect(lowStep).not.toMatch(/F-\d+/);

      // Every element of the groups' tables inside its card, the long secret and the deep paths included, with Low open too.
      await low.locator(':scope > summary').click();
      expect(await low.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      const asserts = low.locator('details.rule-group[data-rule="B101"]');
      expect(await asserts.locator('tbody tr').first().isVisible()).toBe(false);
      await asserts.locator(':scope > summary').click();
      expect(await asserts.locator('tbody tr').first().isVisible()).toBe(true);
      await page.evaluate(() => document.querySelectorAll('#technical-findings details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const overflow = await page.evaluate(() => {
        const card = document.querySelector('#technical-findings')!.getBoundingClientRect();
        const out: string[] = [];
        for (const el of document.querySelectorAll('#technical-findings table *')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && (r.right > card.right + 0.5 || r.left < card.left - 0.5)) out.push(`${el.tagName} ${Math.round(r.left)}–${Math.round(r.right)}: ${(el.textContent ?? '').slice(0, 80)}`);
        }
        return { out: out.slice(0, 5), width: document.documentElement.scrollWidth };
      });
      expect(overflow.out).toEqual([]);
      expect(overflow.width).toBeLessThanOrEqual(WIDTH);

    } finally {
      await page.close();
    }
  }, 180_000);
});
