/**
 * The commit ledger on the real servers (src/local/commits.ts): a part committed in an epoch is
 * never run again in it (its rows come from the marker); a new epoch (a deliberate rerun) runs
 * it again; two attempts of one epoch committing at once load once; PostgreSQL and MariaDB.
 */
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { CommitLedger, MARKER_TABLE, type CommitIdentity } from '../../src/local/commits.js';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { atomicLoad } from '../../src/local/activities/load.js';
import { MY_URL, PG_URL } from '../db.js';

const opened: Driver[] = [];
afterAll(async () => {
  for (const d of opened) await d.close().catch(() => undefined);
});

async function open(url: string): Promise<Driver> {
  const d = await openDriver(url, {});
  opened.push(d);
  return d;
}

function identity(scope: string, epoch: number, attempt: number): CommitIdentity {
  return {
    scope,
    instanceId: 7,
    pipeline: 'ledger',
    objectId: 'Load',
    scheduledStart: '2026-01-01T00:00:00.000Z',
    epoch,
    attempt,
  };
}

function ledger(id: CommitIdentity, lines: string[] = []): CommitLedger {
  return new CommitLedger(
    id,
    (l) => lines.push(l),
    (l) => lines.push(l),
  );
}

const tsv = (from: number, n: number) =>
  Readable.from([Array.from({ length: n }, (_, i) => `${from + i}\n`).join('')]);

for (const [engine, url] of [
  ['postgres', PG_URL],
  ['mariadb', MY_URL],
] as const) {
  describe(`commit ledger on ${engine}`, () => {
    const table = `ledger_t_${engine}`;
    const scope = `test-${engine}-${process.pid}-${Date.now()}`;

    async function load(d: Driver, l: CommitLedger, from: number, n: number): Promise<number> {
      return l.once(d, 'load', (mark) =>
        atomicLoad({
          driver: d,
          table,
          mode: 'APPEND',
          tsv: tsv(from, n),
          who: 'test',
          translations: [],
          mark,
        }),
      );
    }

    async function count(d: Driver): Promise<number> {
      return Number((await d.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
    }

    it('a part committed in an epoch is adopted by the next attempt; a new epoch loads again', async () => {
      const d = await open(url);
      await d.exec(`DROP TABLE IF EXISTS ${table}`);
      await d.exec(`CREATE TABLE ${table} (id INTEGER NOT NULL)`);
      expect(await load(d, ledger(identity(scope, 0, 1)), 1, 100)).toBe(100);
      const lines: string[] = [];
      // Attempt 2 of the same epoch (a resume after a kill at commit): nothing is loaded again.
      expect(await load(d, ledger(identity(scope, 0, 2), lines), 1, 100)).toBe(100);
      expect(await count(d)).toBe(100);
      expect(lines.join('\n')).toMatch(/already committed by attempt 1/);
      // Attempt 3 after attempt 2 was recorded FINISHED (a rerun): a new epoch, loaded again.
      expect(await load(d, ledger(identity(scope, 2, 3)), 101, 50)).toBe(50);
      expect(await count(d)).toBe(150);
      // Another state store (another scope) never sees these markers.
      expect(await load(d, ledger(identity(scope + '-other', 0, 1)), 201, 10)).toBe(10);
      expect(await count(d)).toBe(160);
      const markers = await d.query(`SELECT COUNT(*) AS n FROM ${MARKER_TABLE} WHERE pipeline = 'ledger'`);
      expect(Number(markers.rows[0].n)).toBeGreaterThanOrEqual(3);
    });

    it('two attempts of one epoch committing at once: the second rolls back and takes the first one’s rows', async () => {
      const a = await open(url);
      const b = await open(url);
      await a.exec(`DROP TABLE IF EXISTS ${table}`);
      await a.exec(`CREATE TABLE ${table} (id INTEGER NOT NULL)`);
      const concurrent = `${scope}-concurrent`;
      const results = await Promise.all([
        load(a, ledger(identity(concurrent, 0, 1)), 1, 500),
        load(b, ledger(identity(concurrent, 0, 2)), 1, 500),
      ]);
      expect(results).toEqual([500, 500]);
      expect(await count(a)).toBe(500);
    });
  });
}
