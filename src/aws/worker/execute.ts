/**
 * One polled task from start to SetTaskStatus: read its objects, run it (run-task.ts) while a
 * timer reports progress (a `canceled: true` answer, or the service no longer knowing the task,
 * stops it), stop it at `--task-timeout`, hand it back when the worker is stopped and the grace
 * period has passed, then report how it ended (a few tries: a lost SetTaskStatus leaves the
 * attempt to time out on the service).
 */
import { hostname } from 'node:os';
import type { Diagnostic } from '../../diagnostics/index.js';
import { diag, EtlError } from '../../diagnostics/index.js';
import { AbortReason } from '../../local/attempt.js';
import { stateDirOf } from '../../local/activate.js';
import type { ResolvedConfig } from '../../config/types.js';
import type { TaskApi } from './api.js';
import { isTaskGone } from './api.js';
import type { TaskEnd, TaskOutcome } from './run-task.js';
import { runTask } from './run-task.js';
import type { ApiTaskObject } from './task.js';
import { readTask } from './task.js';
import type { WorkerEvent, WorkerOptions } from './worker.js';

export interface TaskSummary {
  taskId: string;
  pipelineId: string;
  attemptId: string;
  objectId: string;
  type: string;
  /** FINISHED, FAILED, FALSE (precondition not met), TIMEDOUT, CANCELED (by Data Pipeline), HANDED_BACK (worker stopped). */
  end: TaskEnd;
  /** What SetTaskStatus was sent (none for a canceled task); null when the call failed. */
  reported: 'FINISHED' | 'FAILED' | 'FALSE' | null;
  errorId?: string;
  errorMessage?: string;
  progressReports: number;
  durationMs: number;
  logPath?: string;
}

type Options = Pick<
  WorkerOptions,
  | 'progressIntervalMs'
  | 'taskTimeoutMs'
  | 'graceMs'
  | 'signal'
  | 'onEvent'
  | 'mode'
  | 'configPath'
  | 'cwd'
  | 'id'
>;

export async function executeTask(
  api: TaskApi,
  raw: ApiTaskObject,
  o: Options,
  config: ResolvedConfig,
  seq: number,
): Promise<TaskSummary> {
  const started = Date.now();
  const taskId = raw.taskId ?? '';
  const base = {
    taskId,
    pipelineId: raw.pipelineId ?? '',
    attemptId: raw.attemptId ?? '',
    // Until the task is read: the component the attempt names, else the attempt id.
    objectId:
      raw.objects?.[raw.attemptId ?? '']?.fields?.find((f) => f.key === '@componentParent')?.refValue ??
      raw.attemptId ??
      '',
    type: '',
    progressReports: 0,
  };
  let outcome: TaskOutcome | { end: 'FAILED'; errorId: string; errorMessage: string; logPath?: string };
  let summary = base;
  try {
    const task = readTask(raw);
    summary = { ...base, objectId: task.objectId, type: task.type };
    o.onEvent({
      kind: 'worker-task-start',
      taskId,
      pipelineId: task.pipelineId,
      objectId: task.objectId,
      type: task.type,
    });
    outcome = await supervise(api, o, summary, (controller, stopCause) =>
      runTask({
        task,
        config,
        stateDir: stateDirOf(config, o.cwd),
        cwd: o.cwd ?? process.cwd(),
        mode: o.mode,
        configPath: o.configPath,
        worker: { id: o.id ?? `etlctl-${hostname()}-${process.pid}`, host: hostname(), pid: process.pid },
        controller,
        stopCause,
        seq,
        reporter: {
          event: (e) => {
            if (e.kind === 'note')
              o.onEvent({
                kind: 'worker-note',
                diagnostic: { code: 'ETL7855', severity: 'info', message: e.message },
              });
          },
        },
      }),
    );
  } catch (e) {
    // Nothing ran (an unrunnable task, a config problem): Data Pipeline still needs an answer.
    const d: Diagnostic | undefined = e instanceof EtlError ? e.diagnostics[0] : undefined;
    outcome = {
      end: 'FAILED',
      errorId: d?.code ?? 'ETL7854',
      errorMessage: d ? `${d.code}: ${d.message}` : (e as Error).message,
    };
  }
  const reported = await report(api, o, taskId, outcome);
  const done: TaskSummary = {
    ...summary,
    end: outcome.end,
    reported,
    ...(outcome.errorId ? { errorId: outcome.errorId } : {}),
    ...(outcome.errorMessage ? { errorMessage: outcome.errorMessage } : {}),
    durationMs: Date.now() - started,
    ...(outcome.logPath ? { logPath: outcome.logPath } : {}),
  };
  o.onEvent({ kind: 'worker-task-end', task: done });
  return done;
}

