/**
 * Every failure of the local engine's data path ends in a recorded state and a diagnostic
 * (issue 12 item 1): a source connection killed mid-extract (MariaDB `KILL`, PostgreSQL
 * `pg_terminate_backend`), an unreachable source and a bad query — on the default overlapped
 * extract → load path and with overlap off. Nothing hangs, nothing crashes with an unhandled
 * 'error' event, the target keeps what it had, and the state store says FAILED.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileObjectJson } from '../../src/definition/json.js';
import { runDefinition } from '../../src/local/engine.js';
import type { RunSummary } from '../../src/local/engine.js';
import { openStateStore } from '../../src/local/state/open.js';
import { MY_URL, PG_URL } from '../db.js';
import { BIN } from '../helpers.js';
import { definition, tempDir } from './helpers.js';
import { definitionProject, startCli, useServers } from './servers.js';

const TARGET = 'hardening_fail_target';
const ROWS = 200_000;

const servers = useServers(async ({ pg, my }) => {
  await pg.exec(`DROP TABLE IF EXISTS ${TARGET}`);
  await my.exec(`DROP TABLE IF EXISTS ${TARGET}`);
});

async function resetTarget(): Promise<void> {
  await servers.pg.exec(`DROP TABLE IF EXISTS ${TARGET}`);
  await servers.pg.exec(`CREATE TABLE ${TARGET} (id bigint PRIMARY KEY, label text)`);
  await servers.pg.exec(`INSERT INTO ${TARGET} VALUES (-1, 'old'), (-2, 'old')`);
}

async function targetCount(): Promise<number> {
  return Number((await servers.pg.query(`SELECT count(*)::int AS n FROM ${TARGET}`)).rows[0].n);
}

/** Source on MariaDB or PostgreSQL; `slow` makes the extract take a few seconds. */
const QUERIES = {
  mysql: {
    slow: `SELECT seq AS id, CONCAT('row ', seq) AS label FROM seq_1_to_${ROWS} WHERE seq % 2000 <> 0 OR SLEEP(0.05) = 0`,
    ok: `SELECT seq AS id, CONCAT('row ', seq) AS label FROM seq_1_to_${ROWS}`,
    bad: `SELECT no_such_column FROM seq_1_to_10`,
  },
  postgres: {
    slow: `SELECT i AS id, 'row ' || i AS label FROM generate_series(1, ${ROWS}) AS i WHERE i % 2000 <> 0 OR pg_sleep(0.05) IS NOT NULL`,
    ok: `SELECT i AS id, 'row ' || i AS label FROM generate_series(1, ${ROWS}) AS i`,
    bad: `SELECT no_such_column FROM generate_series(1, 10)`,
  },
};

