/**
 * MariaDB table with awkward values → CopyActivity to local S3 (TSV) → RedshiftCopyActivity into
 * PostgreSQL and into PGlite; every value must come back equal.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ref } from '../../src/definition/model.js';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { runCopyActivity } from '../../src/local/activities/copy.js';
import { runRedshiftCopyActivity } from '../../src/local/activities/redshift-copy.js';
import { harness, MY_URL, obj, PG_URL, type Harness } from './helpers.js';

const SRC = 'ld_rt_src';
const DST = 'ld_rt_dst';

const big = 'x'.repeat(100_000) + '\t\n\\ 😀 ' + 'y'.repeat(100_000);
const STRINGS: (string | null)[] = [
  null,
  '',
  'NULL',
  '\\N',
  '\\\\N',
  'N',
  'tab\there',
  'line\nbreak',
  'cr\rhere\r\n',
  'back\\slash',
  'ends with backslash\\',
  '\\',
  '\t\n\r\\',
  'ünïcödé 日本語 Ελληνικά',
  '😀🎉 emoji 𝄞',
  ' leading and trailing ',
  `quotes ' " \``,
  '|,;',
  big,
];

interface SrcRow {
  id: number;
  s: string | null;
  v: string | null;
  d: string | null;
  dt: string | null;
  n: number | null;
}

const rows: SrcRow[] = STRINGS.map((s, i) => ({
  id: i + 1,
  s,
  v: s === null || s.length > 40 ? (i % 2 ? null : 'short') : s,
  d:
    i % 3 === 0
      ? null
      : ['0.000001', '-12345678.123456', '99999999999.999999', '0.000000', '1.500000'][i % 5],
  dt:
    i % 4 === 0
      ? null
      : [
          '2024-02-29 23:59:59.999999',
          '1970-01-01 00:00:00.000000',
          '2038-01-19 03:14:08.123000',
          '1999-12-31 12:00:00.000001',
        ][i % 4],
  n: i % 5 === 0 ? null : i * 1000 - 7000,
}));

let h: Harness;
let my: Driver;

beforeAll(async () => {
  h = await harness();
  my = await openDriver(MY_URL);
  await my.exec(`DROP TABLE IF EXISTS ${SRC}`);
  await my.exec(
    `CREATE TABLE ${SRC} (id INT PRIMARY KEY, s LONGTEXT NULL, v VARCHAR(40) NULL, d DECIMAL(18,6) NULL, dt DATETIME(6) NULL, n INT NULL) CHARACTER SET utf8mb4`,
  );
  for (const r of rows) {
    await my.query(`INSERT INTO ${SRC} VALUES (?, ?, ?, ?, ?, ?)`, [r.id, r.s, r.v, r.d, r.dt, r.n]);
  }
  h.urls.set('MyDb', MY_URL);
  h.urls.set('PgDb', PG_URL);
  h.urls.set('LiteDb', 'pglite://memory');
  h.add(
    obj('MyDb', { type: 'RdsDatabase' }),
    obj('PgDb', { type: 'RedshiftDatabase' }),
    obj('LiteDb', { type: 'RedshiftDatabase' }),
    obj('SrcNode', {
      type: 'SqlDataNode',
      database: ref('MyDb'),
      table: SRC,
      selectQuery: `SELECT * FROM ${SRC} ORDER BY id;`,
    }),
    obj('Tsv', { type: 'TSV' }),
    obj('Staged', { type: 'S3DataNode', directoryPath: 's3://bucket/rt/extract/', dataFormat: ref('Tsv') }),
    obj('StagedRaw', { type: 'S3DataNode', directoryPath: 's3://bucket/rt/extract/' }),
  );
  const extract = obj('Extract', { type: 'CopyActivity', input: ref('SrcNode'), output: ref('Staged') });
  const res = await runCopyActivity(h.ctx(extract));
  expect(res.rowsMoved).toBe(rows.length);
});

afterAll(async () => {
  await my?.exec(`DROP TABLE IF EXISTS ${SRC}`);
  await my?.close();
  await h?.close();
});

const CREATE_REDSHIFT = `CREATE TABLE ${DST} (
  id INTEGER NOT NULL ENCODE az64 DISTKEY,
  s VARCHAR(MAX) ENCODE zstd,
  v VARCHAR(40),
  d DECIMAL(18,6),
  dt TIMESTAMP,
  n INTEGER,
  PRIMARY KEY (id)
) DISTSTYLE KEY SORTKEY (id);`;

async function loadAndCompare(dbId: string, url: string): Promise<void> {
  h.add(
    obj(`Out_${dbId}`, {
      type: 'RedshiftDataNode',
      database: ref(dbId),
      tableName: DST,
      createTableSql: CREATE_REDSHIFT,
    }),
  );
  const act = obj(`Load_${dbId}`, {
    type: 'RedshiftCopyActivity',
    input: ref('StagedRaw'),
    output: ref(`Out_${dbId}`),
    insertMode: 'TRUNCATE',
    commandOptions: ["DELIMITER '\\t' ESCAPE", "NULL AS '\\N'", 'TRUNCATECOLUMNS', 'COMPUPDATE OFF'],
  });
  const ctx = h.ctx(act);
  const res = await runRedshiftCopyActivity(ctx);
  expect(res.rowsMoved).toBe(rows.length);
  expect(ctx.translations.join('\n')).toMatch(/DISTKEY dropped/);
  expect(ctx.translations.join('\n')).toMatch(/VARCHAR\(MAX\) → TEXT/);
  expect(ctx.translations.join('\n')).toMatch(/COMPUPDATE OFF ignored/);

  const d = dbId === 'LiteDb' ? await ctx.connect(dbId) : await openDriver(url);
  try {
    const got = await d.query(
      `SELECT id, s, v, d::text AS d, to_char(dt, 'YYYY-MM-DD HH24:MI:SS.US') AS dt, n FROM ${DST} ORDER BY id`,
    );
    expect(got.rows.length).toBe(rows.length);
    got.rows.forEach((g, i) => {
      const want = rows[i];
      expect({ ...g, s: g.s === null ? null : (g.s as string).length }).toEqual({
        ...want,
        s: want.s === null ? null : want.s.length,
      });
      expect(g.s).toBe(want.s);
    });
  } finally {
    if (dbId !== 'LiteDb') {
      await d.exec(`DROP TABLE IF EXISTS ${DST}`);
      await d.close();
    }
  }
}

describe('MariaDB → S3 TSV → load', () => {
  test('the extract writes one part in the engine TSV dialect', async () => {
    const parts = await h.s3.list('s3://bucket/rt/extract/');
    expect(parts).toEqual(['s3://bucket/rt/extract/part-00000']);
    const text = await h.s3.readText(parts[0]);
    expect(text.split('\n')[0]).toBe('1\t\\N\tshort\t\\N\t\\N\t\\N');
    expect(text).toContain('4\t\\\\N\t\\\\N\t');
  });

  test('into PostgreSQL, every value equal to the source', async () => {
    const pg = await openDriver(PG_URL);
    await pg.exec(`DROP TABLE IF EXISTS ${DST}`);
    await pg.close();
    await loadAndCompare('PgDb', PG_URL);
  });

  test('into PGlite, every value equal to the source', async () => {
    await loadAndCompare('LiteDb', 'pglite://memory');
  });
});
