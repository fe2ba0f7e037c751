/**
 * `etlctl task qa-check` against real PostgreSQL (destination) and MariaDB (source and
 * destination): every check passes on good data and fails on bad data; warn checks exit 0 with
 * an ETLCTL-ALERT line; thresholds and tolerances are respected. Names unique to this file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { runQaCheckTask } from '../../src/tasks/qa-check.js';
import type { QaCheckSpec } from '../../src/tasks/qa-spec.js';
import { runCli, tempDir } from '../helpers.js';
import { MY_URL, PG_URL } from '../db.js';

const S = 'qa_task_chk'; // PostgreSQL schema of this file
const M = 'qa_task_chk_'; // MariaDB table prefix of this file

let config: ResolvedConfig;
let dir: string;

beforeAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${S} CASCADE; CREATE SCHEMA ${S};`);
  await c.query(`
    CREATE TABLE ${S}.good (id INTEGER, user_id INTEGER, status VARCHAR(20), score NUMERIC(5,2), seen_at TIMESTAMP);
    INSERT INTO ${S}.good VALUES
      (1, 10, 'active', 1.50, '2026-01-01 10:00:00'), (2, 11, 'done', 2.00, '2026-01-02 11:00:00'),
      (3, 12, 'active', NULL, '2026-01-03 12:00:00'), (4, 13, 'done', 4.25, '2026-01-04 13:00:00');
    CREATE TABLE ${S}.bad (id INTEGER, user_id INTEGER, status VARCHAR(20), score NUMERIC(5,2), seen_at TIMESTAMP);
    INSERT INTO ${S}.bad VALUES
      (1, 10, 'active', 1.50, '2026-01-01 10:00:00'), (2, 11, 'done', 9.99, '2026-01-02 11:00:00'),
      (2, NULL, 'weird', NULL, '2026-01-02 11:00:00'), (NULL, 13, 'odd', 4.25, '2026-01-04 13:00:00'),
      (5, 14, 'weird', 5.00, '2026-01-05 14:00:00');`);
  await c.end();
  const m = await mysql.createConnection(MY_URL);
  for (const t of ['src', 'dst']) await m.query(`DROP TABLE IF EXISTS ${M}${t}`);
  await m.query(
    `CREATE TABLE ${M}src (id INT PRIMARY KEY, user_id INT, status VARCHAR(20), score DECIMAL(5,2), seen_at DATETIME)`,
  );
  await m.query(`INSERT INTO ${M}src VALUES
    (1, 10, 'active', 1.5, '2026-01-01 10:00:00'), (2, 11, 'done', 2, '2026-01-02 11:00:00'),
    (3, 12, 'active', NULL, '2026-01-03 12:00:00'), (4, 13, 'done', 4.25, '2026-01-04 13:00:00')`);
  await m.query(`CREATE TABLE ${M}dst (id INT, code VARCHAR(5))`);
  await m.query(`INSERT INTO ${M}dst VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, NULL)`);
  await m.end();
  dir = tempDir('etlctl-qa-task-');
  writeFileSync(
    join(dir, 'etlctl.yaml'),
    `target: local\nlocal:\n  state_dir: ${join(dir, 'state')}\ndatabases:\n  wh:\n    engine: postgres\n    url: ${PG_URL}\n  app:\n    engine: mysql\n    url: ${MY_URL}\n  down:\n    engine: postgres\n    url: postgres://postgres@127.0.0.1:1/test\n`,
  );
  config = loadConfig({ configPath: join(dir, 'etlctl.yaml'), cwd: dir, env: {} });
});

afterAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${S} CASCADE`);
  await c.end();
  const m = await mysql.createConnection(MY_URL);
  for (const t of ['src', 'dst']) await m.query(`DROP TABLE IF EXISTS ${M}${t}`);
  await m.end();
});

type Partial1 = Partial<QaCheckSpec> & Pick<QaCheckSpec, 'kind'>;
function spec(c: Partial1): QaCheckSpec {
  return { name: c.kind, severity: 'error', threshold: 0, ...c };
}

async function run(checks: Partial1[], database = 'wh') {
  const out: string[] = [];
  const errs: string[] = [];
  const report = await runQaCheckTask({
    pipeline: 'qa_pipe',
    step: 'qa_step',
    database,
    checks: JSON.stringify(checks.map(spec)),
    config,
    env: {},
    stdout: (l) => out.push(l),
    stderr: (l) => errs.push(l),
  });
  return { report, out, errs, r: report.results[0] };
}

describe('row checks on PostgreSQL', () => {
  it('primary-key: passes on unique keys, counts duplicated and null keys', async () => {
    const good = await run([{ kind: 'primary-key', table: `${S}.good`, columns: ['id'] }]);
    expect(good.out[0]).toBe(`PASS primary-key ${S}.good (0 failing rows)`);
    expect(good.report.exitCode).toBe(0);
    const bad = await run([{ kind: 'primary-key', table: `${S}.bad`, columns: ['id'] }]);
    expect(bad.r.status).toBe('FAIL');
    expect(bad.r.failing).toBe(2);
    expect(bad.out[0]).toBe(
      `FAIL primary-key ${S}.bad (2 failing rows: 1 duplicated key over 2 rows, 1 row with a null key)`,
    );
    expect(bad.out).toContain('    e.g. id=2, duplicate_count=2');
    expect(bad.report.exitCode).toBe(1);
    expect(bad.out.at(-1)).toBe('Done. PASS=0 WARN=0 FAIL=1 ERROR=0 TOTAL=1');
  });

  it('not-null: names the columns with nulls', async () => {
    expect((await run([{ kind: 'not-null', table: `${S}.good`, columns: ['id', 'user_id'] }])).r.status).toBe(
      'PASS',
    );
    const bad = await run([{ kind: 'not-null', table: `${S}.bad`, columns: ['id', 'user_id'] }]);
    expect(bad.r.failing).toBe(2);
    expect(bad.r.detail).toBe('2 failing rows: nulls in id (1), user_id (1)');
  });

  it('unique: counts duplicated values, ignoring nulls', async () => {
    expect((await run([{ kind: 'unique', table: `${S}.good`, columns: ['user_id'] }])).r.status).toBe('PASS');
    const bad = await run([{ kind: 'unique', table: `${S}.bad`, columns: ['status'] }]);
    expect(bad.r.failing).toBe(1);
    expect(bad.r.status).toBe('FAIL');
  });

  it('accepted-values: lists unexpected values; threshold allows some', async () => {
    const values = ['active', 'done'];
    expect(
      (await run([{ kind: 'accepted-values', table: `${S}.good`, column: 'status', values }])).r.status,
    ).toBe('PASS');
    const bad = await run([{ kind: 'accepted-values', table: `${S}.bad`, column: 'status', values }]);
    expect(bad.r.failing).toBe(3);
    expect(bad.r.detail).toBe('3 failing rows: unexpected status "weird" (2), "odd" (1)');
    expect(
      (await run([{ kind: 'accepted-values', table: `${S}.bad`, column: 'status', values, threshold: 3 }])).r
        .status,
    ).toBe('PASS');
    expect(
      (await run([{ kind: 'accepted-values', table: `${S}.bad`, column: 'status', values, threshold: 2 }])).r
        .status,
    ).toBe('FAIL');
  });

  it('sql: the query returns the failing rows', async () => {
    const sql = (t: string) => `SELECT id FROM ${S}.${t} WHERE score > 9;`;
    expect((await run([{ kind: 'sql', name: 'no_big_scores', sql: sql('good') }])).out[0]).toBe(
      'PASS no_big_scores [sql] (0 failing rows)',
    );
    const bad = await run([{ kind: 'sql', name: 'no_big_scores', sql: sql('bad') }]);
    expect(bad.out[0]).toBe('FAIL no_big_scores [sql] (1 failing row)');
    expect(bad.out[1]).toBe('    e.g. id=2');
  });
});

describe('row checks on MariaDB', () => {
  it('primary-key, not-null and accepted-values run on a MySQL-family destination', async () => {
    const { report, out } = await run(
      [
        { kind: 'primary-key', table: `${M}src`, columns: ['id'] },
        { kind: 'primary-key', table: `${M}dst`, columns: ['id'] },
        { kind: 'not-null', table: `${M}dst`, columns: ['code'] },
        { kind: 'accepted-values', table: `${M}dst`, column: 'code', values: ['a', 'b'] },
      ],
      'app',
    );
    expect(report.results.map((r) => [r.status, r.failing])).toEqual([
      ['PASS', 0],
      ['FAIL', 1],
      ['FAIL', 1],
      ['FAIL', 1],
    ]);
    expect(out.at(-1)).toBe('Done. PASS=1 WARN=0 FAIL=3 ERROR=0 TOTAL=4');
  });
});

describe('cross-database checks (MariaDB source → PostgreSQL destination)', () => {
  it('row-count: equal counts pass; the tolerance is a percentage of the source count', async () => {
    const good = await run([
      { kind: 'row-count', table: `${S}.good`, source: 'app', sourceSql: `SELECT id FROM ${M}src` },
    ]);
    expect(good.out[0]).toBe(
      `PASS row-count ${S}.good (source 4, destination 4, error rate 0%, tolerance 0%)`,
    );
    // bad has 5 rows vs 4: error rate 25%
    const bad = await run([{ kind: 'row-count', table: `${S}.bad`, source: 'app', sourceTable: `${M}src` }]);
    expect(bad.r.errorRate).toBe(25);
    expect(bad.r.status).toBe('FAIL');
    expect(
      (
        await run([
          {
            kind: 'row-count',
            table: `${S}.bad`,
            source: 'app',
            sourceCountSql: `SELECT COUNT(*) FROM ${M}src`,
            threshold: 25,
          },
        ])
      ).r.status,
    ).toBe('PASS');
    const dstSql = await run([
      {
        kind: 'row-count',
        source: 'app',
        sourceSql: `SELECT id FROM ${M}src`,
        destinationSql: `SELECT id FROM ${S}.bad WHERE id IS NOT NULL`,
      },
    ]);
    expect(dstSql.r.errorRate).toBe(0);
  });

  it('row-count: an empty source with a non-empty destination fails', async () => {
    const r = await run([
      {
        kind: 'row-count',
        table: `${S}.good`,
        source: 'app',
        sourceSql: `SELECT id FROM ${M}src WHERE id < 0`,
      },
    ]);
    expect(r.r.status).toBe('FAIL');
    expect(r.r.errorRate).toBeNull();
    expect(r.r.detail).toContain('source is empty');
  });

  it('column-sample: values compare equal across engines (decimals, timestamps, nulls)', async () => {
    const r = await run([
      {
        kind: 'column-sample',
        table: `${S}.good`,
        source: 'app',
        sourceSql: `SELECT * FROM ${M}src`,
        keyColumns: ['id'],
        sampleSize: 10,
      },
    ]);
    expect(r.r.detail).toBe('0 mismatched rows of 4 compared, error rate 0%, tolerance 0%');
    expect(r.r.status).toBe('PASS');
  });

  it('column-sample: mismatches fail above the tolerance, with examples', async () => {
    const base = {
      kind: 'column-sample' as const,
      table: `${S}.bad`,
      source: 'app',
      sourceSql: `SELECT id, user_id, score FROM ${M}src`,
      keyColumns: ['id'],
    };
    const r = await run([{ ...base, sqlTail: 'ORDER BY id LIMIT LIMIT_PLACEHOLDER', sampleSize: 2 }]);
    // id 1 equal; id 2 appears twice in bad, one of them differs
    expect(r.r.status).toBe('FAIL');
    expect(r.r.errorRate).toBe(50);
    expect(r.out[1]).toMatch(/^ {4}e\.g\. id=2, differences=/);
    expect(
      (await run([{ ...base, sqlTail: 'ORDER BY id LIMIT LIMIT_PLACEHOLDER', sampleSize: 2, threshold: 50 }]))
        .r.status,
    ).toBe('PASS');
    const missing = await run([{ ...base, sampleSize: 10, threshold: 100 }]);
    expect(missing.r.detail).toMatch(/2 sampled keys are not in the destination \(ignored\)/);
  });

  it("column-sample with Dataduct's destination_sql form (keys first, merged value last)", async () => {
    const r = await run([
      {
        kind: 'column-sample',
        source: 'app',
        sourceSql: `SELECT id, status, user_id FROM ${M}src`,
        destinationSql: `SELECT id, status || CAST(user_id AS VARCHAR) AS merged_string FROM ${S}.good`,
        keyColumns: [],
        sampleSize: 10,
      },
    ]);
    expect(r.r.status).toBe('PASS');
    expect(r.r.detail).toContain('of 4 compared');
  });
});

describe('severity, errors and exit codes', () => {
  it('a failed warn check exits 0 and prints an ETLCTL-ALERT line', async () => {
    const r = await run([
      { kind: 'primary-key', table: `${S}.good`, columns: ['id'] },
      { kind: 'primary-key', name: 'pk_bad', severity: 'warn', table: `${S}.bad`, columns: ['id'] },
    ]);
    expect(r.report.exitCode).toBe(0);
    expect(r.out[1]).toMatch(/^WARN pk_bad \[primary-key\] qa_task_chk\.bad \(2 failing rows/);
    expect(r.out.at(-1)).toBe('Done. PASS=1 WARN=1 FAIL=0 ERROR=0 TOTAL=2');
    expect(r.errs).toHaveLength(1);
    expect(r.errs[0].startsWith('ETLCTL-ALERT ')).toBe(true);
    const alert = JSON.parse(r.errs[0].slice('ETLCTL-ALERT '.length));
    expect(alert).toMatchObject({
      kind: 'qa-warning',
      alarm: 'myWarningAlarm',
      pipeline: 'qa_pipe',
      step: 'qa_step',
      check: 'pk_bad',
      table: `${S}.bad`,
    });
  });

  it('all checks run and are reported even when an early one fails', async () => {
    const r = await run([
      { kind: 'primary-key', table: `${S}.bad`, columns: ['id'] },
      { kind: 'not-null', table: `${S}.good`, columns: ['id'] },
    ]);
    expect(r.report.results.map((x) => x.status)).toEqual(['FAIL', 'PASS']);
    expect(r.report.exitCode).toBe(1);
  });

  it('a check that cannot run is an ERROR (exit 1), others still run', async () => {
    const r = await run([
      { kind: 'not-null', table: `${S}.missing_table`, columns: ['id'] },
      { kind: 'not-null', table: `${S}.good`, columns: ['id'] },
    ]);
    expect(r.report.results.map((x) => x.status)).toEqual(['ERROR', 'PASS']);
    expect(r.out[0]).toMatch(/^ERROR not-null qa_task_chk\.missing_table \(.*missing_table/);
    expect(r.report.exitCode).toBe(1);
  });

  it('an unreachable database is an environment error (exit 3)', async () => {
    const r = await run([{ kind: 'not-null', table: 'x.y', columns: ['id'] }], 'down');
    expect(r.r.status).toBe('ERROR');
    expect(r.report.exitCode).toBe(3);
    expect(r.out[0]).not.toMatch(/password/i);
  });
});

describe('etlctl task qa-check (CLI, as the engine runs it)', () => {
  const checks = () =>
    JSON.stringify([
      spec({ kind: 'primary-key', table: `${S}.good`, columns: ['id'] }),
      spec({
        kind: 'accepted-values',
        name: 'status_values',
        severity: 'warn',
        table: `${S}.bad`,
        column: 'status',
        values: ['active', 'done'],
      }),
    ]);

  it('prints one line per check and a summary; a warn failure exits 0 with an alert on stderr', () => {
    const r = runCli(
      ['task', 'qa-check', '--database', 'wh', '--pipeline', 'p', '--step', 's', '--checks', checks()],
      {
        env: { ETLCTL_CONFIG: join(dir, 'etlctl.yaml') },
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `PASS primary-key ${S}.good (0 failing rows)`,
      `WARN status_values [accepted-values] ${S}.bad (3 failing rows: unexpected status "weird" (2), "odd" (1))`,
      '    e.g. value=weird, n=2',
      '    e.g. value=odd, n=1',
      'Done. PASS=1 WARN=1 FAIL=0 ERROR=0 TOTAL=2',
      '',
    ]);
    expect(r.stderr).toMatch(/^ETLCTL-ALERT \{.*"check":"status_values"/m);
  });

  it('--json prints the report; an error check failing exits 1', () => {
    const failing = JSON.stringify([spec({ kind: 'unique', table: `${S}.bad`, columns: ['id'] })]);
    const r = runCli(
      ['task', 'qa-check', '--database', 'wh', '--checks', failing, '--json', '-c', join(dir, 'etlctl.yaml')],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    const envelope = JSON.parse(r.stdout);
    expect(envelope).toMatchObject({ ok: false, exitCode: 1 });
    const report = envelope.result;
    expect(report).toMatchObject({ ok: false, exitCode: 1, counts: { FAIL: 1, TOTAL: 1 } });
    expect(report.results[0]).toMatchObject({ kind: 'unique', status: 'FAIL', failing: 1 });
  });

  it('bad --checks JSON is a usage error', () => {
    const r = runCli(
      ['task', 'qa-check', '--checks', '[{"kind":"primay-key"}]', '-c', join(dir, 'etlctl.yaml')],
      { cwd: dir },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ETL7911');
  });
});

describe('log_to_s3', () => {
  it("writes Dataduct's QA log row (schema, table, pipeline, time, test, pass, tolerance, rate) to the local S3", async () => {
    await run([
      {
        kind: 'row-count',
        table: `${S}.bad`,
        source: 'app',
        sourceTable: `${M}src`,
        threshold: 1,
        logUri: 's3://acme-etl/etlctl/logs/qa_pipe/qa/qa_step/',
      },
    ]);
    const { createLocalS3 } = await import('../../src/local/s3.js');
    const s3 = createLocalS3({ stateDir: join(dir, 'state') });
    const uris = await s3.list('s3://acme-etl/etlctl/logs/qa_pipe/qa/qa_step/');
    expect(uris).toHaveLength(1);
    const row = (await s3.readText(uris[0])).trimEnd().split('\t');
    expect(row[0]).toBe(S);
    expect(row[1]).toBe('bad');
    expect(row[2]).toBe('qa_pipe');
    expect(row[4]).toBe('qa_pipe.qa_step.row-count');
    expect(row.slice(5)).toEqual(['0', '1', '25']);
  });
});
