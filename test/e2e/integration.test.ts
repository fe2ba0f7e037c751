/**
 * The whole path on the real servers, as a user runs it: MariaDB source with awkward values →
 * extract-rds → create-load-redshift into PostgreSQL → upsert → qa-check, through `bin/etlctl`.
 * The same pipeline file validates and compiles for AWS; only the mode differs.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { MY_DB, MY_URL, PG_DB, PG_URL } from '../db.js';

const SRC = 'it_e2e_src';
const SCHEMA = 'it_e2e';

const config = `aws:
  s3_bucket: it-bucket
  s3_base_path: it
alerts:
  failure_topic: arn:aws:sns:us-east-1:123456789012:it-failures
defaults:
  warehouse: warehouse
databases:
  app_db:
    engine: mysql
    rds_instance_id: app-prod
    database: ${MY_DB}
    user: etl
    password: \${env:IT_APP_DB_PASSWORD}
    url: ${MY_URL}
  warehouse:
    engine: redshift
    cluster_id: analytics
    database: ${PG_DB}
    user: etl
    password: \${env:IT_WAREHOUSE_PASSWORD}
    url: ${PG_URL}
modes:
  production:
    target: aws
`;

const columns = `  id INTEGER NOT NULL ENCODE az64,
  name VARCHAR(100),
  note VARCHAR(65535),
  amount DECIMAL(12,4),
  created TIMESTAMP,
  ratio DOUBLE PRECISION`;

const pipeline = `name: it_e2e
frequency: one-time
steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    table: ${SRC}
  - step_type: create-load-redshift
    name: load_stage
    table_definition: tables/stage.sql
  - step_type: upsert
    name: merge
    source: tables/stage.sql
    destination: tables/items.sql
  - step_type: qa-check
    name: check
    table_definition: tables/items.sql
    checks:
      - check: primary-key
      - check: row-count
        source_host: app_db
        source_count_sql: SELECT COUNT(*) FROM ${SRC}
        tolerance: 0
`;

const big = 'x'.repeat(40_000) + 'é';
// id, name, note, amount, created, ratio
const rows: unknown[][] = [
  [1, null, null, null, null, null],
  [2, '', '', '0.0000', '2026-01-01 00:00:00', 0],
  [3, 'NULL', '\\N', '-12.3456', '1999-12-31 23:59:59', -1.5],
  [4, 'tab\there', 'line one\nline two\r\nthree', '99999999.9999', '2026-02-28 12:00:00', 1e-12],
  [5, 'back\\slash', 'ends with backslash \\', '1.0000', '2026-03-01 01:02:03', 3.141592653589793],
  [6, 'ünïcödé ✓', 'emoji 🎓🚀 and 中文', '42.4200', '2026-06-15 08:30:00', 1e300],
  [7, 'big', big, '7.0000', '2026-07-07 07:07:07', 7],
  [8, '\t\n\\', '\\t is not a tab', '8.0000', '2026-08-08 08:08:08', 8],
];

let my: mysql.Connection;
let pgc: pg.Client;

beforeAll(async () => {
  my = await mysql.createConnection({
    host: '127.0.0.1',
    user: 'root',
    database: MY_DB,
    dateStrings: true,
    charset: 'utf8mb4',
  });
  await my.query(`DROP TABLE IF EXISTS ${SRC}`);
  await my.query(
    `CREATE TABLE ${SRC} (id INT PRIMARY KEY, name VARCHAR(100), note TEXT, amount DECIMAL(12,4), created DATETIME, ratio DOUBLE) DEFAULT CHARSET=utf8mb4`,
  );
  await my.query(`INSERT INTO ${SRC} VALUES ?`, [rows]);
  pgc = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: PG_DB });
  pgc.setTypeParser(1114, (v: string) => v); // timestamps as written
  await pgc.connect();
  await pgc.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

afterAll(async () => {
  await my?.query(`DROP TABLE IF EXISTS ${SRC}`);
  await my?.end();
  await pgc?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pgc?.end();
});

function project(): string {
  const dir = tempDir('etlctl-e2e-');
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'tables'));
  writeFileSync(join(dir, 'config/etlctl.yaml'), config);
  writeFileSync(
    join(dir, 'tables/stage.sql'),
    `CREATE TABLE ${SCHEMA}.stage (\n${columns},\n  PRIMARY KEY (id)\n) DISTSTYLE EVEN;\n`,
  );
  writeFileSync(
    join(dir, 'tables/items.sql'),
    `CREATE TABLE ${SCHEMA}.items (\n${columns},\n  PRIMARY KEY (id)\n) SORTKEY (id);\n`,
  );
  writeFileSync(join(dir, 'it_e2e.yaml'), pipeline);
  return dir;
}

async function source(): Promise<Record<string, unknown>[]> {
  const [r] = await my.query(`SELECT id, name, note, amount, created, ratio FROM ${SRC} ORDER BY id`);
  return r as Record<string, unknown>[];
}

async function target(): Promise<Record<string, unknown>[]> {
  const r = await pgc.query(`SELECT id, name, note, amount, created, ratio FROM ${SCHEMA}.items ORDER BY id`);
  return r.rows;
}

async function versions(): Promise<Map<number, string>> {
  const r = await pgc.query(`SELECT id, xmin::text AS v FROM ${SCHEMA}.items`);
  return new Map(r.rows.map((x: { id: number; v: string }) => [x.id, x.v]));
}

describe('MariaDB → PostgreSQL through the pipeline (integration)', () => {
  const dir = project();

  it('the same file validates and compiles for AWS — only the mode differs', () => {
    const v = runCli(['pipeline', 'validate', 'it_e2e.yaml', '-m', 'production'], { cwd: dir });
    expect(v.code, v.stderr).toBe(0);
    const c = runCli(['pipeline', 'compile', 'it_e2e.yaml', '-m', 'production', '-o', 'out'], { cwd: dir });
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(join(dir, 'out/it_e2e.json'))).toBe(true);
  });

  it('loads every awkward value exactly, then upserts exactly the changed and new rows', async () => {
    const first = runCli(['pipeline', 'activate', 'it_e2e.yaml'], { cwd: dir });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout + first.stderr).toMatch(/Done\. OK=6 FAILED=0/);
    expect(await target()).toEqual(await source());

    const before = await versions();
    await my.query(`UPDATE ${SRC} SET note = 'changed\tnote' WHERE id = 2`);
    await my.query(`UPDATE ${SRC} SET amount = NULL WHERE id = 6`);
    await my.query(
      `INSERT INTO ${SRC} VALUES (9, 'new', 'brand new\\nrow', '9.9000', '2026-09-09 09:09:09', 9.5)`,
    );

    const second = runCli(['pipeline', 'activate', 'it_e2e.yaml'], { cwd: dir });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(await target()).toEqual(await source());
    const after = await versions();
    const touched = [...after.keys()].filter((id) => before.get(id) !== after.get(id)).sort((a, b) => a - b);
    expect(touched).toEqual([2, 6, 9]);
  });
});
