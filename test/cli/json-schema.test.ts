/**
 * Every command's --json (issue 11): exactly one JSON document on stdout, valid against the
 * published schemas (src/cli/schemas/), with the same envelope on success, on a pipeline error,
 * on a usage error and on an environment error (unreachable database, no AWS region or
 * credentials — AWS is a loopback fake, test/aws/). Run in-process for speed; the agent and
 * signals are run as processes in their own tests.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws, awsTestEnv } from '../aws/fake-aws.js';
import { startS3 } from '../aws/s3-server.js';
import type { TestS3 } from '../aws/s3-server.js';
import { PG_DB, PG_URL } from '../db.js';
import { BAD_PIPELINE, DOWN_CONFIG, DOWN_PIPELINE, ondemand, sh } from './fixtures.js';
import { etlctlInProcess } from './inprocess.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCHEMAS = join(ROOT, 'src/cli/schemas');
const load = (name: string) =>
  JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8')) as Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: false });
for (const f of ['envelope', 'entities', 'commands', 'stream']) ajv.addSchema(load(`${f}.schema.json`));
const envelope = ajv.getSchema('https://etlctl.dev/schemas/envelope.schema.json')!;
const commands = load('commands.schema.json').commands as Record<string, string>;
const resultSchema = (cmd: string): ValidateFunction =>
  ajv.getSchema(`https://etlctl.dev/schemas/commands.schema.json${commands[cmd]}`)!;

const fake = new FakeAws();
let s3: TestS3;
let dir: string;
const saved: NodeJS.ProcessEnv = { ...process.env };

interface Envelope {
  ok: boolean;
  exitCode: number;
  diagnostics: { code: string; severity: string }[];
  result: Record<string, unknown> | null;
}

/** Run `etlctl <args> --json` and check it against the schemas; returns the envelope. */
async function json(cmd: string, args: string[], exit: number): Promise<Envelope> {
  const r = await etlctlInProcess([...args, '--json'], { cwd: dir });
  let doc: Envelope;
  try {
    doc = JSON.parse(r.stdout) as Envelope;
  } catch {
    throw new Error(`${args.join(' ')}: stdout is not one JSON document:\n${r.stdout}\n${r.stderr}`);
  }
  expect(envelope(doc), `${args.join(' ')}: ${ajv.errorsText(envelope.errors)}`).toBe(true);
  expect(r.code, `${args.join(' ')}\n${r.stdout}`).toBe(exit);
  expect(doc.exitCode).toBe(exit);
  expect(doc.ok).toBe(exit === 0);
  if (exit !== 0) expect(doc.diagnostics.length + (doc.result ? 1 : 0), args.join(' ')).toBeGreaterThan(0);
  if (doc.result !== null) {
    const v = resultSchema(cmd);
    expect(
      v(doc.result),
      `${args.join(' ')}: ${ajv.errorsText(v.errors)}\n${JSON.stringify(doc.result)}`,
    ).toBe(true);
  }
  return doc;
}

const codes = (e: Envelope): string[] => e.diagnostics.map((d) => d.code);

