/** Creates the test databases named by test/db.ts when they are not the servers' own `test`. */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MY_DB, PG_DB } from './db.js';

export default async function setup(): Promise<void> {
  if (PG_DB !== 'test') {
    const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
    await c.connect();
    try {
      const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DB]);
      if (r.rowCount === 0) await c.query(`CREATE DATABASE "${PG_DB.replace(/"/g, '""')}"`);
    } finally {
      await c.end();
    }
  }
  if (MY_DB !== 'test') {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    try {
      await c.query(`CREATE DATABASE IF NOT EXISTS \`${MY_DB.replace(/`/g, '``')}\``);
    } finally {
      await c.end();
    }
  }
}
