/* global process, fetch, performance, document */
// Scenario 8 — ui: `etlctl ui` over a state store seeded with 100 pipelines × 5 daily steps ×
// 200 days = 100,000 instance rows (1% failed, with attempts), the grid of the last 14 days
// (100 × 14 cells) asked for repeatedly; the server's own time (Server-Timing) against the same
// request on a 1-pipeline store. When Chromium is there (/usr/bin/chromium), also the time until
// the page shows every row of the grid, against the same page over the 1-pipeline store (what a
// page costs on this machine at this moment). Targets (issue 14): ≤ 200 ms server-side, ≤ 1 s page.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { median } from '../lib/measure.mjs';

export const name = 'ui';

const DAY = 86_400_000;

function definition(start) {
  const objects = [
    {
      id: 'Default',
      name: 'Default',
      scheduleType: 'cron',
      schedule: { ref: 'Daily' },
      failureAndRerunMode: 'cascade',
    },
    { id: 'Daily', name: 'Daily', type: 'Schedule', period: '1 day', startDateTime: start },
  ];
  for (let k = 0; k < 5; k++)
    objects.push({
      id: `step${k}`,
      name: `step${k}`,
      type: 'ShellCommandActivity',
      workerGroup: 'local',
      command: 'true',
      ...(k > 0 ? { dependsOn: { ref: `step${k - 1}` } } : {}),
    });
  return JSON.stringify({ objects });
}

/** A state.db made by the built etlctl (schema, migrations), then filled with plain inserts. */
export async function seed(repo, stateDir, pipelines, days) {
  mkdirSync(stateDir, { recursive: true });
  const { SqliteStateStore } = await import(join(repo, 'dist/src/local/state/sqlite.js'));
  const store = await SqliteStateStore.open(stateDir);
  const db = store.db;
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const first = today - (days - 1) * DAY;
  const now = new Date().toISOString();
  const insP = db.prepare(
    `INSERT INTO pipelines (name, active, version, generation, mode, first_activation, updated_at) VALUES (?, 1, 1, 1, 'local', ?, ?)`,
  );
  const insD = db.prepare(
    `INSERT INTO definitions (pipeline, version, sha256, json, created_at) VALUES (?, 1, 'x', ?, ?)`,
  );
  const insR = db.prepare(
    `INSERT INTO runs (pipeline, version, kind, pid, started_at, ended_at, status, ok, failed) VALUES (?, 1, 'agent', 1, ?, ?, ?, 5, ?)`,
  );
  const insI = db.prepare(
    `INSERT INTO instances (pipeline, generation, object_id, object_type, scheduled_start, scheduled_end, status, run_id, attempts, rows, error, started_at, ended_at)
     VALUES (?, 1, ?, 'ShellCommandActivity', ?, ?, ?, ?, 1, 1000, ?, ?, ?)`,
  );
  const insA = db.prepare(
    `INSERT INTO attempts (instance_id, run_id, number, started_at, ended_at, status, rows) VALUES (?, ?, 1, ?, ?, ?, 1000)`,
  );
  let n = 0;
  db.transaction(() => {
    for (let p = 0; p < pipelines; p++) {
      const name = `pipeline_${String(p).padStart(3, '0')}`;
      insP.run(name, new Date(first).toISOString(), now);
      insD.run(name, definition(new Date(first).toISOString().slice(0, 19)), now);
      for (let d = 0; d < days; d++) {
        const start = new Date(first + d * DAY + 2 * 3600_000).toISOString();
        const end = new Date(first + (d + 1) * DAY + 2 * 3600_000).toISOString();
        const failedStep = (p * 31 + d * 7) % 100 === 0 ? 2 : -1;
        const status = failedStep >= 0 ? 'FAILED' : 'FINISHED';
        const run = Number(insR.run(name, start, end, status, failedStep >= 0 ? 1 : 0).lastInsertRowid);
        for (let k = 0; k < 5; k++) {
          const s =
            failedStep < 0 || k < failedStep ? 'FINISHED' : k === failedStep ? 'FAILED' : 'CASCADE_FAILED';
          const id = Number(
            insI.run(name, `step${k}`, start, end, s, run, s === 'FINISHED' ? null : 'exit 1', start, end)
              .lastInsertRowid,
          );
          insA.run(id, run, start, end, s);
          n++;
        }
      }
    }
  })();
  await store.close();
  return n;
}