beforeAll(async () => {
  const url = await fake.start();
  s3 = await startS3(['acme-etl']);
  dir = mkdtempSync(join(tmpdir(), 'etlctl-json-'));
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  cpSync(join(ROOT, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
  writeFileSync(
    join(dir, 'good.json'),
    JSON.stringify({
      objects: [ondemand, sh('A', 'echo a'), sh('B', 'echo b', { dependsOn: { ref: 'A' } })],
    }),
  );
  writeFileSync(join(dir, 'failing.json'), JSON.stringify({ objects: [ondemand, sh('Bad', 'exit 2')] }));
  writeFileSync(join(dir, 'broken.json'), '{"objects": [\n  {"id": "A",}\n]}');
  writeFileSync(join(dir, 'bad.yaml'), BAD_PIPELINE);
  writeFileSync(join(dir, 'a-file'), 'not a folder\n');
  writeFileSync(join(dir, 'down.yaml'), DOWN_CONFIG);
  writeFileSync(join(dir, 'down-pipeline.yaml'), DOWN_PIPELINE);
  writeFileSync(join(dir, 'no-region.yaml'), 'target: aws\naws:\n  s3_bucket: acme-etl\n');
  // The example config without its region: the production mode compiles, and no region is left.
  const example = readFileSync(join(dir, 'config/etlctl.yaml'), 'utf8');
  writeFileSync(join(dir, 'config/no-region.yaml'), example.replace(/^ {2}region: .*\n/m, ''));
  writeFileSync(
    join(dir, 'no-topics.yaml'),
    'target: aws\naws:\n  s3_bucket: acme-etl\n  region: us-east-1\n',
  );
  writeFileSync(join(dir, 'bad-table.sql'), 'CREATE TABLE dev.broken (\n  id INTEGER,\n  name\n');
  for (const k of Object.keys(process.env))
    if (k.startsWith('AWS_') || k.startsWith('ETLCTL_')) delete process.env[k];
  Object.assign(process.env, awsTestEnv(url, s3.url), {
    APP_DB_PASSWORD: 'app-pw',
    WAREHOUSE_PASSWORD: 'wh-pw',
  });
});

afterAll(async () => {
  await fake.stop();
  await s3.stop();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

/** Without a region anywhere (config or environment): an environment error, exit 3. */
async function withoutRegion<T>(fn: () => Promise<T>): Promise<T> {
  const region = process.env.AWS_REGION;
  delete process.env.AWS_REGION;
  try {
    return await fn();
  } finally {
    process.env.AWS_REGION = region;
  }
}

describe('--json of every command: one document, valid against src/cli/schemas', () => {
  it('pipeline validate', async () => {
    const ok = await json('pipeline validate', ['pipeline', 'validate', 'pipelines/enrollments.yaml'], 0);
    expect(ok.result).toMatchObject({ pipelines: [{ file: 'pipelines/enrollments.yaml', ok: true }] });
    expect(codes(await json('pipeline validate', ['pipeline', 'validate', 'bad.yaml'], 1))).toContain(
      'ETL1007',
    );
    expect(
      codes(await json('pipeline validate', ['pipeline', 'validate', 'bad.yaml', '-t', '3x'], 2)),
    ).toEqual(['ETL8001']);
    expect(
      codes(await json('pipeline validate', ['pipeline', 'validate', 'bad.yaml', '--bogus'], 2)),
    ).toEqual(['ETL8101']);
    expect(codes(await json('pipeline validate', ['pipeline', 'validate', 'nope.yaml'], 2))).toEqual([
      'ETL8003',
    ]);
    expect(
      codes(
        await json(
          'pipeline validate',
          ['pipeline', 'validate', 'pipelines/enrollments.yaml', '-m', 'nope'],
          2,
        ),
      ),
    ).toEqual(['ETL2004']);
  });

  it('pipeline compile (lists the files it wrote)', async () => {
    const ok = await json(
      'pipeline compile',
      ['pipeline', 'compile', 'pipelines/enrollments.yaml', '-o', 'out'],
      0,
    );
    const files = (ok.result as { files: { path: string }[] }).files;
    expect(files.map((f) => f.path)).toEqual([join(dir, 'out', 'enrollments.json')]);
    expect(readFileSync(files[0].path, 'utf8')).toContain('"objects"');
    const bad = await json('pipeline compile', ['pipeline', 'compile', 'bad.yaml', '-o', 'out'], 1);
    expect(bad.result).toMatchObject({ files: [] });
    expect(codes(await json('pipeline compile', ['pipeline', 'compile', 'bad.yaml'], 2))).toEqual([
      'ETL8102',
    ]);
    const env = await json(
      'pipeline compile',
      ['pipeline', 'compile', 'pipelines/enrollments.yaml', '-o', 'a-file/out'],
      3,
    );
    expect(codes(env)).toEqual(['ETL8116']);
  });

  it('pipeline visualize and definition visualize', async () => {
    await json(
      'pipeline visualize',
      ['pipeline', 'visualize', 'pipelines/enrollments.yaml', '-o', 'out/e.dot'],
      0,
    );
    expect(
      codes(await json('pipeline visualize', ['pipeline', 'visualize', 'bad.yaml', '-o', 'out/b.dot'], 1)),
    ).toContain('ETL1007');
    expect(
      codes(await json('pipeline visualize', ['pipeline', 'visualize', 'bad.yaml', '-o', 'x.jpg'], 2)),
    ).toEqual(['ETL8115']);
    expect(
      codes(
        await json(
          'pipeline visualize',
          ['pipeline', 'visualize', 'pipelines/enrollments.yaml', '-o', 'a-file/e.dot'],
          3,
        ),
      ),
    ).toEqual(['ETL8116']);
    await json('definition visualize', ['definition', 'visualize', 'good.json', '-o', 'out/g.svg'], 0);
    expect(
      codes(
        await json('definition visualize', ['definition', 'visualize', 'broken.json', '-o', 'out/x.svg'], 1),
      ),
    ).toEqual(['ETL5004']);
    expect(
      codes(await json('definition visualize', ['definition', 'visualize', 'good.json', '-o', 'x.gif'], 2)),
    ).toEqual(['ETL8115']);
    expect(
      codes(
        await json('definition visualize', ['definition', 'visualize', 'good.json', '-o', 'a-file/g.svg'], 3),
      ),
    ).toEqual(['ETL8116']);
  });

  it('pipeline activate on the local engine, definition run, status and history', async () => {
    const run = await json('pipeline activate', ['pipeline', 'activate', 'good.json'], 0);
    const runs = (run.result as { runs: { instances: { status: string; attempts: unknown[] }[] }[] }).runs;
    expect(runs[0].instances.map((i) => i.status)).toEqual(['FINISHED', 'FINISHED']);
    expect(runs[0].instances[0].attempts).toHaveLength(1);
    await json('pipeline activate', ['pipeline', 'activate', 'failing.json'], 1);
    expect(
      codes(
        await json('pipeline activate', ['pipeline', 'activate', 'good.json', '--retry-delay', 'soon'], 2),
      ),
    ).toEqual(['ETL8001']);
    const env = await json(
      'pipeline activate',
      ['pipeline', 'activate', 'down-pipeline.yaml', '-c', 'down.yaml'],
      3,
    );
    expect(JSON.stringify(env.result)).toContain('ETL7001');
    const plan = await json('pipeline activate', ['pipeline', 'activate', 'good.json', '--dry-run'], 0);
    expect(plan.result).toMatchObject({ mode: 'dry-run', plans: [{ pipeline: 'good', wouldRun: 2 }] });

    await json('definition run', ['definition', 'run', 'good.json'], 0);
    await json('definition run', ['definition', 'run', 'failing.json'], 1);
    expect(
      codes(await json('definition run', ['definition', 'run', 'good.json', '--parallel', '0'], 2)),
    ).toEqual(['ETL8111']);
    await json('definition run', ['definition', 'run', 'down-pipeline.yaml', '-c', 'down.yaml'], 3);
    expect(codes(await json('definition run', ['definition', 'run', 'broken.json'], 1))).toEqual(['ETL4001']);

    const status = await json('pipeline status', ['pipeline', 'status', 'good'], 0);
    const inst = (status.result as { pipelines: { instances: { attempts: unknown[] }[] }[] }).pipelines[0]
      .instances;
    expect(Array.isArray(inst[0].attempts)).toBe(true);
    await json('pipeline status', ['pipeline', 'status'], 0);
    expect(codes(await json('pipeline status', ['pipeline', 'status', 'goood'], 1))).toEqual(['ETL7560']);
    expect(codes(await json('pipeline status', ['pipeline', 'status', '--limit', '0'], 2))).toEqual([
      'ETL8111',
    ]);

    const history = await json('pipeline history', ['pipeline', 'history', 'good'], 0);
    const hist = (history.result as { runs: { instances: { attempts: unknown[] }[] }[] }).runs;
    expect(Array.isArray(hist[0].instances[0].attempts)).toBe(true);
    expect(codes(await json('pipeline history', ['pipeline', 'history', 'nope'], 1))).toEqual(['ETL7560']);
    expect(codes(await json('pipeline history', ['pipeline', 'history'], 2))).toEqual(['ETL8102']);
  });

  it('pipeline activate on AWS, diff, list, status, deactivate, delete', async () => {
    fake.pipelines.clear();
    const plan = await json(
      'pipeline activate',
      ['pipeline', 'activate', 'pipelines/enrollments.yaml', '-m', 'production', '--dry-run'],
      0,
    );
    expect(plan.result).toMatchObject({
      target: 'aws',
      dryRun: true,
      pipelines: [{ pipeline: 'would-create' }],
    });
    await json(
      'pipeline activate',
      ['pipeline', 'activate', 'pipelines/enrollments.yaml', '-m', 'production'],
      0,
    );
    const bad = await json('pipeline activate', ['pipeline', 'activate', 'bad.yaml', '-m', 'production'], 1);
    expect(bad.result).toMatchObject({ target: 'aws', pipelines: [] });
    expect(
      codes(
        await json(
          'pipeline activate',
          ['pipeline', 'activate', 'bad.yaml', '-m', 'production', '-t', '99999999d'],
          2,
        ),
      ),
    ).toEqual(['ETL8001']);
    const noRegion = ['-c', 'config/no-region.yaml', '-m', 'production'];
    const env = await withoutRegion(() =>
      json('pipeline activate', ['pipeline', 'activate', 'pipelines/enrollments.yaml', ...noRegion], 3),
    );
    expect(codes(env)).toContain('ETL6002');

    await json('pipeline diff', ['pipeline', 'diff', 'pipelines/enrollments.yaml', '-m', 'production'], 0);
    await json('pipeline diff', ['pipeline', 'diff', 'bad.yaml', '-m', 'production'], 1);
    expect(codes(await json('pipeline diff', ['pipeline', 'diff', '-m', 'production'], 2))).toEqual([
      'ETL8102',
    ]);
    await withoutRegion(() =>
      json('pipeline diff', ['pipeline', 'diff', 'pipelines/enrollments.yaml', ...noRegion], 3),
    );

    const list = await json('pipeline list', ['pipeline', 'list', '-m', 'production'], 0);
    expect(list.result).toMatchObject({ pipelines: [{ name: 'enrollments' }] });
    expect(codes(await json('pipeline list', ['pipeline', 'list', 'extra', '-m', 'production'], 2))).toEqual([
      'ETL8103',
    ]);
    await withoutRegion(() => json('pipeline list', ['pipeline', 'list', '-c', 'no-region.yaml'], 3));

    await json('pipeline status', ['pipeline', 'status', 'enrollments', '-m', 'production'], 0);
    expect(codes(await json('pipeline status', ['pipeline', 'status', '-m', 'production'], 2))).toEqual([
      'ETL8006',
    ]);
    expect(
      codes(await json('pipeline status', ['pipeline', 'status', 'nope', '-m', 'production'], 1)),
    ).toEqual(['ETL6006']);
    await withoutRegion(() =>
      json('pipeline status', ['pipeline', 'status', 'x', '-c', 'no-region.yaml'], 3),
    );

    await json('pipeline deactivate', ['pipeline', 'deactivate', 'enrollments', '-m', 'production'], 0);
    expect(
      codes(await json('pipeline deactivate', ['pipeline', 'deactivate', 'nope', '-m', 'production'], 1)),
    ).toEqual(['ETL6006']);
    expect(
      codes(await json('pipeline deactivate', ['pipeline', 'deactivate', '-m', 'production'], 2)),
    ).toEqual(['ETL8102']);

    expect(
      codes(await json('pipeline delete', ['pipeline', 'delete', 'enrollments', '-m', 'production'], 2)),
    ).toEqual(['ETL8114']);
    await json('pipeline delete', ['pipeline', 'delete', 'enrollments', '-m', 'production', '--yes'], 0);
    expect(
      codes(
        await json('pipeline delete', ['pipeline', 'delete', 'enrollments', '-m', 'production', '--yes'], 1),
      ),
    ).toEqual(['ETL6006']);
    await withoutRegion(() =>
      json('pipeline delete', ['pipeline', 'delete', 'x', '-c', 'no-region.yaml', '--yes'], 3),
    );
  });

  it('missing AWS credentials are an environment error', async () => {
    const keys = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      expect(codes(await json('pipeline list', ['pipeline', 'list', '-m', 'production'], 3))).toEqual([
        'ETL6003',
      ]);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = keys.id;
      process.env.AWS_SECRET_ACCESS_KEY = keys.secret;
    }
  });

  it('definition validate and convert', async () => {
    await json('definition validate', ['definition', 'validate', 'good.json'], 0);
    expect(codes(await json('definition validate', ['definition', 'validate', 'broken.json'], 1))).toEqual([
      'ETL4001',
    ]);
    expect(
      codes(await json('definition validate', ['definition', 'validate', 'good.json', '--now', 'soon'], 2)),
    ).toEqual(['ETL8002']);
    expect(codes(await json('definition validate', ['definition', 'validate', 'nope.json'], 2))).toEqual([
      'ETL8003',
    ]);

    const conv = await json('definition convert', ['definition', 'convert', 'good.json', '--to', 'api'], 0);
    // The definition itself, not a string holding it.
    expect(
      (conv.result as { definition: { pipelineObjects: unknown[] } }).definition.pipelineObjects,
    ).toHaveLength(3);
    await json(
      'definition convert',
      ['definition', 'convert', 'good.json', '--to', 'file', '-o', 'out/f.json'],
      0,
    );
    expect(
      codes(await json('definition convert', ['definition', 'convert', 'broken.json', '--to', 'api'], 1)),
    ).toEqual(['ETL4001']);
    expect(
      codes(await json('definition convert', ['definition', 'convert', 'good.json', '--to', 'yaml'], 2)),
    ).toEqual(['ETL8104']);
    expect(
      codes(
        await json(
          'definition convert',
          ['definition', 'convert', 'good.json', '--to', 'api', '-o', 'a-file/x'],
          3,
        ),
      ),
    ).toEqual(['ETL8116']);
  });

  it('config explain: values are never double-encoded', async () => {
    const r = await json('config explain', ['config', 'explain', 'aws', '-m', 'production'], 0);
    const values = (r.result as { values: { key: string; value: unknown }[] }).values;
    expect(values.find((v) => v.key === 'aws.region')?.value).toBe('us-east-1');
    // Every declared key, with its variable and documentation (src/config/schema.ts).
    expect(values.find((v) => v.key === 'aws.region')).toMatchObject({
      set: true,
      env: 'ETLCTL_AWS__REGION',
      doc: expect.stringMatching(/\w/),
    });
    expect(codes(await json('config explain', ['config', 'explain', '-m', 'nope'], 2))).toEqual(['ETL2004']);
    writeFileSync(join(dir, 'typo.yaml'), 'taget: aws\n');
    expect(codes(await json('config explain', ['config', 'explain', '-c', 'typo.yaml'], 1))).toEqual([
      'ETL2002',
    ]);
  });

  it('alerts test and database', async () => {
    await json('alerts test', ['alerts', 'test', '-m', 'production'], 0);
    expect(codes(await json('alerts test', ['alerts', 'test', '-c', 'no-topics.yaml'], 2))).toEqual([
      'ETL6010',
    ]);
    fake.failNext('Publish', { status: 403, type: 'AuthorizationError', message: 'not authorized' });
    expect(codes(await json('alerts test', ['alerts', 'test', '-m', 'production'], 3))).toEqual(['ETL6001']);

    const tables = ['pipelines/tables/staging.enrollments.sql'];
    const ddl = await json('database create', ['database', 'create', ...tables, '-m', 'production'], 0);
    expect((ddl.result as { statements: string[] }).statements[0]).toMatch(
      /^CREATE TABLE staging\.enrollments/,
    );
    await json('database create', ['database', 'create', ...tables, '-m', 'production', '--execute'], 0);
    expect(
      codes(await json('database drop', ['database', 'drop', 'bad-table.sql', '-m', 'production'], 1)),
    ).toEqual(['ETL3101']);
    expect(
      codes(await json('database grant', ['database', 'grant', 'nope.sql', '-m', 'production'], 2)),
    ).toEqual(['ETL8003']);
    expect(
      codes(
        await json(
          'database recreate',
          ['database', 'recreate', ...tables, '-m', 'production', '--execute', '--connection', 'x'],
          2,
        ),
      ),
    ).toEqual(['ETL8121']);
    const noRegion = ['-c', 'config/no-region.yaml', '-m', 'production', '--execute'];
    expect(
      codes(
        await withoutRegion(() => json('database create', ['database', 'create', ...tables, ...noRegion], 3)),
      ),
    ).toEqual(['ETL6002']);
  });

  it('catalog build and catalog check', async () => {
    const built = await json('catalog build', ['catalog', 'build', '-o', 'out/catalog'], 0);
    expect(built.result).toMatchObject({
      pipelines: 8,
      problems: 0,
      index: join(dir, 'out/catalog/index.html'),
    });
    expect(readFileSync(join(dir, 'out/catalog/catalog.json'), 'utf8')).toContain('"catalogVersion"');
    expect(codes(await json('catalog build', ['catalog', 'build', 'bad.yaml', '-o', 'out/c2'], 1))).toContain(
      'ETL1007',
    );
    expect(codes(await json('catalog build', ['catalog', 'build', '--jobs', '0'], 2))).toEqual(['ETL8111']);
    expect(codes(await json('catalog build', ['catalog', 'build', '-o', 'a-file/site'], 3))).toEqual([
      'ETL3512',
    ]);
    const checked = await json('catalog check', ['catalog', 'check'], 0);
    expect(checked.result).toMatchObject({ built: true });
    expect((checked.result as { pipelines: unknown[] }).pipelines).toHaveLength(8);
    await json('catalog check', ['catalog', 'check', 'bad.yaml'], 1);
    expect(codes(await json('catalog check', ['catalog', 'check', '--at', 'soon'], 2))).toEqual(['ETL8002']);
  });

  it('database generate and database diff (a local database: create --execute runs there)', async () => {
    const table = 'json_schema_cli.customers';
    writeFileSync(join(dir, 'fields.csv'), `table,column,type,nullable,key\n${table},id,integer,no,yes\n`);
    writeFileSync(join(dir, 'bad-fields.csv'), `table,column,type\n${table},id,intgr\n`);
    writeFileSync(
      join(dir, 'pg.yaml'),
      `target: local\ndatabases:\n  wh:\n    engine: postgres\n    database: ${PG_DB}\n    url: ${PG_URL}\n`,
    );
    const sql = await json(
      'database generate',
      ['database', 'generate', 'fields.csv', '--dialect', 'postgres'],
      0,
    );
    expect((sql.result as { sql: string }).sql).toMatch(/CREATE TABLE json_schema_cli\.customers/);
    const written = await json(
      'database generate',
      ['database', 'generate', 'fields.csv', '--dialect', 'postgres', '-o', 'out/ddl'],
      0,
    );
    const file = join(dir, 'out/ddl', `${table}.sql`);
    expect(written.result).toMatchObject({ sql: null, tables: [{ table, file }] });
    await json('database generate', ['database', 'generate', 'bad-fields.csv'], 1);
    expect(codes(await json('database generate', ['database', 'generate', 'nope.csv'], 2))).toEqual([
      'ETL3600',
    ]);

    const pg = ['-c', 'pg.yaml', '--connection', 'wh'];
    await json('database drop', ['database', 'drop', file, ...pg, '--execute'], 0);
    const missing = await json('database diff', ['database', 'diff', file, ...pg], 1);
    expect(missing.result).toMatchObject({ same: false, differences: [{ kind: 'missing_table' }] });
    const created = await json('database create', ['database', 'create', file, ...pg, '--execute'], 0);
    expect(created.result).toMatchObject({ executed: true, connection: 'wh' });
    expect(await json('database diff', ['database', 'diff', file, ...pg], 0)).toMatchObject({
      result: { same: true, statements: [] },
    });
    await json('database diff', ['database', 'diff', file, '-c', 'down.yaml', '--connection', 'down'], 3);
    await json('database drop', ['database', 'drop', file, ...pg, '--execute'], 0);
  });

  it('task qa-check and task wait-for-pipelines', async () => {
    const checks = JSON.stringify([
      { kind: 'sql', name: 'none', sql: 'SELECT 1 WHERE 1 = 0', severity: 'error', threshold: 0 },
    ]);
    const ok = await json(
      'task qa-check',
      ['task', 'qa-check', '--checks', checks, '--database', 'app_db'],
      0,
    );
    expect(ok.result).toMatchObject({ counts: { PASS: 1, TOTAL: 1 } });
    const failing = JSON.stringify([
      { kind: 'sql', name: 'one', sql: 'SELECT 1', severity: 'error', threshold: 0 },
    ]);
    await json('task qa-check', ['task', 'qa-check', '--checks', failing, '--database', 'app_db'], 1);
    expect(
      codes(await json('task qa-check', ['task', 'qa-check', '--checks', '[{"kind":"nope"}]'], 2)),
    ).toEqual(['ETL7911']);
    await json(
      'task qa-check',
      ['task', 'qa-check', '--checks', checks, '--database', 'down', '-c', 'down.yaml'],
      3,
    );

    const today = new Date().toISOString().slice(0, 10);
    const wait = ['task', 'wait-for-pipelines', '--start-date', today, '--refresh-rate', '1'];
    await json('task wait-for-pipelines', [...wait, '--dependency', 'good'], 0);
    await json('task wait-for-pipelines', [...wait, '--dependency', 'failing'], 1);
    expect(codes(await json('task wait-for-pipelines', wait, 2))).toEqual(['ETL8112']);
    expect(
      codes(await json('task wait-for-pipelines', [...wait, '--dependency', 'x', '--timeout', 'later'], 2)),
    ).toEqual(['ETL8001']);
  });

  it('explain, and usage errors of the program itself', async () => {
    await json('explain', ['explain', 'ETL7001'], 0);
    expect(codes(await json('explain', ['explain', 'ETL0000'], 2))).toEqual(['ETL8105']);
    expect(codes(await json('explain', ['bogus-command'], 2))).toEqual(['ETL8100']);
  });
});
