/** SqlActivity and CopyActivity against real PostgreSQL: translation, COPY/UNLOAD, arguments, CSV. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ref } from '../../src/definition/model.js';
import { EtlError } from '../../src/diagnostics.js';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { runSqlActivity } from '../../src/local/activities/sql.js';
import { runCopyActivity } from '../../src/local/activities/copy.js';
import { harness, MY_URL, obj, PG_URL, type Harness } from './helpers.js';

let h: Harness;
let pg: Driver;
let my: Driver;

beforeAll(async () => {
  h = await harness();
  h.urls.set('Rs', PG_URL);
  h.urls.set('My', MY_URL);
  h.add(obj('Rs', { type: 'RedshiftDatabase' }), obj('My', { type: 'RdsDatabase' }));
  pg = await openDriver(PG_URL);
  my = await openDriver(MY_URL);
  await pg.exec('DROP SCHEMA IF EXISTS ld_sql CASCADE; CREATE SCHEMA ld_sql');
});

afterAll(async () => {
  await pg?.exec('DROP SCHEMA IF EXISTS ld_sql CASCADE');
  await my?.exec('DROP TABLE IF EXISTS ld_sql_my');
  await pg?.close();
  await my?.close();
  await h?.close();
});

describe('SqlActivity', () => {
  test('Redshift script with DDL, COPY from S3, UNLOAD and arguments runs on PostgreSQL', async () => {
    await h.s3.writeText(
      's3://b/sql/in/part-0',
      '1\talpha\t2024-01-01 00:00:00\n2\t\\N\t2024-01-02 00:00:00\n',
    );
    await h.s3.writeText('s3://b/sql/in/part-1', '3\tgam\\\tma\t2024-01-03 00:00:00');
    const script = `
      CREATE TABLE ld_sql.events (id INT ENCODE az64, name VARCHAR(MAX), at TIMESTAMP) DISTKEY(id) SORTKEY(at);
      COPY ld_sql.events FROM 's3://b/sql/in/' IAM_ROLE 'arn:aws:iam::1:role/x' DELIMITER '\\t' ESCAPE NULL AS '\\N';
      INSERT INTO ld_sql.events SELECT 4, NVL(?, 'none'), DATEADD(day, 1, GETDATE());
      UNLOAD ('SELECT id, name FROM ld_sql.events WHERE id <= 3 ORDER BY id') TO 's3://b/sql/out/e_' DELIMITER '|' NULL AS 'null' PARALLEL OFF;
    `;
    const act = obj('Sql1', { type: 'SqlActivity', database: ref('Rs'), script, scriptArgument: "o'neil" });
    const ctx = h.ctx(act);
    const res = await runSqlActivity(ctx);
    expect(res.rowsMoved).toBe(6);
    const rows = await pg.query('SELECT id, name FROM ld_sql.events ORDER BY id');
    expect(rows.rows).toEqual([
      { id: 1, name: 'alpha' },
      { id: 2, name: null },
      { id: 3, name: 'gam\tma' },
      { id: 4, name: "o'neil" },
    ]);
    expect(await h.s3.readText('s3://b/sql/out/e_000')).toBe('1|alpha\n2|null\n3|gam\tma\n');
    const notes = ctx.translations.join('\n');
    for (const n of [
      'ENCODE az64 dropped',
      'NVL',
      'GETDATE',
      'DATEADD',
      'COPY ld_sql.events',
      'UNLOAD',
      'IAM_ROLE',
    ]) {
      expect(notes).toContain(n);
    }
  });

  test('a failing statement rolls back the whole script', async () => {
    await pg.exec('CREATE TABLE IF NOT EXISTS ld_sql.tx (id int)');
    const act = obj('Sql2', {
      type: 'SqlActivity',
      database: ref('Rs'),
      script: 'INSERT INTO ld_sql.tx VALUES (1); INSERT INTO ld_sql.tx VALUES (1/0);',
    });
    await expect(runSqlActivity(h.ctx(act))).rejects.toBeInstanceOf(EtlError);
    expect((await pg.query('SELECT count(*)::int AS n FROM ld_sql.tx')).rows[0].n).toBe(0);
  });

  test('scriptUri from local S3, an unsupported construct names the line', async () => {
    await h.s3.writeText(
      's3://b/sql/bad.sql',
      "SELECT 1;\nCREATE EXTERNAL TABLE s.t (a int) LOCATION 's3://x/';",
    );
    const act = obj('Sql3', { type: 'SqlActivity', database: ref('Rs'), scriptUri: 's3://b/sql/bad.sql' });
    const err = (await runSqlActivity(h.ctx(act)).catch((e: unknown) => e)) as EtlError;
    expect(err.diagnostics[0].code).toBe('ETL7100');
    expect(err.diagnostics[0].message).toMatch(/s3:\/\/b\/sql\/bad\.sql: line 2: CREATE EXTERNAL TABLE/);
  });
});

test('a script for an RDS (MySQL) database runs in its own dialect, untranslated', async () => {
  const act = obj('SqlMy', {
    type: 'SqlActivity',
    database: ref('My'),
    script:
      "DROP TABLE IF EXISTS ld_sql_native; CREATE TABLE ld_sql_native AS SELECT DATEDIFF('2024-03-01', '2024-02-01') AS d, ? AS arg;",
    scriptArgument: 'x\\y',
  });
  const ctx = h.ctx(act);
  await runSqlActivity(ctx);
  expect(ctx.translations).toEqual([]);
  expect((await my.query('SELECT d, arg FROM ld_sql_native')).rows).toEqual([{ d: 29, arg: 'x\\y' }]);
  await my.exec('DROP TABLE ld_sql_native');
});

describe('CopyActivity', () => {
  test('PostgreSQL → S3 CSV → MariaDB table, and S3 → table with insertQuery', async () => {
    await pg.exec(
      `CREATE TABLE ld_sql.src (id int, s text); INSERT INTO ld_sql.src VALUES (1, 'a,b'), (2, NULL), (3, ''), (4, 'q"uote' || chr(10) || 'x')`,
    );
    await my.exec('DROP TABLE IF EXISTS ld_sql_my; CREATE TABLE ld_sql_my (id INT PRIMARY KEY, s TEXT NULL)');
    h.add(
      obj('Csv', { type: 'CSV' }),
      obj('PgSrc', {
        type: 'SqlDataNode',
        database: ref('Rs'),
        table: 'ld_sql.src',
        selectQuery: 'SELECT * FROM ld_sql.src ORDER BY id',
      }),
      obj('CsvOut', { type: 'S3DataNode', filePath: 's3://b/copy/out.csv', dataFormat: ref('Csv') }),
      obj('MyDst', { type: 'SqlDataNode', database: ref('My'), table: 'ld_sql_my' }),
      obj('PgDst', {
        type: 'SqlDataNode',
        database: ref('Rs'),
        table: 'ld_sql.dst',
        insertQuery: 'INSERT INTO ld_sql.dst (id, s) VALUES (?, ?)',
      }),
    );
    await runCopyActivity(
      h.ctx(obj('C1', { type: 'CopyActivity', input: ref('PgSrc'), output: ref('CsvOut') })),
    );
    expect(await h.s3.readText('s3://b/copy/out.csv')).toBe('1,"a,b"\n2,\n3,""\n4,"q""uote\nx"\n');

    const r = await runCopyActivity(
      h.ctx(obj('C2', { type: 'CopyActivity', input: ref('CsvOut'), output: ref('MyDst') })),
    );
    expect(r.rowsMoved).toBe(4);
    const got = await my.query('SELECT id, s FROM ld_sql_my ORDER BY id');
    expect(got.rows).toEqual([
      { id: 1, s: 'a,b' },
      { id: 2, s: null },
      { id: 3, s: '' },
      { id: 4, s: 'q"uote\nx' },
    ]);

    await pg.exec('CREATE TABLE ld_sql.dst (id int, s text)');
    await runCopyActivity(
      h.ctx(obj('C3', { type: 'CopyActivity', input: ref('CsvOut'), output: ref('PgDst') })),
    );
    expect((await pg.query('SELECT count(*)::int AS n, count(s)::int AS s FROM ld_sql.dst')).rows[0]).toEqual(
      { n: 4, s: 3 },
    );
  });

  test('re-running an extract replaces its parts and leaves subdirectories alone', async () => {
    h.add(obj('DirOut', { type: 'S3DataNode', directoryPath: 's3://b/rerun/base' }));
    await h.s3.writeText('s3://b/rerun/base/old-part', 'stale\n');
    await h.s3.writeText('s3://b/rerun/base/x/part-00000', 'child\n');
    const act = obj('C4', { type: 'CopyActivity', input: ref('PgSrc'), output: ref('DirOut') });
    await runCopyActivity(h.ctx(act));
    await runCopyActivity(h.ctx(act));
    expect(await h.s3.list('s3://b/rerun/base/')).toEqual([
      's3://b/rerun/base/part-00000',
      's3://b/rerun/base/x/part-00000',
    ]);
    expect((await h.s3.readText('s3://b/rerun/base/part-00000')).split('\n')[0]).toBe('1\ta,b');
  });

  test('the MySQL fast extract leaves the session usable, and reports server errors', async () => {
    const { PassThrough } = await import('node:stream');
    const sink = new PassThrough();
    sink.resume();
    const err = (await my
      .copyOut('SELECT * FROM no_such_table_ld', sink)
      .catch((e: unknown) => e)) as EtlError;
    expect(err.diagnostics[0].code).toBe('ETL7002');
    expect(err.diagnostics[0].message).toMatch(/no_such_table_ld/);
    expect((await my.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const n = await my.copyOut('SELECT 1 UNION ALL SELECT 2', sink);
    expect(n).toBe(2);
    expect((await my.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });
});