/** Runs `work` with progress reports, the task timeout and the worker's stop signal around it. */
async function supervise(
  api: TaskApi,
  o: Options,
  summary: { taskId: string; progressReports: number },
  work: (c: AbortController, stopCause: () => 'canceled' | 'shutdown' | undefined) => Promise<TaskOutcome>,
): Promise<TaskOutcome> {
  const controller = new AbortController();
  let cause: 'canceled' | 'shutdown' | undefined;
  const stop = (why: 'canceled' | 'shutdown', message: string): void => {
    if (controller.signal.aborted) return;
    cause = why;
    controller.abort(new AbortReason('stop', message));
  };
  const progress = async (): Promise<void> => {
    try {
      const r = await api.progress(summary.taskId);
      summary.progressReports++;
      o.onEvent({ kind: 'worker-task-progress', taskId: summary.taskId, canceled: r.canceled });
      if (r.canceled) stop('canceled', 'Data Pipeline canceled the task');
    } catch (e) {
      if (isTaskGone(e)) stop('canceled', 'Data Pipeline no longer knows the task');
      else
        o.onEvent({
          kind: 'worker-note',
          diagnostic: diag('ETL6512', `ReportTaskProgress failed: ${(e as Error).message}`, {
            severity: 'warning',
          }),
        });
    }
  };
  // Report at once (the service sees the task taken), then every interval while it runs.
  void progress();
  const ticker = setInterval(() => void progress(), o.progressIntervalMs ?? 30_000);
  const timeout =
    o.taskTimeoutMs === undefined
      ? undefined
      : setTimeout(
          () => controller.abort(new AbortReason('timeout', `the task ran longer than --task-timeout`)),
          o.taskTimeoutMs,
        );
  let grace: NodeJS.Timeout | undefined;
  const onStop = (): void => {
    grace = setTimeout(
      () => stop('shutdown', 'the worker was stopped before the task finished; handed back for a retry'),
      o.graceMs ?? 30_000,
    );
  };
  if (o.signal.aborted) onStop();
  else o.signal.addEventListener('abort', onStop, { once: true });
  try {
    return await work(controller, () => cause);
  } finally {
    clearInterval(ticker);
    clearTimeout(timeout);
    clearTimeout(grace);
    o.signal.removeEventListener('abort', onStop);
  }
}

const STATUS: Record<TaskEnd, 'FINISHED' | 'FAILED' | 'FALSE' | undefined> = {
  FINISHED: 'FINISHED',
  FALSE: 'FALSE',
  FAILED: 'FAILED',
  TIMEDOUT: 'FAILED',
  HANDED_BACK: 'FAILED',
  CANCELED: undefined,
};

/** SetTaskStatus, tried three times; a canceled task is not reported (the service ended it). */
async function report(
  api: TaskApi,
  o: Options,
  taskId: string,
  outcome: Pick<TaskOutcome, 'end' | 'errorId' | 'errorMessage' | 'errorStackTrace'>,
): Promise<TaskSummary['reported']> {
  const taskStatus = STATUS[outcome.end];
  if (!taskStatus) return null;
  const failed = taskStatus === 'FAILED';
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      await api.setStatus({
        taskId,
        taskStatus,
        ...(failed
          ? {
              errorId: outcome.errorId ?? 'ETL7854',
              errorMessage: outcome.errorMessage,
              ...(outcome.errorStackTrace ? { errorStackTrace: outcome.errorStackTrace } : {}),
            }
          : {}),
      });
      return taskStatus;
    } catch (e) {
      last = e;
      if (isTaskGone(e)) break;
      await new Promise((r) => setTimeout(r, 1000 * (i + 1)));
    }
  }
  o.onEvent({
    kind: 'worker-note',
    diagnostic: diag('ETL6513', `SetTaskStatus ${taskStatus} failed: ${(last as Error).message}`, {
      hint: 'Data Pipeline times the attempt out and retries it per maximumRetries',
    }),
  });
  return null;
}

export type { WorkerEvent };
