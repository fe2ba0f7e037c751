/**
 * OpenLineage events from real local runs (issue 16): MariaDB → S3 → PostgreSQL → upsert, as a
 * user runs it with `lineage:` configured. Every event is validated against our transcription of
 * the OpenLineage RunEvent schema, written to the NDJSON file and posted to a loopback receiver;
 * a failed step emits FAIL; an endpoint that fails or hangs never fails the run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENLINEAGE_RUN_EVENT_SCHEMA } from '../../src/catalog/openlineage-schema.js';
import { MY_DB, MY_URL, PG_DB, PG_URL } from '../db.js';
import { tempDir } from '../helpers.js';
import { LineageReceiver, runCliAsync } from './lineage-receiver.js';
import { validator } from './schema-helpers.js';

const SRC = 'it_ol_src';
const SCHEMA = 'it_ol';
const validEvent = validator(OPENLINEAGE_RUN_EVENT_SCHEMA, true);

interface Ev {
  eventType: string;
  run: { runId: string; facets?: Record<string, Record<string, unknown>> };
  job: { namespace: string; name: string };
  inputs: { namespace: string; name: string; facets?: Record<string, Record<string, unknown>> }[];
  outputs: { namespace: string; name: string; facets?: Record<string, Record<string, unknown>> }[];
}

const receiver = new LineageReceiver();
let my: mysql.Connection;
let pgc: pg.Client;

beforeAll(async () => {
  await receiver.start();
  my = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: MY_DB });
  await my.query(`DROP TABLE IF EXISTS ${SRC}`);
  await my.query(`CREATE TABLE ${SRC} (id INT PRIMARY KEY, user_id INT, status VARCHAR(20))`);
  await my.query(`INSERT INTO ${SRC} VALUES (1, 10, 'active'), (2, 11, 'dropped'), (3, 12, 'active')`);
  pgc = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: PG_DB });
  await pgc.connect();
  await pgc.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

afterAll(async () => {
  await receiver.stop();
  await my?.query(`DROP TABLE IF EXISTS ${SRC}`);
  await my?.end();
  await pgc?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pgc?.end();
});

function project(lineage: string): string {
  const dir = tempDir('etlctl-ol-');
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'tables'));
  writeFileSync(
    join(dir, 'config/etlctl.yaml'),
    `aws:
  s3_bucket: ol-bucket
  s3_base_path: ol
  region: eu-west-1
defaults:
  warehouse: warehouse
databases:
  app_db:
    engine: mysql
    rds_instance_id: app-prod
    database: ${MY_DB}
    url: ${MY_URL}
  warehouse:
    engine: redshift
    cluster_id: analytics
    database: ${PG_DB}
    url: ${PG_URL}
lineage:
${lineage}`,
  );
  const cols = '  id INTEGER NOT NULL,\n  user_id INTEGER,\n  status VARCHAR(20),\n  PRIMARY KEY (id)';
  writeFileSync(join(dir, 'tables/stage.sql'), `CREATE TABLE ${SCHEMA}.stage (\n${cols}\n);\n`);
  writeFileSync(join(dir, 'tables/items.sql'), `CREATE TABLE ${SCHEMA}.items (\n${cols}\n);\n`);
  writeFileSync(
    join(dir, 'ol_enrollments.yaml'),
    `name: ol_enrollments
frequency: one-time
steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    sql: SELECT id, user_id, status FROM ${SRC}
  - step_type: create-load-redshift
    name: load_stage
    table_definition: tables/stage.sql
  - step_type: upsert
    name: merge
    source: tables/stage.sql
    destination: tables/items.sql
`,
  );
  writeFileSync(
    join(dir, 'broken.yaml'),
    `name: broken
frequency: one-time
steps:
  - step_type: sql-command
    name: report
    command: INSERT INTO ${SCHEMA}.report SELECT * FROM ${SCHEMA}.no_such_table
`,
  );
  return dir;
}

function fileEvents(dir: string): Ev[] {
  return readFileSync(join(dir, 'lineage.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Ev);
}

const byJob = (events: Ev[], name: string) => events.filter((e) => e.job.name === name);

describe('OpenLineage events from a real run', () => {
  let events: Ev[];
  let dir: string;

  beforeAll(async () => {
    receiver.mode = 'ok';
    receiver.events.length = 0;
    dir = project(`  file: lineage.ndjson\n  url: ${receiver.url}\n  namespace: acme-etl\n`);
    const r = await runCliAsync(['pipeline', 'activate', 'ol_enrollments.yaml'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/lineage:/);
    events = fileEvents(dir);
  });

  it('are valid RunEvents, written to the file and posted to the endpoint in the same order', () => {
    expect(events.length).toBeGreaterThanOrEqual(10);
    for (const e of events) expect(validEvent(e), JSON.stringify(e)).toEqual([]);
    expect(receiver.events).toEqual(events);
  });

  it('pair one START with one COMPLETE per attempt, under the pipeline run', () => {
    const parent = byJob(events, 'ol_enrollments');
    expect(parent.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(parent[0].run.runId).toBe(parent[1].run.runId);
    const tasks = ['extract.Extract', 'load_stage.Load', 'merge.Upsert', 'teardown.Transform'];
    for (const t of tasks) {
      const evs = byJob(events, `ol_enrollments.${t}`);
      expect(
        evs.map((e) => e.eventType),
        t,
      ).toEqual(['START', 'COMPLETE']);
      expect(evs[0].run.runId).toBe(evs[1].run.runId);
      expect(evs[0].run.facets?.parent).toMatchObject({
        run: { runId: parent[0].run.runId },
        job: { namespace: 'acme-etl', name: 'ol_enrollments' },
      });
      expect(evs[0].job.namespace).toBe('acme-etl');
    }
    expect(new Set(events.map((e) => e.run.runId)).size).toBe(tasks.length + 1);
  });

  it('name the datasets and carry schema and column-lineage facets', () => {
    const [extract] = byJob(events, 'ol_enrollments.extract.Extract');
    expect(extract.inputs.map((d) => [d.namespace, d.name])).toEqual([
      ['mysql://app-prod:3306', `${MY_DB}.${SRC}`],
    ]);
    const file = extract.outputs[0];
    expect([file.namespace, file.name]).toEqual(['s3://ol-bucket', 'ol/data/ol_enrollments/extract/output/']);
    expect((file.facets?.schema.fields as { name: string }[]).map((f) => f.name)).toEqual([
      'id',
      'user_id',
      'status',
    ]);
    expect(file.facets?.columnLineage.fields).toMatchObject({
      user_id: {
        inputFields: [
          {
            namespace: 'mysql://app-prod:3306',
            name: `${MY_DB}.${SRC}`,
            field: 'user_id',
            transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
          },
        ],
      },
    });

    const [load] = byJob(events, 'ol_enrollments.load_stage.Load');
    expect(load.inputs.map((d) => d.name)).toEqual(['ol/data/ol_enrollments/extract/output/']);
    const stage = load.outputs[0];
    expect([stage.namespace, stage.name]).toEqual([
      'redshift://analytics.eu-west-1:5439',
      `${PG_DB}.${SCHEMA}.stage`,
    ]);
    expect(stage.facets?.schema.fields).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'user_id', type: 'INTEGER' },
      { name: 'status', type: 'VARCHAR(20)' },
    ]);
    expect(stage.facets?.columnLineage.fields).toMatchObject({
      status: { inputFields: [{ namespace: 's3://ol-bucket', name: file.name, field: 'status' }] },
    });

    const [merge] = byJob(events, 'ol_enrollments.merge.Upsert');
    expect(merge.inputs.map((d) => d.name).sort()).toEqual([
      `${PG_DB}.${SCHEMA}.items`,
      `${PG_DB}.${SCHEMA}.stage`,
    ]);
    const items = merge.outputs.find((d) => d.name === `${PG_DB}.${SCHEMA}.items`)!;
    expect(items.facets?.columnLineage.fields).toEqual({
      id: { inputFields: [expect.objectContaining({ name: `${PG_DB}.${SCHEMA}.stage`, field: 'id' })] },
      user_id: {
        inputFields: [expect.objectContaining({ name: `${PG_DB}.${SCHEMA}.stage`, field: 'user_id' })],
      },
      status: {
        inputFields: [expect.objectContaining({ name: `${PG_DB}.${SCHEMA}.stage`, field: 'status' })],
      },
    });
    expect(extract.run.facets?.nominalTime).toMatchObject({ nominalStartTime: expect.any(String) });
  });
});

describe('OpenLineage on failure and with a bad endpoint', () => {
  it('a failed step emits FAIL with the error, and the pipeline run FAIL', async () => {
    receiver.mode = 'ok';
    receiver.events.length = 0;
    const dir = project(`  file: lineage.ndjson\n  url: ${receiver.url}\n`);
    const r = await runCliAsync(['pipeline', 'activate', 'broken.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const events = fileEvents(dir);
    for (const e of events) expect(validEvent(e)).toEqual([]);
    const report = byJob(events, 'broken.report.Sql');
    expect(report.map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    expect(report[1].run.facets?.errorMessage).toMatchObject({
      message: expect.stringContaining('no_such_table'),
      programmingLanguage: 'SQL',
    });
    expect(byJob(events, 'broken').map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    expect(byJob(events, 'broken')[0].job.namespace).toBe('etlctl');
    expect(receiver.events).toEqual(events);
  });

  it('an endpoint answering 500 is a warning; the run succeeds and the file has every event', async () => {
    receiver.mode = 'fail';
    const dir = project(`  file: lineage.ndjson\n  url: ${receiver.url}\n`);
    const r = await runCliAsync(['pipeline', 'activate', 'ol_enrollments.yaml'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(
      /lineage: ETL3520: lineage event not delivered: .* answered HTTP 500/,
    );
    expect(
      fileEvents(dir)
        .map((e) => e.eventType)
        .filter((t) => t === 'COMPLETE'),
    ).toHaveLength(5);
  });

  it('an endpoint that never answers costs at most its timeout; the run still succeeds', async () => {
    receiver.mode = 'hang';
    const dir = project(`  url: ${receiver.url}\n  timeout: 300ms\n  queue_size: 3\n`);
    const r = await runCliAsync(['pipeline', 'activate', 'ol_enrollments.yaml'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const output = r.stdout + r.stderr;
    expect(output).toMatch(/Done\. OK=4 FAILED=0/);
    expect(output).toMatch(/lineage: ETL3520: lineage event not delivered: .* did not answer within 300 ms/);
    expect(output).toMatch(/lineage: ETL3521: \d+ lineage events dropped/);
  });
});
