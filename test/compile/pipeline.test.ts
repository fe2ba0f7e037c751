import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringifyDefinition } from '../../src/definition/json.js';
import type { Definition } from '../../src/definition/model.js';
import { refsOf } from '../../src/definition/model.js';
import { runCli, ROOT, tempDir } from '../helpers.js';
import { compileYaml, errorsOf } from './harness.js';

const obj = (d: Definition | undefined, id: string) => d?.objects.find((o) => o.id === id);

const chain = `steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    table: orders
  - step_type: create-load-redshift
    name: load
    table_definition: tables/dev.orders_stage.sql
  - step_type: upsert
    name: merge
    source: tables/dev.orders_stage.sql
    destination: tables/dev.orders.sql
  - step_type: sql-command
    name: report
    command: SELECT COUNT(*) FROM dev.orders
`;

describe('schedule', () => {
  it.each([
    ['13:30', '2026-03-10T12:00:00Z', '2026-03-09T13:30:00'],
    ['01:00', '2026-03-10T12:00:00Z', '2026-03-10T01:00:00'],
    ['"02:05"', '2026-03-10T12:00:00Z', '2026-03-10T02:05:00'],
  ])('unquoted load_time %s is a time of day, not a base-60 number', (lt, _now, start) => {
    const out = compileYaml(`name: x\nfrequency: daily\nload_time: ${lt}\n${chain}`);
    expect(errorsOf(out)).toEqual([]);
    expect(obj(out.definition, 'DefaultSchedule')?.fields).toMatchObject({
      period: '1 Days',
      startDateTime: start,
    });
  });

  it.each([
    ['one-time', '15 Minutes', '1'],
    ['hourly', '1 Hours', undefined],
    ['6-hours', '6 Hours', undefined],
    ['daily', '1 Days', undefined],
    ['2-days', '2 Days', undefined],
    ['weekly', '1 Weeks', undefined],
    ['2-weeks', '2 Weeks', undefined],
    ['30 minutes', '30 Minutes', undefined],
  ])('frequency %s → period %s', (f, period, occurrences) => {
    const out = compileYaml(`name: x\nfrequency: ${f}\n${chain}`);
    expect(errorsOf(out)).toEqual([]);
    const s = obj(out.definition, 'DefaultSchedule')!;
    expect(s.fields.period).toBe(period);
    expect(s.fields.occurrences).toBe(occurrences);
  });

  it('one-time starts now, so AWS does not see a backfill', () => {
    const out = compileYaml(`name: x\nfrequency: one-time\nload_time: "01:00"\n${chain}`);
    expect(obj(out.definition, 'DefaultSchedule')?.fields.startDateTime).toBe('2026-03-10T12:00:00');
  });

  it('on-demand has no Schedule and no schedule refs', () => {
    const out = compileYaml(`name: x\nfrequency: on-demand\n${chain}`);
    expect(errorsOf(out)).toEqual([]);
    expect(obj(out.definition, 'DefaultSchedule')).toBeUndefined();
    expect(obj(out.definition, 'Default')?.fields.scheduleType).toBe('ondemand');
    for (const o of out.definition!.objects) expect(o.fields.schedule).toBeUndefined();
  });

  it('--start fixes the start; periodic data paths carry the scheduled time', () => {
    const out = compileYaml(`name: x\nfrequency: hourly\n${chain}`, { start: '2026-01-01T05:00:00' });
    expect(obj(out.definition, 'DefaultSchedule')?.fields.startDateTime).toBe('2026-01-01T05:00:00');
    expect(String(obj(out.definition, 'extract.Output')?.fields.directoryPath)).toContain(
      "#{format(@scheduledStartTime,'YYYYMMdd-HH-mm-ss')}",
    );
  });
});

describe('ordering', () => {
  it('each step runs after the previous one, including sql-command (unlike Dataduct)', () => {
    const d = compileYaml(`name: x\n${chain}`).definition!;
    expect(refsOf(obj(d, 'load.Load')!, 'dependsOn')).toEqual(['extract.Extract']);
    expect(refsOf(obj(d, 'merge.Upsert')!, 'dependsOn')).toEqual(['load.Load']);
    expect(refsOf(obj(d, 'report.Sql')!, 'dependsOn')).toEqual(['merge.Upsert']);
    expect(refsOf(obj(d, 'teardown.Transform')!, 'dependsOn')).toEqual(['report.Sql']);
  });

  it('depends_on: [] removes the ordering; teardown waits for every leaf', () => {
    const yaml = `name: x\n${chain}    depends_on: []\n`;
    const d = compileYaml(yaml).definition!;
    expect(refsOf(obj(d, 'report.Sql')!, 'dependsOn')).toEqual([]);
    expect(refsOf(obj(d, 'teardown.Transform')!, 'dependsOn').sort()).toEqual(['merge.Upsert', 'report.Sql']);
  });

  it('every activity alerts on failure', () => {
    const d = compileYaml(`name: x\n${chain}`).definition!;
    const activities = d.objects.filter((o) => String(o.fields.type).endsWith('Activity'));
    expect(activities.length).toBeGreaterThanOrEqual(5);
    for (const a of activities) expect(a.fields.onFail).toEqual({ ref: 'FailureAlarm' });
  });

  it('every object records the YAML line of the step that made it', () => {
    const d = compileYaml(`name: x\n${chain}`).definition!;
    expect(obj(d, 'load.Load')?.origin).toMatchObject({
      file: 'pipeline.yaml',
      line: 7,
      step: 'load',
      stepType: 'create-load-redshift',
    });
    expect(obj(d, 'merge.Upsert')?.origin?.line).toBe(10);
  });
});

