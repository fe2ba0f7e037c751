/** On AWS (target aws) a failed warn check publishes to --warning-topic itself; locally it does not. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runQaCheckTask } from '../../src/tasks/qa-check.js';
import { awsTestEnv, FakeAws } from '../aws/fake-aws.js';
import { tempDir } from '../helpers.js';
import { PG_URL } from '../db.js';

const T = 'qa_task_sns_dup';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:qa-warnings';
const fake = new FakeAws();
let env: Record<string, string>;
let cfgPath: string;

beforeAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(
    `DROP TABLE IF EXISTS ${T}; CREATE TABLE ${T} (id INTEGER); INSERT INTO ${T} VALUES (1), (1);`,
  );
  await c.end();
  const url = await fake.start();
  env = awsTestEnv(url, url);
  Object.assign(process.env, env);
  const d = tempDir('etlctl-qa-sns-');
  cfgPath = join(d, 'etlctl.yaml');
  writeFileSync(
    cfgPath,
    `target: local\naws:\n  region: us-east-1\ndatabases:\n  wh:\n    engine: postgres\n    url: ${PG_URL}\n`,
  );
});

afterAll(async () => {
  await fake.stop();
  for (const k of Object.keys(env)) delete process.env[k];
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP TABLE IF EXISTS ${T}`);
  await c.end();
});

async function run(target: 'aws' | 'local') {
  const config = loadConfig({ configPath: cfgPath, env: { ETLCTL_TARGET: target } });
  const errs: string[] = [];
  const r = await runQaCheckTask({
    pipeline: 'p',
    step: 'dup_check',
    database: 'wh',
    checks: JSON.stringify([
      { kind: 'primary-key', name: 'primary-key', severity: 'warn', threshold: 0, table: T, columns: ['id'] },
    ]),
    warningTopic: TOPIC,
    config,
    env,
    stdout: () => undefined,
    stderr: (l) => errs.push(l),
  });
  return { r, errs };
}

it('publishes the warning through SNS on AWS and still exits 0', async () => {
  fake.reset();
  const { r, errs } = await run('aws');
  expect(r.exitCode).toBe(0);
  const pub = fake.calls('Publish');
  expect(pub).toHaveLength(1);
  expect(pub[0].form?.TopicArn).toBe(TOPIC);
  expect(pub[0].form?.Subject).toBe('etlctl QA warning: p.dup_check');
  expect(pub[0].form?.Message).toContain(`WARN primary-key ${T} (1 failing row`);
  expect(errs[0]).toMatch(/^ETLCTL-ALERT /);
});

it('locally leaves the alarm to the engine (no SNS call)', async () => {
  fake.reset();
  const { r } = await run('local');
  expect(r.exitCode).toBe(0);
  expect(fake.calls('Publish')).toHaveLength(0);
});
