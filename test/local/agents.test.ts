/**
 * Many agents on one shared PostgreSQL state store (issue 15): separate `etlctl agent` processes,
 * each in its own working directory with its own config, drain enqueued runs exactly once, route
 * work by worker group, survive an agent killed mid-run, and plan a schedule once when two
 * activations enqueue it at the same moment. Needs dist/ (built by `npm test`).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL } from '../db.js';
import { tempDir } from './helpers.js';

const root = resolve(__dirname, '../..');
const bin = join(root, 'bin', 'etlctl');
const admin = new pg.Client({ connectionString: PG_URL });
const agents: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/src/local/agent.js')))
    spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  await admin.connect();
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
  await admin.end();
});

/** A fresh schema and a working directory per machine, each with a config naming the shared store. */
async function cluster(schema: string, machines: string[], extra = '') {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const base = tempDir('etlctl-agents-');
  const url = `${PG_URL}?schema=${schema}`;
  const dirs: Record<string, string> = {};
  for (const m of machines) {
    const dir = join(base, m);
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(
      join(dir, 'config', 'etlctl.yaml'),
      `local:\n  state_url: ${url}\n  shared_path: true\n${extra}`,
    );
    dirs[m] = dir;
  }
  return { base, dirs, url };
}

function etlctl(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ETLCTL_CONFIG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function etlctlAsync(
  cwd: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ETLCTL_CONFIG: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((r) => child.on('exit', (code) => r({ code, stdout, stderr })));
}

function agent(cwd: string, id: string, extra: string[] = []): ChildProcess & { log: () => string } {
  const child = spawn(process.execPath, [bin, 'agent', '--id', id, '--poll', '1', ...extra], {
    cwd,
    env: { ...process.env, ETLCTL_CONFIG: '' },
  });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  agents.push(child);
  return Object.assign(child, { log: () => log });
}

async function waitFor(cond: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const shell = (id: string, command: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  type: 'ShellCommandActivity',
  command,
  ...extra,
});

/** Kill the process groups of every step a worker started (a step's environment names its worker). */
function killSteps(workerId: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`ETLCTL_WORKER_ID=${workerId}`)) process.kill(-Number(entry), 'SIGKILL');
    } catch {
      /* gone, or not ours */
    }
  }
}

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

