/**
 * Column transforms on the real MariaDB → PostgreSQL path (issue 17), as a user runs them:
 * extract-rds with `transforms:` → create-load-redshift, through `bin/etlctl`. Also the same step
 * compiled for AWS: the offline checker passes and its `etlctl task copy` command, run locally,
 * gives the same data.
 */
import { createHmac, createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { MY_DB, MY_URL, PG_DB, PG_URL } from '../db.js';

const SRC = 'pii_it_src';
const SCHEMA = 'pii_it';
const VAULT = 'pii_it_vault';
const K1 = 'first key, only for tests';
const K2 = 'second key, only for tests';
const ENV = { PII_IT_K1: K1, PII_IT_K2: K2 };
const BIN = resolve(import.meta.dirname, '../../bin/etlctl');

const config = `aws:
  s3_bucket: it-bucket
  s3_base_path: it
  region: us-east-1
defaults:
  warehouse: warehouse
databases:
  app_db:
    engine: mysql
    rds_instance_id: app-prod
    database: ${MY_DB}
    user: etl
    password: \${env:PII_IT_APP_PASSWORD}
    url: ${MY_URL}
  warehouse:
    engine: redshift
    cluster_id: analytics
    database: ${PG_DB}
    user: etl
    password: \${env:PII_IT_WH_PASSWORD}
    url: ${PG_URL}
transforms:
  keys:
    k1: \${env:PII_IT_K1}
    k2: \${env:PII_IT_K2}
  default_key: k1
  vault_schema: ${VAULT}
modes:
  production:
    target: aws
  otherkey:
    transforms:
      default_key: k2
`;

const pipeline = `name: pii_it
frequency: one-time
steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    sql: SELECT id, email, phone, ssn, customer_id, country_id, note FROM ${SRC}
    transforms:
      email: { mask: { keep: domain } }
      phone: hmac_sha256
      ssn: drop
      note: { encrypt: { key: k2 } }
      customer_id: { tokenize: { database: warehouse, domain: customer } }
      country_id: { convert_id: { database: warehouse, table: ${SCHEMA}.country_map, from: src_id, to: dw_id } }
  - step_type: create-load-redshift
    name: load
    table_definition: tables/users.sql
`;

const users = `CREATE TABLE ${SCHEMA}.users (
  id INTEGER NOT NULL,
  email VARCHAR(256),
  phone VARCHAR(64),
  customer_id VARCHAR(64),
  country_id INTEGER,
  note VARCHAR(1000),
  PRIMARY KEY (id)
);
`;

// id, email, phone, ssn, customer_id, country_id, note
const rows: unknown[][] = [
  [1, 'ann@example.com', '+1 555 0100', 'SSN-111-11-1111', 'C-1', 10, 'note\tone'],
  [2, 'bob@example.org', '+1 555 0100', 'SSN-222-22-2222', 'C-2', 20, 'back\\slash'],
  [3, 'carl@sub.example.com', '+1 555 0199', 'SSN-333-33-3333', 'C-1', 10, null],
  [4, null, null, null, null, null, ''],
];
const SSNS = ['SSN-111-11-1111', 'SSN-222-22-2222', 'SSN-333-33-3333'];

let my: mysql.Connection;
let pgc: pg.Client;

function hmac(key: string, v: string): string {
  return createHmac('sha256', createHash('sha256').update(key).digest()).update(v).digest('hex');
}

beforeAll(async () => {
  my = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: MY_DB, charset: 'utf8mb4' });
  await my.query(`DROP TABLE IF EXISTS ${SRC}`);
  await my.query(
    `CREATE TABLE ${SRC} (id INT PRIMARY KEY, email VARCHAR(100), phone VARCHAR(40), ssn VARCHAR(20), customer_id VARCHAR(20), country_id INT, note TEXT) DEFAULT CHARSET=utf8mb4`,
  );
  await my.query(`INSERT INTO ${SRC} VALUES ?`, [rows]);
  pgc = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: PG_DB });
  await pgc.connect();
  await pgc.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; DROP SCHEMA IF EXISTS ${VAULT} CASCADE`);
  await pgc.query(`CREATE SCHEMA ${SCHEMA}`);
  await pgc.query(`CREATE TABLE ${SCHEMA}.country_map (src_id int PRIMARY KEY, dw_id int)`);
  await pgc.query(`INSERT INTO ${SCHEMA}.country_map VALUES (10, 1010), (20, 1020)`);
});

afterAll(async () => {
  await my?.query(`DROP TABLE IF EXISTS ${SRC}`);
  await my?.end();
  await pgc?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; DROP SCHEMA IF EXISTS ${VAULT} CASCADE`);
  await pgc?.end();
});

