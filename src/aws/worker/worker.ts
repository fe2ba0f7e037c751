/**
 * `etlctl worker`: a Task Runner for AWS Data Pipeline on any machine (hybrid, no Java), like
 * AWS's TaskRunner jar. It heartbeats (ReportTaskRunnerHeartbeat), polls the tasks of its worker
 * group (PollForTask), runs each with the local engine's runners (run-task.ts), keeps the
 * attempt alive with ReportTaskProgress while it runs (stopping it when the answer says
 * `canceled`) and ends it with SetTaskStatus. Aborting `signal` stops the worker: the running
 * task gets `graceMs` to finish, then is stopped and handed back (FAILED, errorId ETL7851) so Data
 * Pipeline retries it. Prints nothing: everything goes through `onEvent`.
 */
import { hostname } from 'node:os';
import type { Diagnostic } from '../../diagnostics/index.js';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import { stateDirOf } from '../../local/activate.js';
import type { ResolvedConfig } from '../../config/types.js';
import type { TaskApi } from './api.js';
import { openTaskApi } from './api.js';
import { executeTask } from './execute.js';
import type { TaskSummary } from './execute.js';

export type { TaskSummary } from './execute.js';

export type WorkerEvent =
  | { kind: 'worker-started'; taskrunnerId: string; workerGroup: string; region: string; endpoint?: string }
  | {
      kind: 'worker-task-start';
      taskId: string;
      pipelineId: string;
      objectId: string;
      type: string;
      logPath?: string;
    }
  | { kind: 'worker-task-progress'; taskId: string; canceled: boolean }
  | { kind: 'worker-task-end'; task: TaskSummary }
  | { kind: 'worker-note'; diagnostic: Diagnostic }
  | { kind: 'worker-stopped'; reason: StopReason };

export type StopReason = 'signal' | 'once' | 'max-tasks' | 'terminate';

export interface WorkerOptions {
  workerGroup: string;
  region?: string;
  endpointUrl?: string;
  /** One poll (and the task it brings, if any), then exit. */
  once?: boolean;
  maxTasks?: number;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  progressIntervalMs?: number;
  taskTimeoutMs?: number;
  graceMs?: number;
  /** taskrunnerId (default etlctl-HOST-PID). */
  id?: string;
  mode?: string;
  configPath?: string;
  cwd?: string;
  signal: AbortSignal;
  onEvent: (e: WorkerEvent) => void;
}

export interface WorkerResult {
  taskrunnerId: string;
  workerGroup: string;
  region: string;
  stateDir: string;
  polls: number;
  heartbeats: number;
  stopped: StopReason;
  tasks: TaskSummary[];
}

const MAX_POLL_FAILURES = 10;

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runWorker(o: WorkerOptions): Promise<WorkerResult> {
  if (!/^\S+$/.test(o.workerGroup))
    throw new EtlError(
      diag('ETL7850', `--worker-group '${o.workerGroup}' is not a worker group name`, {
        hint: 'use the workerGroup value of the activities this machine runs, e.g. --worker-group onprem',
      }),
      ExitCode.USAGE,
    );
  const { loadConfig } = await import('../../config/load.js');
  const config = loadConfig({ configPath: o.configPath, mode: o.mode, cwd: o.cwd });
  const region = o.region ?? config.aws?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region)
    throw new EtlError(
      diag('ETL6515', 'etlctl worker: no AWS region is configured', {
        hint: 'pass --region, set aws.region in the config mode, or AWS_REGION in the environment',
      }),
      ExitCode.ENVIRONMENT,
    );
  const host = hostname();
  const taskrunnerId = o.id ?? `etlctl-${host}-${process.pid}`;
  const api = await openTaskApi({
    region,
    endpoint: o.endpointUrl,
    workerGroup: o.workerGroup,
    taskrunnerId,
    hostname: host,
  });
  const result: WorkerResult = {
    taskrunnerId,
    workerGroup: o.workerGroup,
    region,
    stateDir: stateDirOf(config, o.cwd),
    polls: 0,
    heartbeats: 0,
    stopped: 'signal',
    tasks: [],
  };
  try {
    await firstHeartbeat(api, o);
    result.heartbeats++;
    o.onEvent({
      kind: 'worker-started',
      taskrunnerId,
      workerGroup: o.workerGroup,
      region,
      ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
    });
    // Steps see the Task Runner's id as ETLCTL_WORKER_ID.
    await loop(api, { ...o, id: taskrunnerId }, config, result);
  } finally {
    api.destroy();
  }
  o.onEvent({ kind: 'worker-stopped', reason: result.stopped });
  return result;
}

/** The first heartbeat proves the endpoint, region and credentials before anything is polled. */
async function firstHeartbeat(api: TaskApi, o: WorkerOptions): Promise<void> {
  try {
    await api.heartbeat();
  } catch (e) {
    const why = e instanceof EtlError ? e.diagnostics[0] : undefined;
    throw new EtlError(
      diag('ETL6510', `etlctl worker cannot reach AWS Data Pipeline: ${why?.message ?? String(e)}`, {
        hint:
          (why?.hint ? `${why.hint}; ` : '') +
          (o.endpointUrl
            ? `the endpoint is ${o.endpointUrl} (--endpoint-url)`
            : 'check --region and the network'),
      }),
      ExitCode.ENVIRONMENT,
    );
  }
}

async function loop(
  api: TaskApi,
  o: WorkerOptions,
  config: ResolvedConfig,
  result: WorkerResult,
): Promise<void> {
  let terminate = false;
  const beat = setInterval(() => {
    api.heartbeat().then(
      (r) => {
        result.heartbeats++;
        if (r.terminate && !terminate) {
          terminate = true;
          o.onEvent({
            kind: 'worker-note',
            diagnostic: diag('ETL6517', 'Data Pipeline asked this Task Runner to terminate', {
              severity: 'info',
            }),
          });
        }
      },
      (e: unknown) =>
        o.onEvent({
          kind: 'worker-note',
          diagnostic: diag('ETL6514', `heartbeat failed: ${(e as Error).message}`, { severity: 'warning' }),
        }),
    );
  }, o.heartbeatIntervalMs ?? 60_000);
  let failures = 0;
  try {
    while (!o.signal.aborted && !terminate) {
      let task;
      try {
        result.polls++;
        task = await api.poll();
        failures = 0;
      } catch (e) {
        failures++;
        const message = `PollForTask failed (${failures} in a row): ${(e as Error).message}`;
        if (o.once || failures >= MAX_POLL_FAILURES)
          throw new EtlError(
            diag('ETL6511', message, {
              hint: 'check the network and the datapipeline:PollForTask permission',
            }),
            ExitCode.ENVIRONMENT,
          );
        o.onEvent({ kind: 'worker-note', diagnostic: diag('ETL6518', message, { severity: 'warning' }) });
        await sleep(Math.min(60_000, 1000 * 2 ** failures), o.signal);
        continue;
      }
      if (task) {
        result.tasks.push(await executeTask(api, task, o, config, result.tasks.length + 1));
        if (o.maxTasks !== undefined && result.tasks.length >= o.maxTasks) {
          result.stopped = 'max-tasks';
          return;
        }
      }
      if (o.once) {
        result.stopped = 'once';
        return;
      }
      if (!task) await sleep(o.pollIntervalMs ?? 5000, o.signal);
    }
    result.stopped = terminate ? 'terminate' : 'signal';
  } finally {
    clearInterval(beat);
  }
}
