/**
 * Shell steps as Data Pipeline's Amazon Linux workers run them (issue 13): bash (`local.shell`),
 * a scriptUri script's shebang honoured, `sudo` passed through (the command runs as the current
 * user), `yum`/`apt-get`/`dnf` install preambles skipped (`local.skip_package_installs`), and
 * `aws s3 …` pointed at the local S3 folder through the run's loopback endpoint. Small shims in
 * `<stateDir>/bin/compat` (first on the step's PATH) do the passing through, so scripts get the
 * same treatment as inline commands; `shellDifferences` lists what differs for the run report,
 * the way SQL translations are listed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ShellCompat {
  /** The shell that runs `command` (default bash; /bin/sh when bash is not installed). */
  shell: string;
  skipPackageInstalls: boolean;
  /** The shims' folder: put first on the step's PATH. */
  binDir: string;
  /** The run's loopback S3 endpoint, when one was started. */
  s3Endpoint?: string;
}

// Options of sudo that take a value; the others are flags. The command after them runs as is.
const SUDO = `#!/bin/sh
# etlctl: sudo passed through; the command runs as the current user (local engine).
while [ $# -gt 0 ]; do
  case "$1" in
    -u|-g|-p|-C|-h|-U|-r|-t|-T|-D) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
[ $# -eq 0 ] && exit 0
exec "$@"
`;

/** A package manager: installs are skipped when the step's env says so; anything else runs for real. */
function packageShim(name: string): string {
  return `#!/bin/sh
# etlctl: package installs are skipped on the local engine (local.skip_package_installs).
for a in "$@"; do
  case "$a" in
    install|reinstall|update|upgrade|groupinstall|localinstall)
      if [ "\${ETL_SKIP_PACKAGE_INSTALLS:-1}" = 1 ]; then
        echo "etlctl: skipped '${name} $*' (local.skip_package_installs)" >&2
        exit 0
      fi ;;
  esac
done
${realExec(name)}
`;
}

/** Exec the first `name` on PATH that is not this shim. */
function realExec(name: string): string {
  return `self_dir=$(cd "$(dirname "$0")" && pwd)
IFS=:
for d in $PATH; do
  [ "$d" = "$self_dir" ] && continue
  if [ -x "$d/${name}" ]; then real="$d/${name}"; break; fi
done
unset IFS
[ -n "$real" ] || { echo "etlctl: ${name}: command not found" >&2; exit 127; }`;
}

// Older AWS CLIs (Debian's 2.9) ignore AWS_ENDPOINT_URL_S3: pass it as --endpoint-url.
const AWS = `#!/bin/sh
# etlctl: aws s3 / s3api reach the local S3 folder through the run's loopback endpoint.
${realExec('aws')}
case "$1" in
  s3|s3api)
    if [ -n "$AWS_ENDPOINT_URL_S3" ]; then
      case " $* " in *" --endpoint-url"*) ;; *) exec "$real" --endpoint-url "$AWS_ENDPOINT_URL_S3" "$@" ;; esac
    fi ;;
esac
exec "$real" "$@"
`;

function put(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Write the shims (once per content) and return the folder. */
export function writeCompatShims(stateDir: string): string {
  const dir = join(stateDir, 'bin', 'compat');
  mkdirSync(dir, { recursive: true });
  put(join(dir, 'sudo'), SUDO);
  for (const pm of ['yum', 'dnf', 'apt-get', 'apt']) put(join(dir, pm), packageShim(pm));
  put(join(dir, 'aws'), AWS);
  return dir;
}

/** The shell to run commands with: the configured one, else bash, else /bin/sh. */
export function chooseShell(configured: string | undefined, path = process.env.PATH ?? ''): string {
  const want = configured ?? 'bash';
  if (want.includes('/')) return existsSync(want) ? want : '/bin/sh';
  for (const d of path.split(':')) if (d && existsSync(join(d, want))) return join(d, want);
  return '/bin/sh';
}

/** The environment a shell step gets for the compatibility above. */
export function compatEnv(c: ShellCompat, stateDir: string): Record<string, string> {
  const env: Record<string, string> = {
    ETL_SKIP_PACKAGE_INSTALLS: c.skipPackageInstalls ? '1' : '0',
  };
  if (c.s3Endpoint) {
    // Dummy credentials: the loopback endpoint checks none, but the AWS CLI will not sign without.
    const awsConfig = join(stateDir, 'bin', 'compat', 'aws-config');
    put(
      awsConfig,
      '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n  multipart_threshold = 5GB\n  multipart_chunksize = 5GB\n',
    );
    Object.assign(env, {
      AWS_ENDPOINT_URL_S3: c.s3Endpoint,
      AWS_ACCESS_KEY_ID: 'etlctl-local',
      AWS_SECRET_ACCESS_KEY: 'etlctl-local',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PROFILE: 'default',
    });
  }
  return env;
}

/** What runs differently here than on a Data Pipeline worker, for the run report. */
export function shellDifferences(text: string, c: ShellCompat, how: string): string[] {
  const out: string[] = [];
  if (!/\/bash$/.test(c.shell)) out.push(`${how} runs with ${c.shell} (Data Pipeline workers use bash)`);
  if (/(^|[;&|(\s])sudo\s/m.test(text)) out.push('sudo: passed through (runs as the current user)');
  const pm = /(^|[;&|(\s])(yum|dnf|apt-get|apt)\s+(-\S+\s+)*(install|update|upgrade)\b[^;&|\n]*/m.exec(text);
  if (pm)
    out.push(
      c.skipPackageInstalls
        ? `'${pm[0].trim()}': skipped (local.skip_package_installs)`
        : `'${pm[0].trim()}': runs on this machine (local.skip_package_installs is off)`,
    );
  if (/(^|[;&|(\s])aws\s+s3(api)?\s/m.test(text))
    out.push(
      c.s3Endpoint
        ? `aws s3: served from the local S3 folder through ${c.s3Endpoint}`
        : 'aws s3: no local S3 endpoint is running; the AWS CLI reaches real S3',
    );
  return out;
}
