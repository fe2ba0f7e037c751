/**
 * Exactly-once loads across a kill at commit (issue 12, item 8). ETLCTL_FAULT makes the engine
 * SIGKILL itself right after a step's transaction committed on the target and before the state
 * store recorded it: the moment that used to make a resume append every row a second time.
 * After each kill the next activation resumes, and the target must hold the source's rows once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Servers } from './harness.js';
import {
  connectServers,
  makeProject,
  run,
  seedSource,
  sourcePrint,
  storeAttempts,
  storeInstances,
  targetPrint,
} from './harness.js';

const SRC = 'fx_once_src';
const SCHEMA = 'fx_once';
const ROWS = 20_000;

let s: Servers;

beforeAll(async () => {
  s = await connectServers();
  await seedSource(s.my, SRC, ROWS);
});

afterAll(async () => {
  await s?.my.query(`DROP TABLE IF EXISTS ${SRC}`);
  await s?.pg.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await s?.close();
});

const table = (name: string, pk: boolean) => `CREATE TABLE ${SCHEMA}.${name} (
  id INTEGER NOT NULL,
  name VARCHAR(100),
  amount DECIMAL(12,4)${pk ? ',\n  PRIMARY KEY (id)' : ''}
);
`;

/** extract (MariaDB → S3) → create-load-redshift APPEND into a stage → upsert into items. */
function appendPipeline(name: string): string {
  return `name: ${name}
frequency: one-time
steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    table: ${SRC}
  - step_type: create-load-redshift
    name: load_stage
    table_definition: tables/${name}_stage.sql
    insert_mode: APPEND
  - step_type: upsert
    name: merge
    source: tables/${name}_stage.sql
    destination: tables/${name}_items.sql
`;
}

function appendProject(name: string) {
  return makeProject(
    { [`${name}.yaml`]: appendPipeline(name) },
    {
      [`tables/${name}_stage.sql`]: table(`${name}_stage`, false),
      [`tables/${name}_items.sql`]: table(`${name}_items`, true),
    },
  );
}

describe('a kill between the target COMMIT and the state store', () => {
  it('create-load-redshift APPEND: the resume finds the marker and does not load again', async () => {
    const p = appendProject('once_append');
    const killed = await run(p, ['pipeline', 'activate', 'once_append.yaml'], {
      ETLCTL_FAULT: 'after-target-commit:load_stage.Load',
    });
    expect(killed.signal, killed.out).toBe('SIGKILL');
    const expected = await sourcePrint(s.my, SRC);
    // The data committed; the store did not hear of it.
    expect(await targetPrint(s.pg, `${SCHEMA}.once_append_stage`)).toEqual(expected);
    expect((await storeInstances(p, 'once_append')).get('load_stage.Load')?.status).toBe('RUNNING');

    const resumed = await run(p, ['pipeline', 'activate', 'once_append.yaml']);
    expect(resumed.code, resumed.out).toBe(0);
    expect(await targetPrint(s.pg, `${SCHEMA}.once_append_stage`)).toEqual(expected);
    expect(await targetPrint(s.pg, `${SCHEMA}.once_append_items`)).toEqual(expected);

    // The store tells the truth: the killed attempt interrupted, the resume finished it with its rows.
    const load = (await storeInstances(p, 'once_append')).get('load_stage.Load')!;
    expect(load.status).toBe('FINISHED');
    expect(load.rows).toBe(ROWS);
    expect((await storeAttempts(p, load.id)).map((a) => a.status)).toEqual(['INTERRUPTED', 'FINISHED']);
  });

  it('upsert (sql-command style SqlActivity): each committed transaction of the script runs once', async () => {
    const p = appendProject('once_merge');
    // The merge script commits twice (create, then merge): kill after each in turn.
    const first = await run(p, ['pipeline', 'activate', 'once_merge.yaml'], {
      ETLCTL_FAULT: 'after-target-commit:merge.Upsert',
    });
    expect(first.signal, first.out).toBe('SIGKILL');
    const second = await run(p, ['pipeline', 'activate', 'once_merge.yaml'], {
      ETLCTL_FAULT: 'after-target-commit:merge.Upsert',
    });
    expect(second.signal, second.out).toBe('SIGKILL');
    const last = await run(p, ['pipeline', 'activate', 'once_merge.yaml']);
    expect(last.code, last.out).toBe(0);
    const expected = await sourcePrint(s.my, SRC);
    expect(await targetPrint(s.pg, `${SCHEMA}.once_merge_stage`)).toEqual(expected);
    expect(await targetPrint(s.pg, `${SCHEMA}.once_merge_items`)).toEqual(expected);
    const merge = (await storeInstances(p, 'once_merge')).get('merge.Upsert')!;
    expect(merge.status).toBe('FINISHED');
  });

  it('an S3 output killed right after it was published is written again whole, never twice', async () => {
    const p = appendProject('once_s3');
    // Without overlap the load reads the published object, after the kill and the resume.
    const killed = await run(p, ['pipeline', 'activate', 'once_s3.yaml'], {
      ETLCTL_FAULT: 'after-s3-commit:extract.Extract',
      ETLCTL_LOCAL__OVERLAP_STEPS: 'false',
    });
    expect(killed.signal, killed.out).toBe('SIGKILL');
    const resumed = await run(p, ['pipeline', 'activate', 'once_s3.yaml']);
    expect(resumed.code, resumed.out).toBe(0);
    const expected = await sourcePrint(s.my, SRC);
    expect(await targetPrint(s.pg, `${SCHEMA}.once_s3_stage`)).toEqual(expected);
    expect(await targetPrint(s.pg, `${SCHEMA}.once_s3_items`)).toEqual(expected);
  });

  it('load-postgres (CopyActivity with insert_query, one transaction): loaded once across a kill at commit', async () => {
    const name = 'once_lp';
    const p = makeProject(
      {
        [`${name}.yaml`]: `name: ${name}
frequency: one-time
steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    sql: SELECT id, name, amount FROM ${SRC} WHERE id <= 2000
  - step_type: load-postgres
    name: load
    database: pgdb
    table_definition: tables/${name}.sql
`,
      },
      { [`tables/${name}.sql`]: table(name, false) },
    );
    await s.pg.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await s.pg.query(`DROP TABLE IF EXISTS ${SCHEMA}.${name}`);
    await s.pg.query(table(name, false));
    const killed = await run(p, ['pipeline', 'activate', `${name}.yaml`], {
      ETLCTL_FAULT: 'after-target-commit:load.Load',
    });
    expect(killed.signal, killed.out).toBe('SIGKILL');
    const resumed = await run(p, ['pipeline', 'activate', `${name}.yaml`]);
    expect(resumed.code, resumed.out).toBe(0);
    const r = await s.pg.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT id)::int AS d FROM ${SCHEMA}.${name}`,
    );
    expect(r.rows[0]).toEqual({ n: 2000, d: 2000 });
  });
});