function project(): string {
  const dir = tempDir('etlctl-pii-');
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'tables'));
  writeFileSync(join(dir, 'config/etlctl.yaml'), config);
  writeFileSync(join(dir, 'tables/users.sql'), users);
  writeFileSync(join(dir, 'pii_it.yaml'), pipeline);
  return dir;
}

interface UserRow {
  id: number;
  email: string | null;
  phone: string | null;
  customer_id: string | null;
  country_id: number | null;
  note: string | null;
}

async function target(): Promise<UserRow[]> {
  return (await pgc.query(`SELECT * FROM ${SCHEMA}.users ORDER BY id`)).rows as UserRow[];
}

/** Every file under dir, read as bytes (staging data, logs, the state database). */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}

function runAsync(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...ENV } });
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (out += c));
    p.on('close', (code) => res({ code: code ?? -1, out }));
  });
}

describe('column transforms, MariaDB → PostgreSQL (integration)', () => {
  const dir = project();
  let first: UserRow[];

  it('hashes, masks, encrypts, tokenizes, converts and drops while streaming; the report lists each', async () => {
    const r = runCli(['pipeline', 'activate', 'pii_it.yaml'], { cwd: dir, env: ENV });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const line of [
      'transform extract: column email: mask (keep domain), 3 values',
      'transform extract: column phone: hmac_sha256 (key k1), 3 values',
      'transform extract: column ssn: drop, 4 values',
      'transform extract: column note: encrypt (key k2), 3 values',
      `transform extract: column customer_id: tokenize (domain customer on warehouse), 3 values`,
    ])
      expect(r.stdout).toContain(line);
    // The task runs inside the engine and the load reads its output as it is written.
    expect(r.stdout + r.stderr).toMatch(/START load\S* .*reading extract\S*'s output as it is written/);
    const logs = allFiles(join(dir, '.etlctl')).filter((f) => f.endsWith('.log'));
    expect(
      logs.some((f) => readFileSync(f, 'utf8').includes('etlctl task copy runs inside the engine')),
    ).toBe(true);
    first = await target();
    expect(first.map((u) => u.email)).toEqual([
      '***@example.com',
      '***@example.org',
      '***@sub.example.com',
      null,
    ]);
    // Equal inputs, equal hashes; the hash is HMAC under k1, not a bare SHA-256.
    expect(first[0].phone).toBe(first[1].phone);
    expect(first[0].phone).not.toBe(first[2].phone);
    expect(first[0].phone).toBe(hmac(K1, '+1 555 0100'));
    expect(first[3].phone).toBeNull();
    expect(first.map((u) => u.country_id)).toEqual([1010, 1020, 1010, null]);
    expect(first[0].customer_id).toMatch(/^tok_/);
    expect(first[0].customer_id).toBe(first[2].customer_id);
    expect(first[0].customer_id).not.toBe(first[1].customer_id);
    // The key id is recorded with the output; the key value nowhere.
    // Beside the output prefix, not in it: a Redshift COPY of the prefix reads only data.
    const files = allFiles(join(dir, '.etlctl', 's3'));
    const meta = files.find((f) => f.endsWith('/_etlctl_meta/output.transforms.json'))!;
    expect(meta).toBeDefined();
    const outputDir = meta.replace('/_etlctl_meta/output.transforms.json', '/output/');
    expect(files.filter((f) => f.startsWith(outputDir)).map((f) => f.slice(outputDir.length))).toEqual([
      'part-00000',
    ]);
    const m = JSON.parse(readFileSync(meta, 'utf8')) as { transforms: { column: string; keyId?: string }[] };
    expect(m.transforms.find((t) => t.column === 'phone')?.keyId).toBe('k1');
    expect(m.transforms.find((t) => t.column === 'note')?.keyId).toBe('k2');
  });

  it('encrypted values decrypt with their key (etlctl transforms decrypt)', () => {
    const enc = first.map((u) => u.note);
    expect(enc[0]).toMatch(/^enc:v1:k2:/);
    expect(enc[2]).toBeNull();
    const d = runCli(['transforms', 'decrypt', enc[0]!, enc[1]!, enc[3]!], { cwd: dir, env: ENV });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toBe('note\tone\nback\\slash\n\n');
    const wrong = runCli(['transforms', 'decrypt', '--key', 'k1', enc[0]!], { cwd: dir, env: ENV });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ETL3706');
  });

  it('dropped values appear in no staging file, target, log or state', async () => {
    for (const f of allFiles(join(dir, '.etlctl'))) {
      const text = readFileSync(f).toString('latin1');
      for (const s of SSNS) expect(text.includes(s), `${s} in ${f}`).toBe(false);
    }
    const cols = await pgc.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'users'`,
      [SCHEMA],
    );
    expect(cols.rows.map((c: { column_name: string }) => c.column_name)).not.toContain('ssn');
  });

  it('another key gives other hashes; tokens are stable across runs', async () => {
    const r = runCli(['pipeline', 'activate', 'pii_it.yaml', '-m', 'otherkey'], { cwd: dir, env: ENV });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const second = await target();
    expect(second[0].phone).toBe(hmac(K2, '+1 555 0100'));
    expect(second[0].phone).not.toBe(first[0].phone);
    expect(second.map((u) => u.customer_id)).toEqual(first.map((u) => u.customer_id));
  });

  it('two concurrent runs never give one id two tokens', async () => {
    await my.query(`DROP TABLE IF EXISTS ${SRC}_many`);
    await my.query(`CREATE TABLE ${SRC}_many (id INT PRIMARY KEY, cid VARCHAR(20))`);
    await my.query(`INSERT INTO ${SRC}_many SELECT seq, CONCAT('K', seq % 3000) FROM seq_1_to_20000`);
    const args = (out: string) => [
      'task',
      'copy',
      '--from-database',
      'app_db',
      '--query',
      `SELECT id, cid FROM ${SRC}_many`,
      '--to-s3',
      `s3://it-bucket/conc/${out}/`,
      '--transforms',
      JSON.stringify([{ column: 'cid', kind: 'tokenize', database: 'warehouse', domain: 'conc' }]),
    ];
    const [a, b] = await Promise.all([runAsync(args('a'), dir), runAsync(args('b'), dir)]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    const read = (o: string) =>
      readFileSync(join(dir, '.etlctl/s3/it-bucket/conc', o, 'part-00000'), 'utf8')
        .trim()
        .split('\n')
        .sort();
    expect(read('a')).toEqual(read('b'));
    const v = await pgc.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT token)::int AS t FROM ${VAULT}.tokens_conc`,
    );
    expect(v.rows[0]).toEqual({ n: 3000, t: 3000 });
    await my.query(`DROP TABLE IF EXISTS ${SRC}_many`);
  });

  it('an error names the column, never a value', async () => {
    await my.query(`INSERT INTO ${SRC} VALUES (5, 'e@x.io', '1', 'SSN-555-55-5555', 'C-5', 99, 'n')`);
    const r = runCli(['pipeline', 'activate', 'pii_it.yaml'], { cwd: dir, env: ENV });
    await my.query(`DELETE FROM ${SRC} WHERE id = 5`);
    expect(r.code).not.toBe(0);
    const all =
      r.stdout +
      r.stderr +
      allFiles(join(dir, '.etlctl'))
        .map((f) => readFileSync(f).toString('latin1'))
        .join('');
    expect(all).toContain('ETL3705');
    expect(all).not.toContain('SSN-555-55-5555');
  });

  it('transforms on a load step apply to its S3 input, streaming into the load', async () => {
    const d = project();
    writeFileSync(
      join(d, 'tables/users2.sql'),
      `CREATE TABLE ${SCHEMA}.users2 (id INTEGER NOT NULL, email VARCHAR(256), phone VARCHAR(64), customer_id VARCHAR(64), country_id INTEGER, note VARCHAR(1000));\n`,
    );
    writeFileSync(
      join(d, 'load_side.yaml'),
      `name: load_side
frequency: one-time
steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    sql: SELECT id, email, phone, ssn, customer_id, country_id, note FROM ${SRC}
  - step_type: create-load-redshift
    name: load
    table_definition: tables/users2.sql
    input_columns: [id, email, phone, ssn, customer_id, country_id, note]
    transforms:
      email: { mask: { keep: domain } }
      phone: hmac_sha256
      ssn: drop
`,
    );
    const r = runCli(['pipeline', 'activate', 'load_side.yaml'], { cwd: d, env: ENV });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('transform load: column phone: hmac_sha256 (key k1), 3 values');
    expect(r.stdout).toContain('transform load: column ssn: drop, 4 values');
    expect(r.stdout + r.stderr).toMatch(
      /START load\.Load\S* .*reading load\.Transform\S*'s output as it is written/,
    );
    const got = (await pgc.query(`SELECT id, email, phone, note FROM ${SCHEMA}.users2 ORDER BY id`)).rows as {
      email: string | null;
      phone: string | null;
      note: string | null;
    }[];
    expect(got.map((u) => u.email)).toEqual([
      '***@example.com',
      '***@example.org',
      '***@sub.example.com',
      null,
    ]);
    expect(got[0].phone).toBe(hmac(K1, '+1 555 0100'));
    expect(got[3].phone).toBeNull();
    expect(got.map((u) => u.note)).toEqual(['note\tone', 'back\\slash', null, '']);
  });

  it('compiled for AWS: the checker passes and the task command gives the same data locally', () => {
    const c = runCli(['pipeline', 'compile', 'pii_it.yaml', '-m', 'production', '-o', 'out'], {
      cwd: dir,
      env: ENV,
    });
    expect(c.code, c.stdout + c.stderr).toBe(0);
    const v = runCli(['definition', 'validate', 'out/pii_it.json'], { cwd: dir, env: ENV });
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const def = JSON.parse(readFileSync(join(dir, 'out/pii_it.json'), 'utf8')) as {
      objects: { id: string; type?: string; command?: string; scriptArgument?: string[] }[];
    };
    const act = def.objects.find(
      (o) => o.type === 'ShellCommandActivity' && /task copy/.test(o.command ?? ''),
    )!;
    expect(act.command).toBe('etlctl task copy "$@"');
    const args = [...act.scriptArgument!];
    expect(JSON.stringify(args)).not.toContain(K1);
    const at = args.indexOf('--to-s3');
    args[at + 1] = 's3://it-bucket/aws-task/';
    const t = runCli(['task', 'copy', ...args], { cwd: dir, env: ENV });
    expect(t.code, t.stdout + t.stderr).toBe(0);
    // The same values the local engine's first run (same mode of keys) loaded.
    const viaTask = readFileSync(join(dir, '.etlctl/s3/it-bucket/aws-task/part-00000'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('\t').slice(0, 5).join('\t'));
    const n = (v: unknown) => (v === null ? '\\N' : String(v));
    expect(viaTask).toEqual(
      first.map((u) => [u.id, u.email, u.phone, u.customer_id, u.country_id].map(n).join('\t')),
    );
  });
});
