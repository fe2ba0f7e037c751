/**
 * `etlctl pipeline status` and `etlctl pipeline history` for local targets: read-only views of the
 * state store, returned as values. An instance has the same shape in both (its attempts a list).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EtlError, diag, didYouMean } from '../diagnostics/index.js';
import type { AttemptView } from './activate.js';
import { attemptView } from './activate.js';
import { openStateStore, stateUrlFor } from './state/open.js';
import type { InstanceRow, PipelineRow, RunRow, StateStore } from './state/store.js';
import { pidAlive } from './state/store.js';

export interface LocalStatusOptions {
  /** Pipeline name; absent → all pipelines in the state directory. */
  name?: string;
  mode?: string;
  configPath?: string;
  /** Status: how many latest instances per pipeline; history: how many runs (default 20 each). */
  limit?: number;
}

export interface RunView {
  id: number;
  pipeline: string;
  kind: string;
  version: number;
  pid: number;
  status: string;
  startedAt: string;
  endedAt: string | null;
  ok: number;
  failed: number;
  skipped: number;
}

export interface InstanceView {
  id: number;
  objectId: string;
  type: string;
  scheduledStart: string;
  scheduledEnd: string;
  status: string;
  runId: number;
  rows: number | null;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
  attempts: AttemptView[];
}

export interface PipelineStatus {
  name: string;
  active: boolean;
  version: number;
  mode: string | null;
  lastRun: RunView | null;
  /** The latest `limit` instances of the current generation, oldest first. */
  instances: InstanceView[];
  /** Instances of the current generation left out by the limit. */
  earlier: number;
}

export interface LocalStatus {
  stateDir: string;
  pipelines: PipelineStatus[];
}

export interface LocalHistory {
  pipeline: string;
  runs: (RunView & { instances: InstanceView[] })[];
}

export async function openStore(opts: LocalStatusOptions): Promise<{ stateDir: string; store?: StateStore }> {
  const { loadConfig } = await import('../config/load.js');
  const { stateDirOf } = await import('./activate.js');
  const config = loadConfig({ configPath: opts.configPath, mode: opts.mode });
  const stateDir = stateDirOf(config);
  const url = stateUrlFor(stateDir, config.local.stateUrl);
  if (!url && !existsSync(join(stateDir, 'state.db'))) return { stateDir };
  return { stateDir, store: await openStateStore({ stateDir, url }) };
}

function notFound(name: string, known: string[]): EtlError {
  return new EtlError(
    diag('ETL7560', `no local runs of pipeline '${name}'`, {
      hint: didYouMean(name, known) ?? 'activate it first: etlctl pipeline activate <file>',
    }),
  );
}

export async function requirePipeline(store: StateStore, name: string): Promise<PipelineRow> {
  const row = await store.pipeline(name);
  if (row) return row;
  throw notFound(
    name,
    (await store.pipelines()).map((p) => p.name),
  );
}

/** A run that says RUNNING but whose process is gone was interrupted (crash, SIGKILL). */
export function runView(r: RunRow): RunView {
  return {
    id: r.id,
    pipeline: r.pipeline,
    kind: r.kind,
    version: r.version,
    pid: r.pid,
    status: r.status === 'RUNNING' && !pidAlive(r.pid) ? 'INTERRUPTED' : r.status,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    ok: r.ok,
    failed: r.failed,
    skipped: r.skipped,
  };
}

async function instanceView(store: StateStore, i: InstanceRow, runId?: number): Promise<InstanceView> {
  return {
    id: i.id,
    objectId: i.object_id,
    type: i.object_type,
    scheduledStart: i.scheduled_start,
    scheduledEnd: i.scheduled_end,
    status: i.status,
    runId: i.run_id,
    rows: i.rows,
    error: i.error,
    startedAt: i.started_at,
    endedAt: i.ended_at,
    attempts: (await store.attempts(i.id))
      .filter((a) => runId === undefined || a.run_id === runId)
      .map(attemptView),
  };
}

export async function statusLocally(opts: LocalStatusOptions): Promise<LocalStatus> {
  const { stateDir, store } = await openStore(opts);
  if (!store) {
    if (opts.name) throw notFound(opts.name, []);
    return { stateDir, pipelines: [] };
  }
  try {
    const names = opts.name
      ? [(await requirePipeline(store, opts.name)).name]
      : (await store.pipelines()).map((p) => p.name);
    const limit = opts.limit ?? 20;
    const pipelines: PipelineStatus[] = [];
    for (const name of names) {
      const p = (await store.pipeline(name))!;
      const lastRun = (await store.runs(name, 1))[0];
      const all = await store.instances(name, p.generation);
      const recent = all.slice(-limit);
      const instances: InstanceView[] = [];
      for (const i of recent) instances.push(await instanceView(store, i));
      pipelines.push({
        name: p.name,
        active: p.active === 1,
        version: p.version,
        mode: p.mode,
        lastRun: lastRun ? runView(lastRun) : null,
        instances,
        earlier: all.length - recent.length,
      });
    }
    return { stateDir, pipelines };
  } finally {
    await store.close();
  }
}

export async function historyLocally(opts: LocalStatusOptions & { name: string }): Promise<LocalHistory> {
  const { store } = await openStore(opts);
  if (!store) throw notFound(opts.name, []);
  try {
    await requirePipeline(store, opts.name);
    const runs: LocalHistory['runs'] = [];
    for (const r of await store.runs(opts.name, opts.limit ?? 20)) {
      const instances: InstanceView[] = [];
      for (const i of await store.instancesOfRun(r.id)) instances.push(await instanceView(store, i, r.id));
      runs.push({ ...runView(r), instances });
    }
    return { pipeline: opts.name, runs };
  } finally {
    await store.close();
  }
}
