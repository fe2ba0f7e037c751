/**
 * The local scheduler's run (DESIGN.md decision 8), tying the pieces together: plan the due
 * instances (plan.ts), record them, then start what the ready queue (queue.ts) says is ready with
 * bounded parallelism, one attempt at a time per instance (attempt.ts), firing alarms (alarms.ts).
 * Every change is recorded in the state store first — the claim before an attempt starts, its
 * outcome before anything downstream may rely on it — so a run killed at any point is resumed by
 * the next one (digdag-style: finished instances stay finished, interrupted ones run again).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Definition, PipelineObject } from '../definition/model.js';
import { stringifyDefinition } from '../definition/json.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';
import { Alarms, lateDeadlines } from './alarms.js';
import type { CommitIdentity } from './commits.js';
import { commitScope } from './commits.js';
import type { AttemptEnv, AttemptOutcome } from './attempt.js';
import { AbortReason, nextState, openAttemptEnv, runAttempt } from './attempt.js';
import type { Reporter, RunDefinitionOptions, RunSummary } from './engine.js';
import { errorText } from './errors.js';
import { Handoff } from './handoff.js';
import type { RunInstance } from './instance.js';
import { info } from './instance.js';
import { ObjectGraph } from './objects.js';
import type { Plan, Schedules } from './plan.js';
import { activitiesOf, planInstances, runnableProblems, schedulesOf } from './plan.js';
import { ReadyQueue } from './queue.js';
import { sharedStoreProblems } from './shared.js';
import { resolveSelection } from './select.js';
import type { ScheduleSpec } from './schedule.js';
import { openStateStore } from './state/open.js';
import type { AttemptRow, PipelineRow, RunRow, StateStore, WorkerRef } from './state/store.js';
import { TERMINAL, localWorker } from './state/store.js';
import { killStray, secretParameters } from './workspace.js';

const DEFAULT_BACKFILL_LIMIT = 100;
/** Activity types whose runners commit on target databases through the commit ledger. */
const COMMITTING_TYPES: ReadonlySet<string> = new Set([
  'SqlActivity',
  'CopyActivity',
  'RedshiftCopyActivity',
]);
/** How long a claimed instance stays ours without a heartbeat (Data Pipeline's reportProgressTimeout). */
const DEFAULT_LEASE_MS = 60_000;

/** What the whole run shares. */
interface RunContext {
  def: Definition;
  graph: ObjectGraph;
  activities: PipelineObject[];
  /** The activities `--select`/`--from` chose (undefined: all). */
  selected?: ReadonlySet<string>;
  pipeline: string;
  stateDir: string;
  reporter: Reporter;
  store: StateStore;
  opts: RunDefinitionOptions;
  worker: WorkerRef;
  /** When the run started, and its activation time. */
  t0: number;
  now: Date;
  /** The store and pipeline, as exactly-once markers in target databases name them (commits.ts). */
  commitScope?: string;
}

export async function runDefinition(def: Definition, opts: RunDefinitionOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const graph = new ObjectGraph(def, await secretParameters(def, opts.config));
  const pipeline = opts.pipelineName ?? def.meta?.pipelineName ?? 'pipeline';
  const stateDir = resolvePath(opts.stateDir);
  // Everything that makes the definition unrunnable is reported before anything runs.
  const every = activitiesOf(graph);
  // `--select`/`--from` choose what runs; `run-step` (alone) plans the chosen activities only.
  const selected = resolveSelection(def, graph, every, opts.selection);
  const activities = opts.selection?.alone && selected ? every.filter((a) => selected.has(a.id)) : every;
  const problems = runnableProblems(graph, activities, pipeline);
  // Shared agents: data and databases every machine reaches, said before anything runs.
  if (opts.shared) problems.push(...sharedStoreProblems(opts.config, def));
  if (problems.length > 0) throw new EtlError(problems);

  const store = opts.store ?? (await openStateStore({ stateDir, url: opts.config.local?.stateUrl }));
  try {
    const c: RunContext = {
      def,
      graph,
      activities,
      selected,
      pipeline,
      stateDir,
      reporter: opts.reporter ?? { event: () => undefined },
      store,
      opts,
      worker: localWorker(opts.workerId),
      t0,
      now: opts.now ?? new Date(),
    };
    const prepared = await prepare(c);
    if (prepared.plan.toRun === 0) {
      return {
        pipeline,
        pending: prepared.plan.pending,
        generation: prepared.plan.generation,
        ok: 0,
        failed: 0,
        skipped: 0,
        elapsedMs: Date.now() - t0,
        exitCode: ExitCode.OK,
        instances: [],
        translations: [],
        nothingToDo: true,
        interrupted: false,
        nextDue: prepared.plan.nextDue,
      };
    }
    return await execute(c, prepared);
  } finally {
    if (!opts.store) await store.close();
  }
}

