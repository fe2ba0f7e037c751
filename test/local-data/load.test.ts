/** RedshiftCopyActivity insert modes and atomicity against real PostgreSQL, MariaDB and PGlite. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ref } from '../../src/definition/model.js';
import { EtlError } from '../../src/diagnostics.js';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { runRedshiftCopyActivity } from '../../src/local/activities/redshift-copy.js';
import { atomicLoad } from '../../src/local/activities/load.js';
import { Readable } from 'node:stream';
import { harness, MY_URL, obj, PG_URL, type Harness } from './helpers.js';

const T = 'ld_load_t';
let h: Harness;
const dbs: Record<string, Driver> = {};

beforeAll(async () => {
  h = await harness();
  h.urls.set('PgDb', PG_URL);
  h.urls.set('MyDb', MY_URL);
  h.urls.set('LiteDb', 'pglite://memory');
  h.add(
    obj('PgDb', { type: 'RedshiftDatabase' }),
    obj('MyDb', { type: 'RdsDatabase' }),
    obj('LiteDb', { type: 'RedshiftDatabase' }),
    obj('PgDbOut', { type: 'RedshiftDataNode', database: ref('PgDb'), tableName: T }),
    obj('MyDbOut', { type: 'SqlDataNode', database: ref('MyDb'), table: T }),
    obj('LiteDbOut', { type: 'RedshiftDataNode', database: ref('LiteDb'), tableName: T }),
  );
  dbs.PgDb = await openDriver(PG_URL);
  dbs.MyDb = await openDriver(MY_URL);
  dbs.LiteDb = await h.ctx(obj('x', {})).connect('LiteDb');
});

afterAll(async () => {
  await dbs.PgDb?.exec(`DROP TABLE IF EXISTS ${T}`);
  await dbs.MyDb?.exec(`DROP TABLE IF EXISTS ${T}`);
  await dbs.PgDb?.close();
  await dbs.MyDb?.close();
  await h?.close();
});

async function reset(db: string): Promise<void> {
  const d = dbs[db];
  await d.exec(`DROP TABLE IF EXISTS ${T}`);
  await d.exec(`CREATE TABLE ${T} (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, amount DECIMAL(10,2))`);
  await d.exec(`INSERT INTO ${T} VALUES (1, 'one', 1.00), (2, 'two', 2.00), (3, 'three', 3.00)`);
}

async function load(
  db: string,
  data: string,
  mode: string,
  options: string[] = ["DELIMITER '\\t' ESCAPE NULL AS '\\N'"],
) {
  const uri = `s3://bucket/load/${db}/${mode}/${Math.random().toString(36).slice(2)}/data.tsv`;
  await h.s3.writeText(uri, data);
  h.add(obj(`In_${uri}`, { type: 'S3DataNode', filePath: uri }));
  const act = obj(`Load_${db}`, {
    type: 'RedshiftCopyActivity',
    input: ref(`In_${uri}`),
    output: ref(`${db}Out`),
    insertMode: mode,
    commandOptions: options,
  });
  const ctx = h.ctx(act);
  return { result: await runRedshiftCopyActivity(ctx), ctx };
}

async function contents(db: string): Promise<string[]> {
  const r = await dbs[db].query(`SELECT id, name, amount FROM ${T} ORDER BY id`);
  return r.rows.map(
    (x) => `${String(x.id)}|${String(x.name)}|${x.amount === null ? 'NULL' : Number(x.amount).toFixed(2)}`,
  );
}

describe.each(['PgDb', 'MyDb', 'LiteDb'])('%s', (db) => {
  test('OVERWRITE_EXISTING updates changed rows, inserts new ones, leaves the rest', async () => {
    await reset(db);
    // Row 1 unchanged, row 2 changed, row 4 new; row 3 absent from the input.
    const { result } = await load(db, '1\tone\t1.00\n2\tTWO\t\\N\n4\tfour\t4.50\n', 'OVERWRITE_EXISTING');
    expect(result.rowsMoved).toBe(3);
    expect(await contents(db)).toEqual(['1|one|1.00', '2|TWO|NULL', '3|three|3.00', '4|four|4.50']);
  });

  test('KEEP_EXISTING only adds new keys', async () => {
    await reset(db);
    await load(db, '1\tONE\t9\n5\tfive\t5\n', 'KEEP_EXISTING');
    expect(await contents(db)).toEqual(['1|one|1.00', '2|two|2.00', '3|three|3.00', '5|five|5.00']);
  });

  test('TRUNCATE replaces, APPEND adds', async () => {
    await reset(db);
    await load(db, '7\tseven\t7\n', 'TRUNCATE');
    expect(await contents(db)).toEqual(['7|seven|7.00']);
    await load(db, '8\teight\t8\n', 'APPEND');
    expect(await contents(db)).toEqual(['7|seven|7.00', '8|eight|8.00']);
  });

  test('a bad row late in the input leaves the target unchanged', async () => {
    await reset(db);
    const good = Array.from({ length: 5000 }, (_, i) => `${i + 10}\tn${i}\t${i}.25\n`).join('');
    const err = await load(db, good + '99999\tbad\tnot-a-number\n', 'TRUNCATE').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtlError);
    // The message points at the bad row.
    expect((err as EtlError).message).toMatch(/5001|not-a-number/);
    expect(await contents(db)).toEqual(['1|one|1.00', '2|two|2.00', '3|three|3.00']);
  });

  test('duplicate keys in an upsert input are an error and change nothing', async () => {
    await reset(db);
    const err = await load(db, '1\ta\t1\n1\tb\t2\n', 'OVERWRITE_EXISTING').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtlError);
    expect((err as EtlError).diagnostics[0].code).toMatch(/ETL7204|ETL7003/);
    expect(await contents(db)).toEqual(['1|one|1.00', '2|two|2.00', '3|three|3.00']);
  });

  test('an empty input loads nothing and succeeds', async () => {
    await reset(db);
    const { result } = await load(db, '', 'TRUNCATE');
    expect(result.rowsMoved).toBe(0);
    expect(await contents(db)).toEqual([]);
  });

  test('CSV with a header, GZIP-less, EMPTYASNULL', async () => {
    await reset(db);
    await load(db, 'id,name,amount\n4,"four, with comma",\n5,"say ""hi""",5.5\n', 'APPEND', [
      'CSV',
      'IGNOREHEADER 1',
    ]);
    expect((await contents(db)).slice(3)).toEqual(['4|four, with comma|NULL', '5|say "hi"|5.50']);
  });

  test('TRUNCATECOLUMNS cuts long values instead of failing', async () => {
    await reset(db);
    await load(db, `6\t${'z'.repeat(30)}\t1\n`, 'APPEND', ["DELIMITER '\\t' ESCAPE", 'TRUNCATECOLUMNS']);
    expect((await contents(db))[3]).toBe(`6|${'z'.repeat(20)}|1.00`);
  });
});

describe('PostgreSQL upsert touches only changed rows', () => {
  test('unchanged rows keep their row version (xmin)', async () => {
    await reset('PgDb');
    const before = await dbs.PgDb.query(`SELECT id, xmin::text AS x FROM ${T} ORDER BY id`);
    await load('PgDb', '1\tone\t1.00\n2\tTWO\t2.00\n', 'OVERWRITE_EXISTING');
    const after = await dbs.PgDb.query(`SELECT id, xmin::text AS x FROM ${T} ORDER BY id`);
    expect(after.rows[0].x).toBe(before.rows[0].x);
    expect(after.rows[1].x).not.toBe(before.rows[1].x);
    expect(after.rows[2].x).toBe(before.rows[2].x);
  });

  test('a load cancelled mid-stream leaves the target unchanged', async () => {
    await reset('PgDb');
    const big = Array.from({ length: 300_000 }, (_, i) => `${i + 100}\tn${i}\t1\n`).join('');
    await h.s3.writeText('s3://bucket/cancel/in.tsv', big);
    h.add(obj('CIn', { type: 'S3DataNode', filePath: 's3://bucket/cancel/in.tsv' }));
    const act = obj('CLoad', {
      type: 'RedshiftCopyActivity',
      input: ref('CIn'),
      output: ref('PgDbOut'),
      insertMode: 'TRUNCATE',
    });
    const controller = new AbortController();
    const ctx = { ...h.ctx(act), signal: controller.signal, progress: () => controller.abort() };
    await expect(runRedshiftCopyActivity(ctx)).rejects.toThrow();
    expect(controller.signal.aborted).toBe(true);
    expect(await contents('PgDb')).toEqual(['1|one|1.00', '2|two|2.00', '3|three|3.00']);
  });

  test('transformSql selects from the staging table', async () => {
    await reset('PgDb');
    h.add(obj('TIn', { type: 'S3DataNode', filePath: 's3://bucket/transform/in.tsv' }));
    await h.s3.writeText('s3://bucket/transform/in.tsv', '5\tfive\t5\n');
    const act = obj('TLoad', {
      type: 'RedshiftCopyActivity',
      input: ref('TIn'),
      output: ref('PgDbOut'),
      insertMode: 'APPEND',
      transformSql: 'SELECT id, UPPER(name) AS name, NVL(amount, 0) * 2 AS amount FROM staging',
    });
    await runRedshiftCopyActivity(h.ctx(act));
    expect((await contents('PgDb'))[3]).toBe('5|FIVE|10.00');
  });

  test('GZIP parts, a directory of parts, FILLRECORD', async () => {
    await reset('PgDb');
    const { gzipSync } = await import('node:zlib');
    const { writeFile, mkdir } = await import('node:fs/promises');
    const dir = h.s3.localPath('s3://bucket/gz/dir/')!;
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/part-0.gz`, gzipSync('10\tten\n'));
    await writeFile(`${dir}/part-1.gz`, gzipSync('11\televen')); // no final LF
    h.add(obj('GzIn', { type: 'S3DataNode', directoryPath: 's3://bucket/gz/dir/' }));
    const act = obj('GzLoad', {
      type: 'RedshiftCopyActivity',
      input: ref('GzIn'),
      output: ref('PgDbOut'),
      insertMode: 'APPEND',
      commandOptions: ["DELIMITER '\\t' ESCAPE GZIP FILLRECORD"],
    });
    const res = await runRedshiftCopyActivity(h.ctx(act));
    expect(res.rowsMoved).toBe(2);
    expect((await contents('PgDb')).slice(3)).toEqual(['10|ten|NULL', '11|eleven|NULL']);
  });

  test('a missing table without createTableSql is a clear error', async () => {
    await dbs.PgDb.exec(`DROP TABLE IF EXISTS ${T}`);
    const err = await load('PgDb', '1\tx\t1\n', 'APPEND').catch((e: unknown) => e);
    expect((err as EtlError).diagnostics[0].code).toBe('ETL7202');
  });
});

describe('PostgreSQL TRUNCATE/APPEND load straight into the target', () => {
  const REF = 'ld_load_ref';

  test('a connection that dies mid-COPY leaves the target unchanged', async () => {
    await reset('PgDb');
    const driver = await h.ctx(obj('Kill', {})).connect('PgDb');
    const backend = (await driver.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    // Half the rows, then a pause in which the session's server process is killed (as a killed
    // etlctl or a lost network would leave it), then the rest.
    async function* rows(): AsyncGenerator<string> {
      yield Array.from({ length: 20_000 }, (_, i) => `${i + 100}\tn${i}\t1\n`).join('');
      await dbs.PgDb.query('SELECT pg_terminate_backend($1)', [backend]);
      // Poll until the server has really ended the session rather than sleeping a guess.
      while ((await dbs.PgDb.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backend])).rows.length) {
        await new Promise((r) => setTimeout(r, 20));
      }
      yield Array.from({ length: 20_000 }, (_, i) => `${i + 50_000}\tn${i}\t1\n`).join('');
    }
    const err = await atomicLoad({
      driver,
      table: T,
      mode: 'TRUNCATE',
      tsv: Readable.from(rows(), { objectMode: false }),
      who: 'test',
      translations: [],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await contents('PgDb')).toEqual(['1|one|1.00', '2|two|2.00', '3|three|3.00']);
  });

  test('TRUNCATE into a table other tables reference still replaces its rows, atomically', async () => {
    await dbs.PgDb.exec(`DROP TABLE IF EXISTS ${REF}`);
    await reset('PgDb');
    await dbs.PgDb.exec(`CREATE TABLE ${REF} (id INT REFERENCES ${T} (id))`);
    try {
      await load('PgDb', '7\tseven\t7\n', 'TRUNCATE');
      expect(await contents('PgDb')).toEqual(['7|seven|7.00']);
      // A row still pointing at the target makes clearing it fail: nothing changes.
      await dbs.PgDb.exec(`INSERT INTO ${REF} VALUES (7)`);
      const err = await load('PgDb', '8\teight\t8\n', 'TRUNCATE').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EtlError);
      expect(await contents('PgDb')).toEqual(['7|seven|7.00']);
    } finally {
      await dbs.PgDb.exec(`DROP TABLE IF EXISTS ${REF}`);
    }
  });

  test('TRUNCATE into a table with a DELETE trigger still fires it for the old rows', async () => {
    await reset('PgDb');
    await dbs.PgDb.exec(`DROP TABLE IF EXISTS ${REF}`);
    await dbs.PgDb.exec(`CREATE TABLE ${REF} (id INT)`);
    await dbs.PgDb.exec(
      `CREATE OR REPLACE FUNCTION ld_load_gone() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN INSERT INTO ${REF} VALUES (OLD.id); RETURN OLD; END $$;
       CREATE TRIGGER ld_load_gone AFTER DELETE ON ${T} FOR EACH ROW EXECUTE FUNCTION ld_load_gone();`,
    );
    try {
      await load('PgDb', '7\tseven\t7\n', 'TRUNCATE');
      expect(await contents('PgDb')).toEqual(['7|seven|7.00']);
      const gone = await dbs.PgDb.query(`SELECT id FROM ${REF} ORDER BY id`);
      expect(gone.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    } finally {
      await dbs.PgDb.exec(
        `DROP TABLE IF EXISTS ${REF}; DROP TABLE IF EXISTS ${T}; DROP FUNCTION IF EXISTS ld_load_gone()`,
      );
    }
  });

  test('TRUNCATE inside a caller transaction rolls back with it', async () => {
    await reset('PgDb');
    const driver = dbs.PgDb;
    const err = await driver
      .transaction(async () => {
        await atomicLoad({
          driver,
          table: T,
          mode: 'TRUNCATE',
          tsv: Readable.from(['9\tnine\t9\n']),
          who: 'test',
          translations: [],
        });
        expect(await contents('PgDb')).toEqual(['9|nine|9.00']);
        throw new Error('later failure');
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('later failure');
    expect(await contents('PgDb')).toEqual(['1|one|1.00', '2|two|2.00', '3|three|3.00']);
  });
});
