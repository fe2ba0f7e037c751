import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { deployDefinition } from '../../src/aws/deploy.js';
import type { DeployOptions } from '../../src/aws/deploy.js';
import { pipelineIdentity } from '../../src/aws/pipelines.js';
import { resolveActivationSecrets } from '../../src/aws/secrets.js';
import { EtlError } from '../../src/diagnostics.js';
import { FakeAws, awsTestEnv } from './fake-aws.js';
import { SECRET, sampleDefinition } from './fixtures.js';
import { startS3 } from './s3-server.js';
import type { TestS3 } from './s3-server.js';

const fake = new FakeAws();
let s3: TestS3;
let clients: AwsClients;
const identity = pipelineIdentity('prod_demo', 'production');

beforeAll(async () => {
  const url = await fake.start();
  s3 = await startS3(['etl-bucket']);
  Object.assign(process.env, awsTestEnv(url, s3.url), { TEST_WAREHOUSE_PASSWORD: SECRET });
  clients = new AwsClients({});
});

afterAll(async () => {
  clients.destroy();
  await fake.stop();
  await s3.stop();
});

beforeEach(() => {
  fake.reset();
  fake.pipelines.clear();
  fake.validate = () => ({});
});

function options(extra: Partial<DeployOptions> = {}): DeployOptions {
  const def = sampleDefinition();
  return {
    clients,
    identity,
    secretValues: resolveActivationSecrets(def.meta!.secrets, { env: process.env }),
    confirm: async () => true,
    ...extra,
  };
}

