/**
 * One Data Pipeline task run on this machine with the local engine's own pieces: the attempt
 * (src/local/attempt.ts: log file, attemptTimeout, connections leased from the config's connection
 * map, statements cancelled on the server when stopped), the activity runners
 * (src/local/activities/) and the precondition checks (src/local/preconditions.ts). What comes back
 * is what SetTaskStatus needs: FINISHED, FAILED (errorId, errorMessage, a short errorStackTrace:
 * the last lines of the task's log, stderr first) or FALSE for a precondition not met.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRef } from '../../definition/model.js';
import { errorText } from '../../local/errors.js';
import type { AttemptEnv } from '../../local/attempt.js';
import { AbortReason, attemptContext, openAttemptEnv, runAttempt } from '../../local/attempt.js';
import type { EngineConfig } from '../../local/connections.js';
import type { Reporter } from '../../local/engine.js';
import type { RunInstance } from '../../local/instance.js';
import { ObjectGraph } from '../../local/objects.js';
import { checkPrecondition } from '../../local/preconditions.js';
import type { WorkerRef } from '../../local/state/store.js';
import type { WorkerTask } from './task.js';

export type TaskEnd = 'FINISHED' | 'FAILED' | 'FALSE' | 'CANCELED' | 'HANDED_BACK' | 'TIMEDOUT';

export interface TaskOutcome {
  /** What happened; SetTaskStatus gets FINISHED, FALSE, or FAILED for FAILED/TIMEDOUT/HANDED_BACK. */
  end: TaskEnd;
  errorId?: string;
  errorMessage?: string;
  errorStackTrace?: string;
  rows?: number;
  logPath: string;
}

export interface RunTaskOptions {
  task: WorkerTask;
  config: EngineConfig;
  stateDir: string;
  cwd: string;
  mode?: string;
  configPath?: string;
  worker: WorkerRef;
  /** Abort with an AbortReason: 'stop' (canceled or worker stopping) or 'timeout'. */
  controller: AbortController;
  /** Which stop the controller's 'stop' means. */
  stopCause: () => 'canceled' | 'shutdown' | undefined;
  reporter: Reporter;
  /** A sequence number for the attempt (ETL_ATTEMPT_ID in shell steps). */
  seq: number;
}

const MESSAGE_MAX = 2000;
const TRACE_LINES = 20;
const TRACE_MAX = 8000;

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.=-]+/g, '_').slice(0, 120);
}

/** The instance the attempt machinery expects, for one task (no state store behind it). */
function instanceOf(task: WorkerTask, controller: AbortController, worker: WorkerRef): RunInstance {
  const start = task.scheduledStart.toISOString();
  return {
    row: {
      id: 0,
      pipeline: task.pipelineId,
      generation: 0,
      object_id: task.objectId,
      object_type: task.type,
      scheduled_start: start,
      scheduled_end: task.scheduledEnd.toISOString(),
      status: 'RUNNING',
      run_id: 0,
      attempts: 0,
      rows: null,
      error: null,
      started_at: new Date().toISOString(),
      ended_at: null,
      worker_id: worker.id,
      lease_expires_at: null,
      max_retries: 0,
      retry_delay_ms: 0,
      failures: 0,
      retry_at: null,
    },
    obj: task.object,
    type: task.type,
    slot: {
      scheduledStart: task.scheduledStart,
      scheduledEnd: task.scheduledEnd,
      dueAt: task.scheduledStart,
    },
    status: 'RUNNING',
    inRun: true,
    upstream: [],
    downstream: [],
    failures: 0,
    attempts: 0,
    maxRetries: 0,
    retryDelayMs: 0,
    controller,
  };
}

/** The last lines of the log: stderr lines when there are any (the reason a command failed). */
function logTail(logPath: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const stderr = lines.filter((l) => l.startsWith('[stderr] ')).map((l) => l.slice(9));
  const pick = (stderr.length > 0 ? stderr : lines).slice(-TRACE_LINES).join('\n');
  return pick.length > TRACE_MAX ? pick.slice(-TRACE_MAX) : pick || undefined;
}

function clip(s: string): string {
  return s.length > MESSAGE_MAX ? `${s.slice(0, MESSAGE_MAX - 1)}…` : s;
}

/** The diagnostic code an error text starts with (`ETL7002: …`), else the generic one. */
function errorIdOf(message: string | undefined): string {
  return /^(ETL\d{4}):/.exec(message ?? '')?.[1] ?? 'ETL7854';
}

