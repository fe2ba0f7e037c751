/** Named connection → URL for `etlctl task …`: the same rule as the local engine, plus worker URLs on AWS. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { EtlError } from '../../src/diagnostics.js';
import { connectionUrl } from '../../src/tasks/connect.js';
import { tempDir } from '../helpers.js';

function setup(yaml: string, env: NodeJS.ProcessEnv = {}, mode?: string) {
  const d = tempDir('etlctl-connect-');
  writeFileSync(join(d, 'seed.sql'), 'CREATE TABLE t (id INTEGER);\n');
  writeFileSync(join(d, 'etlctl.yaml'), yaml);
  const config = loadConfig({ configPath: join(d, 'etlctl.yaml'), cwd: d, env, mode });
  return { d, t: { config, stateDir: join(d, 'state'), env } };
}

const YAML = `target: local
databases:
  emb:
    engine: mysql
    seed: seed.sql
  srv:
    engine: postgres
    url: postgres://etl@db.example:5432/wh
    password: \${env:SRV_PASSWORD}
  rs:
    engine: redshift
    connection_string: jdbc:redshift://rs.example:5439/analytics
    user: etl
    password: \${env:RS_PASSWORD}
  rds:
    engine: mysql
    rds_instance_id: app-prod
    database: app
modes:
  production:
    target: aws
`;

describe('connectionUrl', () => {
  it('a connection without url is the embedded PGlite database under <stateDir>/db/<name>, with its seed', () => {
    const { d, t } = setup(YAML);
    const c = connectionUrl('emb', t);
    expect(c.url).toBe(`pglite://${join(d, 'state', 'db', 'emb')}`);
    expect(c.seedSql).toContain('CREATE TABLE t');
  });

  it('a server url gets the secret password when it has none', () => {
    const { t } = setup(YAML, { SRV_PASSWORD: 'p@ss word' });
    expect(connectionUrl('srv', t).url).toBe('postgres://etl:p%40ss%20word@db.example:5432/wh');
  });

  it('on AWS, a JDBC connection string becomes a driver URL with the password from its secret', () => {
    const { t } = setup(YAML, { RS_PASSWORD: 'x' }, 'production');
    expect(connectionUrl('rs', t).url).toBe('postgres://etl:x@rs.example:5439/analytics');
  });

  it('on AWS, a connection with no host or url is a clear error', () => {
    const { t } = setup(YAML, {}, 'production');
    expect(() => connectionUrl('rds', t)).toThrow(EtlError);
    try {
      connectionUrl('rds', t);
    } catch (e) {
      expect((e as EtlError).diagnostics[0].code).toBe('ETL7902');
    }
  });

  it('an unknown name suggests the closest', () => {
    const { t } = setup(YAML);
    try {
      connectionUrl('srvv', t);
      expect.unreachable();
    } catch (e) {
      const d = (e as EtlError).diagnostics[0];
      expect(d.code).toBe('ETL7901');
      expect(d.hint).toMatch(/did you mean 'srv'/);
    }
  });
});
