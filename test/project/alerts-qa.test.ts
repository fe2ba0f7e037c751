/**
 * Alerts from a real QA check (issue 18): a project from `etlctl init` whose qa-check step fails
 * an accepted-values check alerts once per pipeline × date with the check's own FAIL line (in the
 * console and in the alert, not "command exited with code 1"), and sends one recovery notice per
 * date once the data passes. Runs the built CLI on the embedded databases.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from '../helpers.js';

interface Alert {
  event: string;
  message: string;
  detail?: string;
  scheduledStartTime?: string;
}

const alerts = (dir: string): Alert[] => {
  const f = join(dir, '.etlctl', 'alerts.ndjson');
  return existsSync(f)
    ? readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Alert)
    : [];
};

describe('alerts from a qa-check step', () => {
  it('a failing check alerts once per date with its FAIL line, and recovers once per date', () => {
    const dir = join(tempDir(), 'proj');
    const init = runCli(['init', dir]);
    expect(init.code, init.stderr).toBe(0);
    appendFileSync(
      join(dir, 'config', 'etlctl.yaml'),
      'alerts:\n  failure_topic: arn:aws:sns:us-east-1:123456789012:failures\n',
    );
    const yaml = join(dir, 'pipelines', 'orders.yaml');
    const text = readFileSync(yaml, 'utf8');
    expect(text).toMatch(/^frequency: one-time/m);
    // Daily for two dates; customer 12 is not an accepted value yet.
    writeFileSync(
      yaml,
      text.replace(/^frequency: one-time.*$/m, 'frequency: daily\nstart: "2026-01-01T00:00:00Z"') +
        '      - check: accepted-values\n        column: customer_id\n        values: [11]\n',
    );
    // One attempt per instance (the retry rules have their own tests); runs may take minutes on
    // embedded databases on a loaded machine, longer than runCli waits.
    const config = join(dir, 'config', 'etlctl.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/max_retries: 1\b/, 'max_retries: 0'));
    const activate = () => {
      const r = spawnSync(
        process.execPath,
        [BIN, 'pipeline', 'activate', 'pipelines/orders.yaml', '--until', '2026-01-02T12:00:00Z'],
        { cwd: dir, encoding: 'utf8', timeout: 380_000, env: { ...process.env, ETLCTL_CONFIG: undefined } },
      );
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    const failed = activate();
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    // The console's FAIL line carries the check's reason.
    expect(failed.stdout).toMatch(/FAIL {2}check_orders\.QaCheck FAILED .*accepted-values/);
    const fails = alerts(dir).filter((a) => a.event === 'onFail');
    expect(fails.map((a) => a.scheduledStartTime).sort()).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
    ]);
    for (const a of fails) expect(a.message).toMatch(/accepted-values/);
    expect(fails.every((a) => !/command exited with code 1$/m.test(a.message))).toBe(true);

    // Customer 12 accepted: both dates pass again, one recovery notice each, no new failure alert.
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('values: [11]', 'values: [11, 12]'));
    const fixed = activate();
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    const after = alerts(dir);
    expect(after.filter((a) => a.event === 'onFail')).toHaveLength(2);
    expect(
      after
        .filter((a) => a.event === 'recovered')
        .map((a) => a.scheduledStartTime)
        .sort(),
    ).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
  }, 800_000);
});
