/**
 * Fault injection on the real servers (issue 12, item 4). One pipeline — extract-rds from MariaDB
 * → create-load-redshift APPEND into a PostgreSQL stage → upsert into a table — over
 * FAULT_ROWS (default 100,000) rows, broken the ways operations break things, each followed by a
 * resume (`pipeline activate` again):
 * - SIGKILL at seeded random moments (FAULT_TRIALS trials, default 2; `npm run faults` runs 20);
 * - SIGKILL exactly after each commit (extract's S3 object, the load's and the merge's
 *   transactions) through ETLCTL_FAULT;
 * - the load's connection killed mid-COPY (pg_terminate_backend) and the extract's (MariaDB KILL);
 * - the warehouse restarted mid-load (a private PostgreSQL started for the trial: the shared
 *   servers are never restarted);
 * - the staging directory's disk full (a 1 MB tmpfs mounted over the local S3 folder).
 * After every resume: the stage and the table hold exactly the source's rows (count, distinct keys,
 * checksum), and the state store says so (every instance FINISHED once, with the rows it moved).
 * FAULT_SEED changes the random moments; FAULT_REPORT=path writes the figures as JSON.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_DB } from '../db.js';
import type { Fingerprint, Project, RunResult, Servers } from './harness.js';
import {
  connectServers,
  makeProject,
  prng,
  run,
  seedSource,
  sourcePrint,
  start,
  storeAttempts,
  storeInstances,
  targetPrint,
  waitFor,
} from './harness.js';

const ROWS = Number(process.env.FAULT_ROWS ?? 100_000);
const TRIALS = Number(process.env.FAULT_TRIALS ?? 2);
const SEED = Number(process.env.FAULT_SEED ?? 20261203);
const SRC = 'fx_fault_src';
const SCHEMA = 'fx_fault';
const LONG = 20 * 60_000;

let s: Servers;
let expected: Fingerprint;
/** A clean run's duration: random kills fall inside it. */
let cleanMs = 6000;

interface TrialRecord {
  kind: string;
  trial: string;
  killedAfterMs?: number;
  /** The process ended before the fault (the kill came too late). */
  missed?: boolean;
  resumes: number;
  stage: Fingerprint;
  items: Fingerprint;
  lost: number;
  duplicated: number;
  ok: boolean;
}
const records: TrialRecord[] = [];

beforeAll(async () => {
  s = await connectServers();
  await seedSource(s.my, SRC, ROWS);
  expected = await sourcePrint(s.my, SRC);
  await s.pg.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
}, LONG);

afterAll(async () => {
  const sum = (f: (r: TrialRecord) => number) => records.reduce((n, r) => n + f(r), 0);
  const report = {
    rows: ROWS,
    seed: SEED,
    trials: records.length,
    killedMidRun: records.filter((r) => !r.missed).length,
    lostRows: sum((r) => r.lost),
    duplicatedRows: sum((r) => r.duplicated),
    failedTrials: records.filter((r) => !r.ok).map((r) => `${r.kind} ${r.trial}`),
    records,
  };
  if (process.env.FAULT_REPORT)
    writeFileSync(process.env.FAULT_REPORT, JSON.stringify(report, null, 2) + '\n');
  console.log(
    `fault trials: ${report.trials} (${report.killedMidRun} hit mid-run), ${ROWS} rows each, seed ${SEED}: ` +
      `${report.lostRows} rows lost, ${report.duplicatedRows} duplicated, failed: ${report.failedTrials.join(', ') || 'none'}`,
  );
  await s?.my.query(`DROP TABLE IF EXISTS ${SRC}`);
  await s?.pg.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await s?.close();
}, LONG);

const columns = `  id INTEGER NOT NULL,
  name VARCHAR(100),
  amount DECIMAL(12,4)`;

/** A project running pipeline `name` (its own stage and items tables) against `pgUrl`. */
function faultProject(name: string, pgUrl?: string): Project {
  return makeProject(
    {
      [`${name}.yaml`]: `name: ${name}
frequency: one-time
steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    table: ${SRC}
  - step_type: create-load-redshift
    name: load_stage
    table_definition: tables/stage.sql
    insert_mode: APPEND
  - step_type: upsert
    name: merge
    source: tables/stage.sql
    destination: tables/items.sql
`,
    },
    {
      'tables/stage.sql': `CREATE TABLE ${SCHEMA}.${name}_stage (\n${columns}\n);\n`,
      'tables/items.sql': `CREATE TABLE ${SCHEMA}.${name}_items (\n${columns},\n  PRIMARY KEY (id)\n);\n`,
    },
    { pgUrl },
  );
}

const activate = (name: string) => ['pipeline', 'activate', `${name}.yaml`];

