/** openDriver: URL schemes, embedded PGlite created and seeded once, connection errors. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EtlError, ExitCode } from '../../src/diagnostics.js';
import { driverKindOf, localDatabaseUrl, openDriver, redactUrl } from '../../src/local/drivers/index.js';

describe('URLs', () => {
  test('schemes map to drivers; unknown ones are usage errors', () => {
    expect(driverKindOf('postgresql://u@h/db')).toBe('postgres');
    expect(driverKindOf('mariadb://u@h/db')).toBe('mysql');
    expect(driverKindOf('pglite://memory')).toBe('pglite');
    let err: unknown;
    try {
      driverKindOf('oracle://x');
    } catch (e) {
      err = e;
    }
    expect((err as EtlError).exitCode).toBe(ExitCode.USAGE);
  });

  test('passwords never appear in messages', () => {
    expect(redactUrl('postgres://me:s3cret@host:5432/db')).toBe('postgres://me:***@host:5432/db');
  });

  test('a named database without URL lives under <stateDir>/db/<name>', () => {
    expect(localDatabaseUrl('/x/.etlctl', 'warehouse')).toBe('pglite:///x/.etlctl/db/warehouse');
    expect(() => localDatabaseUrl('/x', '../evil')).toThrow(EtlError);
  });

  test('an unreachable server is an environment error naming the redacted URL', async () => {
    const err = (await openDriver('postgres://u:pw@127.0.0.1:1/db', { connectTimeoutMs: 2000 }).catch(
      (e: unknown) => e,
    )) as EtlError;
    expect(err.exitCode).toBe(ExitCode.ENVIRONMENT);
    expect(err.diagnostics[0].code).toBe('ETL7001');
    expect(err.message).toContain('u:***@127.0.0.1:1');
    expect(err.message).not.toContain('pw');
  });
});

test('embedded PGlite is created on first use, seeded only then, and keeps its data', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'etlctl-pglite-')), 'db', 'demo');
  const seedSql = 'CREATE TABLE seeded (n int); INSERT INTO seeded VALUES (1);';
  const first = await openDriver(`pglite://${dir}`, { seedSql });
  await first.exec('INSERT INTO seeded VALUES (2)');
  await first.close();
  const again = await openDriver(`pglite://${dir}`, { seedSql });
  expect((await again.query('SELECT count(*)::int AS n FROM seeded')).rows[0].n).toBe(2);
  await again.close();
}, 120_000);
