/**
 * End-to-end: `bin/etlctl` as a user runs it (built dist/, built by the global setup), in a temporary copy of
 * the example project, with AWS_ENDPOINT_URL_* pointing at loopback servers.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeAws, awsTestEnv } from './fake-aws.js';
import { startS3 } from './s3-server.js';
import type { TestS3 } from './s3-server.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/etlctl');
const APP_SECRET = 'e2e-App-Secret-7781';
const WAREHOUSE_SECRET = 'e2e-Wh-Secret-5520';

const fake = new FakeAws();
let s3: TestS3;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const url = await fake.start();
  s3 = await startS3(['acme-etl']);
  work = mkdtempSync(join(tmpdir(), 'etlctl-aws-e2e-'));
  cpSync(join(root, 'config'), join(work, 'config'), { recursive: true });
  cpSync(join(root, 'pipelines'), join(work, 'pipelines'), { recursive: true });
  // A step with a local script, so activate has an asset to upload.
  writeFileSync(join(work, 'pipelines/scripts/report.sh'), '#!/bin/sh\necho report\n');
  writeFileSync(
    join(work, 'pipelines/enrollments.yaml'),
    readFileSync(join(work, 'pipelines/enrollments.yaml'), 'utf8') +
      '\n  - step_type: transform\n    name: report\n    script: scripts/report.sh\n    no_input: true\n    no_output: true\n',
  );
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('ETLCTL_')),
  );
  env = {
    ...clean,
    ...awsTestEnv(url, s3.url),
    APP_DB_PASSWORD: APP_SECRET,
    WAREHOUSE_PASSWORD: WAREHOUSE_SECRET,
  };
});

afterAll(async () => {
  await fake.stop();
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  fake.reset();
  fake.validate = () => ({});
});

function run(
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
  nodeArgs: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [...nodeArgs, bin, ...args], {
      cwd: work,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Never let a hung command block the suite.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** No SDK noise may reach the user. */
