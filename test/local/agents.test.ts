/**
 * Many agents on one shared PostgreSQL state store (issue 15): separate `etlctl agent` processes,
 * each in its own working directory with its own config and — where root and `ip` are at hand (CI)
 * — its own network namespace (test/local/netns.ts), drain enqueued runs exactly once, route work
 * by worker group, survive an agent killed mid-way through a real extract → load through a shared
 * S3-compatible endpoint, and plan a schedule once when two agents plan it at the same moment.
 * Needs dist/ (built by the global setup).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import S3rver from '@20minutes/s3rver';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MY_DB, PG_DB, PG_URL } from '../db.js';
import { seedSource, sourcePrint, targetPrint } from '../faults/harness.js';
import { tempDir } from './helpers.js';
import type { Machine } from './netns.js';
import { Network } from './netns.js';

const root = resolve(__dirname, '../..');
const bin = join(root, 'bin', 'etlctl');
const admin = new pg.Client({ connectionString: PG_URL });
const agents: ChildProcess[] = [];
/** Schemas this file creates (one per test and run), dropped in afterAll. */
const schemas: string[] = [];
const RUN = `${process.pid.toString(36)}_${Date.now().toString(36)}`;
let s3: { port: number; stop: () => Promise<void> };
let net: Network;
const S3_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', FAULT_DB_PASSWORD: '' };

beforeAll(async () => {
  await admin.connect();
  const dir = tempDir('etlctl-agents-s3-');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'agents-bucket' }],
    // s3rver canonicalises an encoded '/' in list prefixes differently from the SDK.
    allowMismatchedSignatures: true,
  });
  const { port } = await server.run();
  s3 = { port, stop: () => server.close() };
  net = new Network([5432, 3306, port]);
});
afterEach(async () => {
  for (const a of agents.splice(0)) {
    if (a.exitCode === null && a.signalCode === null) {
      a.kill('SIGKILL');
      await new Promise((r) => a.once('exit', r));
    }
  }
});
afterAll(async () => {
  for (const a of agents.splice(0)) if (a.exitCode === null && a.signalCode === null) a.kill('SIGKILL');
  await net?.close();
  await s3?.stop();
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

interface Cluster {
  base: string;
  /** Working directory per machine name. */
  dirs: Record<string, string>;
  machines: Record<string, Machine>;
  schema: string;
}

/**
 * A fresh store schema and a working directory per machine, each with a config naming the shared
 * store and the servers at the address that machine reaches them. `act` is the host (activations).
 */
async function cluster(name: string, machines: string[], extra = (_host: string) => ''): Promise<Cluster> {
  const schema = `${name}_${RUN}`;
  schemas.push(schema);
  const base = tempDir('etlctl-agents-');
  const c: Cluster = { base, dirs: {}, machines: {}, schema };
  for (const m of machines) {
    const machine: Machine = m === 'act' ? { host: '127.0.0.1', prefix: [] } : await net.machine();
    const dir = join(base, m);
    mkdirSync(join(dir, 'config'), { recursive: true });
    const url = `postgres://postgres@${machine.host}:5432/${PG_DB}?schema=${schema}`;
    writeFileSync(
      join(dir, 'config', 'etlctl.yaml'),
      `local:\n  state_url: ${url}\n${extra(machine.host) || '  shared_path: true\n'}`,
    );
    c.dirs[m] = dir;
    c.machines[m] = machine;
  }
  return c;
}

function etlctl(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ETLCTL_CONFIG: '', ...S3_ENV },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function etlctlAsync(
  cwd: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, ETLCTL_CONFIG: '', ...S3_ENV },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((r) => child.on('exit', (code) => r({ code, stdout, stderr })));
}

/** `etlctl agent` on a machine: in its namespace when isolated (`ip netns exec` execs node in place). */
function agent(
  c: Cluster,
  machine: string,
  id: string,
  extra: string[] = [],
): ChildProcess & { log: () => string } {
  const [cmd, ...args] = [
    ...c.machines[machine].prefix,
    process.execPath,
    bin,
    'agent',
    '--id',
    id,
    '--poll',
    '1',
    ...extra,
  ];
  const child = spawn(cmd, args, {
    cwd: c.dirs[machine],
    env: { ...process.env, ETLCTL_CONFIG: '', ...S3_ENV },
  });
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  agents.push(child);
  return Object.assign(child, { log: () => log });
}

async function waitFor(cond: () => Promise<boolean> | boolean, ms = 90_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const shell = (id: string, command: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  type: 'ShellCommandActivity',
  command,
  ...extra,
});

function writeDef(dir: string, name: string, objects: unknown[]): string {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ objects }));
  return `${name}.json`;
}

