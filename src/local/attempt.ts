/**
 * One attempt of one instance (dbt's task runner: before / execute / after): its log file, its
 * attemptTimeout, the connections it leases, its preconditions (polled up to
 * preconditionTimeout), the activity runner, cancellation (timeout, lateness, stop, an upstream
 * writer that failed) and what the outcome means for the instance (retry, fail, wait). The
 * scheduler (run.ts) claims the instance in the store before and records the outcome after.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Definition, PipelineObject } from '../definition/model.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';
import { runActivity } from './activities/index.js';
import type { CommitIdentity } from './commits.js';
import { CommitLedger } from './commits.js';
import type { ShellContext } from './activities/shell.js';
import type { ActivityResult } from './activities/types.js';
import type { RaisedAlert } from './alarms.js';
import { noteRaisedAlert } from './alarms.js';
import type { EngineConfig } from './connections.js';
import { ConnectionPool, connectionFor } from './connections.js';
import type { Lease } from './connections.js';
import type { Reporter } from './engine.js';
import { errorText } from './errors.js';
import { gatedS3, planHandoffs } from './handoff.js';
import type { RunInstance } from './instance.js';
import { info, timesOf } from './instance.js';
import type { EvalTarget } from './objects.js';
import { ObjectGraph, evaluateObject } from './objects.js';
import { checkPrecondition } from './preconditions.js';
import type { LocalS3 } from './s3.js';
import { createLocalS3 } from './s3.js';
import type { AttemptStatus, InstanceUpdate, WorkerRef } from './state/store.js';
import { materializeAssets, writeEtlctlShim } from './workspace.js';
import type { ShellCompat } from './shell-compat.js';
import { chooseShell, writeCompatShims } from './shell-compat.js';
import type { S3Endpoint } from './s3-endpoint.js';
import { startS3Endpoint } from './s3-endpoint.js';

const PRECONDITION_POLL_MS = 2000;

export type StopReason = 'stop' | 'timeout' | 'late' | 'upstream';

/** Why an attempt's controller was aborted. */
export class AbortReason extends Error {
  constructor(
    readonly why: StopReason,
    message: string,
  ) {
    super(message);
  }
}

/** The run's settings every attempt reads. */
export interface AttemptSettings {
  graph: ObjectGraph;
  pipeline: string;
  stateDir: string;
  config: EngineConfig;
  cwd: string;
  mode?: string;
  configPath?: string;
  worker: WorkerRef;
  reporter: Reporter;
}

/** What every attempt of a run shares. */
export interface AttemptEnv extends AttemptSettings {
  s3: LocalS3;
  pool: ConnectionPool;
  shimDir: string;
  /** Shell steps as Data Pipeline workers run them (shell-compat.ts). */
  compat: ShellCompat;
  /** The loopback S3 endpoint of this run (closed with the run), when shell steps may use `aws s3`. */
  s3Endpoint?: S3Endpoint;
  localDatabaseUrl: (stateDir: string, name: string) => string;
  /** Writer activity id → the reader that may stream its output as it is written. */
  handoffs: Map<string, string>;
}

export interface AttemptEnvOptions extends AttemptSettings {
  def: Definition;
  activities: PipelineObject[];
  upstreamOf: Map<string, PipelineObject[]>;
  overlap?: boolean;
  s3?: LocalS3;
}

