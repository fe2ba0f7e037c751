/**
 * Run a pipeline as the state store has it — the definition and config recorded at its last
 * activation — the way `etlctl agent` does (failed instances stay failed; instances reset by a
 * rerun or backfill, and newly due periods, run). Used by `pipeline rerun|backfill --now` and by
 * the UI after an action, so a rerun does not wait for the agent's next look.
 */
import { fromFileJson } from '../definition/json.js';
import type { Reporter, RunSummary } from './engine.js';
import { runDefinition } from './engine.js';
import { requirePipelineRow } from './actions.js';
import type { StateStore } from './state/store.js';
import { EtlError, diag } from '../diagnostics/index.js';

export interface RunStoredOptions {
  store: StateStore;
  stateDir: string;
  pipeline: string;
  reporter?: Reporter;
  signal?: AbortSignal;
  parallel?: number;
  retryDelayMs?: number;
}

export async function runStoredPipeline(o: RunStoredOptions): Promise<RunSummary> {
  const row = await requirePipelineRow(o.store, o.pipeline);
  const json = await o.store.definitionJson(row.name, row.version);
  if (!json) throw new EtlError(diag('ETL7706', `pipeline '${row.name}' has no stored definition to run`));
  const { loadConfig } = await import('../config/load.js');
  const config = loadConfig({
    configPath: row.config_path ?? undefined,
    mode: row.mode ?? undefined,
    cwd: row.cwd ?? undefined,
  });
  return runDefinition(fromFileJson(JSON.parse(json)), {
    config,
    stateDir: o.stateDir,
    pipelineName: row.name,
    kind: 'activate',
    rerunFailed: false,
    parallel: o.parallel,
    retryDelayMs: o.retryDelayMs,
    cwd: row.cwd ?? undefined,
    mode: row.mode ?? undefined,
    configPath: row.config_path ?? undefined,
    sourceFile: row.source_file ?? undefined,
    reporter: o.reporter,
    signal: o.signal,
    graceMs: 0,
    // Periods were confirmed when the pipeline was activated; a backfill asks for its range itself.
    confirmBackfill: async () => true,
    store: o.store,
  });
}