describe('deployDefinition', () => {
  it('uploads assets, creates, puts and activates a new pipeline', async () => {
    const res = await deployDefinition(sampleDefinition(), options());
    expect(res.exitCode).toBe(0);
    expect(res.pipeline).toBe('created');
    expect(res.put).toBe('put');
    expect(res.activate).toBe('activated');
    expect(res.assets.map((a) => a.action)).toEqual(['uploaded']);
    expect(fake.operations()).toEqual([
      'ListPipelines',
      'CreatePipeline',
      'PutPipelineDefinition',
      'ActivatePipeline',
    ]);
    const create = fake.calls('CreatePipeline')[0].json!;
    expect(create).toMatchObject({
      name: 'prod_demo',
      uniqueId: 'etlctl:production:prod_demo',
      tags: [{ key: 'team', value: 'data' }],
    });
    expect(res.consoleUrl).toContain(res.pipelineId);
    // The put carries the fields the AWS way: sorted keys, refs as refValue.
    const put = fake.calls('PutPipelineDefinition')[0].json as {
      pipelineObjects: { id: string; fields: unknown[] }[];
    };
    const load = put.pipelineObjects.find((o) => o.id === 'LoadStep')!;
    expect(load.fields).toContainEqual({ key: 'database', refValue: 'Warehouse' });
  });

  it('creates nothing and puts nothing when run again unchanged; a changed step puts once', async () => {
    await deployDefinition(sampleDefinition(), options());
    fake.reset();
    const again = await deployDefinition(sampleDefinition(), options());
    expect(again.pipeline).toBe('existing');
    expect(again.put).toBe('unchanged');
    expect(again.activate).toBe('already-active');
    expect(again.assets.map((a) => a.action)).toEqual(['present']);
    expect(fake.calls('CreatePipeline')).toHaveLength(0);
    expect(fake.calls('PutPipelineDefinition')).toHaveLength(0);
    expect(fake.pipelines.size).toBe(1);

    fake.reset();
    const changed = await deployDefinition(sampleDefinition({ sql: 'SELECT 2;' }), options());
    expect(changed.put).toBe('put');
    expect(changed.activate).toBe('activated');
    expect(fake.calls('PutPipelineDefinition')).toHaveLength(1);
    expect(changed.diff.objects.map((o) => `${o.kind} ${o.id}`)).toEqual(['changed LoadStep']);
  });

  it('updates changed tags of an existing pipeline', async () => {
    await deployDefinition(sampleDefinition(), options());
    fake.reset();
    const def = sampleDefinition();
    def.meta!.tags = { team: 'data', owner: 'etl-oncall' };
    await deployDefinition(def, options());
    expect(fake.calls('AddTags').map((r) => r.json!.tags)).toEqual([[{ key: 'owner', value: 'etl-oncall' }]]);
  });

  it('finishes a pipeline left without a definition by an interrupted run', async () => {
    fake.pipelines.set('df-LEFTOVER', {
      pipelineId: 'df-LEFTOVER',
      name: 'prod_demo',
      uniqueId: 'etlctl:production:prod_demo',
      tags: [{ key: 'team', value: 'data' }],
      state: 'PENDING',
      objects: [],
      parameterObjects: [],
      parameterValues: [],
      instances: [],
      activations: 0,
    });
    fake.failNext('GetPipelineDefinition', {
      status: 400,
      type: 'InvalidRequestException',
      message: 'no definition',
    });
    const res = await deployDefinition(sampleDefinition(), options());
    expect(res).toMatchObject({
      pipeline: 'existing',
      pipelineId: 'df-LEFTOVER',
      put: 'put',
      activate: 'activated',
    });
    expect(fake.calls('CreatePipeline')).toHaveLength(0);
  });

  it('sends secrets only in ActivatePipeline.parameterValues', async () => {
    await deployDefinition(sampleDefinition(), options());
    const withSecret = fake.requests.filter((r) => r.body.includes(SECRET));
    expect(withSecret.map((r) => r.operation)).toEqual(['ActivatePipeline']);
    expect(fake.calls('ActivatePipeline')[0].json!.parameterValues).toEqual([
      { id: '*myWarehousePassword', stringValue: SECRET },
    ]);
  });

  it('redacts a secret echoed in an ActivatePipeline error', async () => {
    fake.failNext('ActivatePipeline', {
      status: 400,
      type: 'InvalidRequestException',
      message: `bad value ${SECRET} for *myWarehousePassword`,
    });
    const err = await deployDefinition(sampleDefinition(), options()).catch((e: unknown) => e);
    expect((err as EtlError).exitCode).toBe(3);
    expect((err as EtlError).diagnostics[0].message).toContain('bad value **** for');
    expect((err as EtlError).diagnostics[0].message).not.toContain(SECRET);
  });

  it('stops before activation on validationErrors and places them at the YAML step', async () => {
    fake.validate = () => ({
      errors: [{ id: 'LoadStep', errors: ["INVALID_FIELD_VALUE:  'scriptUri' value must be an S3 path."] }],
      warnings: [{ id: 'Ec2', warnings: ['resource has no terminateAfter'] }],
    });
    const res = await deployDefinition(sampleDefinition(), options());
    expect(res.exitCode).toBe(1);
    expect(res.put).toBe('failed');
    expect(fake.calls('ActivatePipeline')).toHaveLength(0);
    const error = res.diagnostics.find((d) => d.code === 'ETL6101')!;
    expect(error).toMatchObject({
      file: 'pipelines/demo.yaml',
      line: 7,
      objectId: 'LoadStep',
      severity: 'error',
    });
    expect(error.hint).toContain("step 'load'");
    expect(res.diagnostics.find((d) => d.code === 'ETL6102')).toMatchObject({ severity: 'warning', line: 1 });
  });

  it('a rerun after a rejected put shows the errors again instead of a failed activation', async () => {
    fake.validate = () => ({ errors: [{ id: 'LoadStep', errors: ['INVALID_FIELD_VALUE:  bad'] }] });
    await deployDefinition(sampleDefinition(), options());
    fake.reset();
    const again = await deployDefinition(sampleDefinition(), options());
    expect(again.exitCode).toBe(1);
    expect(fake.operations()).toContain('ValidatePipelineDefinition');
    expect(fake.calls('ActivatePipeline')).toHaveLength(0);
    expect(again.diagnostics[0]).toMatchObject({ code: 'ETL6101', line: 7 });
  });

  it('explains a fatal InvalidRequestException through ValidatePipelineDefinition', async () => {
    const def = sampleDefinition();
    def.objects[2].fields.instanceType = '';
    const res = await deployDefinition(def, options());
    expect(res.exitCode).toBe(1);
    expect(fake.operations()).toContain('ValidatePipelineDefinition');
    expect(res.diagnostics[0]).toMatchObject({ code: 'ETL6101', objectId: 'Ec2' });
    expect(fake.calls('ActivatePipeline')).toHaveLength(0);
  });

  it('retries a throttled call and succeeds', async () => {
    fake.failNext('CreatePipeline', { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    const res = await deployDefinition(sampleDefinition(), options());
    expect(res.exitCode).toBe(0);
    expect(fake.calls('CreatePipeline')).toHaveLength(2);
    expect(fake.pipelines.size).toBe(1);
  });

  it('turns other AWS errors into one line with exit 3', async () => {
    fake.failNext('ListPipelines', {
      status: 400,
      type: 'InvalidRequestException',
      message: 'account not allowed',
    });
    const err = await deployDefinition(sampleDefinition(), options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtlError);
    expect((err as EtlError).exitCode).toBe(3);
    expect((err as EtlError).diagnostics[0].message).toBe(
      'ListPipelines failed: InvalidRequestException: account not allowed (HTTP 400)',
    );
  });

  it('dry run makes no mutating call', async () => {
    await deployDefinition(sampleDefinition(), options());
    fake.reset();
    const res = await deployDefinition(
      sampleDefinition({ sql: 'SELECT 3;', extra: true }),
      options({ dryRun: true }),
    );
    expect(res.put).toBe('would-put');
    expect(res.assets.map((a) => a.action)).toEqual(['would-upload']);
    expect(res.activate).toBe('would-activate');
    const mutating = fake.operations().filter((op) => !/^(List|Describe|Get|Query)/.test(op));
    expect(mutating).toEqual([]);
  });

  it('refuses removing an object or changing a reference on an activated pipeline without --force', async () => {
    await deployDefinition(sampleDefinition({ extra: true }), options());
    fake.reset();
    const res = await deployDefinition(sampleDefinition(), options());
    expect(res.exitCode).toBe(1);
    expect(res.refused).toEqual([
      { objectId: 'CheckStep', reason: "an activated pipeline can't remove an object" },
    ]);
    expect(res.diagnostics[0].code).toBe('ETL6110');
    expect(fake.calls('PutPipelineDefinition')).toHaveLength(0);

    const period = await deployDefinition(sampleDefinition({ extra: true, period: '2 days' }), options());
    expect(period.refused.map((r) => r.field)).toEqual(['period']);
  });

  it('with --force deletes and recreates after confirmation, and refuses when not confirmed', async () => {
    await deployDefinition(sampleDefinition({ extra: true }), options());
    const oldId = [...fake.pipelines.keys()][0];
    const refused = await deployDefinition(
      sampleDefinition(),
      options({ force: true, confirm: async () => false }),
    ).catch((e: unknown) => e);
    expect((refused as EtlError).diagnostics[0].code).toBe('ETL6111');
    expect(fake.pipelines.has(oldId)).toBe(true);

    fake.reset();
    const res = await deployDefinition(sampleDefinition(), options({ force: true }));
    expect(res.pipeline).toBe('recreated');
    expect(res.pipelineId).not.toBe(oldId);
    expect(fake.operations()).toEqual(
      expect.arrayContaining([
        'DeletePipeline',
        'CreatePipeline',
        'PutPipelineDefinition',
        'ActivatePipeline',
      ]),
    );
    expect(fake.pipelines.size).toBe(1);
  });

  it('keeps the deployed schedule start of an activated pipeline instead of refusing', async () => {
    await deployDefinition(sampleDefinition(), options());
    fake.reset();
    const def = sampleDefinition();
    def.objects[1].fields.startDateTime = '2026-11-24T01:00:00';
    const res = await deployDefinition(def, options());
    expect(res.exitCode).toBe(0);
    expect(res.keptScheduleStart).toEqual(['DefaultSchedule']);
    expect(res.put).toBe('unchanged');
  });

  it('uploads local files and rejects a file changed since compile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etlctl-aws-'));
    const file = join(dir, 'data.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const sha = createHash('sha256').update('a,b\n1,2\n').digest('hex');
    const res = await deployDefinition(sampleDefinition({ localPath: file, localSha: sha }), options());
    expect(res.assets.map((a) => `${a.kind}:${a.action}`)).toEqual(['sql:present', 'data:uploaded']);
    writeFileSync(file, 'changed\n');
    const err = await deployDefinition(sampleDefinition({ localPath: file, localSha: sha }), options()).catch(
      (e: unknown) => e,
    );
    expect((err as EtlError).diagnostics[0].code).toBe('ETL6020');
    rmSync(dir, { recursive: true, force: true });
  });
});