/** Set up what the run's attempts need: S3, the drivers, overlap pairs, the etlctl shim, assets. */
export async function openAttemptEnv(o: AttemptEnvOptions): Promise<AttemptEnv> {
  const { graph, stateDir } = o;
  const s3 =
    o.s3 ??
    createLocalS3({
      stateDir,
      endpoint: o.config.local?.s3Endpoint ? { endpoint: o.config.local.s3Endpoint } : undefined,
    });
  // Loaded here, not at module load: `etlctl --help` and the compiler never need the drivers.
  const { localDatabaseUrl, openDriver } = await import('./drivers/index.js');
  const usesEmbeddedDatabase = (a: PipelineObject): boolean =>
    [...graph.refs(a, 'input'), ...graph.refs(a, 'output')].some((node) =>
      graph.refs(node, 'database').some((db) => {
        try {
          return connectionFor(graph, db, o.config, stateDir, localDatabaseUrl).embedded;
        } catch {
          return true; // unresolvable: the runner reports it; do not pair on a guess
        }
      }),
    );
  const handoffs =
    (o.overlap ?? o.config.local?.overlapSteps ?? true)
      ? planHandoffs(graph, o.activities, o.upstreamOf, usesEmbeddedDatabase)
      : new Map<string, string>();
  const shimDir = writeEtlctlShim(stateDir);
  // `aws s3 …` in shell steps: the configured S3-compatible endpoint, else one over the local folder.
  const shelly = o.def.objects.some((x) => /^ShellCommand(Activity|Precondition)$/.test(graph.type(x) ?? ''));
  const configured = o.config.local?.s3Endpoint;
  const s3Endpoint = shelly && !configured && !o.s3 ? await startEndpoint(stateDir) : undefined;
  const compat: ShellCompat = {
    shell: chooseShell(o.config.local?.shell),
    skipPackageInstalls: o.config.local?.skipPackageInstalls ?? true,
    binDir: writeCompatShims(stateDir),
    s3Endpoint: configured ?? s3Endpoint?.url,
  };
  await materializeAssets(o.def, s3);
  const pool = new ConnectionPool(async (c) => {
    // An embedded database is created on first use; its parent folder may not exist yet.
    const dataDir = /^pglite:\/\/(?!memory$)(.+)$/i.exec(c.url)?.[1];
    if (dataDir) mkdirSync(dirname(resolvePath(dataDir)), { recursive: true });
    return openDriver(c.url, { seedSql: c.seedSql });
  });
  return { ...o, s3, pool, shimDir, compat, s3Endpoint, localDatabaseUrl, handoffs };
}

async function startEndpoint(stateDir: string): Promise<S3Endpoint> {
  try {
    return await startS3Endpoint(stateDir);
  } catch (e) {
    throw new EtlError(
      diag('ETL7601', `the local S3 endpoint could not start: ${(e as Error).message}`),
      ExitCode.ENVIRONMENT,
    );
  }
}

export interface AttemptOutcome {
  status: AttemptStatus;
  error?: string;
  /** The failure is an environment problem (exit 3). */
  env?: boolean;
  rows?: number;
  why?: StopReason;
  /** Warnings the step raised through an alarm. */
  raised: RaisedAlert[];
  /** SQL translations and ignored options the runner reported. */
  translations: string[];
}

export interface AttemptRun {
  attemptId: number;
  logPath: string;
  started: number;
  /** The step started a process (recorded so a crash can clean it up). */
  onSpawn(pid: number | undefined): void;
  /** Data runners' commits on targets are recorded with this identity (exactly-once, commits.ts). */
  commit?: CommitIdentity;
}

