/** The PostgreSQL state store's own behaviour: its schema, concurrent migration, two processes claiming. */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtlError } from '../../src/diagnostics.js';
import { openStateStore } from '../../src/local/state/open.js';
import { PG_SCHEMA_VERSION } from '../../src/local/state/pg-schema.js';
import { PgStateStore, redactUrl } from '../../src/local/state/postgres.js';
import { PG_URL } from '../db.js';
import { tempDir } from './helpers.js';

const root = resolve(__dirname, '../..');
const admin = new pg.Client({ connectionString: PG_URL });
const SCHEMAS = ['scale_pg_a', 'scale_pg_b', 'scale_pg_c', 'scale_pg_d'];

beforeAll(async () => {
  await admin.connect();
  for (const s of SCHEMAS) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
});
afterAll(async () => {
  await admin.end();
});

const url = (schema: string): string => `${PG_URL}?schema=${schema}`;

describe('PostgreSQL state store: schema', () => {
  it('creates its own schema at the current version; two openers at once migrate it once', async () => {
    const stores = await Promise.all([1, 2, 3, 4].map(() => PgStateStore.open(url('scale_pg_a'))));
    try {
      const v = await admin.query('SELECT version FROM scale_pg_a.schema_version');
      expect(v.rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
      expect(await stores[0].schemaVersion()).toBe(PG_SCHEMA_VERSION);
      const tables = await admin.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'scale_pg_a' ORDER BY 1",
      );
      expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toEqual([
        'actions',
        'attempts',
        'definitions',
        'instances',
        'pipelines',
        'runs',
        'schema_version',
      ]);
      // Nothing in the public schema: the store keeps to its own.
      const pub = await admin.query(
        "SELECT COUNT(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'instances'",
      );
      expect(pub.rows[0].n).toBe(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('openStateStore picks PostgreSQL for a postgres:// URL and never shows its password', async () => {
    const s = await openStateStore({ stateDir: tempDir(), url: url('scale_pg_b') });
    try {
      expect(s).toBeInstanceOf(PgStateStore);
      expect(s.location).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:5432\//);
    } finally {
      await s.close();
    }
    expect(redactUrl('postgres://u:secret@h:5432/db?schema=x')).toBe('postgres://u:***@h:5432/db?schema=x');
    const e = (await openStateStore({
      stateDir: tempDir(),
      url: 'postgres://u:hunter2@127.0.0.1:1/db',
    }).catch((x: unknown) => x)) as EtlError;
    expect(e).toBeInstanceOf(EtlError);
    expect(e.diagnostics[0].code).toBe('ETL7801');
    expect(e.exitCode).toBe(3);
    expect(e.message).not.toMatch(/hunter2/);
  });

  it('refuses a schema migrated by a newer etlctl (ETL7803) and a schema name that is not plain (ETL7800)', async () => {
    (await PgStateStore.open(url('scale_pg_c'))).close();
    await admin.query('UPDATE scale_pg_c.schema_version SET version = $1', [PG_SCHEMA_VERSION + 1]);
    const e = (await PgStateStore.open(url('scale_pg_c')).catch((x: unknown) => x)) as EtlError;
    expect(e.diagnostics[0].code).toBe('ETL7803');
    const bad = (await PgStateStore.open(url('x;drop')).catch((x: unknown) => x)) as EtlError;
    expect(bad.diagnostics[0].code).toBe('ETL7800');
  });
});

describe('PostgreSQL state store: two processes', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist/src/local/state/postgres.js')))
      throw new Error('run npm run build first (the claimers import dist/)');
  });

  function claimer(worker: string, ids: number[], runId: number, go: string): Promise<number[]> {
    const script = `
      const { existsSync } = await import('node:fs');
      const { PgStateStore } = await import(${JSON.stringify(join(root, 'dist/src/local/state/postgres.js'))});
      const s = await PgStateStore.open(${JSON.stringify(url('scale_pg_d'))});
      const ids = ${JSON.stringify(ids)}.sort(() => Math.random() - 0.5);
      const won = [];
      const w = { id: ${JSON.stringify(worker)}, host: ${JSON.stringify(worker)}, pid: process.pid };
      while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));
      await Promise.all([0, 1, 2, 3].map(async (k) => {
        for (let j = k; j < ids.length; j += 4) {
          const a = await s.claimInstance({ instanceId: ids[j], runId: ${runId}, worker: w, leaseMs: 60000, logPath: 'x' });
          if (a) won.push(ids[j]);
        }
      }));
      await s.close();
      console.log(JSON.stringify(won));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    return new Promise<number[]>((res, rej) =>
      child.on('exit', (code) =>
        code === 0 ? res(JSON.parse(out.trim()) as number[]) : rej(new Error(err)),
      ),
    );
  }

  it('two processes claiming 300 instances, four connections each: every instance claimed exactly once, both at work', async () => {
    const s = await PgStateStore.open(url('scale_pg_d'));
    try {
      await s.saveDefinition('p', '{}', {});
      const plan = await s.planRun({
        pipeline: 'p',
        version: 1,
        kind: 'test',
        worker: { id: 't', host: 't', pid: 1 },
        exclusive: false,
        generation: 1,
        instances: Array.from({ length: 300 }, (_, k) => ({
          objectId: 'A',
          objectType: 'ShellCommandActivity',
          scheduledStart: new Date(Date.UTC(2024, 0, 1) + k * 3_600_000).toISOString(),
          scheduledEnd: new Date(Date.UTC(2024, 0, 1) + k * 3_600_000).toISOString(),
          take: true,
          maxRetries: 0,
          retryDelayMs: 0,
        })),
      });
      if (plan.busy) throw new Error('busy');
      const ids = plan.instances.map((i) => i.id);
      const go = join(tempDir(), 'go');
      const both = Promise.all([claimer('w1', ids, plan.runId, go), claimer('w2', ids, plan.runId, go)]);
      setTimeout(() => writeFileSync(go, ''), 300);
      const [a, b] = await both;
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(ids);
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      const n = await admin.query(
        'SELECT COUNT(*)::int AS n, COUNT(DISTINCT instance_id)::int AS d FROM scale_pg_d.attempts',
      );
      expect(n.rows[0]).toEqual({ n: 300, d: 300 });
    } finally {
      await s.close();
    }
  });
});
