import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import {
  databaseStatements,
  executeOnRedshift,
  loadTableDefinitions,
  redshiftTarget,
} from '../../src/aws/database.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { EtlError } from '../../src/diagnostics.js';
import { FakeAws, awsTestEnv } from './fake-aws.js';

const dir = mkdtempSync(join(tmpdir(), 'etlctl-db-'));
function file(name: string, sql: string): string {
  const p = join(dir, name);
  writeFileSync(p, sql);
  return p;
}

// Given out of dependency order on purpose.
const files = [
  file(
    'v.sql',
    'CREATE VIEW rpt.course_totals AS SELECT c.id, count(*) AS n FROM dw.enrollments e JOIN dw.courses c ON c.id = e.course_id GROUP BY c.id;',
  ),
  file(
    'e.sql',
    'CREATE TABLE dw.enrollments (id INTEGER PRIMARY KEY, course_id INTEGER REFERENCES dw.courses(id));',
  ),
  file('c.sql', 'CREATE TABLE dw.courses (id INTEGER PRIMARY KEY, title VARCHAR(200));'),
];
const permissions = [
  { group: 'analysts', permission: 'SELECT' },
  { user: 'looker', permission: 'SELECT' },
];

describe('database statements', () => {
  it('create: tables before the tables and views that reference them, each with its grants', async () => {
    const { tables, diagnostics } = await loadTableDefinitions(files);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const sql = databaseStatements('create', tables, permissions);
    const creates = sql
      .filter((s) => s.startsWith('CREATE'))
      .map((s) => s.split(/\s+/).slice(0, 3).join(' '));
    expect(creates).toEqual([
      'CREATE TABLE dw.courses',
      'CREATE TABLE dw.enrollments',
      'CREATE VIEW rpt.course_totals',
    ]);
    expect(sql).toContain('GRANT SELECT ON dw.courses TO GROUP analysts');
    expect(sql).toContain('GRANT SELECT ON rpt.course_totals TO looker');
  });

  it('drop: reverse order with IF EXISTS … CASCADE; recreate = drop + create', async () => {
    const { tables } = await loadTableDefinitions(files);
    expect(databaseStatements('drop', tables, permissions)).toEqual([
      'DROP VIEW IF EXISTS rpt.course_totals CASCADE',
      'DROP TABLE IF EXISTS dw.enrollments CASCADE',
      'DROP TABLE IF EXISTS dw.courses CASCADE',
    ]);
    const recreate = databaseStatements('recreate', tables, permissions);
    expect(recreate.slice(0, 3)).toEqual(databaseStatements('drop', tables, permissions));
    expect(recreate.slice(3)).toEqual(databaseStatements('create', tables, permissions));
    expect(databaseStatements('grant', tables, permissions)).toHaveLength(6);
  });

  it('reports a reference cycle', async () => {
    const a = file('a.sql', 'CREATE TABLE s.a (id INTEGER, b_id INTEGER REFERENCES s.b(id));');
    const b = file('b.sql', 'CREATE TABLE s.b (id INTEGER, a_id INTEGER REFERENCES s.a(id));');
    const { tables } = await loadTableDefinitions([a, b]);
    expect(() => databaseStatements('create', tables, [])).toThrow(/cycle: s\.a -> s\.b -> s\.a/);
  });

  it('a missing file is a usage error', async () => {
    const e = await loadTableDefinitions([join(dir, 'nope.sql')]).catch((x: unknown) => x);
    expect((e as EtlError).exitCode).toBe(2);
  });
});

describe('redshiftTarget', () => {
  const config = (databases: Record<string, object>, values: [string, unknown][] = []) =>
    ({
      databases,
      defaults: {},
      values: new Map(values.map(([k, v]) => [k, { value: v, source: 'test' }])),
    }) as unknown as ResolvedConfig;

  it('uses the only redshift database, with cluster, database and user', () => {
    const t = redshiftTarget(
      config({
        dw: { name: 'dw', engine: 'redshift', clusterId: 'c1', database: 'd', user: 'u' },
        app: { name: 'app', engine: 'mysql' },
      }),
    );
    expect(t).toMatchObject({ name: 'dw', clusterId: 'c1', database: 'd', user: 'u' });
  });

  it('reads a serverless workgroup and secret ARN when configured', () => {
    const t = redshiftTarget(
      config({ dw: { name: 'dw', engine: 'redshift', database: 'd' } }, [
        ['databases.dw.workgroup_name', 'wg'],
        ['databases.dw.secret_arn', 'arn:aws:secretsmanager:us-east-1:1:secret:x'],
      ]),
    );
    expect(t).toMatchObject({
      workgroupName: 'wg',
      secretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:x',
    });
  });

  it('asks to pick when several are configured, and refuses non-redshift ones', () => {
    const two = config({
      a: { name: 'a', engine: 'redshift', clusterId: 'c', database: 'd' },
      b: { name: 'b', engine: 'redshift', clusterId: 'c', database: 'd' },
    });
    expect(() => redshiftTarget(two)).toThrow(/several redshift databases/);
    expect(redshiftTarget(two, 'b').name).toBe('b');
    expect(() => redshiftTarget(config({ app: { name: 'app', engine: 'mysql' } }), 'app')).toThrow(
      /Redshift only/,
    );
  });
});

describe('executeOnRedshift', () => {
  const fake = new FakeAws();
  let clients: AwsClients;
  beforeAll(async () => {
    const url = await fake.start();
    Object.assign(process.env, awsTestEnv(url, url));
    clients = new AwsClients({});
  });
  afterAll(async () => {
    clients.destroy();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const target = { name: 'warehouse', clusterId: 'analytics', database: 'analytics', user: 'etl' };

  it('sends one batch and polls DescribeStatement until it finishes', async () => {
    const sqls = Array.from({ length: 45 }, (_, i) => `GRANT SELECT ON t${i} TO x`);
    const res = await executeOnRedshift(clients, target, sqls, { pollMs: 5 });
    expect(res).toEqual({ batches: 2, statements: 45 });
    const batches = fake.calls('BatchExecuteStatement').map((r) => r.json!);
    expect(batches[0]).toMatchObject({
      ClusterIdentifier: 'analytics',
      Database: 'analytics',
      DbUser: 'etl',
    });
    expect((batches[0].Sqls as string[]).length).toBe(40);
    expect(fake.calls('DescribeStatement').length).toBe(4);
  });

  it('reports the failing statement', async () => {
    fake.redshiftFailOn = /broken/;
    try {
      const e = await executeOnRedshift(
        clients,
        target,
        ['CREATE TABLE ok (id INT)', 'CREATE VIEW broken AS SELECT * FROM missing_table'],
        { pollMs: 5 },
      ).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(EtlError);
      const d = (e as EtlError).diagnostics[0];
      expect(d.code).toBe('ETL6201');
      expect(d.message).toContain('relation "missing_table" does not exist');
      expect(d.hint).toContain('CREATE VIEW broken AS SELECT * FROM missing_table');
    } finally {
      fake.redshiftFailOn = undefined;
    }
  });
});