/** Resume until a run ends well (at most 3 runs); the first resume is expected to. */
async function resume(p: Project, name: string): Promise<{ runs: number; last: RunResult }> {
  let last: RunResult | undefined;
  for (let i = 1; i <= 3; i++) {
    last = await run(p, activate(name));
    if (last.code === 0) return { runs: i, last };
  }
  return { runs: 3, last: last! };
}

/** The checks after every resume; records the trial's figures. */
async function verify(
  p: Project,
  name: string,
  kind: string,
  trial: string,
  resumed: { runs: number; last: RunResult },
  extra: Partial<TrialRecord> = {},
  client: pg.Client = s.pg,
): Promise<void> {
  const stage = await targetPrint(client, `${SCHEMA}.${name}_stage`);
  const items = await targetPrint(client, `${SCHEMA}.${name}_items`);
  const lost = Math.max(0, expected.count - Math.min(stage.distinct, items.distinct));
  const duplicated = stage.count - stage.distinct + (items.count - items.distinct);
  const ok = resumed.last.code === 0 && stage.sum === expected.sum && items.sum === expected.sum;
  records.push({ kind, trial, resumes: resumed.runs, stage, items, lost, duplicated, ok, ...extra });

  expect(resumed.last.code, resumed.last.out).toBe(0);
  expect(resumed.last.out).not.toMatch(/database is locked|ETL9000/);
  expect(stage).toEqual(expected);
  expect(items).toEqual(expected);
  // The state store tells the truth: every step FINISHED, by exactly one finished attempt.
  const instances = await storeInstances(p, name);
  for (const id of ['extract.Extract', 'load_stage.Load', 'merge.Upsert']) {
    const i = instances.get(id);
    expect(i?.status, id).toBe('FINISHED');
    const finished = (await storeAttempts(p, i!.id)).filter((a) => a.status === 'FINISHED');
    expect(finished.length, id).toBe(1);
  }
  expect(instances.get('extract.Extract')?.rows).toBe(ROWS);
  expect(instances.get('load_stage.Load')?.rows).toBe(ROWS);
}

