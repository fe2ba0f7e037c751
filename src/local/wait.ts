/**
 * `etlctl pipeline wait NAME`: wait until every instance of the pipeline's current generation has
 * ended (the agents ran it), like the AWS CLI waiters; the status is FINISHED when all finished.
 * Polls the state store (no notifications cross machines); prints nothing.
 */
import type { Diagnostic } from '../diagnostics.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';
import { stateDirOf } from './activate.js';
import { openStateStore } from './state/open.js';
import type { InstanceRow } from './state/store.js';
import { TERMINAL } from './state/store.js';

export interface WaitOptions {
  name: string;
  mode?: string;
  configPath?: string;
  timeoutMs?: number;
  /** Milliseconds between looks (default 1000). */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface WaitResult {
  pipeline: string;
  generation: number;
  status: 'FINISHED' | 'FAILED' | 'WAITING';
  counts: Record<string, number>;
  elapsedMs: number;
}

function countsOf(rows: InstanceRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

export async function waitLocally(
  opts: WaitOptions,
): Promise<{ result: WaitResult; diagnostics: Diagnostic[]; exitCode: number }> {
  const { loadConfig } = await import('../config/load.js');
  const config = loadConfig({ configPath: opts.configPath, mode: opts.mode });
  const store = await openStateStore({ stateDir: stateDirOf(config), url: config.local.stateUrl });
  const t0 = Date.now();
  try {
    for (;;) {
      const p = await store.pipeline(opts.name);
      const rows = p ? await store.instances(opts.name, p.generation) : [];
      if (!p || rows.length === 0) {
        throw new EtlError(diag('ETL7813', `pipeline '${opts.name}' has no instances in ${store.location}`));
      }
      const result: WaitResult = {
        pipeline: opts.name,
        generation: p.generation,
        status: 'WAITING',
        counts: countsOf(rows),
        elapsedMs: Date.now() - t0,
      };
      if (rows.every((r) => TERMINAL.has(r.status))) {
        const ok = rows.every((r) => r.status === 'FINISHED');
        result.status = ok ? 'FINISHED' : 'FAILED';
        return { result, diagnostics: [], exitCode: ok ? ExitCode.OK : ExitCode.FAILURE };
      }
      if (opts.timeoutMs !== undefined && Date.now() - t0 >= opts.timeoutMs) {
        const waiting = rows.filter((r) => !TERMINAL.has(r.status)).length;
        return {
          result,
          diagnostics: [
            diag(
              'ETL7812',
              `'${opts.name}': ${waiting} instance(s) still not ended after ${Math.round(opts.timeoutMs / 1000)} s`,
              {
                hint: `look with: etlctl pipeline status ${opts.name}`,
              },
            ),
          ],
          exitCode: ExitCode.FAILURE,
        };
      }
      if (opts.signal?.aborted) return { result, diagnostics: [], exitCode: ExitCode.FAILURE };
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
    }
  } finally {
    await store.close();
  }
}
