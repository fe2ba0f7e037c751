/**
 * Shell steps as a Data Pipeline worker runs them (issue 13): bash, a scriptUri script's shebang,
 * `sudo` passed through, `yum install` skipped, `aws s3 ls/cp/rm` (and s3api) served from the
 * local S3 folder through the run's loopback endpoint, each step in its own working directory,
 * and every difference listed in the run report.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

const REPORT_SH = `#!/bin/bash
# bash-isms on purpose: arrays, [[ ]], process substitution, case conversion.
set -euo pipefail
declare -a names=()
while read -r _ _ _ name; do names+=("\${name}"); done < <(aws s3 ls "s3://$1/processed/")
[[ \${#names[@]} -eq 2 ]] || { echo "expected 2 files, got \${#names[@]}" >&2; exit 1; }
printf '%s\\n' "\${names[@]^^}" > names.txt
aws s3 cp names.txt "s3://$1/reports/NAMES.txt"
aws s3api head-object --bucket "$1" --key reports/NAMES.txt > /dev/null
pwd > "s3-pwd.txt"
aws s3 cp s3-pwd.txt "s3://$1/reports/pwd.txt"
`;

it('runs a staging shell pipeline with aws s3, sudo, yum and a bash script, with no JSON edit', () => {
  const dir = tempDir('etlctl-parity-shell-');
  copyFileSync(join(ROOT, 'test/fixtures/parity/shell-s3-staging.json'), join(dir, 'files.json'));
  const s3 = join(dir, '.etlctl', 's3', 'acme-files');
  mkdirSync(join(s3, 'raw'), { recursive: true });
  mkdirSync(join(s3, 'scripts'), { recursive: true });
  writeFileSync(join(s3, 'raw', 'a.zip'), 'A');
  writeFileSync(join(s3, 'raw', 'b.zip'), 'B');
  writeFileSync(join(s3, 'scripts', 'report.sh'), REPORT_SH);
  const r = runCli(['definition', 'run', 'files.json', '--parameter-values', 'myBucket=acme-files'], {
    cwd: dir,
    env: { ETLCTL_CONFIG: '' },
  });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/OK=3 FAILED=0/);
  // bash substitution, staged output uploaded, the script's report, then the cleanup.
  expect(readdirSync(join(s3, 'processed')).sort()).toEqual(['a.gz', 'b.gz']);
  expect(readFileSync(join(s3, 'reports', 'NAMES.txt'), 'utf8')).toBe('A.GZ\nB.GZ\n');
  expect(readFileSync(join(s3, 'reports', 'listing.txt'), 'utf8')).toMatch(/a\.gz\n.*b\.gz\n/);
  expect(existsSync(join(s3, 'raw', 'a.zip'))).toBe(false);
  // Each step ran in its own working directory under the state dir, not the user's folder.
  expect(readFileSync(join(s3, 'reports', 'pwd.txt'), 'utf8')).toContain(join(dir, '.etlctl', 'work'));
  expect(existsSync(join(dir, 'names.txt'))).toBe(false);
  // The differences are listed in the run report.
  expect(r.stdout).toMatch(/Convert: sudo: passed through/);
  expect(r.stdout).toMatch(/Convert: 'yum install -y gzip': skipped \(local\.skip_package_installs\)/);
  expect(r.stdout).toMatch(
    /Cleanup: aws s3: served from the local S3 folder through http:\/\/127\.0\.0\.1:\d+/,
  );
});

it('local.shell: another shell is used when configured, and listed', () => {
  const dir = tempDir('etlctl-parity-sh-');
  writeFileSync(join(dir, 'etlctl.yaml'), 'local:\n  shell: /bin/sh\n');
  writeFileSync(
    join(dir, 'd.json'),
    JSON.stringify({
      objects: [
        { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
        {
          id: 'S',
          name: 'S',
          type: 'ShellCommandActivity',
          workerGroup: 'wg',
          command: 'echo $0 > /dev/null',
        },
      ],
    }),
  );
  const r = runCli(['definition', 'run', 'd.json', '-c', 'etlctl.yaml'], { cwd: dir });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/S: command runs with \/bin\/sh \(Data Pipeline workers use bash\)/);
});
