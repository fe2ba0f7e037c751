/**
 * Runs once before any test: makes sure dist/ is built from the current sources (e2e tests run the
 * built CLI; a stale build would test old code), and creates the test databases named by
 * test/db.ts when they are not the servers' own `test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MY_DB, PG_DB } from './db.js';

const ROOT = resolve(import.meta.dirname, '..');
/** Written last by `npm run build` (scripts/gen-help.mjs): its age is the build's age. */
const STAMP = join(ROOT, 'dist', 'help.txt');
const SOURCES = [
  'src',
  'steps',
  'templates',
  'scripts',
  'bin',
  'config',
  'package.json',
  'tsconfig.build.json',
];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, e)));
  return newest;
}

function ensureBuilt(): void {
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
  const changed = Math.max(...SOURCES.map((s) => newestChange(join(ROOT, s))));
  if (built >= changed) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    // Fail the whole run: a test must never run against a build that is missing or stale.
    throw new Error(`npm run build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

async function createDatabases(): Promise<void> {
  // The engine-pg project (vitest.config.ts) runs test/local again in `<db>_pgstate`.
  const pgDbs = [PG_DB, `${PG_DB}_pgstate`].filter((d) => d !== 'test');
  const myDbs = [MY_DB, `${MY_DB}_pgstate`].filter((d) => d !== 'test');
  if (pgDbs.length > 0) {
    const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      for (const db of pgDbs) {
        const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
        if (r.rowCount === 0) await c.query(`CREATE DATABASE "${db.replace(/"/g, '""')}"`);
      }
    } finally {
      await c.end();
    }
  }
  if (myDbs.length > 0) {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    try {
      for (const db of myDbs) await c.query(`CREATE DATABASE IF NOT EXISTS \`${db.replace(/`/g, '``')}\``);
    } finally {
      await c.end();
    }
  }
}

export default async function setup(): Promise<void> {
  ensureBuilt();
  try {
    await createDatabases();
  } catch (e) {
    // The unit project needs no server; integration tests fail on their own, naming the server.
    console.warn(`test databases not created (${(e as Error).message}); integration tests will fail`);
  }
}
