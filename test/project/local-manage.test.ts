/**
 * Local pipelines can be listed, deactivated and cleared, and alerts tested, without AWS
 * (issue 18: these went to AWS and failed with ETL6003 without credentials).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

const NO_AWS = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: undefined };

function project(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'etlctl.yaml'),
    'target: local\nalerts:\n  failure_topic: arn:aws:sns:us-east-1:123456789012:failures\n',
  );
  writeFileSync(
    join(dir, 'hello.yaml'),
    'name: hello\nfrequency: daily\nstart: "2026-01-01T00:00:00Z"\nsteps:\n  - step_type: transform\n    command: echo hi\n    no_output: true\n',
  );
  return dir;
}

const ajv = new Ajv({ allErrors: true, strict: false });
for (const f of ['envelope', 'entities', 'commands', 'stream'])
  ajv.addSchema(
    JSON.parse(readFileSync(join(ROOT, 'src/cli/schemas', `${f}.schema.json`), 'utf8')) as object,
  );
function json(def: string, args: string[], cwd: string): Record<string, unknown> {
  const r = runCli([...args, '--json'], { cwd, env: NO_AWS });
  const doc = JSON.parse(r.stdout) as { ok: boolean; result: Record<string, unknown> };
  expect(doc.ok, r.stdout).toBe(true);
  const v = ajv.getSchema(`https://etlctl.dev/schemas/commands.schema.json#/definitions/${def}`)!;
  expect(v(doc.result), ajv.errorsText(v.errors)).toBe(true);
  return doc.result;
}

describe('local pipeline housekeeping', () => {
  it('list, deactivate and clear a locally activated pipeline', () => {
    const dir = project();
    const run = runCli(['pipeline', 'activate', 'hello.yaml', '--until', '2026-01-03T00:00:00Z'], {
      cwd: dir,
      env: NO_AWS,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);

    const list = runCli(['pipeline', 'list'], { cwd: dir, env: NO_AWS });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).not.toMatch(/ETL6003/);
    expect(list.stdout).toMatch(/^hello\s+ACTIVE\s+#1 FINISHED/m);
    const listed = json('PipelineList', ['pipeline', 'list'], dir);
    expect(listed.pipelines).toEqual([expect.objectContaining({ name: 'hello', active: true })]);

    const off = runCli(['pipeline', 'deactivate', 'hello.yaml'], { cwd: dir, env: NO_AWS });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/deactivated hello: etlctl agent no longer schedules it/);
    expect(runCli(['pipeline', 'list'], { cwd: dir, env: NO_AWS }).stdout).toMatch(/^hello\s+INACTIVE/m);
    expect(json('PipelineDeactivate', ['pipeline', 'deactivate', 'hello'], dir)).toMatchObject({
      wasActive: false,
    });

    const refused = runCli(['pipeline', 'clear', 'hello'], { cwd: dir, env: NO_AWS });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/ETL8114/);
    const cleared = json('PipelineClear', ['pipeline', 'clear', 'hello', '--yes'], dir);
    expect(cleared).toMatchObject({ cleared: true, runs: 1, instances: expect.any(Number) as number });
    expect(runCli(['pipeline', 'list'], { cwd: dir, env: NO_AWS }).stdout).toMatch(
      /no pipelines activated locally/,
    );
    const missing = runCli(['pipeline', 'deactivate', 'hello'], { cwd: dir, env: NO_AWS });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ETL7560/);
  }, 120_000);

  it('alerts test writes a marked test alert to the local sink and stderr', () => {
    const dir = project();
    const r = runCli(['alerts', 'test'], { cwd: dir, env: NO_AWS });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ALERT \[etlctl TEST\] failure alert test/);
    expect(r.stdout).toMatch(/wrote 1 test alert\(s\) to .*alerts\.ndjson/);
    const lines = readFileSync(join(dir, '.etlctl', 'alerts.ndjson'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({
      event: 'test',
      topicArn: 'arn:aws:sns:us-east-1:123456789012:failures',
    });
    json('AlertsTest', ['alerts', 'test'], dir);
  });
});
