/**
 * attemptTimeout cancels the work, not just the wait (issue 12 item 6, issue 13 item 6): the
 * statement is cancelled on the server (PostgreSQL pg_cancel_backend, MariaDB KILL QUERY), a shell
 * step's whole process group is killed, the attempt ends soon after the timeout, and the
 * retry/onFail rules follow. Checked on the real servers: the statement is gone from
 * pg_stat_activity / information_schema.PROCESSLIST, the shell's children are gone by pid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileObjectJson } from '../../src/definition/json.js';
import type { Driver } from '../../src/local/drivers/types.js';
import type { EngineEvent } from '../../src/local/engine.js';
import { runDefinition } from '../../src/local/engine.js';
import { openStateStore } from '../../src/local/state/open.js';
import { MY_URL, PG_URL } from '../db.js';
import { BIN } from '../helpers.js';
import { definition, onDemandDefault, shell, tempDir } from './helpers.js';
import { definitionProject, startCli, useServers } from './servers.js';

const servers = useServers();

const config = {
  databases: {
    pg: { name: 'pg', engine: 'postgres' as const, url: PG_URL },
    my: { name: 'my', engine: 'mysql' as const, url: MY_URL },
  },
};

/** Statements still running on the server whose text contains `marker` (other than this check). */
async function running(kind: 'pg' | 'my', marker: string): Promise<number> {
  if (kind === 'pg') {
    const r = await servers.pg.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`,
      [`%${marker}%`],
    );
    return Number(r.rows[0].n);
  }
  const r = await servers.my.query(
    `SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()`,
    [`%${marker}%`],
  );
  return Number(r.rows[0].n);
}

/** Polls `check` up to `ms` for it to turn true (the server may take a moment to tidy up). */
async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function recorder(): { events: EngineEvent[]; reporter: { event(e: EngineEvent): void } } {
  const events: EngineEvent[] = [];
  return { events, reporter: { event: (e) => events.push(e) } };
}

const endsOf = (events: EngineEvent[]) =>
  events.filter((e): e is Extract<EngineEvent, { kind: 'end' }> => e.kind === 'end');

function sqlStep(db: 'pg' | 'my', script: string, extra: Record<string, unknown> = {}): FileObjectJson[] {
  return [
    { id: 'Db', name: 'Db', type: 'RdsDatabase', myConnection: db, rdsInstanceId: db },
    {
      id: 'Slow',
      name: 'Slow',
      type: 'SqlActivity',
      workerGroup: 'local',
      database: { ref: 'Db' },
      script,
      attemptTimeout: '3 seconds',
      ...extra,
    },
  ];
}

describe.each([
  ['pg', 'PostgreSQL', (tag: string) => `SELECT pg_sleep(20) AS ${tag}`],
  ['my', 'MariaDB', (tag: string) => `SELECT SLEEP(20) AS ${tag}`],
] as const)('attemptTimeout on %s', (db, engine, sleep20) => {
  it(`a 3 s timeout on a 20 s ${engine} statement ends in seconds and the statement is gone from the server`, async () => {
    const tag = `etl_timeout_${db}_${Date.now()}`;
    const { events, reporter } = recorder();
    const t0 = Date.now();
    const summary = await runDefinition(
      definition(`timeout-${db}`, [onDemandDefault(), ...sqlStep(db, sleep20(tag))]),
      {
        config,
        stateDir: join(tempDir(), '.etlctl'),
        reporter,
      },
    );
    const elapsed = Date.now() - t0;
    expect(summary.instances[0]).toMatchObject({ objectId: 'Slow', status: 'FAILED' });
    expect(summary.instances[0].error).toMatch(/attempt timed out after 3 seconds/);
    expect(summary.exitCode).toBe(1);
    // Far from the statement's 20 s: the timeout ended it (3 s and a little).
    expect(elapsed).toBeLessThan(8000);
    expect(endsOf(events)[0]).toMatchObject({ status: 'FAILED' });
    expect(endsOf(events)[0].elapsedMs).toBeGreaterThanOrEqual(3000);
    expect(await eventually(async () => (await running(db, tag)) === 0)).toBe(true);
  });

  it(`a timed-out ${engine} statement retries per maximumRetries, then onFail fires`, async () => {
    const tag = `etl_retry_${db}_${Date.now()}`;
    const stateDir = join(tempDir(), '.etlctl');
    const { events, reporter } = recorder();
    const objects: FileObjectJson[] = [
      onDemandDefault(),
      {
        id: 'Alarm',
        name: 'Alarm',
        type: 'SnsAlarm',
        topicArn: 'arn:aws:sns:us-east-1:1:t',
        subject: 's',
        message: 'm',
      },
      ...sqlStep(db, sleep20(tag), { maximumRetries: '1', onFail: { ref: 'Alarm' } }),
    ];
    const summary = await runDefinition(definition(`timeout-retry-${db}`, objects), {
      config,
      stateDir,
      reporter,
      retryDelayMs: 1,
    });
    expect(summary.instances[0]).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(endsOf(events).map((e) => e.status)).toEqual(['TIMEDOUT', 'FAILED']);
    const store = await openStateStore({ stateDir });
    try {
      const gen = (await store.pipeline(`timeout-retry-${db}`))!.generation;
      const row = (await store.instances(`timeout-retry-${db}`, gen))[0];
      expect((await store.attempts(row.id)).map((a) => a.status)).toEqual(['TIMEDOUT', 'TIMEDOUT']);
    } finally {
      await store.close();
    }
    expect(readFileSync(join(stateDir, 'alerts.ndjson'), 'utf8')).toMatch(/"event":"onFail"/);
    expect(await eventually(async () => (await running(db, tag)) === 0)).toBe(true);
  });
});

describe('attemptTimeout on an extract (CopyActivity SQL → S3)', () => {
  it.each([
    ['my', `SELECT seq, SLEEP(0.01) AS etl_extract_my FROM seq_1_to_2000`],
    ['pg', `SELECT i, pg_sleep(0.01) AS etl_extract_pg FROM generate_series(1, 2000) AS i`],
  ] as const)('%s: the extract query is cancelled on the server', async (db, query) => {
    const marker = `etl_extract_${db}`;
    const objects: FileObjectJson[] = [
      onDemandDefault(),
      { id: 'Db', name: 'Db', type: 'RdsDatabase', myConnection: db, rdsInstanceId: db },
      {
        id: 'Src',
        name: 'Src',
        type: 'SqlDataNode',
        database: { ref: 'Db' },
        table: 'x',
        selectQuery: query,
      },
      { id: 'Out', name: 'Out', type: 'S3DataNode', directoryPath: 's3://bkt/cancel/' },
      {
        id: 'Extract',
        name: 'Extract',
        type: 'CopyActivity',
        workerGroup: 'local',
        input: { ref: 'Src' },
        output: { ref: 'Out' },
        attemptTimeout: '2 seconds',
      },
    ];
    const t0 = Date.now();
    const summary = await runDefinition(definition(`timeout-extract-${db}`, objects), {
      config,
      stateDir: join(tempDir(), '.etlctl'),
    });
    expect(summary.instances[0]).toMatchObject({ status: 'FAILED' });
    expect(summary.instances[0].error).toMatch(/timed out/);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(await eventually(async () => (await running(db, marker)) === 0)).toBe(true);
  });
});

/** Whether a process is alive (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('attemptTimeout on a shell step', () => {
  it.each([
    ['children that end on SIGTERM', ''],
    ['children that ignore SIGTERM (killed with SIGKILL)', "trap '' TERM; "],
  ])('%s: no process of the step is left', async (_what, prefix) => {
    const dir = tempDir();
    const pids = join(dir, 'pids');
    const command = `${prefix}sleep 30 & echo $! >> ${pids}; sleep 30 & echo $! >> ${pids}; echo $$ >> ${pids}; wait`;
    const t0 = Date.now();
    const summary = await runDefinition(
      definition('timeout-shell', [
        onDemandDefault(),
        shell('Hang', command, { attemptTimeout: '2 seconds' }),
      ]),
      { config, stateDir: join(dir, '.etlctl') },
    );
    expect(summary.instances[0]).toMatchObject({ status: 'FAILED' });
    expect(summary.instances[0].error).toMatch(/timed out after 2 seconds/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(existsSync(pids)).toBe(true);
    const list = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(list).toHaveLength(3);
    expect(await eventually(async () => list.every((p) => !alive(p)))).toBe(true);
  });
});

describe('Ctrl-C cancels the running statement', () => {
  it.each([
    ['pg', (tag: string) => `SELECT pg_sleep(20) AS ${tag}`],
    ['my', (tag: string) => `SELECT SLEEP(20) AS ${tag}`],
  ] as const)(
    '%s: one message, INTERRUPTED, exit 130, and the statement is gone from the server',
    async (db, sleep20) => {
      const tag = `etl_ctrlc_${db}_${Date.now()}`;
      const objects = [onDemandDefault(), ...sqlStep(db, sleep20(tag), { attemptTimeout: '1 hours' })];
      const dir = definitionProject(objects, { [db]: db === 'pg' ? PG_URL : MY_URL });
      const { child, done } = startCli(BIN, dir, ['definition', 'run', 'p.json', '-c', 'etlctl.yaml']);
      expect(await eventually(async () => (await running(db, tag)) === 1, 20_000)).toBe(true);
      const t0 = Date.now();
      child.kill('SIGINT');
      const { code, out, err } = await done;
      expect(code).toBe(130);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(err.match(/Stopping/g)).toHaveLength(1);
      expect(out).toMatch(/Slow INTERRUPTED/);
      expect(out).not.toMatch(/SKIPPED=[1-9]/);
      expect(await eventually(async () => (await running(db, tag)) === 0)).toBe(true);
    },
  );
});

describe('ConnectionPool.lease().cancel', () => {
  it('cancels every server session of the attempt, reports a failed cancel, and refuses new sessions', async () => {
    const { ConnectionPool } = await import('../../src/local/connections.js');
    const cancelled: string[] = [];
    const fake = (name: string, fails: boolean) =>
      ({
        displayUrl: `postgres://${name}`,
        cancel: async () => {
          cancelled.push(name);
          if (fails) throw new Error('connection refused');
        },
        close: async () => undefined,
      }) as unknown as Driver;
    const pool = new ConnectionPool(async (c) => fake(c.name, c.name === 'b'));
    const lease = pool.lease();
    await lease.connect({ name: 'a', url: 'postgres://a', embedded: false });
    await lease.connect({ name: 'b', url: 'postgres://b', embedded: false });
    const failures = await lease.cancel(new Error('attempt timed out after 3 seconds'));
    expect(cancelled.sort()).toEqual(['a', 'b']);
    expect(failures).toEqual(['postgres://b: connection refused']);
    await expect(lease.connect({ name: 'c', url: 'postgres://c', embedded: false })).rejects.toThrow(
      /attempt timed out/,
    );
    await lease.release();
  });
});