/**
 * The service may hand over a database as an instance (`@WarehouseDb_…`) of the component the
 * config names: such an object stands for the connection named after its `@componentParent`.
 */
function nameConnections(task: WorkerTask, config: EngineConfig): void {
  const dbs = config.databases ?? {};
  for (const obj of task.definition.objects) {
    const parent = obj.fields['@componentParent'];
    const component =
      parent !== undefined && !Array.isArray(parent) && isRef(parent) ? parent.ref : undefined;
    if (component && !dbs[obj.id] && dbs[component] && obj.fields.myConnection === undefined)
      obj.fields.myConnection = component;
  }
}

export async function runTask(o: RunTaskOptions): Promise<TaskOutcome> {
  const { task } = o;
  nameConnections(task, o.config);
  const graph = new ObjectGraph(task.definition);
  const logDir = join(o.stateDir, 'worker', 'logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${safe(task.pipelineId)}_${safe(task.attemptId)}_${o.seq}.log`);
  const env = await openAttemptEnv({
    graph,
    def: task.definition,
    pipeline: task.pipelineId,
    stateDir: o.stateDir,
    config: o.config,
    cwd: o.cwd,
    mode: o.mode,
    configPath: o.configPath,
    worker: o.worker,
    reporter: o.reporter,
    activities: task.kind === 'activity' ? [task.object] : [],
    upstreamOf: new Map(),
    overlap: false,
  });
  const l = instanceOf(task, o.controller, o.worker);
  const run = { attemptId: o.seq, logPath, started: Date.now(), onSpawn: () => undefined };
  try {
    if (task.kind === 'precondition') return await checkTask(env, l, run, o);
    const outcome = await runAttempt(env, l, run);
    if (outcome.status === 'FINISHED') return { end: 'FINISHED', rows: outcome.rows, logPath };
    const stop = o.controller.signal.reason;
    if (stop instanceof AbortReason && stop.why === 'stop') {
      const cause = o.stopCause();
      if (cause === 'canceled')
        return {
          end: 'CANCELED',
          errorId: 'ETL7852',
          errorMessage: 'ETL7852: Data Pipeline canceled the task',
          logPath,
        };
      return {
        end: 'HANDED_BACK',
        errorId: 'ETL7851',
        errorMessage: `ETL7851: ${stop.message}`,
        errorStackTrace: logTail(logPath),
        logPath,
      };
    }
    const timedOut = outcome.status === 'TIMEDOUT';
    const message = timedOut
      ? `ETL7853: ${outcome.error ?? 'the task timed out'}`
      : (outcome.error ?? 'failed');
    return {
      end: timedOut ? 'TIMEDOUT' : 'FAILED',
      errorId: timedOut ? 'ETL7853' : errorIdOf(message),
      errorMessage: clip(message),
      errorStackTrace: logTail(logPath),
      logPath,
    };
  } finally {
    await env.pool.closeAll();
    await env.s3Endpoint?.close();
  }
}

/** A precondition task: checked once (Data Pipeline polls again per preconditionTimeout). */
async function checkTask(
  env: AttemptEnv,
  l: RunInstance,
  run: { attemptId: number; logPath: string; started: number; onSpawn: () => undefined },
  o: RunTaskOptions,
): Promise<TaskOutcome> {
  const { createWriteStream } = await import('node:fs');
  const log = createWriteStream(run.logPath, { flags: 'a' });
  const lease = env.pool.lease();
  try {
    const target = {
      obj: l.obj,
      times: { scheduledStart: l.slot.scheduledStart, scheduledEnd: l.slot.scheduledEnd },
    };
    const ctx = attemptContext(env, l, run, {
      why: { fails: [] },
      target,
      lease,
      log,
      raised: [],
      translations: [],
      signal: o.controller.signal,
    });
    const why = await checkPrecondition(ctx.object, ctx.object, ctx);
    if (why === undefined) return { end: 'FINISHED', logPath: run.logPath };
    log.write(`[etlctl] precondition not met: ${why}\n`);
    return { end: 'FALSE', errorMessage: clip(why), logPath: run.logPath };
  } catch (e) {
    const t = errorText(e);
    return {
      end: 'FAILED',
      errorId: errorIdOf(t.message),
      errorMessage: clip(t.message),
      errorStackTrace: logTail(run.logPath),
      logPath: run.logPath,
    };
  } finally {
    await lease.release();
    await new Promise<void>((r) => log.end(r));
  }
}