describe('fault injection: extract → APPEND load → upsert', () => {
  it(
    'a clean run (the baseline the random kills fall into)',
    async () => {
      const p = faultProject('fx_clean');
      const t0 = Date.now();
      const r = await run(p, activate('fx_clean'));
      cleanMs = Date.now() - t0;
      await verify(p, 'fx_clean', 'clean', '0', { runs: 1, last: r });
    },
    LONG,
  );

  it(
    `SIGKILL at ${TRIALS} seeded random moments, then resume: 0 lost, 0 duplicated`,
    async () => {
      for (let k = 0; k < TRIALS; k++) {
        const rnd = prng(SEED + k);
        const name = `fx_rand${k}`;
        const p = faultProject(name);
        const at = Math.floor(rnd() * cleanMs);
        const child = start(p, activate(name));
        let timer: NodeJS.Timeout | undefined;
        const killer = new Promise<void>((r) => {
          timer = setTimeout(() => {
            process.kill(child.pid, 'SIGKILL');
            r();
          }, at);
        });
        const first = await Promise.race([child.done, killer.then(() => child.done)]);
        clearTimeout(timer);
        const missed = first.signal !== 'SIGKILL';
        await verify(p, name, 'random-kill', String(k), await resume(p, name), { killedAfterMs: at, missed });
      }
    },
    LONG,
  );

  for (const fault of [
    'after-s3-commit:extract.Extract',
    'after-target-commit:load_stage.Load',
    'after-target-commit:merge.Upsert',
  ]) {
    it(
      `SIGKILL exactly at ${fault}, then resume: 0 lost, 0 duplicated`,
      async () => {
        const reps = Math.max(1, Math.ceil(TRIALS / 4));
        for (let k = 0; k < reps; k++) {
          const name = `fx_${fault.split(':')[1].split('.')[0]}${k}`;
          const p = faultProject(name);
          const killed = await run(p, activate(name), { ETLCTL_FAULT: fault });
          expect(killed.signal, killed.out).toBe('SIGKILL');
          await verify(p, name, 'kill-at-commit', `${fault} #${k}`, await resume(p, name));
        }
      },
      LONG,
    );
  }

  it(
    'the load’s connection killed mid-COPY (pg_terminate_backend), then resume',
    async () => {
      const name = 'fx_pgkill';
      const p = faultProject(name);
      const child = start(p, activate(name));
      let pid: number | undefined;
      await waitFor(async () => {
        const r = await s.pg.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state = 'active'
           AND query ILIKE 'COPY %${name}_stage%' AND pid <> pg_backend_pid()`,
          [PG_DB],
        );
        pid = r.rows[0]?.pid as number | undefined;
        return pid !== undefined || child.out().includes('Done.');
      });
      expect(pid, 'the COPY was seen').toBeDefined();
      await s.pg.query('SELECT pg_terminate_backend($1)', [pid]);
      const first = await child.done;
      expect(first.out).not.toMatch(/ETL9000|Unhandled/);
      await verify(p, name, 'pg-terminate-backend', '0', await resume(p, name));
    },
    LONG,
  );

  it(
    'the warehouse restarted mid-load (a private PostgreSQL), then resume',
    async () => {
      const server = await privatePostgres();
      if (!server.ok) {
        console.log(`skipped the restart trial: ${server.why}`);
        return;
      }
      const client = new pg.Client({
        host: '127.0.0.1',
        port: server.port,
        user: 'postgres',
        database: 'postgres',
      });
      client.on('error', () => undefined);
      try {
        const name = 'fx_restart';
        const p = faultProject(name, `postgres://postgres@127.0.0.1:${server.port}/postgres`);
        await client.connect();
        const child = start(p, activate(name));
        await waitFor(async () => {
          const r = await client.query(
            `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query ILIKE 'COPY %${name}_stage%'`,
          );
          return r.rows.length > 0 || child.out().includes('Done.');
        });
        await client.end().catch(() => undefined);
        expect(server.pgctl('restart', '-m', 'immediate').status, 'pg_ctl restart').toBe(0);
        const first = await child.done;
        expect(first.out).not.toMatch(/ETL9000|Unhandled/);
        const after = new pg.Client({
          host: '127.0.0.1',
          port: server.port,
          user: 'postgres',
          database: 'postgres',
        });
        after.on('error', () => undefined);
        await after.connect();
        try {
          await verify(p, name, 'db-restart', '0', await resume(p, name), {}, after);
        } finally {
          await after.end().catch(() => undefined);
        }
      } finally {
        await client.end().catch(() => undefined);
        server.stop();
      }
    },
    LONG,
  );

  it(
    'the staging directory’s disk full (1 MB tmpfs), then resume with space',
    async (ctx) => {
      const name = 'fx_diskfull';
      const p = faultProject(name);
      const staging = join(p.dir, '.etlctl', 's3');
      mkdirSync(staging, { recursive: true });
      const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', staging], { encoding: 'utf8' });
      if (m.status !== 0) {
        console.log(
          `skipped the disk-full trial: cannot mount a tmpfs (${m.stderr.trim() || m.error?.message})`,
        );
        ctx.skip();
        return;
      }
      let mounted = true;
      try {
        const first = await run(p, activate(name));
        expect(first.code, first.out).not.toBe(0);
        expect(first.out).toMatch(/no space|ENOSPC/i);
        expect(first.out).not.toMatch(/ETL9000/);
        // Nothing was loaded from a half-written object.
        expect((await targetPrint(s.pg, `${SCHEMA}.${name}_stage`)).count).toBe(0);
        expect(spawnSync('umount', [staging]).status).toBe(0);
        mounted = false;
        await verify(p, name, 'disk-full', '0', await resume(p, name));
      } finally {
        if (mounted) spawnSync('umount', ['-l', staging]);
      }
    },
    LONG,
  );
});

interface PrivateServer {
  ok: true;
  port: number;
  pgctl(...args: string[]): ReturnType<typeof spawnSync>;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** initdb + pg_ctl on a free port in a temp dir (as user postgres when run as root). */
async function privatePostgres(): Promise<PrivateServer | { ok: false; why: string }> {
  const bin = spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], {
    encoding: 'utf8',
  }).stdout.trim();
  if (!bin) return { ok: false, why: 'no PostgreSQL binaries under /usr/lib/postgresql/*/bin' };
  const dir = mkdtempSync(join(tmpdir(), 'etlctl-faults-pg-'));
  const root = process.getuid?.() === 0;
  if (root)
    chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), -1);
  const port = await freePort();
  const data = join(dir, 'data');
  const as = (cmd: string[]) => {
    const line = cmd.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    return root
      ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', line], { encoding: 'utf8' })
      : spawnSync('sh', ['-c', line], { encoding: 'utf8' });
  };
  const init = as([`${bin}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  if (init.status !== 0) return { ok: false, why: `initdb failed: ${init.stderr}` };
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgctl = (...args: string[]) =>
    as([`${bin}/pg_ctl`, '-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', ...args]);
  const started = pgctl('start');
  if (started.status !== 0) return { ok: false, why: `pg_ctl start failed: ${started.stderr}` };
  return {
    ok: true,
    port,
    pgctl,
    stop: () => {
      as([`${bin}/pg_ctl`, '-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
