/** The engine with a data-plane runner: SqlActivity instances per schedule period on PostgreSQL. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDriver } from '../../src/local/drivers/index.js';
import { runDefinition } from '../../src/local/engine.js';
import { definition, tempDir } from './helpers.js';
import { PG_URL } from '../db.js';

const PG = PG_URL;
const TABLE = 'local_cp_daily_events';

describe('local engine: SqlActivity on PostgreSQL', () => {
  it('runs one SqlActivity instance per day with the day in its SQL, once per period even when re-activated', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const config = { databases: { warehouse: { name: 'warehouse', engine: 'postgres' as const, url: PG } } };
    const setup = await openDriver(PG);
    await setup.exec(`DROP TABLE IF EXISTS ${TABLE}`);
    await setup.close();
    const day = "#{format(@scheduledStartTime,'YYYY-MM-dd')}";
    const def = definition('daily-sql', [
      {
        id: 'Default',
        name: 'Default',
        scheduleType: 'timeseries',
        schedule: { ref: 'Daily' },
        failureAndRerunMode: 'cascade',
      },
      { id: 'Daily', name: 'Daily', type: 'Schedule', period: '1 day', startDateTime: '2024-05-01T00:00:00' },
      {
        id: 'Warehouse',
        name: 'Warehouse',
        type: 'RdsDatabase',
        myConnection: 'warehouse',
        rdsInstanceId: 'wh',
        username: 'etl',
        '*password': 'x',
      },
      {
        id: 'CreateTable',
        name: 'CreateTable',
        type: 'SqlActivity',
        workerGroup: 'local',
        database: { ref: 'Warehouse' },
        script: `CREATE TABLE IF NOT EXISTS ${TABLE} (day date PRIMARY KEY, n int);`,
      },
      {
        id: 'LoadDay',
        name: 'LoadDay',
        type: 'SqlActivity',
        workerGroup: 'local',
        database: { ref: 'Warehouse' },
        dependsOn: { ref: 'CreateTable' },
        script: `INSERT INTO ${TABLE} VALUES ('${day}', #{day(@scheduledStartTime)});`,
      },
    ]);
    const now = new Date('2024-05-04T00:00:00Z');
    const first = await runDefinition(def, { config, stateDir, now });
    expect(first).toMatchObject({ ok: 6, failed: 0, exitCode: 0 });
    // A second activation finds nothing due: the primary key would reject a re-run of any period.
    const again = await runDefinition(def, { config, stateDir, now });
    expect(again.nothingToDo).toBe(true);

    const db = await openDriver(PG);
    try {
      const r = await db.query(`SELECT day::text AS day, n FROM ${TABLE} ORDER BY day`);
      expect(r.rows).toEqual([
        { day: '2024-05-01', n: 1 },
        { day: '2024-05-02', n: 2 },
        { day: '2024-05-03', n: 3 },
      ]);
    } finally {
      await db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
      await db.close();
    }
  });

  it('a database object that maps to no configured connection fails the step with a clear error', async () => {
    const dir = tempDir();
    const def = definition('no-conn', [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      { id: 'Db', name: 'Db', type: 'RdsDatabase', rdsInstanceId: 'nope', username: 'u', '*password': 'p' },
      {
        id: 'Q',
        name: 'Q',
        type: 'SqlActivity',
        workerGroup: 'w',
        database: { ref: 'Db' },
        script: 'SELECT 1',
      },
    ]);
    const s = await runDefinition(def, { config: { databases: {} }, stateDir: join(dir, '.etlctl') });
    expect(s.exitCode).toBe(1);
    expect(s.instances[0].error).toMatch(
      /ETL7520: database object 'Db' does not match any configured connection/,
    );
  });

  it('an unreachable database is an environment error: exit code 3', async () => {
    const dir = tempDir();
    const def = definition('unreachable', [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      {
        id: 'Db',
        name: 'Db',
        type: 'RdsDatabase',
        myConnection: 'down',
        rdsInstanceId: 'x',
        username: 'u',
        '*password': 'p',
      },
      {
        id: 'Q',
        name: 'Q',
        type: 'SqlActivity',
        workerGroup: 'w',
        database: { ref: 'Db' },
        script: 'SELECT 1',
      },
    ]);
    const down = { name: 'down', engine: 'postgres' as const, url: 'postgres://postgres@127.0.0.1:1/test' };
    const s = await runDefinition(def, { config: { databases: { down } }, stateDir: join(dir, '.etlctl') });
    expect(s).toMatchObject({ failed: 1, exitCode: 3 });
  });
});