interface AttemptCount {
  object_id: string;
  status: string;
  worker_id: string | null;
  n: number;
}

async function attemptsBy(schema: string, pipeline: string): Promise<AttemptCount[]> {
  const r = await admin.query<AttemptCount>(
    `SELECT i.object_id, a.status, a.worker_id, COUNT(*)::int AS n FROM ${schema}.attempts a
     JOIN ${schema}.instances i ON i.id = a.instance_id WHERE i.pipeline = $1
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [pipeline],
  );
  return r.rows;
}

/** Pairs of attempts of one instance that overlapped in time (must be none). */
async function overlapping(schema: string): Promise<number> {
  const r = await admin.query(
    `SELECT COUNT(*)::int AS n FROM ${schema}.attempts a JOIN ${schema}.attempts b
     ON a.instance_id = b.instance_id AND a.id < b.id AND b.started_at < COALESCE(a.ended_at, 'z')`,
  );
  return r.rows[0].n as number;
}

describe('many agents on a shared PostgreSQL state store', () => {
  it('(a) two agents in separate processes, directories and networks drain a 40-instance run: each instance once, both at work', async () => {
    const c = await cluster('agents_a', ['act', 'm1', 'm2']);
    const out = join(c.base, 'out.txt');
    const objects = [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      ...Array.from({ length: 40 }, (_, k) =>
        shell(`S${k}`, `sleep 0.2; echo "S${k} $ETLCTL_WORKER_ID" >> ${out}`),
      ),
    ];
    const file = writeDef(c.dirs.act, 'drain', objects);
    const enq = etlctl(c.dirs.act, ['pipeline', 'activate', file, '--enqueue', '--json']);
    expect(enq.code, enq.stderr).toBe(0);
    expect(JSON.parse(enq.stdout).result).toMatchObject({
      mode: 'enqueued',
      pipelines: [{ pipeline: 'drain', instances: 40 }],
    });
    agent(c, 'm1', 'agent-one');
    agent(c, 'm2', 'agent-two');
    const waited = await etlctlAsync(c.dirs.act, [
      'pipeline',
      'wait',
      'drain',
      '--timeout',
      '120s',
      '--json',
    ]);
    expect(waited.code, waited.stderr).toBe(0);
    expect(JSON.parse(waited.stdout).result).toMatchObject({ status: 'FINISHED', counts: { FINISHED: 40 } });

    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(40);
    const attempts = await attemptsBy(c.schema, 'drain');
    expect(attempts.every((a) => a.status === 'FINISHED' && a.n === 1)).toBe(true);
    expect(attempts).toHaveLength(40);
    const byWorker = new Set(attempts.map((a) => a.worker_id));
    expect(byWorker).toEqual(new Set(['agent-one', 'agent-two']));
    // The step saw the agent that ran it.
    for (const a of attempts) expect(lines).toContain(`${a.object_id} ${a.worker_id}`);
  });

  it('(b) an agent SIGKILLed during a real MariaDB → S3 endpoint → PostgreSQL load: the other one finishes after the lease runs out, rows loaded exactly once', async () => {
    const src = `agents_src_${RUN}`;
    const target = `agents_tgt_${RUN}`;
    schemas.push(target);
    await admin.query(`CREATE SCHEMA ${target}`);
    const my = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: MY_DB });
    try {
      await seedSource(my, src, 200_000);
      // Each machine reaches MariaDB, PostgreSQL and the S3 endpoint at its own address for the host.
      const c = await cluster('agents_b', ['act', 'm1', 'm2'], (host) =>
        [
          `  s3_endpoint: http://${host}:${s3.port}`,
          'aws:\n  s3_bucket: agents-bucket\n  s3_base_path: agents',
          'defaults:\n  warehouse: warehouse\n  max_retries: 2',
          'databases:',
          `  app_db:\n    engine: mysql\n    rds_instance_id: app\n    database: ${MY_DB}\n    user: root\n    password: \${env:FAULT_DB_PASSWORD}\n    url: mysql://root@${host}:3306/${MY_DB}`,
          `  warehouse:\n    engine: redshift\n    cluster_id: analytics\n    database: ${PG_DB}\n    user: postgres\n    password: \${env:FAULT_DB_PASSWORD}\n    url: postgres://postgres@${host}:5432/${PG_DB}`,
          '',
        ].join('\n'),
      );
      const yaml = `name: moved\nfrequency: one-time\nsteps:\n  - step_type: extract-rds\n    name: extract\n    host_name: app_db\n    table: ${src}\n  - step_type: create-load-redshift\n    name: load\n    table_definition: tables/items.sql\n    insert_mode: APPEND\n`;
      const table = `CREATE TABLE ${target}.items (\n  id INTEGER NOT NULL,\n  name VARCHAR(100),\n  amount DECIMAL(12,4)\n);\n`;
      // Every machine has the project checked out, as on real servers.
      for (const dir of Object.values(c.dirs)) {
        mkdirSync(join(dir, 'tables'));
        writeFileSync(join(dir, 'tables', 'items.sql'), table);
        writeFileSync(join(dir, 'moved.yaml'), yaml);
      }
      const enq = etlctl(c.dirs.act, [
        'pipeline',
        'activate',
        'moved.yaml',
        '--enqueue',
        '--retry-delay',
        '0s',
      ]);
      expect(enq.code, enq.stderr + enq.stdout).toBe(0);
      const doomed = agent(c, 'm1', 'doomed', ['--lease', '3s', '--retry-delay', '0s']);
      // Killed while loading what it extracted: the extract's output is on the S3 endpoint only.
      await waitFor(async () => {
        const r = await admin.query(
          `SELECT COUNT(*)::int AS n FROM ${c.schema}.attempts a JOIN ${c.schema}.instances i ON i.id = a.instance_id
           WHERE a.status = 'RUNNING' AND a.worker_id = 'doomed' AND i.object_id LIKE 'load%'`,
        );
        return r.rows[0].n > 0 || doomed.exitCode !== null;
      });
      expect(doomed.exitCode, doomed.log()).toBe(null);
      doomed.kill('SIGKILL');
      await new Promise((r) => doomed.once('exit', r));
      agent(c, 'm2', 'survivor', ['--lease', '3s', '--retry-delay', '0s']);
      const waited = await etlctlAsync(c.dirs.act, ['pipeline', 'wait', 'moved', '--timeout', '150s']);
      expect(waited.code, waited.stdout + waited.stderr).toBe(0);

      // Count, distinct ids and a checksum over every value equal the source's.
      expect(await targetPrint(admin, `${target}.items`)).toEqual(await sourcePrint(my, src));
      const attempts = await attemptsBy(c.schema, 'moved');
      const finished = attempts.filter((a) => a.status === 'FINISHED');
      expect(finished.every((a) => a.n === 1)).toBe(true);
      const instances = await admin.query(
        `SELECT COUNT(*)::int AS n FROM ${c.schema}.instances WHERE pipeline = 'moved'`,
      );
      expect(finished).toHaveLength(instances.rows[0].n);
      // The dead agent extracted; the survivor loaded from the S3 endpoint after the lease ran out.
      expect(finished.find((a) => a.object_id.startsWith('extract'))?.worker_id).toBe('doomed');
      expect(finished.find((a) => a.object_id.startsWith('load'))?.worker_id).toBe('survivor');
      const timedOut = attempts.filter((a) => a.status === 'TIMEDOUT');
      expect(timedOut.length).toBeGreaterThanOrEqual(1);
      expect(timedOut.every((a) => a.worker_id === 'doomed')).toBe(true);
      expect(await overlapping(c.schema)).toBe(0);
    } finally {
      await my.query(`DROP TABLE IF EXISTS ${src}`);
      await my.end();
    }
  }, 240_000);

  it('(c) two activations enqueueing the same schedule at the same moment create each instance once', async () => {
    const c = await cluster('agents_c', ['m1', 'm2']);
    const start = new Date(Date.now() - 24 * 3_600_000 - 60_000).toISOString().slice(0, 19);
    const objects = [
      { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'Hourly' } },
      { id: 'Hourly', name: 'Hourly', type: 'Schedule', period: '1 hours', startDateTime: start },
      shell('Tick', 'true'),
      shell('Tock', 'true', { dependsOn: { ref: 'Tick' } }),
    ];
    const f1 = writeDef(c.dirs.m1, 'hourly', objects);
    const f2 = writeDef(c.dirs.m2, 'hourly', objects);
    const [a, b] = await Promise.all([
      etlctlAsync(c.dirs.m1, ['pipeline', 'activate', f1, '--enqueue', '--yes']),
      etlctlAsync(c.dirs.m2, ['pipeline', 'activate', f2, '--enqueue', '--yes']),
    ]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const r = await admin.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT (object_id, scheduled_start))::int AS d
       FROM ${c.schema}.instances WHERE pipeline = 'hourly'`,
    );
    expect(r.rows[0].n).toBe(r.rows[0].d);
    expect(r.rows[0].n).toBeGreaterThanOrEqual(48);
    expect(r.rows[0].n).toBeLessThanOrEqual(52);
  });

  it('(c) two agents planning the same period at the same moment create each instance once, and each runs once', async () => {
    const c = await cluster('agents_c2', ['act', 'm1', 'm2']);
    const out = join(c.base, 'out.txt');
    // The first period falls due after both agents are up: each plans it when it falls due.
    const start = new Date(Date.now() + 25_000);
    start.setUTCMilliseconds(0);
    const objects = [
      { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'Hourly' } },
      {
        id: 'Hourly',
        name: 'Hourly',
        type: 'Schedule',
        period: '1 hours',
        startDateTime: start.toISOString().slice(0, 19),
      },
      ...Array.from({ length: 12 }, (_, k) => shell(`P${k}`, `echo "P${k} $ETLCTL_WORKER_ID" >> ${out}`)),
    ];
    const file = writeDef(c.dirs.act, 'planned', objects);
    const enq = etlctl(c.dirs.act, ['pipeline', 'activate', file, '--enqueue', '--json']);
    expect(enq.code, enq.stderr).toBe(0);
    expect(JSON.parse(enq.stdout).result).toMatchObject({
      pipelines: [{ pipeline: 'planned', instances: 0 }],
    });
    // A long poll: the agents wake for the period's start, not for a poll.
    agent(c, 'm1', 'planner-one', ['--poll', '120']);
    agent(c, 'm2', 'planner-two', ['--poll', '120']);
    const finished = async () =>
      (
        await admin.query(
          `SELECT COUNT(*)::int AS n FROM ${c.schema}.instances WHERE pipeline = 'planned' AND status = 'FINISHED'`,
        )
      ).rows[0].n as number;
    await waitFor(async () => (await finished()) >= 12, 120_000);
    const r = await admin.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT (object_id, scheduled_start))::int AS d,
              MIN(scheduled_start) AS first FROM ${c.schema}.instances WHERE pipeline = 'planned'`,
    );
    expect(r.rows[0]).toMatchObject({ n: 12, d: 12 });
    expect(r.rows[0].first).toBe(start.toISOString());
    // Both agents planned (each recorded a run for the period); the instances were created once.
    const planners = await admin.query(
      `SELECT DISTINCT worker_id FROM ${c.schema}.runs WHERE pipeline = 'planned' AND kind = 'agent'`,
    );
    expect(planners.rows.map((p) => p.worker_id).sort()).toEqual(['planner-one', 'planner-two']);
    const attempts = await attemptsBy(c.schema, 'planned');
    expect(attempts).toHaveLength(12);
    expect(attempts.every((a) => a.status === 'FINISHED' && a.n === 1)).toBe(true);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(await overlapping(c.schema)).toBe(0);
  }, 180_000);

  it('(d) worker groups route work: each agent runs only the activities of its groups', async () => {
    const c = await cluster('agents_d', ['act', 'east', 'west']);
    const out = join(c.base, 'out.txt');
    const objects = [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      ...['E1', 'E2', 'E3'].map((id) =>
        shell(id, `echo ${id} $ETLCTL_WORKER_ID >> ${out}`, { workerGroup: 'east' }),
      ),
      ...['W1', 'W2'].map((id) =>
        shell(id, `echo ${id} $ETLCTL_WORKER_ID >> ${out}`, { workerGroup: 'west' }),
      ),
      // No workerGroup: the default group; downstream of an east step, so it waits for the east agent.
      shell('Any', `echo Any $ETLCTL_WORKER_ID >> ${out}`, { dependsOn: { ref: 'E1' } }),
    ];
    const file = writeDef(c.dirs.act, 'routed', objects);
    expect(etlctl(c.dirs.act, ['pipeline', 'activate', file, '--enqueue']).code).toBe(0);
    agent(c, 'east', 'east-agent', ['--worker-group', 'east']);
    agent(c, 'west', 'west-agent', ['--worker-group', 'west', '--worker-group', 'default']);
    const waited = await etlctlAsync(c.dirs.act, ['pipeline', 'wait', 'routed', '--timeout', '120s']);
    expect(waited.code).toBe(0);
    const ran = Object.fromEntries(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')),
    );
    expect(ran).toEqual({
      E1: 'east-agent',
      E2: 'east-agent',
      E3: 'east-agent',
      W1: 'west-agent',
      W2: 'west-agent',
      Any: 'west-agent',
    });
  });

  it('validate before anything runs: a shared store without an S3 endpoint or shared path, or with an embedded database, is refused', async () => {
    const schema = `agents_v_${RUN}`;
    schemas.push(schema);
    const dir = tempDir('etlctl-agents-');
    mkdirSync(join(dir, 'config'));
    writeFileSync(
      join(dir, 'config', 'etlctl.yaml'),
      `local:\n  state_url: ${PG_URL}?schema=${schema}\ndefaults:\n  warehouse: warehouse\ndatabases:\n  warehouse:\n    engine: postgres\n    url: pglite://memory\n`,
    );
    // validate says it too, at the config lines that cause it.
    writeFileSync(
      join(dir, 'v.yaml'),
      'name: v\nfrequency: one-time\nsteps:\n  - step_type: sql-command\n    name: s\n    command: SELECT 1\n',
    );
    const checked = etlctl(dir, ['pipeline', 'validate', 'v.yaml', '--json']);
    expect(checked.code).toBe(1);
    const found = (
      JSON.parse(checked.stdout) as { diagnostics: { code: string; file?: string; line?: number }[] }
    ).diagnostics;
    expect(found.filter((d) => d.code.startsWith('ETL781'))).toEqual([
      expect.objectContaining({ code: 'ETL7810', file: 'config/etlctl.yaml', line: 2 }),
      expect.objectContaining({ code: 'ETL7811', file: 'config/etlctl.yaml', line: 8 }),
    ]);
    const file = writeDef(dir, 'v', [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      shell('S', 'true'),
      { id: 'warehouse', name: 'warehouse', type: 'RdsDatabase' },
    ]);
    const r = etlctl(dir, ['pipeline', 'activate', file, '--enqueue']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /ETL7810: with a shared state store \(local\.state_url\), steps on other machines/,
    );
    expect(r.stderr).toMatch(/ETL7811: database 'warehouse' is an embedded PGlite database/);
    const a = etlctl(dir, ['agent']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/ETL7810/);
    expect(a.stderr).toMatch(/ETL7811/);
  });
});
