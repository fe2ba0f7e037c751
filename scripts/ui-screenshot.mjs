/* global process, console, document */
// Regenerates docs/ui-grid.png, the grid screenshot in the README: seeds a state store in a
// temporary folder with a dozen pipelines (owners, tags, a failure, a rerun under way, an
// acknowledged failure, an hourly pipeline), starts the built `etlctl ui` on it and takes a
// picture with Debian's Chromium (playwright-core). Run: npm run build && node scripts/ui-screenshot.mjs
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(repo, 'docs/ui-grid.png'));
const DAY = 86_400_000;

const PIPELINES = [
  ['enrollments', 'learning-analytics', 'core', 4],
  ['course_categories', 'learning-analytics', 'core', 2],
  ['users_snapshot', 'learning-analytics', 'core', 3],
  ['review_words', 'learning-analytics', 'text', 5],
  ['partner_events', 'partnerships', 'events', 3],
  ['partner_payouts', 'partnerships', 'finance', 6],
  ['daily_reports', 'reporting-team', 'reporting', 2],
  ['weekly_kpis', 'reporting-team', 'reporting', 3],
  ['reporting_sync', 'reporting-team', 'reporting', 4],
  ['clickstream_hourly', 'platform', 'events', 2],
  ['qa_examples', 'platform', 'qa', 6],
];

async function seed(work) {
  const stateDir = join(work, '.etlctl');
  mkdirSync(join(work, 'pipelines'), { recursive: true });
  const { SqliteStateStore } = await import(join(repo, 'dist/src/local/state/sqlite.js'));
  const store = await SqliteStateStore.open(stateDir);
  const db = store.db;
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const first = today - 20 * DAY;
  const now = new Date().toISOString();
  const ins = db.prepare(
    `INSERT INTO instances (pipeline, generation, object_id, object_type, scheduled_start, scheduled_end, status, run_id, attempts, rows, error, started_at, ended_at)
     VALUES (?, 1, ?, 'ShellCommandActivity', ?, ?, ?, ?, 1, 1000, ?, ?, ?)`,
  );
  db.transaction(() => {
    PIPELINES.forEach(([name, owner, tag, steps], p) => {
      const file = `pipelines/${name}.yaml`;
      writeFileSync(join(work, file), `name: ${name}\nmeta: { owner: ${owner}, tags: [${tag}] }\n`);
      db.prepare(
        `INSERT INTO pipelines (name, active, version, generation, mode, source_file, cwd, first_activation, updated_at) VALUES (?, ?, 1, 1, 'local', ?, ?, ?, ?)`,
      ).run(name, name === 'weekly_kpis' ? 0 : 1, file, work, new Date(first).toISOString(), now);
      const hourly = name.endsWith('hourly');
      for (let d = 0; d <= 20; d++) {
        for (let h = 0; h < (hourly ? 24 : 1); h++) {
          const start = first + d * DAY + (hourly ? h * 3600_000 : 2 * 3600_000);
          const run = Number(
            db
              .prepare(
                `INSERT INTO runs (pipeline, version, kind, pid, started_at, ended_at, status) VALUES (?, 1, 'agent', 1, ?, ?, 'FINISHED')`,
              )
              .run(name, new Date(start).toISOString(), new Date(start + 600_000).toISOString())
              .lastInsertRowid,
          );
          const fails = hourly ? d % 6 === 1 && h === 3 : (p * 7 + d * 3) % 23 === 0;
          for (let k = 0; k < steps; k++) {
            let status = fails ? (k === 1 ? 'FAILED' : k > 1 ? 'CASCADE_FAILED' : 'FINISHED') : 'FINISHED';
            if (d === 20 && k >= steps - 1)
              status = start + 3600_000 > Date.now() ? 'WAITING_ON_DEPENDENCIES' : 'RUNNING';
            const s = new Date(start).toISOString();
            ins.run(
              name,
              `step_${k}`,
              s,
              new Date(start + (hourly ? 3600_000 : DAY)).toISOString(),
              status,
              run,
              status === 'FAILED' ? 'exit 1' : null,
              s,
              s,
            );
          }
        }
      }
    });
    // One failure someone looked at and acknowledged.
    const failed = db
      .prepare(
        `SELECT id, pipeline FROM instances WHERE status = 'FAILED' AND pipeline = 'reporting_sync' LIMIT 1`,
      )
      .get();
    if (failed)
      db.prepare(
        `INSERT INTO actions (at, actor, action, pipeline, instance_id, note) VALUES (?, 'alice@ops', 'acknowledge', ?, ?, 'source was down')`,
      ).run(now, failed.pipeline, failed.id);
    db.prepare(
      `INSERT INTO actions (at, actor, action, pipeline) VALUES (?, 'alice@ops', 'pause', 'weekly_kpis')`,
    ).run(now);
  })();
  await store.close();
  return stateDir;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'etlctl-ui-shot-'));
  const stateDir = await seed(work);
  const ui = spawn(process.execPath, [join(repo, 'bin/etlctl'), 'ui', '--port', '0'], {
    cwd: work,
    env: { ...process.env, ETLCTL_CONFIG: '', ETLCTL_STATE_DIR_OVERRIDE: stateDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise((ok, fail) => {
      let text = '';
      ui.stdout.on('data', (d) => {
        text += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
        if (m) ok(m[1]);
      });
      ui.on('exit', (c) => fail(new Error(`etlctl ui exited ${c}`)));
    });
    const require = createRequire(join(repo, 'package.json'));
    const { chromium } = require('playwright-core');
    const browser = await chromium.launch({
      executablePath: process.env.ETLCTL_TEST_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 640 }, deviceScaleFactor: 1 });
      await page.goto(url);
      await page.waitForFunction(
        (n) => document.querySelectorAll('#grid tbody tr[data-pipeline]').length === n,
        PIPELINES.length,
      );
      await page.evaluate(() => document.getElementById('note').replaceChildren());
      mkdirSync(dirname(out), { recursive: true });
      await page.screenshot({ path: out, fullPage: true });
    } finally {
      await browser.close();
    }
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    ui.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