export interface Enqueued {
  pipeline: string;
  runId: number | null;
  generation: number;
  /** Instances waiting for the agents (new or taken over). */
  instances: number;
}

/**
 * `pipeline activate --enqueue`: record the due instances for the agents and return at once. The
 * pipeline becomes active (agents look at it); a one-time pipeline gets a new generation when its
 * last one ended, like an activation.
 */
export async function enqueueDefinition(def: Definition, opts: RunDefinitionOptions): Promise<Enqueued> {
  const graph = new ObjectGraph(def, {});
  const pipeline = opts.pipelineName ?? def.meta?.pipelineName ?? 'pipeline';
  const stateDir = resolvePath(opts.stateDir);
  const activities = activitiesOf(graph);
  const problems = runnableProblems(graph, activities, pipeline);
  if (opts.config.local?.stateUrl) problems.push(...sharedStoreProblems(opts.config, def));
  if (problems.length > 0) throw new EtlError(problems);
  const store = opts.store ?? (await openStateStore({ stateDir, url: opts.config.local?.stateUrl }));
  try {
    const c: RunContext = {
      def,
      graph,
      activities,
      pipeline,
      stateDir,
      reporter: opts.reporter ?? { event: () => undefined },
      store,
      // Not shared for planning (a finished one-time pipeline starts again), but never exclusive.
      opts: { ...opts, markActive: false, enqueue: true },
      worker: localWorker(opts.workerId),
      t0: Date.now(),
      now: opts.now ?? new Date(),
    };
    const { pipelineRow, plan } = await prepare(c);
    if (pipelineRow.active !== 1) await store.setActive(pipeline, true);
    if (plan.toRun === 0) return { pipeline, runId: null, generation: plan.generation, instances: 0 };
    const recorded = await store.planRun({
      pipeline,
      version: pipelineRow.version,
      kind: 'enqueue',
      worker: c.worker,
      exclusive: false,
      generation: plan.generation,
      instances: plan.items.map((item) => ({
        objectId: item.obj.id,
        objectType: graph.type(item.obj)!,
        scheduledStart: item.slot.scheduledStart.toISOString(),
        scheduledEnd: item.slot.scheduledEnd.toISOString(),
        take: item.runs,
        maxRetries: item.maxRetries,
        retryDelayMs: item.retryDelayMs,
      })),
    });
    if (recorded.busy) throw alreadyRunning(pipeline, recorded.busy);
    // The enqueueing itself is done: the agents' runs do the work.
    await store.endRun(recorded.runId, 'FINISHED', { ok: 0, failed: 0, skipped: 0 });
    return { pipeline, runId: recorded.runId, generation: plan.generation, instances: plan.toRun };
  } finally {
    if (!opts.store) await store.close();
  }
}

interface Prepared {
  pipelineRow: PipelineRow;
  schedules: Schedules;
  plan: Plan;
}

