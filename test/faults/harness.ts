/**
 * The fault-injection harness (issue 12, items 4 and 8): a project with a MariaDB source and a
 * PostgreSQL warehouse, pipelines run through `bin/etlctl` as child processes that the tests kill,
 * starve or cut off, and the checks that follow every resume: the target holds exactly the
 * source's rows (count, distinct keys and a checksum over every value) and the state store says
 * what happened.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { BIN, tempDir } from '../helpers.js';
import { MY_DB, MY_URL, PG_DB, PG_URL } from '../db.js';
import { openStateStore } from '../../src/local/state/open.js';
import type { InstanceRow } from '../../src/local/state/store.js';

export interface Servers {
  my: mysql.Connection;
  pg: pg.Client;
  close(): Promise<void>;
}

export async function connectServers(): Promise<Servers> {
  const my = await mysql.createConnection({
    host: '127.0.0.1',
    user: 'root',
    database: MY_DB,
    multipleStatements: false,
  });
  const pgc = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: PG_DB });
  pgc.on('error', () => undefined);
  await pgc.connect();
  return {
    my,
    pg: pgc,
    close: async () => {
      await my.end().catch(() => undefined);
      await pgc.end().catch(() => undefined);
    },
  };
}

/** `rows` source rows in MariaDB table `table` (id, name, amount); values vary with `seed`. */
export async function seedSource(my: mysql.Connection, table: string, rows: number, seed = 1): Promise<void> {
  await my.query(`DROP TABLE IF EXISTS ${table}`);
  await my.query(
    `CREATE TABLE ${table} (id INT PRIMARY KEY, name VARCHAR(100), amount DECIMAL(12,4)) DEFAULT CHARSET=utf8mb4`,
  );
  const batch = 5000;
  for (let start = 1; start <= rows; start += batch) {
    const values: unknown[][] = [];
    for (let id = start; id < Math.min(start + batch, rows + 1); id++) {
      const name = id % 97 === 0 ? null : `n${id}\t${(id * seed) % 1000}é`;
      values.push([id, name, ((id * 37 + seed) % 100000) / 100]);
    }
    await my.query(`INSERT INTO ${table} (id, name, amount) VALUES ?`, [values]);
  }
}

export interface Fingerprint {
  count: number;
  distinct: number;
  /** sha256 over `id|name|amount` lines in id order. */
  sum: string;
}

function fingerprint(rows: { id: unknown; name: unknown; amount: unknown }[]): Fingerprint {
  const h = createHash('sha256');
  const ids = new Set<string>();
  for (const r of rows) {
    ids.add(String(r.id));
    h.update(`${String(r.id)}|${r.name === null ? '\\N' : String(r.name)}|${String(r.amount)}\n`);
  }
  return { count: rows.length, distinct: ids.size, sum: h.digest('hex') };
}

export async function sourcePrint(my: mysql.Connection, table: string): Promise<Fingerprint> {
  const [rows] = await my.query(`SELECT id, name, amount FROM ${table} ORDER BY id`);
  return fingerprint(rows as { id: unknown; name: unknown; amount: unknown }[]);
}

/** The target's fingerprint; an absent table is empty. */
export async function targetPrint(c: pg.Client, table: string): Promise<Fingerprint> {
  const exists = await c.query('SELECT to_regclass($1) AS t', [table]);
  if (exists.rows[0].t === null) return fingerprint([]);
  const r = await c.query(`SELECT id, name, amount::text AS amount FROM ${table} ORDER BY id`);
  return fingerprint(r.rows);
}

export interface Project {
  dir: string;
  /** Extra environment for every run (passwords). */
  env: NodeJS.ProcessEnv;
}

/**
 * A project whose config names the test databases; `pipelines` maps file names to YAML, `files`
 * other files (table definitions). `pgUrl` points the warehouse elsewhere (a private server).
 */
export function makeProject(
  pipelines: Record<string, string>,
  files: Record<string, string>,
  opts: { pgUrl?: string; stateDir?: string } = {},
): Project {
  const dir = tempDir('etlctl-faults-');
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'tables'));
  const local = opts.stateDir ? `local:\n  state_dir: ${opts.stateDir}\n` : '';
  writeFileSync(
    join(dir, 'config/etlctl.yaml'),
    `aws:
  s3_bucket: fault-bucket
  s3_base_path: faults
defaults:
  warehouse: warehouse
${local}databases:
  app_db:
    engine: mysql
    rds_instance_id: app
    database: ${MY_DB}
    user: etl
    password: \${env:FAULT_DB_PASSWORD}
    url: ${MY_URL}
  warehouse:
    engine: redshift
    cluster_id: analytics
    database: ${PG_DB}
    user: etl
    password: \${env:FAULT_DB_PASSWORD}
    url: ${opts.pgUrl ?? PG_URL}
  pgdb:
    engine: postgres
    rds_instance_id: pg
    database: ${PG_DB}
    user: etl
    password: \${env:FAULT_DB_PASSWORD}
    url: ${opts.pgUrl ?? PG_URL}
`,
  );
  for (const [name, text] of Object.entries({ ...pipelines, ...files })) writeFileSync(join(dir, name), text);
  return { dir, env: { FAULT_DB_PASSWORD: '' } };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

export interface Child {
  pid: number;
  /** Everything printed so far. */
  out(): string;
  done: Promise<RunResult>;
}

/** `etlctl ARGS` in the project as a child process (killable); `env` adds to the project's. */
export function start(p: Project, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: p.dir,
    env: { ...process.env, ETLCTL_CONFIG: undefined, ETLCTL_MODE: undefined, ...p.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<RunResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, out })),
  );
  return { pid: child.pid!, out: () => out, done };
}

export function run(p: Project, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return start(p, args, env).done;
}

/** Polls `cond` every 20 ms until it holds (no fixed sleeps). */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The state store's instances of the pipeline's current generation, by object id. */
export async function storeInstances(p: Project, pipeline: string): Promise<Map<string, InstanceRow>> {
  const store = await openStateStore({ stateDir: join(p.dir, '.etlctl') });
  try {
    const row = await store.pipeline(pipeline);
    if (!row) return new Map();
    return new Map((await store.instances(pipeline, row.generation)).map((i) => [i.object_id, i]));
  } finally {
    await store.close();
  }
}

/** The state store's attempts of one instance, oldest first. */
export async function storeAttempts(p: Project, instanceId: number): Promise<{ status: string }[]> {
  const store = await openStateStore({ stateDir: join(p.dir, '.etlctl') });
  try {
    return await store.attempts(instanceId);
  } finally {
    await store.close();
  }
}

/** A small deterministic PRNG (mulberry32) so trials are reproducible from their seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
