/**
 * `etlctl worker` (issue 15 e): the built CLI as a Data Pipeline Task Runner against the loopback
 * stand-in's task API (test/aws/fake-dp-tasks.ts), through the real SDK on both sides. It runs
 * SqlActivity tasks on real PostgreSQL and MariaDB (databases mapped from RdsDatabase/JdbcDatabase
 * objects to the config's connections), a CopyActivity MariaDB → PostgreSQL and a
 * ShellCommandActivity with staging (seeing ETLCTL_WORKER_ID = the taskrunnerId), polled from a put
 * and activated pipeline, and reports FINISHED / FAILED (errorId, errorMessage, stderr tail) /
 * FALSE, progress during a long task and heartbeats. `canceled: true` stops a running statement
 * (gone from pg_stat_activity); SIGTERM hands the task back; AWS unreachable exits 3.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ActivatePipelineCommand,
  CreatePipelineCommand,
  DataPipelineClient,
  PutPipelineDefinitionCommand,
} from '@aws-sdk/client-data-pipeline';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MY_URL, PG_URL } from '../db.js';
import { BIN, ROOT, tempDir } from '../helpers.js';
import { FakeAws, awsTestEnv } from './fake-aws.js';
import type { TaskApiObject } from './fake-dp-tasks.js';

// The SDK's Node-version notice (this process builds a client too) is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const fake = new FakeAws();
const suffix = `${process.pid}_${Date.now() % 100000}`;
const SCHEMA = `wk_${suffix}`;
const MY_TABLE = `wk_orders_${suffix}`;
const admin = new pg.Client({ connectionString: PG_URL });
let my: mysql.Connection;
let dir: string;
let url: string;
const running: ChildProcess[] = [];

const ajv = new Ajv({ allErrors: true, strict: false });
for (const f of ['envelope', 'entities', 'commands', 'stream'])
  ajv.addSchema(
    JSON.parse(readFileSync(join(ROOT, 'src/cli/schemas', `${f}.schema.json`), 'utf8')) as Record<
      string,
      unknown
    >,
  );
const stream = ajv.getSchema('https://etlctl.dev/schemas/stream.schema.json')!;
const workerResult = ajv.getSchema('https://etlctl.dev/schemas/commands.schema.json#/definitions/Worker')!;

type Field = { key: string; stringValue?: string; refValue?: string };
const s = (key: string, stringValue: string): Field => ({ key, stringValue });
const r = (key: string, refValue: string): Field => ({ key, refValue });
const obj = (id: string, ...fields: Field[]): TaskApiObject => ({ id, name: id, fields });

const WAREHOUSE = obj(
  'WarehouseDb',
  s('type', 'RdsDatabase'),
  s('rdsInstanceId', 'wh-prod'),
  s('username', 'etl'),
  s('*password', 'not-a-real-secret'),
);
const APP_DB = obj(
  'AppDb',
  s('type', 'JdbcDatabase'),
  s('connectionString', 'jdbc:mysql://app-db.example.internal:3306/app'),
  s('jdbcDriverClass', 'com.mysql.jdbc.Driver'),
);

beforeAll(async () => {
  url = await fake.start();
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
  await admin.query(`CREATE TABLE ${SCHEMA}.app_orders (id int, status text)`);
  my = await mysql.createConnection(MY_URL);
  await my.query(`DROP TABLE IF EXISTS ${MY_TABLE}`);
  await my.query(`CREATE TABLE ${MY_TABLE} (id INT, status VARCHAR(10))`);
  dir = tempDir('etlctl-worker-');
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'etlctl.yaml'),
    [
      'target: local',
      'aws:',
      '  region: us-east-1',
      'databases:',
      '  warehouse:',
      '    engine: postgres',
      '    rds_instance_id: wh-prod',
      `    url: ${PG_URL}`,
      '  app_db:',
      '    engine: mysql',
      '    connection_string: jdbc:mysql://app-db.example.internal:3306/app',
      `    url: ${MY_URL}`,
      '',
    ].join('\n'),
  );
  // The staged shell step's input, in the local S3 folder.
  mkdirSync(join(dir, '.etlctl/s3/acme-etl/in'), { recursive: true });
  writeFileSync(join(dir, '.etlctl/s3/acme-etl/in/part-0.txt'), 'alpha\nbeta\n');
});

afterAll(async () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake.stop();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.end();
  await my.query(`DROP TABLE IF EXISTS ${MY_TABLE}`);
  await my.end();
});

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function worker(args: string[]): Run {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'worker',
      '--endpoint-url',
      url,
      '--poll-interval',
      '200ms',
      '--progress-interval',
      '400ms',
      ...args,
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        ETLCTL_CONFIG: '',
        ETLCTL_MODE: '',
        ...awsTestEnv(url, 'http://127.0.0.1:1'),
      },
    },
  );
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
    child.on('exit', (code) => res({ code, stdout, stderr })),
  );
  return { child, done };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

interface Envelope {
  exitCode: number;
  diagnostics: { code: string; message: string }[];
  result: {
    tasks: { objectId: string; end: string; reported: string | null; progressReports: number }[];
    heartbeats: number;
  } | null;
}

describe('etlctl worker: a Data Pipeline Task Runner', () => {
  it('runs the SQL and shell activities of an activated pipeline and reports status, progress, heartbeats and failures', async () => {
    const dp = new DataPipelineClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const { pipelineId } = await dp.send(new CreatePipelineCommand({ name: 'hybrid', uniqueId: 'hybrid-1' }));
    const onprem = s('workerGroup', 'onprem');
    await dp.send(
      new PutPipelineDefinitionCommand({
        pipelineId,
        pipelineObjects: [
          obj('Default', s('scheduleType', 'ondemand'), s('failureAndRerunMode', 'CASCADE')),
          WAREHOUSE,
          APP_DB,
          obj('In', s('type', 'S3DataNode'), s('directoryPath', 's3://acme-etl/in/')),
          obj('Out', s('type', 'S3DataNode'), s('directoryPath', 's3://acme-etl/out/')),
          obj(
            'LoadWarehouse',
            s('type', 'SqlActivity'),
            r('database', 'WarehouseDb'),
            onprem,
            s(
              'script',
              `CREATE TABLE ${SCHEMA}.orders (id int, day text); INSERT INTO ${SCHEMA}.orders VALUES (1, '#{format(@scheduledStartTime, "YYYY-MM-dd")}'), (2, '#{myDay}');`,
            ),
          ),
          obj(
            'UpdateApp',
            s('type', 'SqlActivity'),
            r('database', 'AppDb'),
            onprem,
            s('script', `INSERT INTO ${MY_TABLE} VALUES (?, ?);`),
            s('scriptArgument', '7'),
            s('scriptArgument', 'shipped'),
          ),
          obj(
            'Upper',
            s('type', 'ShellCommandActivity'),
            onprem,
            s('stage', 'true'),
            r('input', 'In'),
            r('output', 'Out'),
            s(
              'command',
              'cat "$INPUT1_STAGING_DIR"/*.txt | tr a-z A-Z > "$OUTPUT1_STAGING_DIR/upper.txt"; sleep 2; echo "staged by $ETLCTL_WORKER_ID"',
            ),
          ),
          obj(
            'BadSql',
            s('type', 'SqlActivity'),
            r('database', 'WarehouseDb'),
            onprem,
            s('script', `SELECT count(*) FROM ${SCHEMA}.no_such_table;`),
          ),
          obj(
            'BadShell',
            s('type', 'ShellCommandActivity'),
            onprem,
            s('command', 'echo "checking /data" >&2; echo "disk full on /data" >&2; exit 4'),
          ),
          // MariaDB → PostgreSQL once the MariaDB rows are in (the stand-in honours dependsOn).
          obj('AppOrders', s('type', 'SqlDataNode'), r('database', 'AppDb'), s('table', MY_TABLE)),
          obj(
            'WhOrders',
            s('type', 'SqlDataNode'),
            r('database', 'WarehouseDb'),
            s('table', `${SCHEMA}.app_orders`),
          ),
          obj(
            'CopyOrders',
            s('type', 'CopyActivity'),
            onprem,
            r('input', 'AppOrders'),
            r('output', 'WhOrders'),
            r('dependsOn', 'UpdateApp'),
          ),
          // Another worker group's activity is not this worker's.
          obj(
            'Elsewhere',
            s('type', 'ShellCommandActivity'),
            s('workerGroup', 'cloud'),
            s('command', 'true'),
          ),
        ],
        parameterObjects: [{ id: 'myDay', attributes: [{ key: 'type', stringValue: 'String' }] }],
        parameterValues: [{ id: 'myDay', stringValue: 'monday' }],
      }),
    );
    await dp.send(new ActivatePipelineCommand({ pipelineId }));
    dp.destroy();

    const w = worker([
      '--worker-group',
      'onprem',
      '--max-tasks',
      '6',
      '--heartbeat-interval',
      '500ms',
      '--json',
    ]);
    const out = await w.done;
    expect(out.code, out.stderr + out.stdout).toBe(0);
    const env = JSON.parse(out.stdout) as Envelope;
    expect(env.result!.tasks.map((t) => `${t.objectId}:${t.end}:${t.reported}`)).toEqual([
      'LoadWarehouse:FINISHED:FINISHED',
      'UpdateApp:FINISHED:FINISHED',
      'Upper:FINISHED:FINISHED',
      'BadSql:FAILED:FAILED',
      'BadShell:FAILED:FAILED',
      'CopyOrders:FINISHED:FINISHED',
    ]);
    const tasks = fake.tasks;
    expect(tasks.byObject('Elsewhere')).toBeUndefined();
    expect(tasks.polls.every((p) => p.workerGroup === 'onprem' && p.hostname)).toBe(true);

    // The data: PostgreSQL rows with the evaluated expression and parameter, MariaDB with the arguments.
    const rows = await admin.query(`SELECT id, day FROM ${SCHEMA}.orders ORDER BY id`);
    expect(rows.rows).toEqual([
      { id: 1, day: '2026-12-01' },
      { id: 2, day: 'monday' },
    ]);
    const [mine] = await my.query(`SELECT id, status FROM ${MY_TABLE}`);
    expect(mine).toEqual([{ id: 7, status: 'shipped' }]);
    expect((await admin.query(`SELECT id, status FROM ${SCHEMA}.app_orders`)).rows).toEqual([
      { id: 7, status: 'shipped' },
    ]);
    expect(readFileSync(join(dir, '.etlctl/s3/acme-etl/out/upper.txt'), 'utf8')).toBe('ALPHA\nBETA\n');

    // Progress: reported while the 2-second shell task ran, and the task was not canceled.
    expect(tasks.progressOf('Upper')).toBeGreaterThanOrEqual(3);
    expect(env.result!.tasks.find((t) => t.objectId === 'Upper')!.progressReports).toBe(
      tasks.progressOf('Upper'),
    );
    // Heartbeats: the Task Runner's id, worker group and host name.
    expect(tasks.heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tasks.heartbeats.map((h) => h.taskrunnerId)).size).toBe(1);
    expect(tasks.heartbeats[0]).toMatchObject({ workerGroup: 'onprem', hostname: expect.any(String) });
    expect(tasks.heartbeats[0].taskrunnerId).toMatch(/^etlctl-/);

    // The failing SQL: its cause in errorId and errorMessage, no JavaScript stack anywhere.
    const badSql = tasks.statusOf('BadSql')!;
    expect(badSql).toMatchObject({ taskStatus: 'FAILED', errorId: 'ETL7002' });
    expect(badSql.errorMessage).toMatch(/no_such_table" does not exist/);
    expect(`${badSql.errorMessage}\n${badSql.errorStackTrace ?? ''}`).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    // The failing shell: exit code and the stderr tail.
    const badShell = tasks.statusOf('BadShell')!;
    expect(badShell).toMatchObject({ taskStatus: 'FAILED', errorId: 'ETL7531' });
    expect(badShell.errorMessage).toMatch(/exited with code 4: disk full on \/data/);
    expect(badShell.errorStackTrace).toBe('checking /data\ndisk full on /data');
    expect(tasks.statusOf('LoadWarehouse')).toEqual({
      taskId: tasks.byObject('LoadWarehouse')!.taskId,
      taskStatus: 'FINISHED',
    });
    // The database object's secret never reaches the output or the task logs.
    expect(out.stdout + out.stderr).not.toContain('not-a-real-secret');
    const logs = join(dir, '.etlctl/worker/logs');
    const logText = readdirSync(logs)
      .map((f) => readFileSync(join(logs, f), 'utf8'))
      .join('\n');
    expect(logText).toContain(`staged by ${tasks.heartbeats[0].taskrunnerId}\n`);
    expect(logText).not.toContain('not-a-real-secret');
  });

  it('stops the running statement when Data Pipeline answers canceled: true', async () => {
    const marker = `wk_cancel_${suffix}`;
    const task = fake.tasks.queue({
      workerGroup: 'cancel',
      objectId: 'Slow',
      objects: [
        WAREHOUSE,
        obj(
          'Slow',
          s('type', 'SqlActivity'),
          r('database', 'WarehouseDb'),
          s('script', `SELECT pg_sleep(60) AS ${marker};`),
        ),
      ],
    });
    const w = worker(['--worker-group', 'cancel', '--once', '--json']);
    const active = async (): Promise<number> =>
      Number(
        (
          await admin.query(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%${marker}%' AND pid <> pg_backend_pid() AND state = 'active'`,
          )
        ).rows[0].n,
      );
    await until('the statement to run', async () => (await active()) === 1);
    fake.tasks.cancel(task.taskId);
    await until('the statement to stop', async () => (await active()) === 0, 15_000);
    const out = await w.done;
    expect(out.code, out.stderr).toBe(0);
    const env = JSON.parse(out.stdout) as Envelope;
    expect(env.result!.tasks).toMatchObject([{ objectId: 'Slow', end: 'CANCELED', reported: null }]);
    // The service ended the attempt: nothing more is reported for it.
    expect(fake.tasks.statuses.filter((x) => x.taskId === task.taskId)).toEqual([]);
  });

  it('hands the running task back on SIGTERM after the grace period', async () => {
    const task = fake.tasks.queue({
      workerGroup: 'stop',
      objectId: 'Long',
      objects: [obj('Long', s('type', 'ShellCommandActivity'), s('command', 'echo started; sleep 30'))],
    });
    const w = worker(['--worker-group', 'stop', '--grace', '1s', '--json']);
    await until('the task to start', () => fake.tasks.progress.some((p) => p.taskId === task.taskId));
    w.child.kill('SIGTERM');
    const out = await w.done;
    expect(out.code, out.stderr).toBe(0);
    expect(fake.tasks.statuses.find((x) => x.taskId === task.taskId)).toMatchObject({
      taskStatus: 'FAILED',
      errorId: 'ETL7851',
      errorMessage: expect.stringMatching(/stopped before the task finished/),
    });
  });

  it('reports a precondition that does not hold as FALSE; --json-stream lines follow the schemas', async () => {
    const missing = join(dir, 'no-such-marker');
    const task = fake.tasks.queue({
      workerGroup: 'pre',
      objectId: 'Ready',
      objects: [obj('Ready', s('type', 'ShellCommandPrecondition'), s('command', `test -f ${missing}`))],
    });
    const out = await worker(['--worker-group', 'pre', '--once', '--json-stream']).done;
    expect(out.code, out.stderr).toBe(0);
    expect(fake.tasks.statuses.find((x) => x.taskId === task.taskId)).toEqual({
      taskId: task.taskId,
      taskStatus: 'FALSE',
    });
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, -1).map((l) => l.kind)).toEqual([
      'worker-started',
      'worker-task-start',
      'worker-task-progress',
      'worker-task-end',
      'worker-stopped',
    ]);
    for (const line of lines) expect(stream(line), ajv.errorsText(stream.errors)).toBe(true);
    const last = lines.at(-1) as unknown as Envelope;
    expect(workerResult(last.result), ajv.errorsText(workerResult.errors)).toBe(true);
    expect(last.result!.tasks).toMatchObject([{ objectId: 'Ready', end: 'FALSE', reported: 'FALSE' }]);
  });

  it('stops a task at --task-timeout and reports it FAILED (ETL7853)', async () => {
    const task = fake.tasks.queue({
      workerGroup: 'slow',
      objectId: 'Sleepy',
      objects: [obj('Sleepy', s('type', 'ShellCommandActivity'), s('command', 'sleep 30'))],
    });
    const started = Date.now();
    const out = await worker(['--worker-group', 'slow', '--once', '--task-timeout', '1s', '--json']).done;
    expect(out.code, out.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fake.tasks.statuses.find((x) => x.taskId === task.taskId)).toMatchObject({
      taskStatus: 'FAILED',
      errorId: 'ETL7853',
    });
  });

  it('maps a database instance object to the connection named after its component', async () => {
    const instance = '@warehouse_2026-12-01T00:00:00';
    fake.tasks.queue({
      workerGroup: 'named',
      objectId: 'ByName',
      objects: [
        obj(instance, s('type', 'RdsDatabase'), r('@componentParent', 'warehouse'), s('username', 'etl')),
        obj(
          'ByName',
          s('type', 'SqlActivity'),
          r('database', instance),
          s('script', `CREATE TABLE ${SCHEMA}.by_name AS SELECT 42 AS answer;`),
        ),
      ],
    });
    const out = await worker(['--worker-group', 'named', '--once', '--json']).done;
    expect(out.code, out.stderr).toBe(0);
    expect(fake.tasks.statusOf('ByName')).toMatchObject({ taskStatus: 'FINISHED' });
    expect((await admin.query(`SELECT answer FROM ${SCHEMA}.by_name`)).rows).toEqual([{ answer: 42 }]);
  });

  it('ends after a heartbeat answered terminate: true; exits 3 without a region', async () => {
    fake.tasks.terminate = true;
    try {
      const out = await worker(['--worker-group', 'idle', '--heartbeat-interval', '300ms', '--json']).done;
      expect(out.code, out.stderr).toBe(0);
      const env = JSON.parse(out.stdout) as Envelope & { result: { stopped: string } };
      expect(env.result.stopped).toBe('terminate');
    } finally {
      fake.tasks.terminate = false;
    }
    const bare = tempDir('etlctl-worker-noregion-');
    const noRegion = spawn(process.execPath, [BIN, 'worker', '--worker-group', 'x', '--once', '--json'], {
      cwd: bare,
      env: {
        ...process.env,
        ETLCTL_CONFIG: '',
        ...awsTestEnv(url, url),
        AWS_REGION: '',
        AWS_DEFAULT_REGION: '',
      },
    });
    let stdout = '';
    noRegion.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    expect(await new Promise((res) => noRegion.on('exit', res))).toBe(3);
    expect((JSON.parse(stdout) as Envelope).diagnostics.map((d) => d.code)).toEqual(['ETL6515']);
  });

  it('exits 3 with a code and what to do when Data Pipeline cannot be reached; 2 without --worker-group', async () => {
    const down = spawn(
      process.execPath,
      [BIN, 'worker', '--worker-group', 'x', '--endpoint-url', 'http://127.0.0.1:1', '--once', '--json'],
      { cwd: dir, env: { ...process.env, ETLCTL_CONFIG: '', ...awsTestEnv(url, 'http://127.0.0.1:1') } },
    );
    let stdout = '';
    down.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise((res) => down.on('exit', res));
    expect(code).toBe(3);
    const env = JSON.parse(stdout) as Envelope & { diagnostics: { code: string; hint?: string }[] };
    expect(env.diagnostics[0]).toMatchObject({
      code: 'ETL6510',
      hint: expect.stringMatching(/--endpoint-url/),
    });
    const usage = await worker(['--json']).done;
    expect(usage.code).toBe(2);
    expect((JSON.parse(usage.stdout) as Envelope).diagnostics.map((d) => d.code)).toEqual(['ETL7850']);
  });
});