/** Up to the plan: nothing of this run is recorded yet but the definition (and the agent's flag). */
async function prepare(c: RunContext): Promise<Prepared> {
  const { store, pipeline, opts } = c;
  const known = await store.pipeline(pipeline);
  // activate / enqueue of a paused pipeline: refused until `pipeline resume` records it.
  if (opts.markActive || opts.enqueue) await (await import('./actions.js')).refuseIfPaused(store, known);
  const firstActivation = known?.first_activation ? new Date(known.first_activation) : c.now;
  const schedules = schedulesOf(c.graph, c.activities, firstActivation);
  // Shared agents run a pipeline side by side: the claims keep each instance to one of them.
  const live = opts.shared || opts.enqueue ? undefined : await store.liveRun(pipeline, c.worker);
  if (live) throw alreadyRunning(pipeline, live);
  const pipelineRow = await store.saveDefinition(pipeline, stringifyDefinition(c.def), {
    mode: opts.mode,
    configPath: opts.configPath,
    sourceFile: opts.sourceFile,
    cwd: opts.cwd,
  });
  await expireLeases(c);
  const plan = planInstances({
    graph: c.graph,
    activities: c.activities,
    schedules,
    generation: pipelineRow.generation,
    existing: await store.instances(pipeline, pipelineRow.generation),
    now: c.now,
    horizon: opts.until ?? c.now,
    rerunFailed: opts.rerunFailed ?? true,
    selected: c.selected,
    rerun: opts.selection?.rerun,
    at: opts.selection?.at,
    retryDelayMs: opts.retryDelayMs,
    keepEnded: opts.shared,
    runsHere: opts.workerGroups ? servedBy(c.graph, opts.workerGroups) : undefined,
  });
  if (opts.shared) shareOut(plan);
  const limit = opts.backfillLimit ?? DEFAULT_BACKFILL_LIMIT;
  if (!schedules.oneTime && plan.newPeriods > limit) {
    const ok = opts.confirmBackfill ? await opts.confirmBackfill(plan.newPeriods, limit) : false;
    if (!ok) {
      throw new EtlError(
        diag(
          'ETL7548',
          `activating '${pipeline}' would backfill ${plan.newPeriods} scheduled periods (limit ${limit})`,
          {
            hint: 'pass --yes to run them all, or --until to stop earlier, or move the schedule start',
          },
        ),
        ExitCode.USAGE,
      );
    }
  }
  // Only now (backfill accepted) does the agent take the pipeline over.
  if (opts.markActive && !schedules.oneTime && pipelineRow.active !== 1) {
    // `definition run` asks first (issue 13); `pipeline activate` registers, as documented.
    if (!opts.confirmRegister || (await opts.confirmRegister())) await store.setActive(pipeline, true);
    else
      c.reporter.event({
        kind: 'note',
        message: `${pipeline} is scheduled but not registered with the agent: later periods run on the next \`definition run\` (or pass --register)`,
      });
  }
  return { pipelineRow, schedules, plan };
}

/** The activities of the given worker groups (an activity without workerGroup is in `default`). */
export function servedBy(graph: ObjectGraph, groups: readonly string[]): (obj: PipelineObject) => boolean {
  return (obj) => groups.includes(graph.str(obj, 'workerGroup') ?? DEFAULT_WORKER_GROUP);
}

export const DEFAULT_WORKER_GROUP = 'default';

/**
 * Shared agents: this run takes only what it may claim now (waiting, or new); instances another
 * agent holds stay theirs, counted as pending so the agent looks again soon.
 */
function shareOut(plan: Plan): void {
  let pending = 0;
  for (const item of plan.items) {
    if (!item.runs || !item.row) continue;
    if (item.row.status === 'RUNNING') pending++;
  }
  const startable = plan.items.filter(
    (item) => item.runs && (!item.row || item.row.status !== 'RUNNING'),
  ).length;
  plan.pending = pending;
  if (startable === 0) plan.toRun = 0;
}