describe('secrets', () => {
  const secret = 'S3cr3t-Pa55word-XYZZY';

  it('never appear in a compiled definition, diagnostics or config explain', () => {
    const env = { APP_DB_PASSWORD: secret, WAREHOUSE_PASSWORD: secret };
    const out = compileYaml(`name: x\n${chain}`, { env });
    const text = stringifyDefinition(out.definition!, 'file') + stringifyDefinition(out.definition!, 'api');
    expect(text).not.toContain(secret);
    expect(text).toContain('#{*myAppDbPassword}');
    expect(out.definition!.meta?.secrets).toEqual({
      '*myAppDbPassword': 'env:APP_DB_PASSWORD',
      '*myWarehousePassword': 'env:WAREHOUSE_PASSWORD',
    });

    // A Dataduct-layout config holds literal passwords: still never printed or compiled.
    const dir = tempDir();
    const cfg = join(dir, 'dataduct.cfg');
    writeFileSync(
      cfg,
      `etl:\n  S3_ETL_BUCKET: b\n  ROLE: r\n  RESOURCE_ROLE: rr\nredshift:\n  CLUSTER_ID: c\n  DATABASE_NAME: d\n  USERNAME: u\n  PASSWORD: ${secret}\nmysql:\n  app_db:\n    HOST: h\n    USERNAME: u\n    PASSWORD: ${secret}\n`,
    );
    const explain = runCli(['config', 'explain', '--config', cfg], { env });
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout + explain.stderr).not.toContain(secret);
    expect(explain.stdout).toMatch(/databases\.redshift\.password\s+<redacted>/);
    const outDir = tempDir();
    const c = runCli(
      [
        'pipeline',
        'compile',
        join(ROOT, 'pipelines/enrollments.yaml'),
        '--config',
        cfg,
        '-o',
        outDir,
        '--start',
        '2026-01-01T00:00:00',
      ],
      { env },
    );
    expect(c.stdout + c.stderr).not.toContain(secret);
  });
});

describe('config explain', () => {
  it('shows each value with its source: default, file, mode, environment', () => {
    const r = runCli(['config', 'explain', '-m', 'production'], { env: { ETLCTL_AWS__REGION: 'eu-west-1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/aws\.region\s+"eu-west-1"\s+\(environment ETLCTL_AWS__REGION\)/);
    expect(r.stdout).toMatch(/aws\.s3_base_path\s+"prod"\s+\(mode production \(config\/etlctl\.yaml:\d+\)\)/);
    expect(r.stdout).toMatch(/aws\.s3_bucket\s+"acme-etl"\s+\(config\/etlctl\.yaml:\d+\)/);
    expect(r.stdout).toMatch(/ec2\.instance_type\s+"m5\.large"/);
    expect(r.stdout).toMatch(/target\s+"aws"/);
  });

  it('narrows to a key prefix and prints JSON', () => {
    const r = runCli(['config', 'explain', 'databases.app_db', '--json']);
    const json = JSON.parse(r.stdout).result;
    expect(json.values.map((v: { key: string }) => v.key)).toContain('databases.app_db.engine');
    expect(json.values.every((v: { key: string }) => v.key.startsWith('databases.app_db'))).toBe(true);
  });
});

describe('Dataduct compatibility', () => {
  it('compiles a pipeline written as Dataduct documents it, with a dataduct.cfg, without edits', () => {
    const dir = tempDir();
    const fixture = join(ROOT, 'test/fixtures/dataduct');
    cpSync(fixture, dir, { recursive: true });
    mkdirSync(join(dir, 'tables'));
    for (const t of ['dev.test_table.sql', 'dev.test_table_2.sql'])
      cpSync(join(fixture, t), join(dir, 'tables', t));
    const both = runCli(
      [
        'pipeline',
        'validate',
        'example_upsert.yaml',
        'example_load_redshift.yaml',
        '--config',
        'dataduct.cfg',
      ],
      { cwd: dir },
    );
    expect(both.stderr).not.toMatch(/error/);
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(/ok\s+example_load_redshift\.yaml/);
    const r = runCli(['pipeline', 'validate', 'example_upsert.yaml', '--config', 'dataduct.cfg'], {
      cwd: dir,
    });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const p = runCli(
      ['pipeline', 'validate', 'example_upsert.yaml', '--config', 'dataduct.cfg', '-m', 'production'],
      { cwd: dir },
    );
    expect(p.code, p.stderr).toBe(0);
    const c = runCli(
      [
        'pipeline',
        'compile',
        'example_upsert.yaml',
        '--config',
        'dataduct.cfg',
        '-m',
        'production',
        '-o',
        'out',
        '--start',
        '2026-01-01T01:00:00',
      ],
      { cwd: dir },
    );
    expect(c.code, c.stderr).toBe(0);
    const def = JSON.parse(readFileSync(join(dir, 'out/example_upsert.json'), 'utf8'));
    const byId = Object.fromEntries(def.objects.map((o: { id: string }) => [o.id, o]));
    expect(byId.Default.pipelineLogUri).toBe('s3://dataduct-bucket/prod/logs/example_upsert/');
    expect(byId.Default.role).toBe('DataPipelineDefaultRole');
    expect(byId.FailureAlarm.topicArn).toBe('arn:aws:sns:us-east-1:123456789012:dataduct-failures');
    expect(byId.RedshiftDatabase.clusterId).toBe('dataduct-cluster');
    expect(byId.Ec2Resource.instanceType).toBe('m5.xlarge');
  });
});
