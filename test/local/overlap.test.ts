/**
 * Extract → load overlap on the local engine (PostgreSQL → S3 → PostgreSQL): the load starts with
 * the extract and reads its output as it is written, yet commits only after the extract finished;
 * an extract that fails or is killed mid-stream leaves the target as it was.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileObjectJson } from '../../src/definition/json.js';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import type { EngineEvent } from '../../src/local/engine.js';
import { runDefinition } from '../../src/local/engine.js';
import { openStateStore } from '../../src/local/state/open.js';
import { definition, tempDir } from './helpers.js';
import { PG_DB, PG_URL } from '../db.js';

const PG = PG_URL;
const TARGET = 'local_overlap_target';
const SEQ = 'local_overlap_fail_once';
const ROWS = 200_000;
const config = { databases: { warehouse: { name: 'warehouse', engine: 'postgres' as const, url: PG } } };
const root = resolve(__dirname, '../..');

let db: Driver;
beforeAll(async () => {
  db = await openDriver(PG);
});
afterAll(async () => {
  await db.exec(`DROP TABLE IF EXISTS ${TARGET}; DROP SEQUENCE IF EXISTS ${SEQ}`);
  await db.close();
});

/** The target holds three rows from "yesterday"; a load that never committed leaves exactly them. */
async function resetTarget(create = true): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS ${TARGET}; DROP SEQUENCE IF EXISTS ${SEQ}; CREATE SEQUENCE ${SEQ}`);
  if (!create) return;
  await db.exec(`CREATE TABLE ${TARGET} (id int PRIMARY KEY, label text)`);
  await db.exec(`INSERT INTO ${TARGET} VALUES (-1, 'old'), (-2, 'old'), (-3, 'old')`);
}

async function target(): Promise<{ n: number; sum: number; old: number }> {
  const r = await db.query(
    `SELECT count(*)::int AS n, coalesce(sum(id), 0)::bigint::text AS sum, count(*) FILTER (WHERE label = 'old')::int AS old FROM ${TARGET}`,
  );
  const row = r.rows[0] as { n: number; sum: string; old: number };
  return { n: row.n, sum: Number(row.sum), old: row.old };
}

/** A COPY into the target is running and has received rows (PostgreSQL's COPY progress view). */
async function copyInProgress(): Promise<boolean> {
  const r = await db.query(
    `SELECT 1 FROM pg_stat_progress_copy WHERE relid = '${TARGET}'::regclass AND tuples_processed > 0`,
  );
  return r.rows.length > 0;
}

const FULL = { n: ROWS, sum: (ROWS * (ROWS + 1)) / 2, old: 0 };
const OLD = { n: 3, sum: -6, old: 3 };

/** The id column of the source query: `i`, or an expression that fails at row 150,000. */
function pipelineObjects(
  id: string,
  extra: { default?: Record<string, unknown>; extractRetries?: number } = {},
) {
  const path = `s3://bkt/overlap/#{format(@scheduledStartTime,'YYYYMMdd-HH-mm-ss')}/out/`;
  const objects: FileObjectJson[] = [
    { id: 'Default', name: 'Default', scheduleType: 'ondemand', ...extra.default },
    {
      id: 'Warehouse',
      name: 'Warehouse',
      type: 'RdsDatabase',
      myConnection: 'warehouse',
      rdsInstanceId: 'wh',
      username: 'etl',
      '*password': 'x',
    },
    {
      id: 'Source',
      name: 'Source',
      type: 'SqlDataNode',
      database: { ref: 'Warehouse' },
      table: 'generate_series',
      selectQuery: `SELECT ${id} AS id, 'row ' || i AS label FROM generate_series(1, ${ROWS}) AS i`,
    },
    { id: 'Tsv', name: 'Tsv', type: 'TSV' },
    { id: 'Output', name: 'Output', type: 'S3DataNode', directoryPath: path, dataFormat: { ref: 'Tsv' } },
    { id: 'RawInput', name: 'RawInput', type: 'S3DataNode', directoryPath: path, dataFormat: { ref: 'Tsv' } },
    { id: 'Table', name: 'Table', type: 'SqlDataNode', database: { ref: 'Warehouse' }, table: TARGET },
    {
      id: 'Extract',
      name: 'Extract',
      type: 'CopyActivity',
      workerGroup: 'local',
      input: { ref: 'Source' },
      output: { ref: 'Output' },
      maximumRetries: String(extra.extractRetries ?? 0),
    },
    {
      id: 'Load',
      name: 'Load',
      type: 'RedshiftCopyActivity',
      workerGroup: 'local',
      input: { ref: 'RawInput' },
      output: { ref: 'Table' },
      insertMode: 'TRUNCATE',
      dependsOn: { ref: 'Extract' },
    },
  ];
  return objects;
}