/** Leases of other hosts' workers that ran out: their attempts failed as timed out (Data Pipeline's rule). */
async function expireLeases(c: RunContext): Promise<void> {
  for (const e of await c.store.expireLeases(c.pipeline)) {
    c.reporter.event({
      kind: 'note',
      message: `${e.instance.object_id} ${e.instance.scheduled_start}: ${e.instance.error}; ${e.retried ? 'it runs again' : 'no retries left, FAILED'}`,
    });
  }
}

function alreadyRunning(pipeline: string, live: RunRow): EtlError {
  return new EtlError(
    diag('ETL7547', `pipeline '${pipeline}' is already running (run #${live.id}, pid ${live.pid})`, {
      hint: 'wait for it to finish, or stop that process first',
    }),
  );
}

/** Record the plan, run it, record the run's end. */
async function execute(c: RunContext, p: Prepared): Promise<RunSummary> {
  const { store, opts, plan } = { ...c, ...p };
  // `--rerun`: finished instances taken again are reset first (taking never undoes FINISHED).
  const again = plan.items.filter((i) => i.runs && i.row?.status === 'FINISHED').map((i) => i.row!.id);
  if (again.length > 0) await store.setInstanceStatus(again, 'WAITING_ON_DEPENDENCIES', { error: null });
  const recorded = await store.planRun({
    pipeline: c.pipeline,
    version: p.pipelineRow.version,
    kind: opts.kind ?? 'activate',
    worker: c.worker,
    exclusive: !opts.shared,
    generation: plan.generation,
    instances: plan.items.map((item) => ({
      objectId: item.obj.id,
      objectType: c.graph.type(item.obj)!,
      scheduledStart: item.slot.scheduledStart.toISOString(),
      scheduledEnd: item.slot.scheduledEnd.toISOString(),
      // Shared: an existing row is found, never reset (another agent may be retrying it).
      take: item.runs && !(opts.shared && item.row),
      maxRetries: item.maxRetries,
      retryDelayMs: item.retryDelayMs,
    })),
  });
  // Another process started this pipeline since prepare() looked: it runs it, not this one.
  if (recorded.busy) throw alreadyRunning(c.pipeline, recorded.busy);
  // Only now, owning the pipeline's run, may this process stop what a dead run left running.
  for (const a of recorded.interrupted) killStray(a.pid, a.id);
  const runId = recorded.runId;
  c.commitScope = commitScope(store.identity ?? store.location, c.pipeline, p.pipelineRow.first_activation);
  try {
    const instances: RunInstance[] = plan.items.map((item, k) => {
      const row = recorded.instances[k];
      return {
        row,
        obj: item.obj,
        type: c.graph.type(item.obj)!,
        slot: item.slot,
        status: row.status,
        inRun: item.runs,
        upstream: [],
        downstream: [],
        // Shared: failures and the retry time are the store's (another agent may have failed it).
        failures: opts.shared ? row.failures : 0,
        retryAt: opts.shared && row.retry_at ? Date.parse(row.retry_at) : undefined,
        attempts: row.attempts,
        maxRetries: item.maxRetries,
        retryDelayMs: item.retryDelayMs,
      };
    });
    c.reporter.event({
      kind: 'plan',
      pipeline: c.pipeline,
      runId,
      generation: plan.generation,
      toRun: plan.toRun,
      resumed: plan.items.filter((item) => item.runs && item.row).length,
      alreadyFinished: plan.items.length - plan.toRun,
      newRun: plan.newGeneration,
    });
    const env = await openAttemptEnv({
      ...c,
      config: opts.config,
      cwd: opts.cwd ?? process.cwd(),
      mode: opts.mode,
      configPath: opts.configPath,
      upstreamOf: plan.upstreamOf,
      // Streaming between steps needs both in one process; agents may be on different machines.
      overlap: opts.shared ? false : opts.overlap,
      s3: opts.s3,
    });
    const queue = new ReadyQueue(
      c.graph,
      instances,
      plan.upstreamOf,
      env.handoffs,
      Math.max(1, opts.parallel ?? 4),
    );
    const scheduler = new Scheduler(c, runId, env, queue, p.schedules.specs);
    await scheduler.run();
    return await summarize(c, runId, plan, queue, scheduler);
  } catch (e) {
    // Whatever broke the run itself (not a step): close it, so status and the next run read it right.
    await store.endRun(runId, 'FAILED', { ok: 0, failed: 0, skipped: 0 });
    throw e;
  }
}

