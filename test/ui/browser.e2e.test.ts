/**
 * `etlctl ui` in a real browser (issue 14 "Done means"): Debian's chromium through playwright-core.
 * Run the demo pipeline (one step fails until a file exists), open the grid, see the cells, filter
 * to failures, open the failed instance's log, rerun it and see it turn green; no response carries
 * the canary secret, the page makes no request off the machine and logs no error.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from '../helpers/browser.js';
import { demoPipeline } from './demo.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'etlctl');
const CANARY = 'canary-UiSecret-93be1c';

let dir: string;
let ui: ChildProcess;
let url: string;
let browser: Browser;
const env = { ...process.env, ETLCTL_CONFIG: '', DEMO_DB_PASSWORD: CANARY };

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/ui/server.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'etlctl-ui-e2e-'));
  writeFileSync(join(dir, 'demo.yaml'), demoPipeline(dir));
  writeFileSync(
    join(dir, 'fine.yaml'),
    demoPipeline(dir, 'fine', false).replace('owner: ops', 'owner: finance'),
  );
  for (const [file, code] of [
    ['demo.yaml', 1],
    ['fine.yaml', 0],
  ] as const) {
    const r = spawnSync(process.execPath, [BIN, 'pipeline', 'activate', file], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(code);
  }
  ui = spawn(process.execPath, [BIN, 'ui', '--port', '0'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((ok, fail) => {
    let out = '';
    ui.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) ok(m[1]);
    });
    ui.on('exit', (code) => fail(new Error(`etlctl ui exited ${code}: ${out}`)));
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (ui && ui.exitCode === null) {
    ui.kill('SIGTERM');
    await new Promise((r) => ui.on('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('etlctl ui in Chromium', () => {
  it('grid → filter failures → log of the failed instance → rerun → green, with no secret in any response', async () => {
    const { page, problems } = await openPage(browser, 'about:blank');
    const bodies: Promise<string>[] = [];
    let streams = 0;
    page.on('response', (r) => {
      // The event stream ends only with the server; it carries change stamps, nothing else.
      if (r.url().includes('/api/events')) streams++;
      else bodies.push(r.text().catch(() => ''));
    });
    await page.goto(url);

    // The grid: one row per pipeline, today's cell counted by status.
    const demoCell = page.locator('a.cell[data-pipeline="demo"]:not(.empty)');
    await demoCell.waitFor();
    expect(await demoCell.getAttribute('data-worst')).toBe('failed');
    expect(await demoCell.getAttribute('title')).toMatch(/1 failed/);
    expect(await page.locator('a.cell[data-pipeline="fine"]:not(.empty)').getAttribute('data-worst')).toBe(
      'ok',
    );
    expect(await page.locator('tr.group th').allTextContents()).toEqual(['finance', 'ops']);

    // Only what failed.
    await page.selectOption('#status-filter', 'failed');
    await page.locator('tr[data-pipeline="fine"]').waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr[data-pipeline]').count()).toBe(1);

    // The failed cell: its instances, the picture coloured by status, the failed step's log.
    await page.locator('a.cell[data-pipeline="demo"]:not(.empty)').click();
    const check = page.locator('tr[data-step^="check"]');
    await check.waitFor();
    expect(await check.getAttribute('data-status')).toBe('FAILED');
    await page.locator('.graph svg g.node[data-status="failed"]').waitFor();
    await check.locator('button.log-btn').first().click();
    await page.locator('#log', { hasText: 'FAIL gate file missing' }).waitFor();

    // Fix the cause, rerun from the page: it (and what failed because of it) turns green.
    writeFileSync(join(dir, 'gate'), '');
    await check.locator('button.rerun').click();
    await page.locator('tr[data-step^="check"][data-status="FINISHED"]').waitFor({ timeout: 30_000 });
    await page.locator('tr[data-step^="publish"][data-status="FINISHED"]').waitFor({ timeout: 30_000 });

    await page.goto(url + '#/');
    await page.selectOption('#status-filter', '');
    await page.locator('a.cell[data-pipeline="demo"][data-worst="ok"]').waitFor();

    // The pipeline page and the audit trail.
    await page.goto(url + '#/pipeline/demo');
    await page.locator('#yaml', { hasText: 'name: demo' }).waitFor();
    await page.locator('#durations rect').first().waitFor();
    await page.goto(url + '#/actions');
    await page.locator('#actions td', { hasText: 'rerun' }).first().waitFor();

    // Live updates: another process changes the store and the open grid shows it, pushed by the
    // server's event stream (the note says "live"; the poll waits 30 s while the stream is open).
    await page.goto(url + '#/');
    await page.locator('a.cell[data-pipeline="fine"][data-worst="ok"]').waitFor();
    expect(streams).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const back = spawnSync(
      process.execPath,
      [BIN, 'pipeline', 'backfill', 'fine', '--from', today, '--to', tomorrow],
      { cwd: dir, env, encoding: 'utf8' },
    );
    expect(back.status, back.stderr).toBe(0);
    await page.locator('a.cell[data-pipeline="fine"][data-worst="waiting"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#note').textContent()).toContain('live');

    const texts = await Promise.all(bodies);
    expect(texts.length).toBeGreaterThan(5);
    for (const t of texts) expect(t).not.toContain(CANARY);
    expect(problems).toEqual([]);
    await page.close();
  });
});