/** Run one attempt of `l` to its outcome; never throws for what the step did. */
export async function runAttempt(env: AttemptEnv, l: RunInstance, run: AttemptRun): Promise<AttemptOutcome> {
  const { graph } = env;
  const controller = l.controller!;
  const timeoutMs = graph.durationMs(l.obj, 'attemptTimeout');
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new AbortReason('timeout', `attempt timed out after ${graph.str(l.obj, 'attemptTimeout')}`),
            ),
          timeoutMs,
        );
  const log = createWriteStream(run.logPath, { flags: 'a' });
  const lease = env.pool.lease();
  const raised: RaisedAlert[] = [];
  const translations: string[] = [];
  const why: FailureLines = { fails: [] };
  let work: Promise<ActivityResult> | undefined;
  // Stopped (timeout, lateness, Ctrl-C, a failed upstream): the servers stop what the step runs.
  let cancelling: Promise<void> | undefined;
  const cancel = (): void => {
    cancelling = cancelServerWork(env, l, lease, controller.signal, log);
  };
  if (controller.signal.aborted) cancel();
  else controller.signal.addEventListener('abort', cancel, { once: true });
  try {
    const target: EvalTarget = { obj: l.obj, times: timesOf(l, { actualStart: new Date(run.started) }) };
    const ctx = attemptContext(env, l, run, {
      target,
      lease,
      log,
      raised,
      translations,
      why,
      signal: controller.signal,
    });
    const aborted = new Promise<never>((_, reject) => {
      const fail = (): void => reject(controller.signal.reason as Error);
      if (controller.signal.aborted) fail();
      controller.signal.addEventListener('abort', fail, { once: true });
    });
    aborted.catch(() => undefined);
    // `etlctl task …` opens the configured databases in its own process; embedded ones are single-process.
    if (l.type === 'ShellCommandActivity' && /\betlctl\s+task\b/.test(graph.str(l.obj, 'command') ?? '')) {
      await lease.exclusive();
    }
    await Promise.race([checkPreconditions(env, l, ctx, target), aborted]);
    work = runActivity(l.type, ctx);
    const result = await Promise.race([work, aborted]);
    return { status: 'FINISHED', rows: result.rowsMoved ?? l.rows, raised, translations };
  } catch (e) {
    const outcome = withReason(await failedOutcome(e, controller.signal, work), why);
    log.write(`[etlctl] ${outcome.status}: ${outcome.error}\n`);
    return { ...outcome, raised, translations };
  } finally {
    if (timer) clearTimeout(timer);
    controller.signal.removeEventListener('abort', cancel);
    await cancelling;
    await lease.release();
    await new Promise<void>((r) => log.end(r));
    l.controller = undefined;
  }
}

/** Cancels the statements of the attempt's server sessions; a failed cancel is said, not fatal. */
async function cancelServerWork(
  env: AttemptEnv,
  l: RunInstance,
  lease: Lease,
  signal: AbortSignal,
  log: NodeJS.WritableStream,
): Promise<void> {
  const why = signal.reason instanceof Error ? signal.reason : new Error('the attempt was stopped');
  log.write(`[etlctl] ${why.message}: cancelling the step's running work\n`);
  for (const failure of await lease.cancel(why)) {
    const message = `ETL7401: ${l.obj.id}: could not cancel the running statement on ${failure}`;
    log.write(`[etlctl] ${message}\n`);
    env.reporter.event({ kind: 'note', message });
  }
}

async function failedOutcome(
  e: unknown,
  signal: AbortSignal,
  work: Promise<ActivityResult> | undefined,
): Promise<Omit<AttemptOutcome, 'raised' | 'translations'>> {
  const reason = signal.aborted ? (signal.reason as unknown) : undefined;
  // Let an aborted runner wind down (its process group is being killed) before a retry starts.
  if (work && reason !== undefined) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
  }
  if (reason instanceof AbortReason) {
    const status = reason.why === 'timeout' ? 'TIMEDOUT' : reason.why === 'late' ? 'CANCELED' : 'INTERRUPTED';
    return { status, error: reason.message, why: reason.why };
  }
  const t = errorText(e, { hints: true });
  return { status: 'FAILED', error: t.message, env: t.env };
}

/** The lines of a step's output that say why it failed (a QA check's FAIL line, the last stderr line). */
interface FailureLines {
  fails: string[];
  lastErr?: string;
}

function noteFailureLine(line: string, why: FailureLines): void {
  // Shell steps log stdout as is and stderr as `[stderr] …` (activities/shell.ts).
  const err = line.startsWith('[stderr] ');
  const text = (err ? line.slice(9) : line).trim();
  if (text === '' || line.startsWith('[etlctl]')) return;
  if (/^(FAIL|ERROR) /.test(text)) why.fails.push(text);
  else if (err && !text.startsWith('ETLCTL-ALERT')) why.lastErr = text;
}