async function summarize(
  c: RunContext,
  runId: number,
  plan: Plan,
  queue: ReadyQueue,
  scheduler: Scheduler,
): Promise<RunSummary> {
  const inRun = queue.ordered;
  const ok = inRun.filter((l) => l.status === 'FINISHED').length;
  const failedList = inRun.filter((l) => ['FAILED', 'CANCELED', 'TIMEDOUT'].includes(l.status));
  const cascaded = inRun.filter((l) => l.status === 'CASCADE_FAILED').length;
  const leftover = inRun.length - ok - failedList.length - cascaded;
  // Shared: what is left is another agent's (running, or waiting for theirs), not skipped.
  const skipped = c.opts.shared ? cascaded : leftover + cascaded;
  if (c.opts.shared) plan.pending = (plan.pending ?? 0) + leftover;
  const interrupted = scheduler.stopping && inRun.some((l) => !TERMINAL.has(l.status));
  let exitCode: number = ExitCode.OK;
  if (failedList.length > 0 || cascaded > 0) exitCode = ExitCode.FAILURE;
  if (failedList.some((l) => l.envError)) exitCode = ExitCode.ENVIRONMENT;
  if (!scheduler.stopping && skipped > 0 && exitCode === ExitCode.OK) exitCode = ExitCode.FAILURE;
  await c.store.endRun(
    runId,
    interrupted ? 'INTERRUPTED' : exitCode === ExitCode.OK ? 'FINISHED' : 'FAILED',
    {
      ok,
      failed: failedList.length,
      skipped,
    },
  );
  return {
    pipeline: c.pipeline,
    runId,
    generation: plan.generation,
    ok,
    failed: failedList.length,
    skipped,
    elapsedMs: Date.now() - c.t0,
    exitCode,
    instances: inRun.map((l) => ({
      ...info(l),
      status: l.status,
      attempts: l.attempts,
      rows: l.rows,
      error: l.error,
      logPath: l.logPath,
    })),
    translations: scheduler.translations,
    nothingToDo: false,
    interrupted,
    nextDue: plan.nextDue,
    pending: plan.pending,
  };
}

/** The loop: start what is ready, wait for an attempt to end or a retry to fall due, again. */
class Scheduler {
  stopping = false;
  /** SQL translations and ignored options the runners reported, one line each. */
  readonly translations: string[] = [];
  private readonly running = new Set<RunInstance>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly alarms: Alarms;
  private readonly leaseMs: number;
  private wake: () => void = () => undefined;

