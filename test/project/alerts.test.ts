/**
 * Alerts that don't cry wolf (issue 18): one alert per failed pipeline × date (not per attempt,
 * not again on the next run), with the step's reason in the console and the alert, and one
 * recovery notice when that date later succeeds.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

interface Alert {
  event: string;
  subject: string;
  message: string;
  scheduledStartTime?: string;
}

function project(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'etlctl.yaml'),
    'target: local\nalerts:\n  failure_topic: arn:aws:sns:us-east-1:123456789012:failures\n',
  );
  // A QA-style step: its FAIL line is what the user needs to see, its exit code is not.
  writeFileSync(
    join(dir, 'check.yaml'),
    [
      'name: check',
      'frequency: daily',
      'start: "2026-01-01T00:00:00Z"',
      'max_retries: 1',
      'steps:',
      '  - step_type: transform',
      '    name: check_orders',
      '    no_output: true',
      `    command: if [ -f ${join(dir, 'fixed')} ]; then echo ok; else echo "FAIL not-null analytics.orders (29411 failing rows)"; exit 1; fi`,
      '',
    ].join('\n'),
  );
  return dir;
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

const activate = (dir: string) =>
  runCli(['pipeline', 'activate', 'check.yaml', '--until', '2026-01-02T12:00:00Z', '--retry-delay', '0s'], {
    cwd: dir,
  });

describe('alerts', () => {
  it('fire once per failed pipeline × date with the reason, and once on recovery', () => {
    const dir = project();
    const first = activate(dir);
    expect(first.code).toBe(1);
    // Two dates, two attempts each: two alerts, not four.
    const failed = alerts(dir).filter((a) => a.event === 'onFail');
    expect(failed.map((a) => a.scheduledStartTime?.slice(0, 10))).toEqual(['2026-01-01', '2026-01-02']);
    for (const a of failed)
      expect(a.message).toMatch(/FAIL not-null analytics\.orders \(29411 failing rows\)/);
    // The reason is in the console too: on the FAIL line and the ALERT line.
    expect(first.stdout).toMatch(/FAIL\s+check_orders\.Transform FAILED .*29411 failing rows/);
    expect(first.stderr).toMatch(/ALERT \[onFail\] etlctl: check failed — .*29411 failing rows/);

    // Still failing on the next run: no new alert, a note says why.
    const again = activate(dir);
    expect(again.code).toBe(1);
    expect(alerts(dir).filter((a) => a.event === 'onFail')).toHaveLength(2);
    expect(again.stdout).toMatch(/alert not repeated: check 2026-01-01 already alerted a failure/);

    // Fixed: one recovery notice per date, then silence.
    writeFileSync(join(dir, 'fixed'), '');
    const fixed = activate(dir);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    const recovered = alerts(dir).filter((a) => a.event === 'recovered');
    expect(recovered.map((a) => a.subject)).toEqual([
      'etlctl: check recovered (2026-01-01)',
      'etlctl: check recovered (2026-01-02)',
    ]);
    expect(fixed.stderr).toMatch(/ALERT \[recovered\] etlctl: check recovered \(2026-01-01\)/);
    expect(alerts(dir)).toHaveLength(4);
  }, 180_000);

  it('alerts.dedupe: false alerts every failed run', () => {
    const dir = project();
    writeFileSync(
      join(dir, 'config', 'etlctl.yaml'),
      readFileSync(join(dir, 'config', 'etlctl.yaml'), 'utf8') + '  dedupe: false\n',
    );
    activate(dir);
    activate(dir);
    expect(alerts(dir).filter((a) => a.event === 'onFail')).toHaveLength(4);
  }, 180_000);
});