describe('many agents on a shared PostgreSQL state store', () => {
  it('(a) two agents in separate processes and directories drain a 40-instance run: each instance once, both at work', async () => {
    const { base, dirs } = await cluster('scale_agents_a', ['act', 'm1', 'm2']);
    const out = join(base, 'out.txt');
    const objects = [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      ...Array.from({ length: 40 }, (_, k) =>
        shell(`S${k}`, `sleep 0.2; echo "S${k} $ETLCTL_WORKER_ID" >> ${out}`),
      ),
    ];
    const file = writeDef(dirs.act, 'drain', objects);
    const enq = etlctl(dirs.act, ['pipeline', 'activate', file, '--enqueue', '--json']);
    expect(enq.code).toBe(0);
    expect(JSON.parse(enq.stdout).result).toMatchObject({
      mode: 'enqueued',
      pipelines: [{ pipeline: 'drain', instances: 40 }],
    });
    agent(dirs.m1, 'agent-one');
    agent(dirs.m2, 'agent-two');
    const waited = await etlctlAsync(dirs.act, ['pipeline', 'wait', 'drain', '--timeout', '120s', '--json']);
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout).result).toMatchObject({ status: 'FINISHED', counts: { FINISHED: 40 } });

    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(40);
    const attempts = await attemptsBy('scale_agents_a', 'drain');
    expect(attempts.every((a) => a.status === 'FINISHED' && a.n === 1)).toBe(true);
    expect(attempts).toHaveLength(40);
    const byWorker = new Set(attempts.map((a) => a.worker_id));
    expect(byWorker).toEqual(new Set(['agent-one', 'agent-two']));
    // The step saw the agent that ran it.
    for (const a of attempts) expect(lines).toContain(`${a.object_id} ${a.worker_id}`);
  });

  it('(b) an agent killed mid-run: the other finishes everything after the lease runs out, each instance finished once', async () => {
    const { base, dirs } = await cluster('scale_agents_b', ['act', 'm1', 'm2']);
    const out = join(base, 'out.txt');
    const objects = [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand', maximumRetries: '1' },
      ...Array.from({ length: 8 }, (_, k) => shell(`S${k}`, `sleep 2; echo "S${k}" >> ${out}`)),
    ];
    const file = writeDef(dirs.act, 'crash', objects);
    // Retries of the timed-out attempts are due at once (the store keeps each instance's retry delay).
    expect(etlctl(dirs.act, ['pipeline', 'activate', file, '--enqueue', '--retry-delay', '0s']).code).toBe(0);
    const doomed = agent(dirs.m1, 'doomed', ['--lease', '3s', '--retry-delay', '0s']);
    await waitFor(async () => {
      const r = await admin.query(
        "SELECT COUNT(*)::int AS n FROM scale_agents_b.attempts WHERE status = 'RUNNING' AND pid IS NOT NULL",
      );
      return r.rows[0].n >= 2;
    });
    // The machine dies: the agent and every step it started (found by their ETLCTL_WORKER_ID) are gone.
    doomed.kill('SIGKILL');
    await new Promise((r) => doomed.once('exit', r));
    killSteps('doomed');
    agent(dirs.m2, 'survivor', ['--lease', '3s', '--retry-delay', '0s']);
    const waited = await etlctlAsync(dirs.act, ['pipeline', 'wait', 'crash', '--timeout', '120s']);
    expect(waited.code).toBe(0);

    const lines = readFileSync(out, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual(Array.from({ length: 8 }, (_, k) => `S${k}`).sort());
    const attempts = await attemptsBy('scale_agents_b', 'crash');
    const finished = attempts.filter((a) => a.status === 'FINISHED');
    expect(finished.map((a) => a.object_id).sort()).toEqual(lines);
    expect(finished.every((a) => a.n === 1)).toBe(true);
    // The dead agent's attempts timed out (Data Pipeline's silent Task Runner) and ran again on the survivor.
    const timedOut = attempts.filter((a) => a.status === 'TIMEDOUT');
    expect(timedOut.length).toBeGreaterThanOrEqual(2);
    expect(timedOut.every((a) => a.worker_id === 'doomed')).toBe(true);
    // Never two overlapping attempts of one instance.
    const overlap = await admin.query(
      `SELECT COUNT(*)::int AS n FROM scale_agents_b.attempts a JOIN scale_agents_b.attempts b
       ON a.instance_id = b.instance_id AND a.id < b.id AND b.started_at < COALESCE(a.ended_at, 'z')`,
    );
    expect(overlap.rows[0].n).toBe(0);
  }, 180_000);

  it('(c) two activations enqueueing the same schedule at the same moment create each instance once', async () => {
    const { dirs } = await cluster('scale_agents_c', ['m1', 'm2']);
    const start = new Date(Date.now() - 24 * 3_600_000 - 60_000).toISOString().slice(0, 19);
    const objects = [
      { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'Hourly' } },
      { id: 'Hourly', name: 'Hourly', type: 'Schedule', period: '1 hours', startDateTime: start },
      shell('Tick', 'true'),
      shell('Tock', 'true', { dependsOn: { ref: 'Tick' } }),
    ];
    const f1 = writeDef(dirs.m1, 'hourly', objects);
    const f2 = writeDef(dirs.m2, 'hourly', objects);
    const [a, b] = await Promise.all([
      etlctlAsync(dirs.m1, ['pipeline', 'activate', f1, '--enqueue', '--yes']),
      etlctlAsync(dirs.m2, ['pipeline', 'activate', f2, '--enqueue', '--yes']),
    ]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const r = await admin.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT (object_id, scheduled_start))::int AS d
       FROM scale_agents_c.instances WHERE pipeline = 'hourly'`,
    );
    expect(r.rows[0].n).toBe(r.rows[0].d);
    expect(r.rows[0].n).toBeGreaterThanOrEqual(48);
    expect(r.rows[0].n).toBeLessThanOrEqual(52);
  });

  it('(d) worker groups route work: each agent runs only the activities of its groups', async () => {
    const { base, dirs } = await cluster('scale_agents_d', ['act', 'east', 'west']);
    const out = join(base, 'out.txt');
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
    const file = writeDef(dirs.act, 'routed', objects);
    expect(etlctl(dirs.act, ['pipeline', 'activate', file, '--enqueue']).code).toBe(0);
    agent(dirs.east, 'east-agent', ['--worker-group', 'east']);
    agent(dirs.west, 'west-agent', ['--worker-group', 'west', '--worker-group', 'default']);
    const waited = await etlctlAsync(dirs.act, ['pipeline', 'wait', 'routed', '--timeout', '120s']);
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
    const dir = tempDir('etlctl-agents-');
    mkdirSync(join(dir, 'config'));
    writeFileSync(
      join(dir, 'config', 'etlctl.yaml'),
      `local:\n  state_url: ${PG_URL}?schema=scale_agents_v\ndatabases:\n  warehouse:\n    engine: postgres\n    url: pglite://memory\n`,
    );
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
