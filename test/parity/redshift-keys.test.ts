/**
 * Redshift PRIMARY KEY / UNIQUE / FOREIGN KEY are informational (Redshift loads rows that break
 * them); locally on PostgreSQL they are left out of the translated DDL and listed in the run
 * report, and the declared primary key stays the merge key of OVERWRITE_EXISTING.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL } from '../db.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { translateScript } from '../../src/local/translate.js';

const SCHEMA = `parity_keys_${process.pid}`;
let dir: string;
let pgc: pg.Client;

function s3put(key: string, body: string): void {
  const path = join(dir, '.etlctl', 's3', 'acme-events', key);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
}

beforeAll(async () => {
  dir = tempDir('etlctl-parity-keys-');
  copyFileSync(join(ROOT, 'test/fixtures/parity/redshift-keys.json'), join(dir, 'keys.json'));
  writeFileSync(
    join(dir, 'etlctl.yaml'),
    `databases:\n  warehouse:\n    engine: redshift\n    cluster_id: events-cluster\n    url: ${PG_URL}\n`,
  );
  pgc = new pg.Client({ connectionString: PG_URL });
  await pgc.connect();
  await pgc.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

afterAll(async () => {
  await pgc?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pgc?.end();
});

describe('Redshift informational constraints on a local PostgreSQL target', () => {
  it('loads duplicate keys as Redshift does, OVERWRITE_EXISTING still replaces by the declared key, and the report lists what was left out', async () => {
    // Monday has id 1 twice (Redshift accepts it); Tuesday replaces id 1 and adds id 4.
    s3put('events/monday.tsv', '1\tA\t1\t10\n1\tA\t1\t11\n2\tB\t1\t20\n3\tB\t1\t30\n');
    s3put('events/tuesday.tsv', '1\tZ\t1\t99\n4\tD\t1\t40\n');
    const r = runCli(
      [
        ...['definition', 'run', 'keys.json', '-c', 'etlctl.yaml', '--no-register', '--parameter-values'],
        ...['myRedshiftClusterId=events-cluster', `mySchema=${SCHEMA}`, 'myBucket=acme-events'],
      ],
      { cwd: dir },
    );
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(0);
    expect(r.stdout).toMatch(/OK=3 FAILED=0/);

    // The SqlActivity's INSERT of the same customer twice works, as on Redshift.
    const customers = await pgc.query(`SELECT id, email FROM ${SCHEMA}.customers`);
    expect(customers.rows).toEqual([
      { id: 1, email: 'a@example.com' },
      { id: 1, email: 'a@example.com' },
    ]);
    // Monday's duplicate id 1 was loaded (APPEND), then Tuesday's OVERWRITE_EXISTING replaced
    // every row with key 1 by its one row, kept 2 and 3, and added 4.
    const events = await pgc.query(`SELECT id, code, amount FROM ${SCHEMA}.events ORDER BY id, amount`);
    expect(events.rows).toEqual([
      { id: 1, code: 'Z', amount: 99 },
      { id: 2, code: 'B', amount: 20 },
      { id: 3, code: 'B', amount: 30 },
      { id: 4, code: 'D', amount: 40 },
    ]);

    // No constraint is enforced; the declared keys are kept as commented, non-unique indexes.
    const constraints = await pgc.query(
      `SELECT conname FROM pg_constraint WHERE connamespace = $1::regnamespace AND contype IN ('p', 'u', 'f')`,
      [SCHEMA],
    );
    expect(constraints.rows).toEqual([]);
    const indexes = await pgc.query(
      `SELECT c.relname AS name, i.indisunique AS uniq, obj_description(c.oid, 'pg_class') AS note
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relnamespace = $1::regnamespace ORDER BY c.relname`,
      [SCHEMA],
    );
    expect(indexes.rows).toEqual([
      {
        name: 'customers_pk',
        uniq: false,
        note: 'etlctl: Redshift PRIMARY KEY (informational, not enforced)',
      },
      {
        name: 'events_pkey',
        uniq: false,
        note: 'etlctl: Redshift PRIMARY KEY (informational, not enforced)',
      },
    ]);
    // NOT NULL is enforced on Redshift, and a column PRIMARY KEY makes the column NOT NULL there.
    await expect(pgc.query(`INSERT INTO ${SCHEMA}.events (id) VALUES (NULL)`)).rejects.toThrow(/null value/);

    // The run report lists every constraint left out, where it was written.
    expect(r.stdout).toContain(
      'CONSTRAINT customers_pk PRIMARY KEY (id) not enforced (Redshift does not enforce it); kept as the non-unique index customers_pk',
    );
    expect(r.stdout).toContain('UNIQUE (email) dropped (Redshift does not enforce it)');
    expect(r.stdout).toContain(
      'id PRIMARY KEY not enforced (Redshift does not enforce it); kept as the non-unique index events_pkey, the merge key of OVERWRITE_EXISTING/KEEP_EXISTING',
    );
    expect(r.stdout).toContain('code UNIQUE dropped (Redshift does not enforce it)');
    expect(r.stdout).toContain(
      `customer_id REFERENCES ${SCHEMA}.customers (id) dropped (Redshift does not enforce it)`,
    );
  });
});

describe('the translation of Redshift key constraints', () => {
  it('ALTER TABLE … ADD PRIMARY KEY keeps the key as an index; ADD FOREIGN KEY is not run', () => {
    const pgScript = translateScript(
      'ALTER TABLE s.t ADD CONSTRAINT t_pk PRIMARY KEY (a, b);\nALTER TABLE s.t ADD FOREIGN KEY (c) REFERENCES s.u (id);',
      'postgres',
      { source: 'k.sql' },
    );
    expect(pgScript.actions.map((a) => (a.kind === 'sql' ? a.sql : a.kind))).toEqual([
      "CREATE INDEX IF NOT EXISTS t_pk ON s.t (a, b);\nCOMMENT ON INDEX s.t_pk IS 'etlctl: Redshift PRIMARY KEY (informational, not enforced)'",
    ]);
    expect(pgScript.translations).toEqual([
      'k.sql:1: CONSTRAINT t_pk PRIMARY KEY (a, b) not enforced (Redshift does not enforce it); kept as the non-unique index t_pk, the merge key of OVERWRITE_EXISTING/KEEP_EXISTING',
      'k.sql:2: FOREIGN KEY (c) REFERENCES s.u (id) dropped (Redshift does not enforce it)',
    ]);
    // Keys inside strings, comments and column names are not constraints.
    const quiet = translateScript(
      "CREATE TABLE t (unique_id INT, note VARCHAR(20) DEFAULT 'PRIMARY KEY' /* UNIQUE */)",
      'postgres',
    );
    expect(quiet.translations).toEqual([]);
    expect(quiet.actions).toMatchObject([
      { sql: "CREATE TABLE t (unique_id INT, note VARCHAR(20) DEFAULT 'PRIMARY KEY' /* UNIQUE */)" },
    ]);
  });
});
