/**
 * Issue 13 "done means": realistic hand-written definitions (in the style of the AWS templates,
 * parameterised) run on the real PostgreSQL and MariaDB with one command each, no edit to the JSON,
 * only a connection map and parameter values; the data is checked.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MY_DB, MY_URL, PG_URL } from '../db.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

let dir: string;
let my: mysql.Connection;
let pgc: pg.Client;

const CONFIG = `databases:
  orders_db:
    engine: mysql
    rds_instance_id: prod-orders
    url: ${MY_URL}
  warehouse:
    engine: redshift
    cluster_id: analytics-cluster
    url: ${PG_URL}
  reporting:
    engine: mysql
    connection_string: jdbc:mysql://reporting.cluster-abc.eu-west-1.rds.amazonaws.com:3306/${MY_DB}
    url: ${MY_URL}
  legacy:
    engine: mysql
    host: legacy-db.example.internal
    database: ${MY_DB}
    url: ${MY_URL}
`;

function s3put(bucket: string, key: string, body: string): void {
  const path = join(dir, '.etlctl', 's3', bucket, key);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
}

function s3read(bucket: string, prefix: string): string {
  const base = join(dir, '.etlctl', 's3', bucket, prefix);
  return readdirSync(base)
    .sort()
    .map((f) => readFileSync(join(base, f), 'utf8'))
    .join('');
}

function run(file: string, ...args: string[]) {
  return runCli(['definition', 'run', file, '-c', 'etlctl.yaml', '--no-register', ...args], { cwd: dir });
}

beforeAll(async () => {
  dir = tempDir('etlctl-parity-defs-');
  for (const f of ['rds-to-s3.json', 's3-to-redshift-to-rds.json', 'legacy-mysql-node.json'])
    copyFileSync(join(ROOT, 'test/fixtures/parity', f), join(dir, f));
  writeFileSync(join(dir, 'etlctl.yaml'), CONFIG);
  my = await mysql.createConnection(MY_URL);
  await my.query('DROP TABLE IF EXISTS parity_orders, parity_region_totals, customers_legacy');
  await my.query('CREATE TABLE parity_orders (id INT PRIMARY KEY, customer VARCHAR(40), amount INT)');
  await my.query("INSERT INTO parity_orders VALUES (1, 'ann', 5), (2, 'bob', 50), (3, 'cy', 500)");
  await my.query('CREATE TABLE parity_region_totals (region VARCHAR(20), total INT)');
  await my.query('CREATE TABLE customers_legacy (id INT PRIMARY KEY, name VARCHAR(40))');
  pgc = new pg.Client({ connectionString: PG_URL });
  await pgc.connect();
  await pgc.query('DROP SCHEMA IF EXISTS parity_sales CASCADE');
  await pgc.query('CREATE SCHEMA parity_sales');
  await pgc.query('CREATE TABLE parity_sales.load_log (loaded_at timestamp, note varchar(40))');
});

afterAll(async () => {
  await my?.end();
  await pgc?.end();
});

describe('hand-written definitions on real databases (connection map + parameters)', () => {
  it('RDS (MariaDB) → S3, matched by the evaluated #{myRDSInstanceId}, on its first activation', () => {
    const r = run(
      'rds-to-s3.json',
      '--parameter-values',
      'myRDSInstanceId=prod-orders',
      'myRDSUsername=etl',
      'myRDSTableName=parity_orders',
      'myMinAmount=10',
      'myOutputS3Loc=s3://acme-exports/orders',
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK=1 FAILED=0/);
    const day = new Date().toISOString().slice(0, 10);
    expect(s3read('acme-exports', `orders/${day}`)).toBe('2\tbob\t50\n3\tcy\t500\n');
  });

  it('S3 TSV → Redshift (OVERWRITE_EXISTING, S3 precondition) → RDS via insertQuery, and a SqlActivity', async () => {
    s3put('acme-sales', 'incoming/sales.tsv', '1\teu\t10\n2\tus\t20\n3\teu\t5\n');
    await pgc.query(
      'CREATE TABLE IF NOT EXISTS parity_sales.sales (id integer primary key, region varchar(20), amount integer)',
    );
    await pgc.query("INSERT INTO parity_sales.sales VALUES (1, 'old', 999), (9, 'ap', 1)");
    const values = [
      'myBucket=acme-sales',
      'myRedshiftClusterId=analytics-cluster',
      'mySchema=parity_sales',
      `myReportingDb=${MY_DB}`,
    ];
    const r = run('s3-to-redshift-to-rds.json', '--parameter-values', ...values);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK=3 FAILED=0/);
    // tableName "Sales", unquoted: Redshift folds it to lower case, and the run report says so.
    expect(r.stdout).toContain(
      'parity_sales.Sales → parity_sales.sales (Redshift folds unquoted identifiers',
    );
    // OVERWRITE_EXISTING: row 1 replaced, 9 kept, 2 and 3 added.
    const sales = await pgc.query('SELECT id, region, amount FROM parity_sales.sales ORDER BY id');
    expect(sales.rows).toEqual([
      { id: 1, region: 'eu', amount: 10 },
      { id: 2, region: 'us', amount: 20 },
      { id: 3, region: 'eu', amount: 5 },
      { id: 9, region: 'ap', amount: 1 },
    ]);
    const [totals] = await my.query('SELECT region, total FROM parity_region_totals ORDER BY region');
    expect(totals).toEqual([
      { region: 'ap', total: 1 },
      { region: 'eu', total: 15 },
      { region: 'us', total: 20 },
    ]);
    const log = await pgc.query('SELECT note FROM parity_sales.load_log');
    expect(log.rows).toEqual([{ note: 'sales loaded' }]);
  });

  it('a legacy MySqlDataNode with its own connectionString is matched by host and database', async () => {
    s3put('acme-crm', 'customers.csv', '1,Ann\n2,Bob\n');
    const r = run(
      'legacy-mysql-node.json',
      '--parameter-values',
      'myBucket=acme-crm',
      'myRdsEndpoint=legacy-db.example.internal',
      `myDatabase=${MY_DB}`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [rows] = await my.query('SELECT id, name FROM customers_legacy ORDER BY id');
    expect(rows).toEqual([
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Bob' },
    ]);
  });

  it('a database that matches nothing: the run output says which fields were tried and what to paste', () => {
    const r = run(
      'legacy-mysql-node.json',
      '--parameter-values',
      'myBucket=acme-crm',
      'myRdsEndpoint=unknown-host.example',
      'myDatabase=crm',
    );
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/ETL7520: database object 'CustomersTable' does not match any configured connection/);
    expect(out).toContain("tried id 'CustomersTable', host 'unknown-host.example', database 'crm'");
    expect(out).toMatch(
      /databases:\n\s+CustomersTable:\n\s+engine: mysql\n\s+url: mysql:\/\/root@127\.0\.0\.1:3306\/crm/,
    );
  });
});