async function startUi(etlctl, cwd, stateDir) {
  const child = spawn(process.execPath, [etlctl, 'ui', '--port', '0'], {
    cwd,
    env: { ...process.env, ETLCTL_CONFIG: '', ETLCTL_STATE_DIR_OVERRIDE: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) ok(m[1]);
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (c) => fail(new Error(`etlctl ui exited ${c}: ${out}`)));
  });
  return { url, stop: () => new Promise((r) => (child.on('exit', r), child.kill('SIGTERM'))) };
}

async function gridTimes(url, reps, expectRows) {
  const server = [];
  const wall = [];
  for (let i = 0; i < reps + 1; i++) {
    const t0 = performance.now();
    const r = await fetch(`${url}api/grid`);
    const body = await r.json();
    const t1 = performance.now();
    if (body.pipelines.length !== expectRows)
      throw new Error(`grid has ${body.pipelines.length} rows, expected ${expectRows}`);
    if (i === 0) continue; // the first request reads the definitions for the next due times
    server.push(Number(/dur=([\d.]+)/.exec(r.headers.get('server-timing') ?? '')?.[1] ?? NaN));
    wall.push(t1 - t0);
  }
  return { server, wall };
}

/**
 * Page loads until every row of the grid is in the page, alternating between the big store and
 * the 1-pipeline one (same browser, same moment), so the ratio holds on a busy machine where the
 * absolute times do not.
 */
async function pageTimes(repo, sites, reps) {
  const chromium = process.env.ETLCTL_TEST_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromium)) return undefined;
  const require = createRequire(join(repo, 'package.json'));
  const { chromium: pw } = require('playwright-core');
  const browser = await pw.launch({
    executablePath: chromium,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  const times = sites.map(() => []);
  try {
    for (let i = 0; i < reps; i++) {
      for (const [k, { url, rows }] of sites.entries()) {
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        const t0 = performance.now();
        await page.goto(url);
        await page.waitForFunction(
          (n) => document.querySelectorAll('#grid tbody tr[data-pipeline]').length === n,
          rows,
        );
        times[k].push(performance.now() - t0);
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  return times;
}

export async function run(ctx) {
  const { repo, etlctl, work, reps, log, opts } = ctx;
  const pipelines = opts.smoke ? 5 : 100;
  const days = opts.smoke ? 20 : 200;
  const big = join(work, 'ui-big', '.etlctl');
  const small = join(work, 'ui-small', '.etlctl');
  const rows = await seed(repo, big, pipelines, days);
  await seed(repo, small, 1, days);
  log(`  seeded ${rows.toLocaleString('en-US')} instance rows over ${pipelines} pipelines`);
  const n = reps(15);
  const bigUi = await startUi(etlctl, join(work, 'ui-big'), big);
  const smallUi = await startUi(etlctl, join(work, 'ui-small'), small).catch(async (e) => {
    await bigUi.stop();
    throw e;
  });
  let bigT;
  let smallT;
  let pages;
  try {
    bigT = await gridTimes(bigUi.url, n, pipelines);
    smallT = await gridTimes(smallUi.url, n, 1);
    pages = await pageTimes(
      repo,
      [
        { url: bigUi.url, rows: pipelines },
        { url: smallUi.url, rows: 1 },
      ],
      Math.max(1, Math.min(n, 7)),
    );
  } finally {
    await Promise.all([bigUi.stop(), smallUi.stop()]);
  }
  const [page, pageSmall] = pages ?? [];
  const m = median(bigT.server);
  const base = median(smallT.server);
  const full = !opts.smoke;
  const out = [
    {
      scenario: 'UI',
      measure: `grid API, ${pipelines} pipelines × 14 days over ${rows.toLocaleString('en-US')} instance rows (server time)`,
      value: m,
      baselineName: '1 pipeline',
      baseline: base,
      ratio: m / base,
      note: `wall ${median(bigT.wall).toFixed(0)} ms on loopback`,
      target: full ? '≤ 200 ms' : '',
      pass: full ? m <= 200 : null,
    },
  ];
  if (page) {
    const pm = median(page);
    const ps = median(pageSmall);
    out.push({
      scenario: 'UI',
      measure: `page shows all ${pipelines} grid rows in Chromium`,
      value: pm,
      baselineName: 'the 1-pipeline page',
      baseline: ps,
      ratio: pm / ps,
      target: full ? '≤ 1 s' : '',
      pass: full ? pm <= 1000 : null,
    });
  }
  return {
    rows: out,
    samples: {
      grid: bigT.server.map((ms) => ({ ms })),
      gridSmall: smallT.server.map((ms) => ({ ms })),
      page: (page ?? []).map((ms) => ({ ms })),
      pageSmall: (pageSmall ?? []).map((ms) => ({ ms })),
    },
  };
}