function objects(name: string, sourceQuery: string): FileObjectJson[] {
  const path = `s3://bkt/${name}/out/`;
  return [
    { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
    { id: 'Src', name: 'Src', type: 'RdsDatabase', myConnection: 'src', rdsInstanceId: 's' },
    { id: 'Wh', name: 'Wh', type: 'RdsDatabase', myConnection: 'warehouse', rdsInstanceId: 'w' },
    {
      id: 'Source',
      name: 'Source',
      type: 'SqlDataNode',
      database: { ref: 'Src' },
      table: 'x',
      selectQuery: sourceQuery,
    },
    { id: 'Tsv', name: 'Tsv', type: 'TSV' },
    { id: 'Out', name: 'Out', type: 'S3DataNode', directoryPath: path, dataFormat: { ref: 'Tsv' } },
    { id: 'In', name: 'In', type: 'S3DataNode', directoryPath: path, dataFormat: { ref: 'Tsv' } },
    { id: 'Table', name: 'Table', type: 'SqlDataNode', database: { ref: 'Wh' }, table: TARGET },
    {
      id: 'Extract',
      name: 'Extract',
      type: 'CopyActivity',
      workerGroup: 'local',
      input: { ref: 'Source' },
      output: { ref: 'Out' },
    },
    {
      id: 'Load',
      name: 'Load',
      type: 'RedshiftCopyActivity',
      workerGroup: 'local',
      input: { ref: 'In' },
      output: { ref: 'Table' },
      insertMode: 'KEEP_EXISTING',
      dependsOn: { ref: 'Extract' },
    },
  ];
}

const engineOf = (url: string) => (url.startsWith('mysql') ? ('mysql' as const) : ('postgres' as const));

function configFor(srcUrl: string, warehouseUrl = PG_URL) {
  return {
    databases: {
      src: { name: 'src', engine: engineOf(srcUrl), url: srcUrl },
      warehouse: { name: 'warehouse', engine: engineOf(warehouseUrl), url: warehouseUrl },
    },
  };
}

/** Every file under the run's local S3 (temp files included): a failed extract leaves none. */
function s3Files(stateDir: string): string[] {
  const root = join(stateDir, 's3');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function storedStatuses(stateDir: string, pipeline: string): Promise<string[]> {
  const store = await openStateStore({ stateDir });
  try {
    const gen = (await store.pipeline(pipeline))!.generation;
    return (await store.instances(pipeline, gen)).map((r) => `${r.object_id}:${r.status}`).sort();
  } finally {
    await store.close();
  }
}

async function run(
  name: string,
  srcUrl: string,
  query: string,
  overlap: boolean,
  warehouseUrl = PG_URL,
): Promise<[RunSummary, string]> {
  const stateDir = join(tempDir(), '.etlctl');
  const summary = await runDefinition(definition(name, objects(name, query)), {
    config: configFor(srcUrl, warehouseUrl),
    stateDir,
    overlap,
  });
  return [summary, stateDir];
}

/** Polls until `find` returns a server session id running the extract, then kills it. */
async function killWhenRunning(
  find: () => Promise<number | undefined>,
  kill: (id: number) => Promise<void>,
  afterMs = 300,
) {
  // Generous: on a loaded machine the CLI alone can take many seconds to get there.
  const until = Date.now() + 60_000;
  for (;;) {
    const id = await find();
    if (id !== undefined) {
      await new Promise((r) => setTimeout(r, afterMs));
      await kill(id);
      return;
    }
    if (Date.now() > until) throw new Error('the extract never started');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const mysqlExtract = async (): Promise<number | undefined> => {
  const r = await servers.my.query(
    `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE '%seq_1_to_${ROWS}%' AND ID <> CONNECTION_ID()`,
  );
  return r.rows.length ? Number(r.rows[0].id) : undefined;
};
const pgExtract = async (): Promise<number | undefined> => {
  const r = await servers.pg.query(
    `SELECT pid FROM pg_stat_activity WHERE query LIKE '%generate_series(1, ${ROWS})%' AND pid <> pg_backend_pid()`,
  );
  return r.rows.length ? Number(r.rows[0].pid) : undefined;
};

describe.each([true, false])('local engine failure paths (overlap %s)', (overlap) => {
  it('MariaDB source killed mid-extract: FAILED with ETL7400, exit 3, target untouched, no hang', async () => {
    await resetTarget();
    const name = `kill-my-${overlap}`;
    const running = run(name, MY_URL, QUERIES.mysql.slow, overlap);
    await killWhenRunning(mysqlExtract, (id) => servers.my.exec(`KILL ${id}`));
    const [summary, stateDir] = await running;
    expect(summary.exitCode).toBe(3);
    expect(summary.instances[0]).toMatchObject({ objectId: 'Extract', status: 'FAILED' });
    expect(summary.instances[0].error).toMatch(/^ETL7400: MySQL: the connection was lost/);
    expect(await targetCount()).toBe(2);
    expect(s3Files(stateDir)).toEqual([]);
    expect((await storedStatuses(stateDir, name)).join()).not.toMatch(/RUNNING/);
  });

  it('PostgreSQL source terminated mid-COPY: FAILED with ETL7400, exit 3, target untouched, no hang', async () => {
    await resetTarget();
    const name = `kill-pg-${overlap}`;
    const running = run(name, PG_URL, QUERIES.postgres.slow, overlap);
    await killWhenRunning(pgExtract, (id) => servers.pg.exec(`SELECT pg_terminate_backend(${id})`));
    const [summary, stateDir] = await running;
    expect(summary.exitCode).toBe(3);
    expect(summary.instances[0]).toMatchObject({ objectId: 'Extract', status: 'FAILED' });
    expect(summary.instances[0].error).toMatch(/^ETL7400: PostgreSQL: the connection was lost/);
    expect(await targetCount()).toBe(2);
    expect(s3Files(stateDir)).toEqual([]);
    expect((await storedStatuses(stateDir, name)).join()).not.toMatch(/RUNNING/);
  });

  it('PostgreSQL target terminated mid-load: the load FAILED with ETL7400, exit 3, target untouched', async () => {
    await resetTarget();
    const name = `kill-load-${overlap}`;
    const running = run(name, MY_URL, QUERIES.mysql.slow, overlap);
    const loadPid = async (): Promise<number | undefined> => {
      const r = await servers.pg.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY %FROM STDIN%' AND pid <> pg_backend_pid()`,
      );
      return r.rows.length ? Number(r.rows[0].pid) : undefined;
    };
    // Without overlap the load reads S3 at full speed: end it as soon as its COPY is seen.
    await killWhenRunning(
      loadPid,
      (id) => servers.pg.exec(`SELECT pg_terminate_backend(${id})`),
      overlap ? 300 : 0,
    );
    const [summary, stateDir] = await running;
    expect(summary.exitCode).toBe(3);
    expect(summary.instances.map((i) => [i.objectId, i.status])).toEqual([
      ['Extract', 'FINISHED'],
      ['Load', 'FAILED'],
    ]);
    expect(summary.instances[1].error).toMatch(/^ETL7400: PostgreSQL: the connection was lost/);
    expect(await targetCount()).toBe(2);
    expect((await storedStatuses(stateDir, name)).join()).not.toMatch(/RUNNING/);
  });

  it('MariaDB target killed mid-load: the load FAILED with ETL7400, exit 3, target untouched', async () => {
    await servers.my.exec(`DROP TABLE IF EXISTS ${TARGET}`);
    await servers.my.exec(`CREATE TABLE ${TARGET} (id bigint PRIMARY KEY, label text)`);
    await servers.my.exec(`INSERT INTO ${TARGET} VALUES (-1, 'old'), (-2, 'old')`);
    const name = `kill-myload-${overlap}`;
    const running = run(name, PG_URL, QUERIES.postgres.slow, overlap, MY_URL);
    const loadId = async (): Promise<number | undefined> => {
      const r = await servers.my.query(
        `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOAD DATA LOCAL INFILE%' AND ID <> CONNECTION_ID()`,
      );
      return r.rows.length ? Number(r.rows[0].id) : undefined;
    };
    await killWhenRunning(loadId, (id) => servers.my.exec(`KILL ${id}`), overlap ? 300 : 0);
    const [summary, stateDir] = await running;
    expect(summary.exitCode).toBe(3);
    expect(summary.instances.map((i) => [i.objectId, i.status])).toEqual([
      ['Extract', 'FINISHED'],
      ['Load', 'FAILED'],
    ]);
    expect(summary.instances[1].error).toMatch(/^ETL7400: MySQL: the connection was lost/);
    const n = await servers.my.query(`SELECT count(*) AS n FROM ${TARGET}`);
    expect(Number(n.rows[0].n)).toBe(2);
    expect((await storedStatuses(stateDir, name)).join()).not.toMatch(/RUNNING/);
  });

  it('an unreachable source: FAILED with ETL7001, exit 3', async () => {
    await resetTarget();
    const [summary, stateDir] = await run(
      `down-${overlap}`,
      'mysql://root@127.0.0.1:1/x',
      QUERIES.mysql.ok,
      overlap,
    );
    expect(summary.exitCode).toBe(3);
    expect(summary.instances[0]).toMatchObject({ objectId: 'Extract', status: 'FAILED' });
    expect(summary.instances[0].error).toMatch(/ETL7001/);
    expect((await storedStatuses(stateDir, `down-${overlap}`)).join()).not.toMatch(/RUNNING/);
  });

  it.each(['mysql', 'postgres'] as const)('a bad query on %s: FAILED with ETL7002, exit 1', async (kind) => {
    await resetTarget();
    const [summary] = await run(
      `bad-${kind}-${overlap}`,
      kind === 'mysql' ? MY_URL : PG_URL,
      QUERIES[kind].bad,
      overlap,
    );
    expect(summary.exitCode).toBe(1);
    expect(summary.instances[0]).toMatchObject({ objectId: 'Extract', status: 'FAILED' });
    expect(summary.instances[0].error).toMatch(/ETL7002/);
    expect(await targetCount()).toBe(2);
  });
});

function cliProject(name: string, srcUrl: string, query: string, overlap: boolean): string {
  const objs = objects(name, query);
  objs.push({
    id: 'Alarm',
    name: 'Alarm',
    type: 'SnsAlarm',
    topicArn: 'arn:aws:sns:us-east-1:1:t',
    subject: 'failed',
    message: 'failed #{node.name}',
  });
  (objs.find((o) => o.id === 'Extract') as Record<string, unknown>).onFail = { ref: 'Alarm' };
  return definitionProject(objs, { src: srcUrl, warehouse: PG_URL }, { overlap_steps: overlap });
}

function alerts(dir: string): string {
  const f = join(dir, '.etlctl', 'alerts.ndjson');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

describe('the CLI on a failing extract (definition run)', () => {
  it.each([true, false])(
    'unreachable source, overlap %s: ETL7001, the onFail alert, exit 3, no crash',
    async (overlap) => {
      const dir = cliProject(`cli-down-${overlap}`, 'mysql://root@127.0.0.1:1/x', QUERIES.mysql.ok, overlap);
      const r = await startCli(BIN, dir, ['definition', 'run', 'p.json', '-c', 'etlctl.yaml']).done;
      expect(r.code, r.out + r.err).toBe(3);
      expect(r.out).toMatch(/ETL7001: cannot connect/);
      expect(r.out).toMatch(/Done\./);
      expect(r.err).not.toMatch(/Unhandled|ETL9000|at releaseHandoffs/);
      expect(alerts(dir)).toMatch(/"event":"onFail"/);
    },
  );

  it('a bad query on the overlapped path: ETL7002, exit 1, no crash', async () => {
    const dir = cliProject('cli-bad', MY_URL, QUERIES.mysql.bad, true);
    const r = await startCli(BIN, dir, ['definition', 'run', 'p.json', '-c', 'etlctl.yaml']).done;
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/ETL7002: MySQL/);
    expect(r.err).not.toMatch(/Unhandled|ETL9000/);
    expect(alerts(dir)).toMatch(/"event":"onFail"/);
  });

  it.each([true, false])(
    'MariaDB KILL mid-extract, overlap %s: ETL7400, exit 3, a Done line',
    async (overlap) => {
      await resetTarget();
      const dir = cliProject(`cli-kill-${overlap}`, MY_URL, QUERIES.mysql.slow, overlap);
      const running = startCli(BIN, dir, ['definition', 'run', 'p.json', '-c', 'etlctl.yaml']);
      await killWhenRunning(mysqlExtract, (id) => servers.my.exec(`KILL ${id}`));
      const r = await running.done;
      expect(r.code, r.out + r.err).toBe(3);
      expect(r.out).toMatch(/ETL7400: MySQL: the connection was lost/);
      expect(r.out).toMatch(/Done\./);
      expect(await targetCount()).toBe(2);
    },
  );
});
