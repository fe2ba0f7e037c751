/**
 * wait-for-pipelines on AWS: ListPipelines + QueryObjects/DescribeObjects with the real SDK
 * against the loopback Data Pipeline server (test/aws/fake-aws.ts); ok-to-fail failures publish SNS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { EtlError } from '../../src/diagnostics.js';
import { waitForPipelines } from '../../src/tasks/wait-for-pipelines.js';
import { awsTestEnv, FakeAws } from '../aws/fake-aws.js';
import type { FakePipeline } from '../aws/fake-aws.js';

const fake = new FakeAws();
let env: Record<string, string>;
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:warnings';

function pipeline(id: string, name: string, instances: [string, string][]): FakePipeline {
  return {
    pipelineId: id,
    name,
    uniqueId: name,
    tags: [],
    state: 'SCHEDULED',
    objects: [],
    parameterObjects: [],
    parameterValues: [],
    activations: 1,
    instances: instances.map(([start, status], i) => ({
      id: `@Act${i}_${start}`,
      name: `Act${i}`,
      fields: [
        { key: '@status', stringValue: status },
        { key: '@scheduledStartTime', stringValue: start },
      ],
    })),
  };
}

beforeAll(async () => {
  const url = await fake.start();
  env = awsTestEnv(url, url);
  // The SDK reads endpoints and credentials from the process environment.
  Object.assign(process.env, env);
  fake.pipelines.set(
    'df-1',
    pipeline('df-1', 'users', [
      ['2026-03-10T02:00:00', 'FINISHED'],
      ['2026-03-09T02:00:00', 'FAILED'],
    ]),
  );
  fake.pipelines.set('df-2', pipeline('df-2', 'courses', [['2026-03-10T02:00:00', 'FINISHED']]));
  fake.pipelines.set('df-3', pipeline('df-3', 'grades', [['2026-03-10T02:00:00', 'CASCADE_FAILED']]));
});

afterAll(async () => {
  await fake.stop();
  for (const k of Object.keys(env)) delete process.env[k];
});

const config = () =>
  loadConfig({ env: { ETLCTL_TARGET: 'aws', ETLCTL_AWS__REGION: 'us-east-1' }, cwd: '/nonexistent-etlctl' });

describe('wait-for-pipelines on AWS', () => {
  it("only the day's instances count; ok-to-fail failures publish a warning", async () => {
    fake.reset();
    const out: string[] = [];
    const r = await waitForPipelines({
      dependencies: ['users', 'courses'],
      okToFail: ['grades'],
      refreshRateSeconds: 1,
      startDate: '2026-03-10',
      warningTopic: TOPIC,
      aws: true,
      pipeline: 'reports',
      config: config(),
      env,
      stdout: (l) => out.push(l),
      stderr: () => undefined,
      sleep: async () => undefined,
    });
    expect(r.exitCode).toBe(0);
    expect(r.failedOk).toEqual(['grades']);
    expect(fake.calls('QueryObjects').length).toBe(3);
    expect(fake.calls('QueryObjects')[0].json).toMatchObject({
      sphere: 'INSTANCE',
      query: {
        selectors: [
          {
            fieldName: '@scheduledStartTime',
            operator: { type: 'BETWEEN', values: ['2026-03-10T00:00:00', '2026-03-10T23:59:59'] },
          },
        ],
      },
    });
    expect(fake.calls('Publish')).toHaveLength(1);
    expect(fake.calls('Publish')[0].form?.TopicArn).toBe(TOPIC);
  });

  it('a failed dependency fails the wait', async () => {
    await expect(
      waitForPipelines({
        dependencies: ['grades'],
        okToFail: [],
        refreshRateSeconds: 1,
        startDate: '2026-03-10',
        aws: true,
        config: config(),
        env,
        stdout: () => undefined,
        stderr: () => undefined,
        sleep: async () => undefined,
      }),
    ).rejects.toSatisfy((e: unknown) => e instanceof EtlError && e.diagnostics[0].code === 'ETL7931');
  });
});