function expectNoSdkNoise(stderr: string): void {
  expect(stderr).not.toMatch(/NodeVersionSupportWarning|\(node:\d+\)|AWS SDK|Region is missing|Warning:/);
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('etlctl AWS commands (e2e)', () => {
  it('--help does not load the AWS SDK', async () => {
    const trace = join(work, 'sdk-trace.log');
    const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  if (spec.startsWith('@aws-sdk/')) appendFileSync(${JSON.stringify(trace)}, spec + '\\n');
  return next(spec, ctx);
}`;
    const hook = join(work, 'trace-hook.mjs');
    writeFileSync(
      hook,
      `import { register } from 'node:module';\nregister(${JSON.stringify('data:text/javascript,' + encodeURIComponent(hooks))});\n`,
    );
    const traced = spawnSync(process.execPath, ['--import', hook, bin, '--help'], {
      cwd: work,
      env,
      encoding: 'utf8',
    });
    expect(traced.status).toBe(0);
    expect(existsSync(trace) ? readFileSync(trace, 'utf8') : '').toBe('');
    // The hook itself works: a command that needs the SDK shows up in the trace.
    // (async: the fake server lives in this process and must keep answering)
    await run(['pipeline', 'list', '-m', 'production'], {}, ['--import', hook]);
    expect(readFileSync(trace, 'utf8')).toContain('@aws-sdk/client-data-pipeline');
  });

  it('pipeline diff on an undeployed pipeline says it would be created and changes nothing', async () => {
    fake.pipelines.clear();
    const r = await run(['pipeline', 'diff', 'pipelines/enrollments.yaml', '-m', 'production']);
    expectNoSdkNoise(r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('enrollments: not deployed yet; activate would create it');
    expect(r.stdout).toMatch(/\+ load_staging\.Load \(RedshiftCopyActivity\)/);
    expect(fake.operations()).toEqual(['ListPipelines']);
  });

  it('pipeline activate: creates, puts, activates; again: nothing new; a changed step puts once', async () => {
    fake.pipelines.clear();
    const first = await run(['pipeline', 'activate', 'pipelines/enrollments.yaml', '-m', 'production']);
    expectNoSdkNoise(first.stderr);
    expect(first.code, first.stderr).toBe(0);
    expect(fake.operations()).toEqual(
      expect.arrayContaining(['CreatePipeline', 'PutPipelineDefinition', 'ActivatePipeline']),
    );
    expect(first.stdout).toMatch(/pipeline id: df-/);
    expect(first.stdout).toMatch(/uploaded script s3:\/\/acme-etl\/prod\/assets\/[0-9a-f]{16}\/report\.sh/);
    expect(allFiles(s3.directory).some((f) => f.includes('report.sh'))).toBe(true);

    fake.reset();
    const again = await run(['pipeline', 'activate', 'pipelines/enrollments.yaml', '-m', 'production']);
    expect(again.code, again.stderr).toBe(0);
    expect(fake.calls('CreatePipeline')).toHaveLength(0);
    expect(fake.calls('PutPipelineDefinition')).toHaveLength(0);
    expect(fake.pipelines.size).toBe(1);
    expect(again.stdout).toContain('1 asset already on S3');

    fake.reset();
    const yamlPath = join(work, 'pipelines/enrollments.yaml');
    const yaml = readFileSync(yamlPath, 'utf8');
    writeFileSync(yamlPath, yaml.replace('FROM enrollments', 'FROM enrollments WHERE id > 0'));
    try {
      const changed = await run(['pipeline', 'activate', 'pipelines/enrollments.yaml', '-m', 'production']);
      expect(changed.code, changed.stderr).toBe(0);
      expect(fake.calls('PutPipelineDefinition')).toHaveLength(1);
      expect(fake.calls('CreatePipeline')).toHaveLength(0);
    } finally {
      writeFileSync(yamlPath, yaml);
    }

    // Secrets: only in ActivatePipeline bodies, never in output or any file in the project.
    for (const r of fake.requests) {
      if (r.operation !== 'ActivatePipeline') expect(r.body).not.toContain(WAREHOUSE_SECRET);
    }
    // …including the objects uploaded to S3.
    for (const f of [...allFiles(work), ...allFiles(s3.directory)]) {
      const text = readFileSync(f, 'latin1');
      expect(text.includes(APP_SECRET) || text.includes(WAREHOUSE_SECRET), f).toBe(false);
    }
  });

  it('pipeline activate --dry-run sends no mutating request; a throttled call is retried', async () => {
    fake.failNext('ListPipelines', { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    const r = await run([
      'pipeline',
      'activate',
      'pipelines/enrollments.yaml',
      '-m',
      'production',
      '--dry-run',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.calls('ListPipelines').length).toBeGreaterThanOrEqual(2);
    expect(fake.operations().filter((op) => !/^(List|Describe|Get|Query)/.test(op))).toEqual([]);
  });

  it('pipeline list and status show the deployed pipeline and its latest instances', async () => {
    fake.pipelines.clear();
    fake.pipelines.set('df-E2E', {
      pipelineId: 'df-E2E',
      name: 'enrollments',
      uniqueId: 'etlctl:production:enrollments',
      tags: [],
      state: 'SCHEDULED',
      objects: [],
      parameterObjects: [],
      parameterValues: [],
      activations: 1,
      instances: Array.from({ length: 30 }, (_, i) => ({
        id: `@load_${i}`,
        name: `@load_staging.Load_2026-11-${String((i % 28) + 1).padStart(2, '0')}T02:00:00`,
        fields: [
          { key: '@componentParent', refValue: 'load_staging.Load' },
          { key: '@status', stringValue: i === 27 ? 'FAILED' : 'FINISHED' },
          {
            key: '@scheduledStartTime',
            stringValue: `2026-11-${String((i % 28) + 1).padStart(2, '0')}T02:00:00`,
          },
          ...(i === 27 ? [{ key: 'errorMessage', stringValue: 'COPY failed: permission denied' }] : []),
        ],
      })),
    });
    const list = await run(['pipeline', 'list', '-m', 'production']);
    expectNoSdkNoise(list.stderr);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/enrollments\s+df-E2E\s+SCHEDULED\s+production/);

    const out = await run(['pipeline', 'status', 'enrollments', '-m', 'production']);
    expectNoSdkNoise(out.stderr);
    // A failed instance among the latest makes status exit 1.
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('df-E2E  SCHEDULED');
    expect(out.stdout).toContain('error: COPY failed: permission denied');
    const describes = fake.calls('DescribeObjects');
    expect(describes.length).toBeGreaterThanOrEqual(2);
    for (const d of describes) expect((d.json!.objectIds as string[]).length).toBeLessThanOrEqual(25);
  });

  it('pipeline delete refuses without --yes and no terminal, deletes with --yes', async () => {
    const no = await run(['pipeline', 'delete', 'enrollments', '-m', 'production']);
    expect(no.code).toBe(2);
    expect(no.stderr).toContain('pass --yes');
    expect(fake.calls('DeletePipeline')).toHaveLength(0);
    const yes = await run(['pipeline', 'delete', 'enrollments', '-m', 'production', '--yes']);
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toContain('deleted enrollments (df-E2E)');
    const missing = await run(['pipeline', 'deactivate', 'enrollments', '-m', 'production']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no deployed pipeline named enrollments');
  });

  it('alerts test publishes a marked test message to each configured topic', async () => {
    const r = await run(['alerts', 'test', '-m', 'production']);
    expectNoSdkNoise(r.stderr);
    expect(r.code, r.stderr).toBe(0);
    const published = fake.calls('Publish').map((p) => p.form!);
    expect(published.map((p) => p.TopicArn)).toEqual([
      'arn:aws:sns:us-east-1:123456789012:etl-failures',
      'arn:aws:sns:us-east-1:123456789012:etl-warnings',
    ]);
    for (const p of published) {
      expect(p.Subject).toContain('[etlctl TEST]');
      expect(p.Message).toContain('THIS IS A TEST MESSAGE');
    }
  });

  it('an AWS error is one line and exit 3', async () => {
    fake.failNext('Publish', {
      status: 403,
      type: 'AuthorizationError',
      message: 'User is not authorized to perform: SNS:Publish',
    });
    const r = await run(['alerts', 'test', '-m', 'production']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /ETL6001: SNS Publish to arn:aws:sns:.*AuthorizationError.*User is not authorized/,
    );
  });

  it('no region anywhere: one clear line, exit 3, no SDK noise', async () => {
    const cfg = join(work, 'no-region.yaml');
    writeFileSync(cfg, 'target: aws\naws:\n  s3_bucket: acme-etl\n');
    const r = await run(['pipeline', 'list', '-c', cfg], {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ETL6002: ListPipelines: no AWS region is configured');
    expectNoSdkNoise(r.stderr);
  });

  it('database create prints DDL; --execute runs it through the Redshift Data API', async () => {
    const printed = await run([
      'database',
      'create',
      'pipelines/tables/staging.enrollments.sql',
      'pipelines/tables/analytics.enrollments.sql',
      '-m',
      'production',
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(
      /CREATE TABLE staging\.enrollments[\s\S]*CREATE TABLE analytics\.enrollments/,
    );
    expect(fake.requests).toHaveLength(0);

    const r = await run([
      'database',
      'create',
      'pipelines/tables/staging.enrollments.sql',
      'pipelines/tables/analytics.enrollments.sql',
      '-m',
      'production',
      '--execute',
    ]);
    expectNoSdkNoise(r.stderr);
    expect(r.code, r.stderr).toBe(0);
    const batch = fake.calls('BatchExecuteStatement')[0].json!;
    expect(batch).toMatchObject({ ClusterIdentifier: 'analytics', Database: 'analytics', DbUser: 'etl' });
    expect((batch.Sqls as string[])[0]).toMatch(/^CREATE TABLE staging\.enrollments/);
    expect(fake.calls('DescribeStatement').length).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toContain('-- ran 2 statements on warehouse (analytics/analytics)');
  });
});