/**
 * "command exited with code 1" says nothing: add what the step said (at most three FAIL/ERROR
 * lines, else its last stderr line), so the console and the alert carry the reason.
 */
function withReason<T extends { status: string; error?: string }>(outcome: T, why: FailureLines): T {
  if (outcome.status !== 'FAILED' || outcome.error === undefined) return outcome;
  const lines = why.fails.length > 0 ? why.fails.slice(0, 3) : why.lastErr ? [why.lastErr] : [];
  const reason = lines.map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l)).join('; ');
  if (!reason || outcome.error.includes(reason)) return outcome;
  const more = why.fails.length > 3 ? ` (+${why.fails.length - 3} more)` : '';
  return { ...outcome, error: `${outcome.error}: ${reason}${more}` };
}

export interface ContextParts {
  why: FailureLines;
  target: EvalTarget;
  lease: Lease;
  log: NodeJS.WritableStream;
  raised: RaisedAlert[];
  translations: string[];
  signal: AbortSignal;
}

function stepDir(stateDir: string, pipeline: string, l: RunInstance): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');
  const dir = join(stateDir, 'work', safe(pipeline), safe(l.obj.id), safe(l.row.scheduled_start));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * What the activity runner sees: its evaluated object, references, connections, S3, log, env.
 * Exported for `etlctl worker` (src/aws/worker/), which checks precondition tasks with it.
 */
export function attemptContext(
  env: AttemptEnv,
  l: RunInstance,
  run: AttemptRun,
  p: ContextParts,
): ShellContext {
  const { graph, pipeline, stateDir } = env;
  let lastProgress = 0;
  const log = (line: string): void => {
    noteRaisedAlert(line, p.raised);
    noteFailureLine(line, p.why);
    p.log.write(line.endsWith('\n') ? line : line + '\n');
  };
  return {
    object: evaluateObject(graph, p.target, pipeline),
    resolve: (id: string) => {
      const o = graph.get(id);
      if (!o)
        throw new EtlError(
          diag('ETL7549', `'${l.obj.id}' refers to '${id}', which is not in the definition`, {
            objectId: l.obj.id,
          }),
        );
      return evaluateObject(graph, { obj: o, times: p.target.times, node: p.target }, pipeline);
    },
    connect: async (dbId: string) => {
      const o = graph.get(dbId);
      if (!o)
        throw new EtlError(
          diag('ETL7549', `database object '${dbId}' is not in the definition`, { objectId: l.obj.id }),
        );
      return p.lease.connect(connectionFor(graph, o, env.config, stateDir, env.localDatabaseUrl));
    },
    // A reader's S3 is complete only once its writer has finished.
    s3: l.handoffIn ? gatedS3(env.s3, l.handoffIn.handoff.done) : env.s3,
    handoff: l.handoffOut?.handoff.writer ?? l.handoffIn?.handoff.reader,
    stateDir,
    log,
    commits: run.commit
      ? new CommitLedger(run.commit, log, (line) => {
          log(`[etlctl] ${line}`);
          if (!p.translations.includes(line)) p.translations.push(line);
        })
      : undefined,
    progress: (rows: number) => {
      l.rows = rows;
      // Runners may report every batch; the display needs a few updates a second at most.
      const at = Date.now();
      if (at - lastProgress < 250) return;
      lastProgress = at;
      env.reporter.event({ kind: 'progress', instance: info(l), rows, elapsedMs: at - run.started });
    },
    signal: p.signal,
    translations: p.translations,
    // Each step in its own working directory under the state dir, as a worker gives each task one.
    cwd: stepDir(stateDir, pipeline, l),
    compat: env.compat,
    env: {
      PATH: `${env.shimDir}:${process.env.PATH ?? ''}`,
      ETLCTL_LOCAL__STATE_DIR: stateDir,
      ...(env.mode ? { ETLCTL_MODE: env.mode } : {}),
      ...(env.configPath ? { ETLCTL_CONFIG: env.configPath } : {}),
      ETL_PIPELINE: pipeline,
      ETL_OBJECT_ID: l.obj.id,
      ETL_SCHEDULED_START: l.row.scheduled_start,
      ETL_ATTEMPT_ID: String(run.attemptId),
      // The worker that claimed the instance (its id in the state store's attempts).
      ETLCTL_WORKER_ID: env.worker.id,
    },
    onSpawn: run.onSpawn,
  };
}

