/**
 * `database generate` → `database create --execute` → `database diff` on real databases, as a
 * user runs them (issue 16): the generated DDL round-trips on PostgreSQL and MariaDB (diff finds
 * nothing, descriptions land in the database), diff finds an added column and a changed type on
 * a real table and its ALTERs reconcile it; the same on embedded PGlite, and on Redshift through
 * the Data API (real SDK, loopback stand-in).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MY_DB, MY_URL, PG_DB, PG_URL } from '../db.js';
import { runCli, tempDir } from '../helpers.js';
import { awsTestEnv } from '../aws/fake-aws.js';
import { FakeRedshiftData } from './fake-redshift-data.js';
import { runCliAsync } from './lineage-receiver.js';

const PG_SCHEMA = 'it_dbtools';
const MY_TABLE = 'it_dbtools_customers';

function fields(table: string): string {
  return `table,column,type,length,nullable,key,description,pii
${table},id,integer,,no,yes,Customer id,none
${table},email,varchar,200,no,,Login e-mail,pii
${table},balance,decimal,"12,2",,,Current balance,internal
${table},signed_up,timestamp,,no,,,none
${table},notes,text,,,,Free text,sensitive
`;
}

function project(): string {
  const dir = tempDir('etlctl-dbtools-');
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config/etlctl.yaml'),
    `defaults:
  warehouse: warehouse
databases:
  warehouse:
    engine: redshift
    cluster_id: analytics
    database: analytics
    user: etl
database:
  permissions:
    - { group: analysts, permission: SELECT }
modes:
  pg:
    databases:
      warehouse: { url: "${PG_URL}" }
  my:
    databases:
      warehouse: { url: "${MY_URL}" }
  production:
    target: aws
`,
  );
  writeFileSync(join(dir, 'pg.csv'), fields(`${PG_SCHEMA}.customers`));
  writeFileSync(join(dir, 'my.csv'), fields(MY_TABLE));
  return dir;
}

const cli = (dir: string, ...args: string[]) => runCli(args, { cwd: dir });

let pgc: pg.Client;
let my: mysql.Connection;

beforeAll(async () => {
  pgc = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: PG_DB });
  await pgc.connect();
  await pgc.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
  my = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: MY_DB });
  await my.query(`DROP TABLE IF EXISTS ${MY_TABLE}`);
});

afterAll(async () => {
  await pgc?.query(`DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
  await pgc?.end();
  await my?.query(`DROP TABLE IF EXISTS ${MY_TABLE}`);
  await my?.end();
});

describe('PostgreSQL', () => {
  const dir = project();

  it('generated DDL round-trips through database create --execute, comments included', async () => {
    const g = cli(dir, 'database', 'generate', 'pg.csv', '--dialect', 'postgres', '-o', 'tables');
    expect(g.code, g.stderr).toBe(0);
    const c = cli(dir, 'database', 'create', `tables/${PG_SCHEMA}.customers.sql`, '-m', 'pg', '--execute');
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/-- ran 6 statements on warehouse \(postgres:\/\/postgres@127\.0\.0\.1:5432\//);
    expect(c.stdout).toContain('-- grants (database.permissions) are for Redshift and were not run');
    const d = cli(dir, 'database', 'diff', `tables/${PG_SCHEMA}.customers.sql`, '-m', 'pg');
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout).toContain('match');
    const comment = await pgc.query(`SELECT col_description('${PG_SCHEMA}.customers'::regclass, 2) AS c`);
    expect(comment.rows[0].c).toBe('Login e-mail');
  });

  it('diff finds an added column and a changed type, and its ALTERs reconcile the table', async () => {
    await pgc.query(`ALTER TABLE ${PG_SCHEMA}.customers DROP COLUMN notes`);
    await pgc.query(`ALTER TABLE ${PG_SCHEMA}.customers ALTER COLUMN balance TYPE numeric(10,2)`);
    const file = `tables/${PG_SCHEMA}.customers.sql`;
    const d = cli(dir, 'database', 'diff', file, '-m', 'pg', '--json');
    expect(d.code).toBe(1);
    const res = (
      JSON.parse(d.stdout) as {
        result: { same: boolean; differences: { kind: string; column: string }[]; statements: string[] };
      }
    ).result;
    expect(res.same).toBe(false);
    expect(res.differences.map((x) => [x.kind, x.column])).toEqual([
      ['type', 'balance'],
      ['add_column', 'notes'],
    ]);
    expect(res.statements).toEqual([
      `ALTER TABLE ${PG_SCHEMA}.customers ALTER COLUMN balance TYPE DECIMAL(12,2) USING balance::DECIMAL(12,2)`,
      `ALTER TABLE ${PG_SCHEMA}.customers ADD COLUMN notes TEXT`,
    ]);
    const human = cli(dir, 'database', 'diff', file, '-m', 'pg');
    expect(human.stdout).toContain('~ column balance: DECIMAL(12,2) in the file, numeric(10,2) live');
    expect(human.stdout).toContain('+ column notes TEXT: not in the live table');
    for (const s of res.statements) await pgc.query(s);
    expect(cli(dir, 'database', 'diff', file, '-m', 'pg').code).toBe(0);
  });
});

describe('MariaDB', () => {
  const dir = project();

  it('generated DDL round-trips through database create --execute, comments included', async () => {
    const g = cli(dir, 'database', 'generate', 'my.csv', '--dialect', 'mysql', '-o', 'tables');
    expect(g.code, g.stderr).toBe(0);
    const c = cli(dir, 'database', 'create', `tables/${MY_TABLE}.sql`, '-m', 'my', '--execute');
    expect(c.code, c.stderr).toBe(0);
    const d = cli(dir, 'database', 'diff', `tables/${MY_TABLE}.sql`, '-m', 'my');
    expect(d.code, d.stdout + d.stderr).toBe(0);
    const [rows] = await my.query(
      `SELECT COLUMN_COMMENT AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = 'email'`,
      [MY_DB, MY_TABLE],
    );
    expect((rows as { c: string }[])[0].c).toBe('Login e-mail');
  });

  it('diff finds an added column and a changed type, and its ALTERs reconcile the table', async () => {
    await my.query(`ALTER TABLE ${MY_TABLE} DROP COLUMN notes, MODIFY balance DECIMAL(10,2)`);
    const file = `tables/${MY_TABLE}.sql`;
    const d = cli(dir, 'database', 'diff', file, '-m', 'my', '--json');
    expect(d.code).toBe(1);
    const res = (
      JSON.parse(d.stdout) as {
        result: { differences: { kind: string; column: string }[]; statements: string[] };
      }
    ).result;
    expect(res.differences.map((x) => [x.kind, x.column])).toEqual([
      ['type', 'balance'],
      ['add_column', 'notes'],
    ]);
    expect(res.statements).toEqual([
      `ALTER TABLE ${MY_TABLE} MODIFY COLUMN balance DECIMAL(12,2) NULL COMMENT 'Current balance'`,
      `ALTER TABLE ${MY_TABLE} ADD COLUMN notes TEXT`,
    ]);
    for (const s of res.statements) await my.query(s);
    expect(cli(dir, 'database', 'diff', file, '-m', 'my').code).toBe(0);
  });
});

describe('embedded PGlite (local mode without a url)', () => {
  it('creates the table where pipeline activate would load it, and diffs against it', async () => {
    const dir = project();
    writeFileSync(
      join(dir, 't.sql'),
      'CREATE TABLE rpt.daily (day DATE NOT NULL PRIMARY KEY, n INTEGER) DISTSTYLE ALL;\n',
    );
    writeFileSync(
      join(dir, 't2.sql'),
      'CREATE TABLE rpt.daily (day DATE NOT NULL PRIMARY KEY, n BIGINT, note VARCHAR(100));\n',
    );
    const c = await runCliAsync(['database', 'create', 't.sql', '--execute'], { cwd: dir });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/-- ran 2 statements on warehouse \(pglite:\/\/.*\.etlctl\/db\/warehouse\)/);
    expect(c.stdout).toContain('DISTSTYLE'); // as translated: the note names the dropped clause
    const d = await runCliAsync(['database', 'diff', 't2.sql', '--json'], { cwd: dir });
    expect(d.code, d.stderr).toBe(1);
    const res = (
      JSON.parse(d.stdout) as { result: { differences: { kind: string; column: string; actual?: string }[] } }
    ).result;
    expect(res.differences.map((x) => [x.kind, x.column, x.actual])).toEqual([
      ['type', 'n', 'integer'],
      ['add_column', 'note', undefined],
    ]);
  });
});

describe('Redshift through the Data API', () => {
  const fake = new FakeRedshiftData();
  let env: Record<string, string>;
  beforeAll(async () => {
    const url = await fake.start();
    env = awsTestEnv(url, url);
  });
  afterAll(() => fake.stop());

  it('reads information_schema with the SDK and prints the ALTERs Redshift can run', async () => {
    const dir = project();
    writeFileSync(
      join(dir, 'events.sql'),
      `CREATE TABLE analytics.events (
  id BIGINT NOT NULL PRIMARY KEY,
  kind VARCHAR(200) NOT NULL,
  score DECIMAL(12,2),
  user_id BIGINT,
  seen_at TIMESTAMP
) DISTKEY (user_id);
`,
    );
    fake.tables.set('analytics.events', {
      columns: [
        { name: 'id', dataType: 'bigint', nullable: false },
        { name: 'kind', dataType: 'character varying', length: 100, nullable: false },
        { name: 'score', dataType: 'numeric', precision: 12, scale: 2, nullable: true },
        { name: 'user_id', dataType: 'integer', nullable: true },
      ],
      primaryKey: ['id'],
    });
    const r = await runCliAsync(['database', 'diff', 'events.sql', '-m', 'production'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('+++ warehouse redshift analytics/analytics (redshift)');
    expect(r.stdout.trim().split('\n').slice(-3)).toEqual([
      'ALTER TABLE analytics.events ALTER COLUMN kind TYPE VARCHAR(200);',
      '-- user_id: Redshift cannot change this type in place: add a new column and copy, or recreate the table',
      'ALTER TABLE analytics.events ADD COLUMN seen_at TIMESTAMP;',
    ]);
    const first = fake.executed[0];
    expect(first.input).toMatchObject({
      ClusterIdentifier: 'analytics',
      Database: 'analytics',
      DbUser: 'etl',
    });
    expect(first.parameters).toEqual([
      { name: 'p1', value: 'analytics' },
      { name: 'p2', value: 'events' },
    ]);
    expect(first.sql).toMatch(/table_schema = :p1 AND table_name = :p2/);

    fake.tables.set('analytics.events', {
      columns: [
        { name: 'id', dataType: 'bigint', nullable: false },
        { name: 'kind', dataType: 'character varying', length: 200, nullable: false },
        { name: 'score', dataType: 'numeric', precision: 12, scale: 2, nullable: true },
        { name: 'user_id', dataType: 'bigint', nullable: true },
        { name: 'seen_at', dataType: 'timestamp without time zone', nullable: true },
      ],
      primaryKey: ['id'],
    });
    const same = await runCliAsync(['database', 'diff', 'events.sql', '-m', 'production'], { cwd: dir, env });
    expect(same.code, same.stdout + same.stderr).toBe(0);
  });
});
