/**
 * `etlctl pipeline run-step FILE STEP [--date D]` (issue 18, `airflow tasks test`): run one step's
 * instance alone — its upstream steps are not run nor waited for — and leave the state store as it
 * was: the run is recorded in a scratch store under `<state dir>/run-step/` (its log stays there
 * to read), unless `record` asks for the pipeline's own store.
 */
import { join } from 'node:path';
import type { Definition } from '../definition/model.js';
import { EtlError, diag } from '../diagnostics/index.js';
import type { AttemptView } from './activate.js';
import { attemptView } from './activate.js';
import type { EngineConfig } from './connections.js';
import type { Reporter } from './engine.js';
import { runDefinition } from './engine.js';
import { openStateStore } from './state/open.js';

export interface RunStepOptions {
  definition: Definition;
  pipeline: string;
  file: string;
  step: string;
  /** The instance's scheduled time: the latest period starting at or before it (default now). */
  date?: Date;
  config: EngineConfig;
  stateDir: string;
  /** Record the run in the pipeline's own state store (default: a scratch store). */
  record?: boolean;
  mode?: string;
  cwd: string;
  reporter?: Reporter;
  signal?: AbortSignal;
}

export interface RunStepResult {
  pipeline: string;
  step: string;
  recorded: boolean;
  stateDir: string;
  exitCode: number;
  instances: {
    objectId: string;
    scheduledStart: string;
    status: string;
    rows: number | null;
    error: string | null;
    attempts: AttemptView[];
  }[];
}

const YEAR_MS = 366 * 86_400_000;

export async function runStep(o: RunStepOptions): Promise<RunStepResult> {
  const at = o.date ?? new Date();
  const stateDir = o.record ? o.stateDir : join(o.stateDir, 'run-step');
  // Recorded: the pipeline's own store (shared when `local.state_url` says so). Else a scratch
  // SQLite store of its own, whatever the config or environment name as the shared one.
  const store = o.record
    ? await openStateStore({ stateDir, url: o.config.local?.stateUrl })
    : await (await import('./state/sqlite.js')).SqliteStateStore.open(stateDir);
  try {
    const summary = await runDefinition(o.definition, {
      config: o.config,
      stateDir,
      store,
      pipelineName: o.pipeline,
      kind: 'definition-run',
      rerunFailed: true,
      selection: { steps: [o.step], alone: true, rerun: true, at },
      // The chosen period must be due: look far enough ahead, then keep the one period (`at`).
      until: new Date(Math.max(Date.now(), at.getTime()) + YEAR_MS),
      markActive: false,
      confirmBackfill: async () => true,
      cwd: o.cwd,
      mode: o.mode,
      sourceFile: o.file,
      reporter: o.reporter,
      signal: o.signal,
      graceMs: 0,
    });
    if (summary.nothingToDo || summary.runId === undefined)
      throw new EtlError(
        diag(
          'ETL7708',
          `step '${o.step}' of '${o.pipeline}' has no instance scheduled at or before ${at.toISOString()}`,
        ),
      );
    const instances: RunStepResult['instances'] = [];
    for (const i of summary.instances)
      instances.push({
        objectId: i.objectId,
        scheduledStart: i.scheduledStart,
        status: i.status,
        rows: i.rows ?? null,
        error: i.error ?? null,
        attempts: (await store.attempts(i.id)).filter((a) => a.run_id === summary.runId).map(attemptView),
      });
    return {
      pipeline: o.pipeline,
      step: o.step,
      recorded: Boolean(o.record),
      stateDir,
      exitCode: summary.exitCode,
      instances,
    };
  } finally {
    await store.close();
  }
}