function recorder(): { events: EngineEvent[]; reporter: { event(e: EngineEvent): void } } {
  const events: EngineEvent[] = [];
  return { events, reporter: { event: (e) => events.push(e) } };
}

const at = (events: EngineEvent[], kind: string, objectId: string, status?: string): number =>
  events.findIndex(
    (e) =>
      e.kind === kind &&
      'instance' in e &&
      e.instance.objectId === objectId &&
      (status === undefined || ('status' in e && e.status === status)),
  );

async function attemptStatuses(stateDir: string, pipeline: string, objectId: string): Promise<string[]> {
  const store = await openStateStore({ stateDir });
  try {
    const gen = (await store.pipeline(pipeline))!.generation;
    const row = (await store.instances(pipeline, gen)).find((r) => r.object_id === objectId)!;
    return (await store.attempts(row.id)).map((a) => a.status);
  } finally {
    await store.close();
  }
}

describe('local engine: extract → load overlap', () => {
  it('starts the load with the extract, streams the rows across, and keeps the S3 object complete', async () => {
    await resetTarget();
    const dir = tempDir();
    const { events, reporter } = recorder();
    const r = await runDefinition(definition('overlap-ok', pipelineObjects('i')), {
      config,
      stateDir: join(dir, '.etlctl'),
      reporter,
    });
    expect(r).toMatchObject({ ok: 2, failed: 0, exitCode: 0 });
    const loadStart = events[at(events, 'start', 'Load')];
    expect(loadStart).toMatchObject({ alongside: { objectId: 'Extract' } });
    expect(at(events, 'start', 'Load')).toBeLessThan(at(events, 'end', 'Extract'));
    expect(await target()).toEqual(FULL);
    // The object is still there for a retry or a later step, whole.
    const s3 = join(dir, '.etlctl', 's3', 'bkt', 'overlap');
    const found = spawnSync('find', [s3, '-name', 'part-00000'], { encoding: 'utf8' }).stdout.trim();
    expect(readFileSync(found, 'utf8').split('\n')).toHaveLength(ROWS + 1);
  });

  it('an extract failing mid-stream rolls the load back; the load runs again with the retry, no attempt counted against it', async () => {
    await resetTarget();
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const { events, reporter } = recorder();
    const failOnce = `CASE WHEN i = 150000 THEN CASE WHEN nextval('${SEQ}') = 1 THEN (i - i) / (i - i) ELSE i END ELSE i END`;
    const r = await runDefinition(
      definition('overlap-retry', pipelineObjects(failOnce, { extractRetries: 1 })),
      {
        config,
        stateDir,
        reporter,
        retryDelayMs: 1,
      },
    );
    expect(r).toMatchObject({ ok: 2, failed: 0, exitCode: 0 });
    expect(await attemptStatuses(stateDir, 'overlap-retry', 'Extract')).toEqual(['FAILED', 'FINISHED']);
    // The load's maximumRetries is 0: its interrupted attempt was not a failure of its own.
    expect(await attemptStatuses(stateDir, 'overlap-retry', 'Load')).toEqual(['INTERRUPTED', 'FINISHED']);
    const interrupted = events.find(
      (e) => e.kind === 'end' && e.instance.objectId === 'Load' && e.status === 'INTERRUPTED',
    );
    expect(interrupted).toMatchObject({
      error: expect.stringMatching(/Extract, whose output this step was reading, ended FAILED/),
    });
    expect(await target()).toEqual(FULL);
  });

  it('an extract that fails for good leaves the target exactly as it was (cascade marks the load)', async () => {
    await resetTarget();
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const r = await runDefinition(
      definition(
        'overlap-fail',
        pipelineObjects('CASE WHEN i = 150000 THEN (i - i) / (i - i) ELSE i END', {
          default: { failureAndRerunMode: 'cascade' },
        }),
      ),
      { config, stateDir },
    );
    expect(r.exitCode).toBe(1);
    expect(r.instances.map((i) => [i.objectId, i.status])).toEqual([
      ['Extract', 'FAILED'],
      ['Load', 'CASCADE_FAILED'],
    ]);
    expect(r.instances[0].error).toMatch(/division by zero/);
    expect(await attemptStatuses(stateDir, 'overlap-fail', 'Load')).toEqual(['INTERRUPTED']);
    expect(await target()).toEqual(OLD);
  });

  it('a load failing on its own does not stop the extract', async () => {
    await resetTarget(false);
    const dir = tempDir();
    const r = await runDefinition(definition('overlap-load-fails', pipelineObjects('i')), {
      config,
      stateDir: join(dir, '.etlctl'),
    });
    expect(r.instances.map((i) => [i.objectId, i.status])).toEqual([
      ['Extract', 'FINISHED'],
      ['Load', 'FAILED'],
    ]);
    expect(r.instances[0].rows).toBe(ROWS);
    expect(r.instances[1].error).toMatch(/ETL7202: .*local_overlap_target does not exist/);
  });

  it('overlap: false runs them one after the other', async () => {
    await resetTarget();
    const { events, reporter } = recorder();
    const r = await runDefinition(definition('overlap-off', pipelineObjects('i')), {
      config,
      stateDir: join(tempDir(), '.etlctl'),
      reporter,
      overlap: false,
    });
    expect(r.exitCode).toBe(0);
    expect(at(events, 'start', 'Load')).toBeGreaterThan(at(events, 'end', 'Extract'));
    expect(events[at(events, 'start', 'Load')]).not.toHaveProperty('alongside');
    expect(await target()).toEqual(FULL);
  });

  it('a run killed with SIGKILL while both stream leaves the target as it was; the next run finishes both', async () => {
    await resetTarget();
    const dir = tempDir();
    // Slow enough to be caught mid-stream: a short sleep every 5,000 rows (about 3 s in all).
    const slow = `CASE WHEN i % 5000 = 0 THEN i + length(pg_sleep(0.08)::text) ELSE i END`;
    writeFileSync(join(dir, 'overlap.json'), JSON.stringify({ objects: pipelineObjects(slow) }));
    writeFileSync(
      join(dir, 'etlctl.yaml'),
      `target: local\ndatabases:\n  warehouse:\n    engine: postgres\n    database: ${PG_DB}\n    user: postgres\n    url: ${PG}\n`,
    );
    const bin = join(root, 'bin', 'etlctl');
    const args = [bin, 'definition', 'run', 'overlap.json', '--config', 'etlctl.yaml'];
    const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, ETLCTL_CONFIG: '' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const until = Date.now() + 20_000;
    while (!/START Load .*as it is written/.test(out)) {
      if (Date.now() > until) throw new Error(`the load never started alongside the extract:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Killed mid-stream: the load's COPY has received rows and the extract is still writing.
    while (!(await copyInProgress())) {
      if (Date.now() > until) throw new Error(`the load's COPY never received rows:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(out).not.toMatch(/OK\s+Extract/);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(await target()).toEqual(OLD);

    const second = spawnSync(process.execPath, args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ETLCTL_CONFIG: '' },
    });
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/2 step instances to run, 2 resumed from an earlier run/);
    expect(second.stdout).toMatch(/Done\. OK=2 FAILED=0 SKIPPED=0/);
    expect(await target()).toEqual(FULL);
  });
});
