/**
 * Browser tests in the system Chromium through playwright-core (no browser download): launch with
 * the flags RULES.md prescribes, open pages from disk or loopback, and fail a test on any page
 * error, console error or request leaving the machine. Shared by the catalog site tests and the
 * UI tests.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.ETLCTL_TEST_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export function assertChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get update && apt-get install -y chromium\``,
    );
}

export async function launchBrowser(): Promise<Browser> {
  assertChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

export function fileUrl(path: string): string {
  return pathToFileURL(path).href;
}

export interface WatchedPage {
  page: Page;
  /** Page errors, console errors and requests to anything but file:// or loopback, as they happen. */
  problems: string[];
}

/** A new page that records what a self-contained page must never do. */
export async function openPage(browser: Browser, url: string): Promise<WatchedPage> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    const local =
      u.protocol === 'file:' ||
      u.protocol === 'data:' ||
      ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    if (!local) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(url);
  return { page, problems };
}
