/**
 * A local failure need not wait its retryDelay in the foreground (issue 18): `--no-wait-retry`
 * retries at once, so a definition with a 10-minute retryDelay (the example config's) fails or
 * recovers in seconds; giving it with `--retry-delay` is one usage error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

function project(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'etlctl.yaml'), 'target: local\n');
  // Fails on its first attempt, succeeds on the second (the marker file).
  const marker = join(dir, 'tried');
  writeFileSync(
    join(dir, 'flaky.yaml'),
    [
      'name: flaky',
      'max_retries: 2',
      'retry_delay: 10 Minutes',
      'steps:',
      '  - step_type: transform',
      '    name: flaky_step',
      '    no_output: true',
      `    command: if [ -f ${marker} ]; then echo ok; else touch ${marker}; echo "first try fails"; exit 1; fi`,
      '',
    ].join('\n'),
  );
  return dir;
}

describe('--no-wait-retry', () => {
  it('retries a failed step at once instead of waiting the definition retryDelay', () => {
    const dir = project();
    const t0 = Date.now();
    const r = runCli(['pipeline', 'activate', 'flaky.yaml', '--no-wait-retry'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/RETRY flaky_step\.Transform attempt 1 failed: .*next attempt in 0ms/);
    expect(r.stdout).toMatch(/START flaky_step\.Transform .*\(attempt 2\)/);
    expect(r.stdout).toMatch(/Done\. OK=2 FAILED=0/);
    // Nowhere near the 10 minutes the definition asks for.
    expect(Date.now() - t0).toBeLessThan(120_000);
  });

  it('with --retry-delay it is one usage error, ETL8305', () => {
    const r = runCli(['pipeline', 'activate', 'flaky.yaml', '--no-wait-retry', '--retry-delay', '5s'], {
      cwd: project(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error ETL8305:');
    expect(r.stderr.match(/error ETL/g)).toHaveLength(1);
  });
});
