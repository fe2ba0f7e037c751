/**
 * Issue 13 bug: a Schedule with `startAt: FIRST_ACTIVATION_DATE_TIME` (and no startDateTime) did
 * nothing on its first activation. One activation must run the instance that starts then.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

it('the first activation of a FIRST_ACTIVATION_DATE_TIME schedule runs its first instance', () => {
  const dir = tempDir('etlctl-parity-first-');
  copyFileSync(join(ROOT, 'test/fixtures/parity/daily-first-activation.json'), join(dir, 'daily.json'));
  const stamp = join(dir, 'stamp.txt');
  const r = runCli(
    ['definition', 'run', 'daily.json', '--parameter-values', `myStampFile=${stamp}`, '--no-register'],
    { cwd: dir, env: { ETLCTL_CONFIG: '' } },
  );
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/OK=1 FAILED=0/);
  expect(readFileSync(stamp, 'utf8')).toBe(`${new Date().toISOString().slice(0, 10)}\n`);
});