  constructor(
    private readonly c: RunContext,
    private readonly runId: number,
    private readonly env: AttemptEnv,
    private readonly queue: ReadyQueue,
    private readonly specs: ReadonlyMap<string, ScheduleSpec>,
  ) {
    this.alarms = new Alarms(
      c.graph,
      c.pipeline,
      c.stateDir,
      c.reporter,
      c.opts.config.alerts?.dedupe ?? true,
    );
    this.leaseMs = c.opts.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async run(): Promise<void> {
    const signal = this.c.opts.signal;
    const onStop = (): void => this.stop();
    for (const { instance, at } of lateDeadlines(this.c.graph, this.queue.ordered, this.specs, this.c.t0)) {
      this.later(Math.max(0, at - Date.now()), () => this.late(instance));
    }
    if (signal?.aborted) onStop();
    signal?.addEventListener('abort', onStop, { once: true });
    const heartbeat = setInterval(() => this.heartbeat(), Math.max(1000, Math.floor(this.leaseMs / 3)));
    try {
      await this.loop();
    } finally {
      signal?.removeEventListener('abort', onStop);
      clearInterval(heartbeat);
      for (const t of this.timers) clearTimeout(t);
      await this.env.pool.closeAll();
      await this.env.s3Endpoint?.close();
    }
  }

  private async loop(): Promise<void> {
    for (;;) {
      const woke = new Promise<void>((r) => (this.wake = r));
      if (!this.stopping) {
        for (const { instance, reader } of this.queue.startable(Date.now(), () => this.running.size)) {
          if (reader) {
            const handoff = new Handoff(this.env.s3);
            instance.handoffOut = { handoff, reader };
            reader.handoffIn = { handoff, writer: instance };
          }
          this.start(instance);
          if (reader) this.start(reader);
        }
      }
      const retryAt = this.stopping ? undefined : this.queue.nextRetryAt();
      if (this.running.size === 0 && retryAt === undefined) break;
      // Timers may fire a millisecond before Date.now() reaches retryAt: wake again until it has.
      const retryTimer =
        retryAt !== undefined
          ? setTimeout(() => this.notify(), Math.max(1, retryAt - Date.now() + 1))
          : undefined;
      await woke;
      clearTimeout(retryTimer);
    }
  }

  private notify(): void {
    this.wake();
  }

  private later(ms: number, fn: () => void | Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      Promise.resolve(fn()).catch((e) => this.note(errorText(e).message));
    }, ms);
    this.timers.add(t);
  }

  private note(message: string): void {
    this.c.reporter.event({ kind: 'note', message });
  }

  /** Keep the leases of running attempts; a worker that stops doing this loses them. */
  private heartbeat(): void {
    if (this.running.size === 0) return;
    this.c.store
      .heartbeat(this.c.worker, this.leaseMs)
      .catch((e) => this.note(`could not renew the leases of running steps: ${errorText(e).message}`));
  }

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.note('stopping: no new steps start; running steps get time to finish');
    this.later(this.c.opts.graceMs ?? 30_000, () => {
      for (const r of this.running)
        r.controller?.abort(new AbortReason('stop', 'stopped before it finished'));
    });
    this.notify();
  }

  /** The queue decided `l` starts: it is running from now on, for the queue's next decisions too. */
  private start(l: RunInstance): void {
    l.retryAt = undefined;
    l.status = 'RUNNING';
    l.controller = new AbortController();
    this.running.add(l);
    l.attempt = this.attempt(l)
      .catch(async (e) => {
        // The bookkeeping broke (not the step): the instance failed, and the run goes on.
        l.error = errorText(e).message;
        l.status = 'FAILED';
        try {
          await this.c.store.setInstanceStatus([l.row.id], 'FAILED', { error: l.error });
        } catch (e2) {
          this.note(`${l.obj.id}: could not record FAILED: ${errorText(e2).message}`);
        }
        // Whatever broke the bookkeeping must not leave a reader waiting for this writer.
        await this.releaseHandoffs(l, 'FAILED');
      })
      .finally(() => {
        this.running.delete(l);
        this.notify();
      });
  }

  /** Claim, run, record: one attempt of `l`. */
  private async attempt(l: RunInstance): Promise<void> {
    const { stateDir, pipeline, store } = this.c;
    const started = Date.now();
    const logPath = join(
      stateDir,
      'logs',
      pipeline,
      `${l.row.id}-${l.obj.id.replace(/[^\w.-]/g, '_')}-${l.row.scheduled_start.replace(/[:.]/g, '')}-${Date.now()}.log`,
    );
    mkdirSync(dirname(logPath), { recursive: true });
    const att = await store.claimInstance({
      instanceId: l.row.id,
      runId: this.runId,
      worker: this.c.worker,
      leaseMs: this.leaseMs,
      logPath,
    });
    if (!att) {
      l.controller = undefined;
      this.note(`${l.obj.id} ${l.row.scheduled_start} is being run by another worker`);
      return;
    }
    l.attempts = att.number;
    l.logPath = logPath;
    l.rows = undefined;
    this.c.reporter.event({
      kind: 'start',
      instance: info(l),
      attempt: att.number,
      logPath,
      ...(l.handoffIn ? { alongside: info(l.handoffIn.writer) } : {}),
    });
    // The step's process is recorded as it starts (so a crash can clean it up); that it ended is
    // recorded with the attempt's end, one write fewer.
    let ended: null | undefined;
    const outcome = await runAttempt(this.env, l, {
      attemptId: att.id,
      logPath,
      started,
      commit: await this.commitIdentity(l, att),
      onSpawn: (pid) => {
        if (pid === undefined) ended = null;
        else {
          ended = undefined;
          store.setAttemptPid(att.id, pid).catch((e) => this.note(`${l.obj.id}: ${errorText(e).message}`));
        }
      },
    });
    await this.record(l, { id: att.id, number: att.number, started, logPath, pid: ended }, outcome);
  }

  /**
   * How the attempt's commits on target databases are marked: its epoch is the last attempt the
   * store recorded FINISHED, so a resume finds what a killed attempt committed, a rerun does not.
   */
  private async commitIdentity(l: RunInstance, att: AttemptRow): Promise<CommitIdentity | undefined> {
    if (!this.c.commitScope || !COMMITTING_TYPES.has(l.type)) return undefined;
    const finished = (await this.c.store.attempts(l.row.id)).filter(
      (a) => a.id !== att.id && a.status === 'FINISHED',
    );
    return {
      scope: this.c.commitScope,
      instanceId: l.row.id,
      pipeline: this.c.pipeline,
      objectId: l.obj.id,
      scheduledStart: l.row.scheduled_start,
      epoch: Math.max(0, ...finished.map((a) => a.number)),
      attempt: att.number,
    };
  }

  /** Record the attempt's outcome (attempt and instance in one transaction), then act on it. */
  private async record(
    l: RunInstance,
    att: { id: number; number: number; started: number; logPath: string; pid?: null },
    outcome: AttemptOutcome,
  ): Promise<void> {
    // A writer that finished keeps its handoff until FINISHED is recorded (below), so a failure
    // in that bookkeeping still settles it through start()'s catch.
    if (outcome.status === 'FINISHED') {
      l.handoffIn?.handoff.detach();
      l.handoffIn = undefined;
    } else await this.releaseHandoffs(l, outcome.status);
    for (const t of outcome.translations) if (!this.translations.includes(t)) this.translations.push(t);
    const next = nextState(outcome, l, {
      maxRetries: l.maxRetries,
      retryDelayMs: l.retryDelayMs,
      stopping: this.stopping,
      now: Date.now(),
    });
    // Warnings a step raised (QA checks of severity warn) go to the alarm the step names — from
    // its last attempt only: a retried step raises them again, and one warning is one alert.
    if (next.kind !== 'retry')
      for (const r of outcome.raised) this.alarms.fire(l, r.alarm, 'onWarning', r.message);
    const done = await this.c.store.finishAttempt(
      att.id,
      {
        status: outcome.status,
        error: outcome.error,
        rows: outcome.rows ?? null,
        exitCode: null,
        pid: att.pid,
      },
      next.update,
    );
    const elapsedMs = Date.now() - att.started;
    l.rows = outcome.rows;
    l.error = outcome.error;
    l.envError = outcome.env;
    if (!done.owned) {
      // The lease ran out meanwhile: the instance is someone else's now; what the store says stands.
      l.status = done.current?.status ?? l.status;
      await this.releaseHandoffs(l, 'LOST');
      this.note(`${l.obj.id}: the attempt lost its lease before it ended; its result was not recorded`);
      return;
    }
    l.status = next.update.status;
    if (next.update.failures !== undefined) l.failures = next.update.failures;
    this.report(l, att, outcome, next, elapsedMs);
    if (next.kind === 'finished') this.alarms.succeeded(l);
    if (next.kind === 'failed') {
      this.alarms.failed(l);
      await this.cascadeFrom(l);
    }
  }

  private report(
    l: RunInstance,
    att: { number: number; logPath: string },
    outcome: AttemptOutcome,
    next: ReturnType<typeof nextState>,
    elapsedMs: number,
  ): void {
    const { reporter } = this.c;
    const { number: attempt, logPath } = att;
    const instance = info(l);
    const error = outcome.error;
    switch (next.kind) {
      case 'finished':
        // Only now, with this step durably FINISHED, may its reader see the end of its input.
        l.handoffOut?.handoff.finish();
        l.handoffOut = undefined;
        reporter.event({
          kind: 'end',
          instance,
          status: 'FINISHED',
          attempt,
          rows: outcome.rows,
          elapsedMs,
          logPath,
        });
        return;
      case 'interrupted':
        // Stopped, or by the upstream it was reading: it runs again (after the upstream's retry,
        // or at the next activate or agent start).
        reporter.event({ kind: 'end', instance, status: 'INTERRUPTED', attempt, elapsedMs, error, logPath });
        return;
      case 'retry':
        l.retryAt = next.retryAt;
        reporter.event({
          kind: 'end',
          instance,
          status: outcome.status,
          attempt,
          elapsedMs,
          error,
          retryInMs: next.delayMs,
          logPath,
        });
        return;
      case 'failed':
        reporter.event({
          kind: 'end',
          instance,
          status: next.update.status,
          attempt,
          elapsedMs,
          error,
          logPath,
        });
    }
  }

  /** failureAndRerunMode cascade: what waits downstream of `l` fails with it. */
  private async cascadeFrom(l: RunInstance): Promise<void> {
    const targets = this.queue.cascadeTargets(l);
    if (targets.length === 0) return;
    const error = `upstream ${l.obj.id} ${l.status}`;
    await this.c.store.setInstanceStatus(
      targets.map((d) => d.row.id),
      'CASCADE_FAILED',
      { error },
    );
    for (const d of targets) {
      d.status = 'CASCADE_FAILED';
      d.error = error;
      this.c.reporter.event({ kind: 'cascade', instance: info(d), because: l.obj.id });
    }
  }

  /**
   * An attempt that ended other than FINISHED: as a reader it lets its writer carry on alone;
   * as a writer its reader's load must not outlive its input (it rolls back and waits).
   */
  private async releaseHandoffs(l: RunInstance, status: string): Promise<void> {
    l.handoffIn?.handoff.detach();
    l.handoffIn = undefined;
    const out = l.handoffOut;
    if (!out) return;
    out.handoff.fail(new Error(`${l.obj.id} ended ${status}`));
    out.reader.controller?.abort(
      new AbortReason(
        'upstream',
        `${l.obj.id}, whose output this step was reading, ended ${status}; this step runs after it`,
      ),
    );
    await out.reader.attempt;
    l.handoffOut = undefined;
  }

  /** lateAfterTimeout passed: onLateAction fires; with a Terminate the instance is canceled. */
  private async late(l: RunInstance): Promise<void> {
    if (TERMINAL.has(l.status)) return;
    this.alarms.fire(l, 'onLateAction', 'onLateAction');
    if (!this.alarms.terminatesWhenLate(l)) return;
    l.canceled = true;
    const timeout = this.c.graph.str(l.obj, 'lateAfterTimeout');
    if (l.controller) {
      l.controller.abort(
        new AbortReason('late', `canceled: not finished within lateAfterTimeout ${timeout}`),
      );
    } else {
      l.error = `canceled: not started within lateAfterTimeout ${timeout}`;
      // Marked first, so the loop cannot start it while the store records the cancel.
      l.status = 'CANCELED';
      await this.c.store.setInstanceStatus([l.row.id], 'CANCELED', { error: l.error });
      this.c.reporter.event({
        kind: 'end',
        instance: info(l),
        status: 'CANCELED',
        attempt: 0,
        elapsedMs: 0,
        error: l.error,
      });
      await this.cascadeFrom(l);
    }
    this.notify();
  }
}
