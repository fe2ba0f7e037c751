/**
 * `pipeline activate` on the example pipeline (pipelines/enrollments.yaml, mode production) with the
 * real SDK clients against loopback servers: the deploy path from YAML to ActivatePipeline in-process
 * (the command layer, src/cli, over src/aws/activate.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import { FakeAws, awsTestEnv } from './fake-aws.js';
import { startS3 } from './s3-server.js';
import type { TestS3 } from './s3-server.js';

const fake = new FakeAws();
let s3: TestS3;
const APP_SECRET = 'app-Secret-0451';
const WAREHOUSE_SECRET = 'wh-Secret-9173';

beforeAll(async () => {
  const url = await fake.start();
  s3 = await startS3(['acme-etl']);
  Object.assign(process.env, awsTestEnv(url, s3.url), {
    APP_DB_PASSWORD: APP_SECRET,
    WAREHOUSE_PASSWORD: WAREHOUSE_SECRET,
  });
});

afterAll(async () => {
  await fake.stop();
  await s3.stop();
});

beforeEach(() => {
  fake.reset();
  fake.validate = () => ({});
});

async function capture(fn: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await fn();
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

interface ActivateArgs {
  files: string[];
  mode: string;
  dryRun?: boolean;
  json?: boolean;
  timeDelta?: string;
}

const base: ActivateArgs = { files: ['pipelines/enrollments.yaml'], mode: 'production' };

/** The command as a user types it, run in this process. */
function activateOnAws(o: ActivateArgs): Promise<number> {
  return run([
    'pipeline',
    'activate',
    ...o.files,
    '-m',
    o.mode,
    ...(o.dryRun ? ['--dry-run'] : []),
    ...(o.json ? ['--json'] : []),
    ...(o.timeDelta !== undefined ? ['-t', o.timeDelta] : []),
  ]);
}

describe('activateOnAws (pipelines/enrollments.yaml -m production)', () => {
  it('creates, puts and activates; then is idempotent', async () => {
    fake.pipelines.clear();
    const first = await capture(() => activateOnAws(base));
    expect(first.stderr).not.toMatch(/error|NodeVersionSupportWarning|AWS SDK|region is missing/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/created pipeline enrollments \(df-/);
    expect(first.stdout).toMatch(
      /console: https:\/\/console\.aws\.amazon\.com\/datapipeline\/home\?region=us-east-1/,
    );
    expect(fake.operations()).toEqual([
      'ListPipelines',
      'CreatePipeline',
      'PutPipelineDefinition',
      'ActivatePipeline',
    ]);
    expect(fake.calls('CreatePipeline')[0].json).toMatchObject({
      name: 'enrollments',
      uniqueId: 'etlctl:production:enrollments',
      tags: [{ key: 'team', value: 'data-engineering' }],
    });
    // Teardown alerting: the compiled SnsAlarms carry the configured topics.
    const put = fake.calls('PutPipelineDefinition')[0].json as {
      pipelineObjects: { id: string; fields: { key: string; stringValue?: string }[] }[];
    };
    const topic = (id: string) =>
      put.pipelineObjects.find((o) => o.id === id)?.fields.find((f) => f.key === 'topicArn')?.stringValue;
    expect(topic('FailureAlarm')).toBe('arn:aws:sns:us-east-1:123456789012:etl-failures');
    expect(topic('WarningAlarm')).toBe('arn:aws:sns:us-east-1:123456789012:etl-warnings');
    // Secrets only in ActivatePipeline.
    for (const r of fake.requests) {
      const hasSecret = r.body.includes(APP_SECRET) || r.body.includes(WAREHOUSE_SECRET);
      expect(hasSecret, r.operation).toBe(r.operation === 'ActivatePipeline');
    }
    expect(first.stdout).not.toContain(APP_SECRET);

    fake.reset();
    const again = await capture(() => activateOnAws(base));
    expect(again.code).toBe(0);
    expect(fake.calls('CreatePipeline')).toHaveLength(0);
    expect(fake.calls('PutPipelineDefinition')).toHaveLength(0);
    expect(again.stdout).toContain('definition unchanged');
  });

  it('--json prints one record', async () => {
    const r = await capture(() => activateOnAws({ ...base, json: true }));
    const record = JSON.parse(r.stdout) as {
      ok: boolean;
      result: { pipelines: { name: string; pipelineId: string; put: string }[] };
    };
    expect(record.ok).toBe(true);
    expect(record.result.pipelines[0]).toMatchObject({ name: 'enrollments', put: 'unchanged' });
    expect(record.result.pipelines[0].pipelineId).toMatch(/^df-/);
  });

  it('shows validationErrors at the YAML line and does not activate', async () => {
    fake.pipelines.clear();
    fake.validate = () => ({
      errors: [
        { id: 'load_staging.Load', errors: ["INVALID_FIELD_VALUE:  'insertMode' value is not allowed."] },
      ],
    });
    const r = await capture(() => activateOnAws(base));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /pipelines\/enrollments\.yaml:17:5: error ETL6101: AWS rejected the definition: INVALID_FIELD_VALUE: 'insertMode' value is not allowed\. \[object load_staging\.Load\]/,
    );
    expect(r.stderr).toContain("produced by step 'load_staging'");
    expect(fake.calls('ActivatePipeline')).toHaveLength(0);
  });

  it('stops before any call when a secret is missing', async () => {
    const saved = process.env.WAREHOUSE_PASSWORD;
    delete process.env.WAREHOUSE_PASSWORD;
    try {
      const r = await capture(() => activateOnAws(base));
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('WAREHOUSE_PASSWORD is not set');
      expect(fake.requests).toHaveLength(0);
    } finally {
      process.env.WAREHOUSE_PASSWORD = saved;
    }
  });

  it('--dry-run without the secrets still plans, with a warning, and sends nothing mutating', async () => {
    const saved = process.env.WAREHOUSE_PASSWORD;
    delete process.env.WAREHOUSE_PASSWORD;
    try {
      const r = await capture(() => activateOnAws({ ...base, dryRun: true, json: true }));
      expect(r.code).toBe(0);
      const record = JSON.parse(r.stdout) as { diagnostics: { code: string; severity: string }[] };
      expect(record.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'ETL2010', severity: 'warning' }),
      );
      expect(fake.operations().filter((op) => !/^(List|Describe|Get|Query)/.test(op))).toEqual([]);
    } finally {
      process.env.WAREHOUSE_PASSWORD = saved;
    }
  });

  it('rejects a bad time delta as a usage error', async () => {
    const r = await capture(() => activateOnAws({ ...base, timeDelta: 'soon' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read time delta 'soon'");
  });
});
