/**
 * What a local run needs around the steps themselves: the `etlctl` shim for `etlctl task …`,
 * secrets supplied at activation, the definition's assets on local S3, and cleaning up after a
 * run that died (SIGKILL) without leaving its child processes running.
 */
import { chmodSync, createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../config/types.js';
import type { Definition } from '../definition/model.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';
import type { EngineConfig } from './connections.js';
import type { LocalS3 } from './s3.js';
import { pidAlive } from './state/store.js';

/** The package root (where bin/etlctl lives), found from this module's location in src/ or dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'etlctl')
      return dir;
    dir = dirname(dir);
  }
  throw new EtlError(diag('ETL7599', 'cannot find the etlctl package root'));
}

/**
 * `etlctl task …` commands must run this very etlctl, not whatever is on PATH: a shim directory
 * put first on the activity's PATH points `etlctl` at this package's bin/etlctl.
 */
export function writeEtlctlShim(stateDir: string): string {
  const dir = join(stateDir, 'bin');
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, 'etlctl');
  const text = `#!/bin/sh\nexec "${process.execPath}" "${join(packageRoot(), 'bin', 'etlctl')}" "$@"\n`;
  if (!existsSync(shim) || readFileSync(shim, 'utf8') !== text) {
    writeFileSync(shim, text);
    chmodSync(shim, 0o755);
  }
  return dir;
}

/** Kill what a dead run left behind (a detached shell command still running), verified by its environment. */
export function killStray(pid: number | null, attemptId: number): void {
  if (!pid || !pidAlive(pid)) return;
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    if (!environ.split('\0').includes(`ETL_ATTEMPT_ID=${attemptId}`)) return;
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* not ours, or already gone */
  }
}

/**
 * Values of the definition's secret parameters (`*myAppDbPassword` → `env:APP_DB_PASSWORD`) that
 * are available now. Missing ones are left out: locally they matter only for server connections,
 * which take their credentials from the config.
 */
export async function secretParameters(
  def: Definition,
  config: EngineConfig,
): Promise<Record<string, string>> {
  const entries = Object.entries(def.meta?.secrets ?? {});
  if (entries.length === 0) return {};
  const { parseSecretSource, resolveSecret } = await import('../config/secrets.js');
  const out: Record<string, string> = {};
  for (const [id, source] of entries) {
    const ref = parseSecretSource(source);
    if (!ref) continue;
    try {
      out[id] = resolveSecret(ref, { config: config as ResolvedConfig });
    } catch {
      /* not available here */
    }
  }
  return out;
}

/**
 * Files the definition expects on S3 (scripts, SQL too long to inline, seed data), which deploy
 * uploads on AWS: put them in the local S3 before anything runs.
 */
export async function materializeAssets(def: Definition, s3: LocalS3): Promise<void> {
  for (const a of def.meta?.assets ?? []) {
    if (a.content !== undefined) {
      await s3.writeText(a.uri, a.content);
    } else if (a.localPath) {
      const up = await s3.write(a.uri);
      try {
        await streamPipeline(createReadStream(a.localPath), up.stream);
        await up.commit();
      } catch (e) {
        await up.abort();
        throw new EtlError(
          diag('ETL7551', `cannot stage ${a.localPath} as ${a.uri}: ${(e as Error).message}`),
          ExitCode.ENVIRONMENT,
        );
      }
    }
  }
}
