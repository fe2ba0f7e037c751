/** `etlctl clean` and the agent's janitor: plan by retention, then (unless a dry run) delete the plan. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { stateDirOf } from '../local/activate.js';
import { openStateStore } from '../local/state/open.js';
import type { StateStore } from '../local/state/store.js';
import type { CleanResult } from './apply.js';
import { applyClean } from './apply.js';
import type { CleanPlan } from './plan.js';
import { planClean } from './plan.js';

export interface CleanOptions {
  dryRun: boolean;
  olderThan?: number;
  mode?: string;
  configPath?: string;
  config?: ResolvedConfig;
  stateDir?: string;
  store?: StateStore;
  now?: Date;
  /** Who deletes, for the audit log (`etlctl clean`, `agent janitor`). */
  by?: string;
}

export interface CleanReport {
  dryRun: boolean;
  plan: Omit<CleanPlan, 'diagnostics'>;
  deleted: CleanResult['deleted'];
  skipped: CleanResult['skipped'];
}

export async function runClean(o: CleanOptions): Promise<{ report: CleanReport; diagnostics: Diagnostic[] }> {
  const config = o.config ?? loadConfig({ mode: o.mode, configPath: o.configPath });
  const stateDir = o.stateDir ?? stateDirOf(config);
  const own = !o.store;
  const store =
    o.store ?? (existsSync(join(stateDir, 'state.db')) ? await openStateStore({ stateDir }) : undefined);
  // No state yet: no run is live or resumable, and there is no history.
  const empty = { pipelines: async () => [] } as unknown as StateStore;
  try {
    const { diagnostics, ...plan } = await planClean({
      config,
      stateDir,
      store: store ?? empty,
      now: o.now,
      olderThan: o.olderThan,
    });
    if (o.dryRun) {
      return { report: { dryRun: o.dryRun, plan, deleted: [], skipped: [] }, diagnostics };
    }
    const r = await applyClean({ ...plan, diagnostics }, store ?? empty, o.by);
    return {
      report: { dryRun: false, plan, deleted: r.deleted, skipped: r.skipped },
      diagnostics: [...diagnostics, ...r.diagnostics],
    };
  } finally {
    if (own) await store?.close();
  }
}