/** The activity's and its input nodes' preconditions, each polled until it holds or times out. */
async function checkPreconditions(
  env: AttemptEnv,
  l: RunInstance,
  ctx: ShellContext,
  target: EvalTarget,
): Promise<void> {
  const { graph, pipeline } = env;
  const guarded: [PipelineObject, EvalTarget][] = [[ctx.object, target]];
  for (const input of graph.refs(l.obj, 'input')) {
    guarded.push([ctx.resolve(input.id), { obj: input, times: target.times }]);
  }
  for (const [node, nodeTarget] of guarded) {
    for (const pre of graph.refs(graph.get(node.id) ?? node, 'precondition')) {
      const evalPre = evaluateObject(graph, { obj: pre, times: target.times, node: nodeTarget }, pipeline);
      const deadline = Date.now() + (graph.durationMs(pre, 'preconditionTimeout') ?? 0);
      for (;;) {
        const why = await checkPrecondition(evalPre, node, { ...ctx, object: evalPre });
        if (why === undefined) break;
        if (Date.now() >= deadline || ctx.signal.aborted) {
          throw new EtlError(
            diag('ETL7550', `precondition '${pre.id}' not met: ${why}`, { objectId: pre.id }),
          );
        }
        ctx.log(`[etlctl] precondition '${pre.id}' not met yet (${why}); checking again`);
        await new Promise((r) =>
          setTimeout(r, Math.min(PRECONDITION_POLL_MS, Math.max(0, deadline - Date.now()))),
        );
      }
    }
  }
}

export interface RetryPolicy {
  maxRetries: number;
  retryDelayMs: number;
  /** The run is stopping: nothing retries. */
  stopping: boolean;
  now: number;
}

/** What an attempt's outcome makes of its instance, and which way the run reports it. */
export type NextState =
  | { kind: 'finished'; update: InstanceUpdate }
  | { kind: 'interrupted'; update: InstanceUpdate }
  | { kind: 'retry'; update: InstanceUpdate; retryAt: number; delayMs: number }
  | { kind: 'failed'; update: InstanceUpdate };

/**
 * Data Pipeline's rules: a finished attempt finishes the instance; one stopped by the run or by
 * its upstream writer waits to run again; a failure retries after retryDelay up to
 * maximumRetries (never once canceled for lateness or while stopping), else the instance fails.
 */
export function nextState(
  outcome: Pick<AttemptOutcome, 'status' | 'error' | 'rows' | 'why'>,
  l: Pick<RunInstance, 'failures' | 'canceled'>,
  policy: RetryPolicy,
): NextState {
  if (outcome.status === 'FINISHED') {
    return { kind: 'finished', update: { status: 'FINISHED', rows: outcome.rows ?? null, error: null } };
  }
  if (outcome.why === 'stop' || outcome.why === 'upstream') {
    return { kind: 'interrupted', update: { status: 'WAITING_ON_DEPENDENCIES', error: outcome.error } };
  }
  const failures = l.failures + 1;
  if (outcome.why !== 'late' && !l.canceled && failures <= policy.maxRetries && !policy.stopping) {
    const retryAt = policy.now + policy.retryDelayMs;
    return {
      kind: 'retry',
      retryAt,
      delayMs: policy.retryDelayMs,
      update: {
        status: 'WAITING_FOR_RUNNER',
        error: outcome.error,
        failures,
        retryAt: new Date(retryAt).toISOString(),
      },
    };
  }
  const status = outcome.why === 'late' || l.canceled ? 'CANCELED' : 'FAILED';
  return { kind: 'failed', update: { status, error: outcome.error, failures } };
}
