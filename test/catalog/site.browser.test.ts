/**
 * The catalog site in Chromium, opened from disk as a user would (issue 16): search finds a
 * column, the lineage graph of analytics.enrollments runs extract → staging → analytics, and
 * personal columns are marked with their PII level. Nothing is fetched from the network.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { fileUrl, launchBrowser, openPage } from '../helpers/browser.js';

let browser: Browser;
let site: string;

beforeAll(async () => {
  const dir = tempDir('etlctl-catalog-site-');
  cpSync(join(ROOT, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  const r = runCli(['catalog', 'build', '-o', 'site'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  site = fileUrl(join(dir, 'site', 'index.html'));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('catalog site (Chromium, file://)', () => {
  it('search finds a column by name and shows its PII level', async () => {
    const { page, problems } = await openPage(browser, site);
    await expect.poll(() => page.locator('#tables tr').count()).toBeGreaterThan(10);
    await page.fill('#search', 'email');
    const hit = page.locator('a.result[data-kind="column"]', { hasText: 'analytics.users.email' });
    await expect.poll(() => hit.count()).toBe(1);
    expect(await hit.locator('.pii').getAttribute('data-pii')).toBe('pii');
    await hit.click();
    const row = page.locator('#columns tr[data-column="email"]');
    await expect.poll(() => row.getAttribute('class')).toContain('selected');
    expect(await page.locator('h2').first().textContent()).toBe('analytics.users');
    expect(await row.locator('.pii').textContent()).toBe('pii');
    expect(await row.textContent()).toContain('Login e-mail address');
    expect(problems).toEqual([]);
  });

  it('search covers descriptions and tags', async () => {
    const { page, problems } = await openPage(browser, site);
    await page.fill('#search', 'written about the learner');
    await expect
      .poll(() => page.locator('a.result').allTextContents())
      .toEqual([expect.stringContaining('analytics.enrollments.note')]);
    await page.fill('#search', 'no such words anywhere');
    await expect.poll(() => page.locator('a.result').count()).toBe(0);
    await page.fill('#search', 'personal-data');
    const tables = page.locator('a.result[data-kind="table"]');
    await expect
      .poll(() => tables.allTextContents())
      .toEqual(
        expect.arrayContaining([
          expect.stringContaining('analytics.users'),
          expect.stringContaining('staging.users'),
        ]),
      );
    expect(problems).toEqual([]);
  });

  it('lineage of analytics.enrollments reads extract → staging → analytics, left to right', async () => {
    const { page, problems } = await openPage(
      browser,
      `${site}#table/${encodeURIComponent('warehouse:analytics.enrollments')}`,
    );
    const node = (id: string) => page.locator(`#lineage g.node[data-id="${id}"]`);
    await expect.poll(() => node('warehouse:analytics.enrollments').count()).toBe(1);
    const x = async (id: string) => (await node(id).boundingBox())!.x;
    const source = await x('app_db:enrollments');
    const staging = await x('warehouse:staging.enrollments');
    const analytics = await x('warehouse:analytics.enrollments');
    const report = await x('warehouse:analytics.daily_enrollment_counts');
    expect(source).toBeLessThan(staging);
    expect(staging).toBeLessThan(analytics);
    expect(analytics).toBeLessThan(report);
    expect(await node('warehouse:analytics.enrollments').getAttribute('class')).toContain('focus');
    const edge = (from: string, to: string) =>
      page.locator(`#lineage g.edge[data-from="${from}"][data-to="${to}"] text`);
    expect(await edge('app_db:enrollments', 'warehouse:staging.enrollments').textContent()).toBe(
      'extract_enrollments → load_staging',
    );
    expect(await edge('warehouse:staging.enrollments', 'warehouse:analytics.enrollments').textContent()).toBe(
      'merge_enrollments',
    );
    // PII levels of the personal columns, and the unclassified mark for none declared.
    const pii = (c: string) => page.locator(`#columns tr[data-column="${c}"] .pii`).getAttribute('data-pii');
    expect(await pii('user_id')).toBe('pii');
    expect(await pii('note')).toBe('pii');
    expect(await pii('status')).toBe('none');
    expect(problems).toEqual([]);
  });

  it('a column shows where it comes from, hop by hop, and nodes navigate', async () => {
    const { page, problems } = await openPage(
      browser,
      `${site}#table/${encodeURIComponent('warehouse:analytics.enrollments')}`,
    );
    await page.locator('#columns tr[data-column="user_id"] a').first().click();
    const chain = page.locator('ul.upchain li');
    await expect
      .poll(() => chain.allTextContents())
      .toEqual([
        expect.stringMatching(
          /^← staging\.enrollments\.user_id identity, via enrollments\.merge_enrollments$/,
        ),
        expect.stringMatching(
          /^← enrollments\.user_id identity, via enrollments\.extract_enrollments → enrollments\.load_staging$/,
        ),
      ]);
    await page.locator('#lineage g.node[data-id="warehouse:staging.enrollments"]').click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe('staging.enrollments');
    expect(problems).toEqual([]);
  });
});
