/**
 * The local scheduler (DESIGN.md decision 8): plans the due instances of every activity, runs
 * them in dependency order with bounded parallelism, and applies Data Pipeline's semantics —
 * preconditions, maximumRetries/retryDelay, attemptTimeout, lateAfterTimeout/onLateAction,
 * onFail/onSuccess, failureAndRerunMode cascade, maxActiveInstances. Every change is written to
 * the state store first, so a run killed at any point is resumed by the next one (digdag-style:
 * finished instances stay finished, interrupted ones run again).
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Definition, PipelineObject } from '../definition/model.js';
import { stringifyDefinition } from '../definition/json.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import { checkRunnable, isActivityType, runActivity } from './activities/index.js';
import type { ShellContext } from './activities/shell.js';
import type { ActivityResult } from './activities/types.js';
import type { AlertEvent, AlertRecord } from './alerts.js';
import { fireAlarm } from './alerts.js';
import type { EngineConfig } from './connections.js';
import { ConnectionPool, connectionFor } from './connections.js';
import type { EvalTarget, InstanceTimes } from './objects.js';
import { ObjectGraph, evaluateObject } from './objects.js';
import { Handoff, gatedS3, planHandoffs } from './handoff.js';
import { parseDurationMs } from './period.js';
import { PRECONDITION_TYPES, checkPrecondition } from './preconditions.js';
import type { LocalS3 } from './s3.js';
import { createLocalS3 } from './s3.js';
import type { ScheduleSpec, Slot } from './schedule.js';
import { dueSlots, isOneTime, scheduleSpec } from './schedule.js';
import type { InstanceRow } from './state.js';
import { StateStore, TERMINAL } from './state.js';
import { killStray, materializeAssets, secretParameters, writeEtlctlShim } from './workspace.js';

export interface InstanceInfo {
  id: number;
  objectId: string;
  name: string;
  type: string;
  scheduledStart: string;
}

export type EngineEvent =
  | {
      kind: 'plan';
      pipeline: string;
      runId: number;
      generation: number;
      toRun: number;
      resumed: number;
      alreadyFinished: number;
      newRun: boolean;
    }
  | {
      kind: 'start';
      instance: InstanceInfo;
      attempt: number;
      logPath: string;
      /** The upstream step whose output this attempt reads as it is written. */
      alongside?: InstanceInfo;
    }
  | { kind: 'progress'; instance: InstanceInfo; rows: number; elapsedMs: number }
  | {
      kind: 'end';
      instance: InstanceInfo;
      status: string;
      attempt: number;
      rows?: number;
      elapsedMs: number;
      error?: string;
      retryInMs?: number;
      logPath?: string;
    }
  | { kind: 'cascade'; instance: InstanceInfo; because: string }
  | { kind: 'alert'; alert: AlertRecord }
  | { kind: 'note'; message: string };

export interface Reporter {
  event(e: EngineEvent): void;
}

export interface RunDefinitionOptions {
  config: EngineConfig;
  stateDir: string;
  /** Activation time (default: the clock). On-demand instances are scheduled at it. */
  now?: Date;
  /** Plan instances due up to this time instead of `now` (`--until`). */
  until?: Date;
  pipelineName?: string;
  kind?: 'activate' | 'agent' | 'definition-run';
  /** Replaces every retryDelay (`--retry-delay`, for development). */
  retryDelayMs?: number;
  /** Attempts running at once across the pipeline (default 4). */
  parallel?: number;
  /**
   * Start a load together with the extract writing its input, reading the data as it is written
   * (see handoff.ts). Default: the config's `local.overlap_steps`, else on.
   */
  overlap?: boolean;
  /** Re-run instances that ended FAILED/CASCADE_FAILED before (activate: yes; agent: no). */
  rerunFailed?: boolean;
  /** New scheduled periods above which a run needs confirmation (default 100). */
  backfillLimit?: number;
  /** Asked when the backfill is above the limit; absent → refuse. */
  confirmBackfill?: (periods: number, limit: number) => Promise<boolean>;
  cwd?: string;
  mode?: string;
  configPath?: string;
  sourceFile?: string;
  /** Register a scheduled pipeline for `etlctl agent`. */
  markActive?: boolean;
  reporter?: Reporter;
  /** Abort to stop: nothing new starts; running attempts get `graceMs`, then are killed and left for retry. */
  signal?: AbortSignal;
  graceMs?: number;
  s3?: LocalS3;
  store?: StateStore;
}

export interface InstanceSummary extends InstanceInfo {
  status: string;
  attempts: number;
  rows?: number;
  error?: string;
  logPath?: string;
}

export interface RunSummary {
  pipeline: string;
  runId?: number;
  generation: number;
  ok: number;
  failed: number;
  skipped: number;
  elapsedMs: number;
  exitCode: number;
  instances: InstanceSummary[];
  /** SQL translations and ignored options the data-plane runners reported, one line each. */
  translations: string[];
  nothingToDo: boolean;
  interrupted: boolean;
  /** When the next instance falls due (scheduled pipelines), for the agent. */
  nextDue?: Date;
}

const DEFAULT_RETRY_DELAY_MS = 10 * 60_000;
const DEFAULT_BACKFILL_LIMIT = 100;
const PRECONDITION_POLL_MS = 2000;

interface Live {
  row: InstanceRow;
  obj: PipelineObject;
  type: string;
  slot: Slot;
  status: string;
  inRun: boolean;
  upstream: Live[];
  downstream: Live[];
  failures: number;
  retryAt?: number;
  controller?: AbortController;
  rows?: number;
  error?: string;
  envError?: boolean;
  logPath?: string;
  canceled?: boolean;
  /** The running attempt (scheduler's promise), for a writer waiting on its reader. */
  attempt?: Promise<void>;
  /** Writer side of an overlap: the handoff and the instance reading it. */
  handoffOut?: { handoff: Handoff; reader: Live };
  /** Reader side of an overlap. */
  handoffIn?: { handoff: Handoff; writer: Live };
}

type StopReason = 'stop' | 'timeout' | 'late' | 'upstream';
class AbortReason extends Error {
  constructor(
    readonly why: StopReason,
    message: string,
  ) {
    super(message);
  }
}

/** The upstream instance an instance at `t` waits for: same scheduled start, else the latest before it. */
function matchSlot<T extends { slot: Slot }>(candidates: T[], t: number): T | undefined {
  return (
    candidates.find((c) => c.slot.scheduledStart.getTime() === t) ??
    [...candidates].reverse().find((c) => c.slot.scheduledStart.getTime() <= t)
  );
}

function info(l: Live): InstanceInfo {
  return {
    id: l.row.id,
    objectId: l.obj.id,
    name: l.obj.name,
    type: l.type,
    scheduledStart: l.row.scheduled_start,
  };
}

function key(objectId: string, start: string): string {
  return `${objectId}\u0000${start}`;
}

function errorText(e: unknown): { message: string; env: boolean } {
  if (e instanceof EtlError) {
    return {
      message: e.diagnostics.map((d: Diagnostic) => `${d.code}: ${d.message}`).join('; '),
      env: e.exitCode === ExitCode.ENVIRONMENT,
    };
  }
  return { message: e instanceof Error ? e.message : String(e), env: false };
}

export async function runDefinition(def: Definition, opts: RunDefinitionOptions): Promise<RunSummary> {
  const t0 = Date.now();
  const now = opts.now ?? new Date();
  const horizon = opts.until ?? now;
  const graph = new ObjectGraph(def, await secretParameters(def, opts.config));
  const pipeline = opts.pipelineName ?? def.meta?.pipelineName ?? 'pipeline';
  const stateDir = resolvePath(opts.stateDir);
  const reporter = opts.reporter ?? { event: () => undefined };

  // Everything that makes the definition unrunnable is reported before anything runs.
  const activities = def.objects.filter((o) => o.id !== 'Default' && isActivityType(graph.type(o)));
  const problems = checkRunnable(activities.map((a) => ({ id: a.id, type: graph.type(a)! })));
  for (const a of activities) {
    for (const p of [
      ...graph.refs(a, 'precondition'),
      ...graph.refs(a, 'input').flatMap((n) => graph.refs(n, 'precondition')),
    ]) {
      const t = graph.type(p) ?? '';
      if (!PRECONDITION_TYPES.has(t)) {
        problems.push(
          diag('ETL7545', `precondition type '${t}' of '${p.id}' is not supported by the local engine`, {
            objectId: p.id,
          }),
        );
      }
    }
  }
  if (activities.length === 0) {
    problems.push(diag('ETL7546', `the definition of '${pipeline}' has no activities to run`));
  }
  if (problems.length > 0) throw new EtlError(problems);

  const store = opts.store ?? new StateStore(stateDir);
  try {
    const specs = new Map<string, ScheduleSpec>();
    const firstActivationRow = store.pipeline(pipeline)?.first_activation;
    const firstActivation = firstActivationRow ? new Date(firstActivationRow) : now;
    for (const a of activities) specs.set(a.id, scheduleSpec(graph, a, firstActivation));
    const oneTime = [...specs.values()].every(isOneTime);

    const live = store.liveRun(pipeline);
    if (live) {
      throw new EtlError(
        diag('ETL7547', `pipeline '${pipeline}' is already running (run #${live.id}, pid ${live.pid})`, {
          hint: 'wait for it to finish, or stop that process first',
        }),
      );
    }

    const prow = store.saveDefinition(pipeline, stringifyDefinition(def), {
      mode: opts.mode,
      configPath: opts.configPath,
      sourceFile: opts.sourceFile,
      cwd: opts.cwd,
    });
    for (const a of store.danglingAttempts(pipeline)) {
      killStray(a.pid, a.id);
      store.endAttempt(a.id, { status: 'INTERRUPTED', error: 'the run was interrupted (process ended)' });
    }

    // ---- plan ------------------------------------------------------------------------------
    let generation = prow.generation;
    let existing = store.instances(pipeline, generation);
    let newRun = false;
    if (oneTime && existing.length > 0 && existing.every((r) => TERMINAL.has(r.status))) {
      generation += 1;
      existing = [];
      newRun = true;
    }
    const byKey = new Map(existing.map((r) => [key(r.object_id, r.scheduled_start), r]));
    let nextDue: Date | undefined;
    const planned: { obj: PipelineObject; slot: Slot; row?: InstanceRow }[] = [];
    for (const a of activities) {
      const spec = specs.get(a.id)!;
      let slots: Slot[];
      if (spec.type === 'ondemand') {
        const prev = existing.find((r) => r.object_id === a.id);
        slots = prev
          ? [
              {
                scheduledStart: new Date(prev.scheduled_start),
                scheduledEnd: new Date(prev.scheduled_end),
                dueAt: now,
              },
            ]
          : [{ scheduledStart: now, scheduledEnd: now, dueAt: now }];
      } else {
        const due = dueSlots(spec, horizon, now);
        slots = due.due;
        if (due.next && (!nextDue || due.next.dueAt < nextDue)) nextDue = due.next.dueAt;
      }
      for (const slot of slots)
        planned.push({ obj: a, slot, row: byKey.get(key(a.id, slot.scheduledStart.toISOString())) });
    }
    // Upstream activities: dependsOn, and the producers of an activity's input data nodes.
    const producers = new Map<string, PipelineObject[]>();
    for (const a of activities) {
      for (const out of graph.refs(a, 'output')) producers.set(out.id, [...(producers.get(out.id) ?? []), a]);
    }
    const upstreamOf = new Map<string, PipelineObject[]>();
    for (const a of activities) {
      const ups = new Set<PipelineObject>(graph.refs(a, 'dependsOn'));
      for (const input of graph.refs(a, 'input')) for (const p of producers.get(input.id) ?? []) ups.add(p);
      ups.delete(a);
      upstreamOf.set(a.id, [...ups]);
    }

    const rerunFailed = opts.rerunFailed ?? true;
    const candidate = (p: (typeof planned)[number]): boolean =>
      !p.row || (p.row.status !== 'FINISHED' && (!TERMINAL.has(p.row.status) || rerunFailed));
    // Instances stuck behind a failed upstream that this run will not retry (the agent) stay out,
    // so a blocked pipeline does not record an empty run every period.
    const plannedByObject = new Map<string, { slot: Slot; runs: boolean; finished: boolean }[]>();
    const planState = planned.map((p) => ({ p, runs: candidate(p) }));
    for (const ps of planState) {
      const list = plannedByObject.get(ps.p.obj.id) ?? [];
      list.push({ slot: ps.p.slot, runs: ps.runs, finished: ps.p.row?.status === 'FINISHED' });
      plannedByObject.set(ps.p.obj.id, list);
    }
    for (let changed = true; changed;) {
      changed = false;
      for (const ps of planState) {
        if (!ps.runs) continue;
        const stuck = (upstreamOf.get(ps.p.obj.id) ?? []).some((u) => {
          const m = matchSlot(plannedByObject.get(u.id) ?? [], ps.p.slot.scheduledStart.getTime());
          return m !== undefined && !m.runs && !m.finished;
        });
        if (stuck) {
          ps.runs = false;
          plannedByObject.get(ps.p.obj.id)!.find((x) => x.slot === ps.p.slot)!.runs = false;
          changed = true;
        }
      }
    }
    const willRun = new Set(planState.filter((ps) => ps.runs).map((ps) => ps.p));
    const wanted = (p: (typeof planned)[number]): boolean => willRun.has(p);
    const newPeriods = new Set(planned.filter((p) => !p.row).map((p) => p.slot.scheduledStart.getTime()))
      .size;
    const limit = opts.backfillLimit ?? DEFAULT_BACKFILL_LIMIT;
    if (!oneTime && newPeriods > limit) {
      const ok = opts.confirmBackfill ? await opts.confirmBackfill(newPeriods, limit) : false;
      if (!ok) {
        throw new EtlError(
          diag(
            'ETL7548',
            `activating '${pipeline}' would backfill ${newPeriods} scheduled periods (limit ${limit})`,
            {
              hint: 'pass --yes to run them all, or --until to stop earlier, or move the schedule start',
            },
          ),
          ExitCode.USAGE,
        );
      }
    }
    // Only now (backfill accepted) does the agent take the pipeline over.
    if (opts.markActive && !oneTime) store.setActive(pipeline, true);
    const toRunCount = planned.filter(wanted).length;
    if (toRunCount === 0) {
      return {
        pipeline,
        generation,
        ok: 0,
        failed: 0,
        skipped: 0,
        elapsedMs: Date.now() - t0,
        exitCode: ExitCode.OK,
        instances: [],
        translations: [],
        nothingToDo: true,
        interrupted: false,
        nextDue,
      };
    }

    const runId = store.startRun(pipeline, prow.version, opts.kind ?? 'activate');
    try {
      if (newRun) store.setGeneration(pipeline, generation);
      const lives = new Map<number, Live>();
      let resumed = 0;
      store.tx(() => {
        for (const p of planned) {
          const start = p.slot.scheduledStart.toISOString();
          const row = store.upsertInstance(
            pipeline,
            generation,
            p.obj.id,
            graph.type(p.obj)!,
            start,
            p.slot.scheduledEnd.toISOString(),
            runId,
          );
          const inRun = wanted(p);
          if (inRun) {
            if (p.row) resumed++;
            store.setInstance(row.id, {
              status: 'WAITING_ON_DEPENDENCIES',
              run_id: runId,
              error: null,
              ended_at: null,
            });
            row.status = 'WAITING_ON_DEPENDENCIES';
          }
          lives.set(row.id, {
            row,
            obj: p.obj,
            type: graph.type(p.obj)!,
            slot: p.slot,
            status: row.status,
            inRun,
            upstream: [],
            downstream: [],
            failures: 0,
          });
        }
      });
      reporter.event({
        kind: 'plan',
        pipeline,
        runId,
        generation,
        toRun: toRunCount,
        resumed,
        alreadyFinished: planned.length - toRunCount,
        newRun,
      });

      // ---- dependencies: dependsOn, and producers of an activity's input data nodes ------------
      const byObject = new Map<string, Live[]>();
      for (const l of lives.values()) {
        const list = byObject.get(l.obj.id) ?? [];
        list.push(l);
        byObject.set(l.obj.id, list);
      }
      for (const list of byObject.values())
        list.sort((a, b) => a.slot.scheduledStart.getTime() - b.slot.scheduledStart.getTime());
      for (const l of lives.values()) {
        for (const u of upstreamOf.get(l.obj.id) ?? []) {
          const match = matchSlot(byObject.get(u.id) ?? [], l.slot.scheduledStart.getTime());
          if (match) {
            l.upstream.push(match);
            match.downstream.push(l);
          }
        }
      }

      // ---- execution ---------------------------------------------------------------------------
      const s3 =
        opts.s3 ??
        createLocalS3({
          stateDir,
          endpoint: opts.config.local?.s3Endpoint ? { endpoint: opts.config.local.s3Endpoint } : undefined,
        });
      // Loaded here, not at module load: `etlctl --help` and the compiler never need the drivers.
      const { localDatabaseUrl, openDriver } = await import('./drivers/index.js');
      const usesEmbeddedDatabase = (a: PipelineObject): boolean =>
        [...graph.refs(a, 'input'), ...graph.refs(a, 'output')].some((node) =>
          graph.refs(node, 'database').some((db) => {
            try {
              return connectionFor(graph, db, opts.config, stateDir, localDatabaseUrl).embedded;
            } catch {
              return true; // unresolvable: the runner reports it; do not pair on a guess
            }
          }),
        );
      const handoffs =
        (opts.overlap ?? opts.config.local?.overlapSteps ?? true)
          ? planHandoffs(graph, activities, upstreamOf, usesEmbeddedDatabase)
          : new Map<string, string>();
      const shimDir = writeEtlctlShim(stateDir);
      await materializeAssets(def, s3);
      const pool = new ConnectionPool(async (c) => {
        // An embedded database is created on first use; its parent folder may not exist yet.
        const dataDir = /^pglite:\/\/(?!memory$)(.+)$/i.exec(c.url)?.[1];
        if (dataDir) mkdirSync(dirname(resolvePath(dataDir)), { recursive: true });
        return openDriver(c.url, { seedSql: c.seedSql });
      });
      const translations: string[] = [];
      const parallel = Math.max(1, opts.parallel ?? 4);
      const running = new Set<Live>();
      const timers = new Set<NodeJS.Timeout>();
      let stopping = false;
      let wake: () => void = () => undefined;
      const notify = (): void => wake();
      const later = (ms: number, fn: () => void): void => {
        const t = setTimeout(() => {
          timers.delete(t);
          fn();
        }, ms);
        timers.add(t);
      };

      const isFailed = (s: string): boolean => TERMINAL.has(s) && s !== 'FINISHED';
      const fieldMs = (obj: PipelineObject, field: string): number | undefined => {
        const text = graph.str(obj, field);
        return text ? parseDurationMs(text) : undefined;
      };
      const timesOf = (l: Live, extra: Partial<InstanceTimes> = {}): InstanceTimes => ({
        scheduledStart: l.slot.scheduledStart,
        scheduledEnd: l.slot.scheduledEnd,
        instanceId: `@${l.obj.id}_${l.row.scheduled_start.replace(/\.\d{3}Z$/, '')}`,
        status: l.status,
        error: l.error,
        logPath: l.logPath,
        ...extra,
      });
      const alarms = (l: Live, field: string, event: AlertEvent, detail?: string): void => {
        for (const a of graph.refs(l.obj, field)) {
          if (graph.type(a) !== 'SnsAlarm') continue;
          try {
            const alert = fireAlarm(
              graph,
              a,
              { obj: l.obj, times: timesOf(l, { actualEnd: new Date() }) },
              event,
              pipeline,
              stateDir,
              detail,
            );
            reporter.event({ kind: 'alert', alert });
          } catch (e) {
            reporter.event({
              kind: 'note',
              message: `alarm '${a.id}' could not be sent: ${errorText(e).message}`,
            });
          }
        }
      };
      const setStatus = (
        l: Live,
        status: string,
        fields: { error?: string | null; rows?: number | null } = {},
      ): void => {
        l.status = status;
        store.setInstance(l.row.id, {
          status: status as InstanceRow['status'],
          ...(TERMINAL.has(status) ? { ended_at: new Date().toISOString() } : {}),
          ...fields,
        });
      };
      const cascadeFrom = (l: Live): void => {
        const mode = (graph.str(l.obj, 'failureAndRerunMode') ?? 'none').toLowerCase();
        if (mode !== 'cascade') return;
        const queue = [...l.downstream];
        while (queue.length > 0) {
          const d = queue.shift()!;
          if (!d.inRun || TERMINAL.has(d.status) || d.status === 'RUNNING') continue;
          d.error = `upstream ${l.obj.id} ${l.status}`;
          setStatus(d, 'CASCADE_FAILED', { error: d.error });
          reporter.event({ kind: 'cascade', instance: info(d), because: l.obj.id });
          queue.push(...d.downstream);
        }
      };
      const blocked = (l: Live): boolean =>
        l.upstream.some((u) => isFailed(u.status) || (!u.inRun && u.status !== 'FINISHED'));

      /** Whether `l` may start now; `startingWith` is an upstream starting alongside it (overlap). */
      const ready = (l: Live, at: number, startingWith?: Live): boolean => {
        if (!l.inRun || l.status === 'RUNNING' || TERMINAL.has(l.status)) return false;
        if (l.retryAt !== undefined && l.retryAt > at) return false;
        if (!l.upstream.every((u) => u === startingWith || u.status === 'FINISHED')) return false;
        const same = byObject.get(l.obj.id)!;
        const maxActive = Math.max(1, Number(graph.str(l.obj, 'maxActiveInstances') ?? '1') || 1);
        const active = same.filter(
          (s) =>
            s !== l &&
            s.inRun &&
            (s.status === 'RUNNING' || s.retryAt !== undefined) &&
            !TERMINAL.has(s.status),
        ).length;
        if (active >= maxActive) return false;
        // Instances of one object start in scheduled order.
        return !same.some(
          (s) =>
            s !== l &&
            s.inRun &&
            s.row.scheduled_start < l.row.scheduled_start &&
            s.status !== 'RUNNING' &&
            s.retryAt === undefined &&
            !TERMINAL.has(s.status) &&
            !blocked(s),
        );
      };

      /**
       * An attempt that ended other than FINISHED: as a reader it lets its writer carry on alone;
       * as a writer its reader's load must not outlive its input (it rolls back and waits).
       */
      const releaseHandoffs = async (l: Live, status: string): Promise<void> => {
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
      };

      const runAttempt = async (l: Live): Promise<void> => {
        const started = Date.now();
        const logPath = join(
          stateDir,
          'logs',
          pipeline,
          `${l.row.id}-${l.obj.id.replace(/[^\w.-]/g, '_')}-${l.row.scheduled_start.replace(/[:.]/g, '')}-${Date.now()}.log`,
        );
        mkdirSync(dirname(logPath), { recursive: true });
        const att = store.startAttempt(l.row.id, runId, logPath);
        l.status = 'RUNNING';
        l.logPath = logPath;
        l.rows = undefined;
        reporter.event({
          kind: 'start',
          instance: info(l),
          attempt: att.number,
          logPath,
          ...(l.handoffIn ? { alongside: info(l.handoffIn.writer) } : {}),
        });
        const controller = new AbortController();
        l.controller = controller;
        const timeoutMs = fieldMs(l.obj, 'attemptTimeout');
        let timer: NodeJS.Timeout | undefined;
        if (timeoutMs !== undefined) {
          timer = setTimeout(
            () =>
              controller.abort(
                new AbortReason('timeout', `attempt timed out after ${graph.str(l.obj, 'attemptTimeout')}`),
              ),
            timeoutMs,
          );
        }
        const log = createWriteStream(logPath, { flags: 'a' });
        const lease = pool.lease();
        const attemptTranslations: string[] = [];
        const raised: RaisedAlert[] = [];
        let lastProgress = 0;
        let work: Promise<ActivityResult> | undefined;
        let outcome: { status: string; error?: string; env?: boolean; rows?: number; why?: StopReason };
        try {
          const target: EvalTarget = { obj: l.obj, times: timesOf(l, { actualStart: new Date(started) }) };
          const evaluated = evaluateObject(graph, target, pipeline);
          const ctx: ShellContext = {
            object: evaluated,
            resolve: (id: string) => {
              const o = graph.get(id);
              if (!o)
                throw new EtlError(
                  diag('ETL7549', `'${l.obj.id}' refers to '${id}', which is not in the definition`, {
                    objectId: l.obj.id,
                  }),
                );
              return evaluateObject(graph, { obj: o, times: target.times, node: target }, pipeline);
            },
            connect: async (dbId: string) => {
              const o = graph.get(dbId);
              if (!o)
                throw new EtlError(
                  diag('ETL7549', `database object '${dbId}' is not in the definition`, {
                    objectId: l.obj.id,
                  }),
                );
              return lease.connect(connectionFor(graph, o, opts.config, stateDir, localDatabaseUrl));
            },
            // A reader's S3 is complete only once its writer has finished.
            s3: l.handoffIn ? gatedS3(s3, l.handoffIn.handoff.done) : s3,
            handoff: l.handoffOut?.handoff.writer ?? l.handoffIn?.handoff.reader,
            stateDir,
            log: (line: string) => {
              noteRaisedAlert(line, raised);
              log.write(line.endsWith('\n') ? line : line + '\n');
            },
            progress: (rows: number) => {
              l.rows = rows;
              // Runners may report every batch; the display needs a few updates a second at most.
              const at = Date.now();
              if (at - lastProgress < 250) return;
              lastProgress = at;
              reporter.event({ kind: 'progress', instance: info(l), rows, elapsedMs: at - started });
            },
            signal: controller.signal,
            translations: attemptTranslations,
            cwd: opts.cwd ?? process.cwd(),
            env: {
              PATH: `${shimDir}:${process.env.PATH ?? ''}`,
              ETLCTL_LOCAL__STATE_DIR: stateDir,
              ...(opts.mode ? { ETLCTL_MODE: opts.mode } : {}),
              ...(opts.configPath ? { ETLCTL_CONFIG: opts.configPath } : {}),
              ETL_PIPELINE: pipeline,
              ETL_OBJECT_ID: l.obj.id,
              ETL_SCHEDULED_START: l.row.scheduled_start,
              ETL_ATTEMPT_ID: String(att.id),
            },
            onSpawn: (pid) => {
              if (store.db.open) store.setAttemptPid(att.id, pid);
            },
          };
          const aborted = new Promise<never>((_, reject) => {
            const fail = (): void => reject(controller.signal.reason as Error);
            if (controller.signal.aborted) fail();
            controller.signal.addEventListener('abort', fail, { once: true });
          });
          aborted.catch(() => undefined);
          // `etlctl task …` opens the configured databases in its own process; embedded ones are single-process.
          if (
            l.type === 'ShellCommandActivity' &&
            /\betlctl\s+task\b/.test(graph.str(l.obj, 'command') ?? '')
          ) {
            await lease.exclusive();
          }
          await Promise.race([checkPreconditions(l, evaluated, ctx, target), aborted]);
          work = runActivity(l.type, ctx);
          const result = await Promise.race([work, aborted]);
          outcome = { status: 'FINISHED', rows: result.rowsMoved ?? l.rows };
        } catch (e) {
          const reason = controller.signal.aborted ? (controller.signal.reason as unknown) : undefined;
          // Let an aborted runner wind down (its process group is being killed) before a retry starts.
          if (work && reason !== undefined) {
            let timer5: NodeJS.Timeout | undefined;
            await Promise.race([
              work.catch(() => undefined),
              new Promise((r) => (timer5 = setTimeout(r, 5000))),
            ]);
            clearTimeout(timer5);
          }
          if (reason instanceof AbortReason) {
            outcome = {
              status:
                reason.why === 'timeout' ? 'TIMEDOUT' : reason.why === 'late' ? 'CANCELED' : 'INTERRUPTED',
              error: reason.message,
              why: reason.why,
            };
          } else {
            const t = errorText(e);
            outcome = { status: 'FAILED', error: t.message, env: t.env };
          }
          log.write(`[etlctl] ${outcome.status}: ${outcome.error}\n`);
        } finally {
          if (timer) clearTimeout(timer);
          await lease.release();
          await new Promise<void>((r) => log.end(r));
          l.controller = undefined;
        }
        // A writer that finished keeps its handoff until FINISHED is recorded (below), so a failure
        // in that bookkeeping still settles it through the scheduler's catch.
        if (outcome.status === 'FINISHED') {
          l.handoffIn?.handoff.detach();
          l.handoffIn = undefined;
        } else await releaseHandoffs(l, outcome.status);
        for (const t of attemptTranslations) if (!translations.includes(t)) translations.push(t);
        // Warnings a step raised (QA checks of severity warn) go to the alarm the step names.
        for (const r of raised) alarms(l, r.alarm, 'onWarning', r.message);
        store.endAttempt(att.id, {
          status: outcome.status,
          error: outcome.error,
          rows: outcome.rows ?? null,
          exitCode: null,
        });
        const elapsedMs = Date.now() - started;
        l.rows = outcome.rows;
        l.error = outcome.error;
        l.envError = outcome.env;
        if (outcome.status === 'FINISHED') {
          setStatus(l, 'FINISHED', { rows: outcome.rows ?? null, error: null });
          // Only now, with this step durably FINISHED, may its reader see the end of its input.
          l.handoffOut?.handoff.finish();
          l.handoffOut = undefined;
          reporter.event({
            kind: 'end',
            instance: info(l),
            status: 'FINISHED',
            attempt: att.number,
            rows: outcome.rows,
            elapsedMs,
            logPath,
          });
          alarms(l, 'onSuccess', 'onSuccess');
          return;
        }
        if (outcome.why === 'stop' || outcome.why === 'upstream') {
          // Interrupted by a stop, or by the upstream it was reading: left waiting, so it runs again
          // (after the upstream's retry, or at the next activate or agent start).
          setStatus(l, 'WAITING_ON_DEPENDENCIES', { error: outcome.error });
          reporter.event({
            kind: 'end',
            instance: info(l),
            status: 'INTERRUPTED',
            attempt: att.number,
            elapsedMs,
            error: outcome.error,
            logPath,
          });
          return;
        }
        l.failures += 1;
        const maxRetries = Number(graph.str(l.obj, 'maximumRetries') ?? '0') || 0;
        if (outcome.why !== 'late' && !l.canceled && l.failures <= maxRetries && !stopping) {
          const delay = opts.retryDelayMs ?? fieldMs(l.obj, 'retryDelay') ?? DEFAULT_RETRY_DELAY_MS;
          l.retryAt = Date.now() + delay;
          setStatus(l, 'WAITING_FOR_RUNNER', { error: outcome.error });
          reporter.event({
            kind: 'end',
            instance: info(l),
            status: outcome.status,
            attempt: att.number,
            elapsedMs,
            error: outcome.error,
            retryInMs: delay,
            logPath,
          });
          return;
        }
        const final = outcome.why === 'late' || l.canceled ? 'CANCELED' : 'FAILED';
        setStatus(l, final, { error: outcome.error });
        reporter.event({
          kind: 'end',
          instance: info(l),
          status: final,
          attempt: att.number,
          elapsedMs,
          error: outcome.error,
          logPath,
        });
        alarms(l, 'onFail', 'onFail');
        cascadeFrom(l);
      };

      const checkPreconditions = async (
        l: Live,
        evaluated: PipelineObject,
        ctx: ShellContext,
        target: EvalTarget,
      ): Promise<void> => {
        const guarded: [PipelineObject, EvalTarget][] = [[evaluated, target]];
        for (const input of graph.refs(l.obj, 'input')) {
          guarded.push([ctx.resolve(input.id), { obj: input, times: target.times }]);
        }
        for (const [node, nodeTarget] of guarded) {
          for (const pre of graph.refs(graph.get(node.id) ?? node, 'precondition')) {
            const evalPre = evaluateObject(
              graph,
              { obj: pre, times: target.times, node: nodeTarget },
              pipeline,
            );
            const timeoutMs = fieldMs(pre, 'preconditionTimeout') ?? 0;
            const deadline = Date.now() + timeoutMs;
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
      };

      // Lateness: onLateAction fires if an instance has not finished lateAfterTimeout after it fell due.
      for (const l of lives.values()) {
        if (!l.inRun || specs.get(l.obj.id)!.type === 'ondemand') continue;
        const lateMs = fieldMs(l.obj, 'lateAfterTimeout');
        if (lateMs === undefined || graph.refs(l.obj, 'onLateAction').length === 0) continue;
        const from = Math.max(l.slot.dueAt.getTime(), t0);
        later(Math.max(0, from + lateMs - Date.now()), () => {
          if (TERMINAL.has(l.status)) return;
          alarms(l, 'onLateAction', 'onLateAction');
          if (graph.refs(l.obj, 'onLateAction').some((a) => graph.type(a) === 'Terminate')) {
            l.canceled = true;
            if (l.controller)
              l.controller.abort(
                new AbortReason(
                  'late',
                  `canceled: not finished within lateAfterTimeout ${graph.str(l.obj, 'lateAfterTimeout')}`,
                ),
              );
            else {
              l.error = `canceled: not started within lateAfterTimeout ${graph.str(l.obj, 'lateAfterTimeout')}`;
              setStatus(l, 'CANCELED', { error: l.error });
              reporter.event({
                kind: 'end',
                instance: info(l),
                status: 'CANCELED',
                attempt: 0,
                elapsedMs: 0,
                error: l.error,
              });
              cascadeFrom(l);
            }
            notify();
          }
        });
      }

      const onStop = (): void => {
        if (stopping) return;
        stopping = true;
        reporter.event({
          kind: 'note',
          message: 'stopping: no new steps start; running steps get time to finish',
        });
        later(opts.graceMs ?? 30_000, () => {
          for (const r of running) r.controller?.abort(new AbortReason('stop', 'stopped before it finished'));
        });
        notify();
      };
      if (opts.signal?.aborted) onStop();
      opts.signal?.addEventListener('abort', onStop, { once: true });

      const start = (l: Live): void => {
        l.retryAt = undefined;
        running.add(l);
        l.attempt = runAttempt(l)
          .catch(async (e) => {
            l.error = errorText(e).message;
            setStatus(l, 'FAILED', { error: l.error });
            // Whatever broke the bookkeeping must not leave a reader waiting for this writer.
            await releaseHandoffs(l, 'FAILED');
          })
          .finally(() => {
            running.delete(l);
            notify();
          });
      };
      /** The instance that can read `w`'s output while `w` writes it, if one may start with it. */
      const overlapReader = (w: Live, at: number): Live | undefined => {
        const readerId = handoffs.get(w.obj.id);
        if (readerId === undefined || running.size + 2 > parallel) return undefined;
        const r = w.downstream.find((d) => d.obj.id === readerId);
        if (!r || r.upstream.length !== 1 || r.upstream[0] !== w) return undefined;
        return ready(r, at, w) ? r : undefined;
      };

      const ordered = [...lives.values()]
        .filter((l) => l.inRun)
        .sort((a, b) => a.row.scheduled_start.localeCompare(b.row.scheduled_start) || a.row.id - b.row.id);
      try {
        for (;;) {
          const woke = new Promise<void>((r) => (wake = r));
          if (!stopping) {
            const at = Date.now();
            for (const l of ordered) {
              if (running.size >= parallel) break;
              if (!ready(l, at)) continue;
              const reader = overlapReader(l, at);
              if (reader) {
                const handoff = new Handoff(s3);
                l.handoffOut = { handoff, reader };
                reader.handoffIn = { handoff, writer: l };
              }
              start(l);
              if (reader) start(reader);
            }
          }
          const retries = ordered
            .filter((l) => l.retryAt !== undefined && !TERMINAL.has(l.status))
            .map((l) => l.retryAt!);
          if (running.size === 0 && (stopping || retries.length === 0)) break;
          // Timers may fire a millisecond before Date.now() reaches retryAt: wake again until it has.
          const retryTimer =
            retries.length > 0 && !stopping
              ? setTimeout(notify, Math.max(1, Math.min(...retries) - Date.now() + 1))
              : undefined;
          await woke;
          clearTimeout(retryTimer);
        }
      } finally {
        opts.signal?.removeEventListener('abort', onStop);
        for (const t of timers) clearTimeout(t);
        await pool.closeAll();
      }

      // ---- summary -----------------------------------------------------------------------------
      const inRun = ordered;
      const ok = inRun.filter((l) => l.status === 'FINISHED').length;
      const failedList = inRun.filter((l) => ['FAILED', 'CANCELED', 'TIMEDOUT'].includes(l.status));
      const cascaded = inRun.filter((l) => l.status === 'CASCADE_FAILED').length;
      const skipped = inRun.length - ok - failedList.length;
      const interrupted = stopping && inRun.some((l) => !TERMINAL.has(l.status));
      let exitCode: number = ExitCode.OK;
      if (failedList.length > 0 || cascaded > 0) exitCode = ExitCode.FAILURE;
      if (failedList.some((l) => l.envError)) exitCode = ExitCode.ENVIRONMENT;
      if (!stopping && skipped > 0 && exitCode === ExitCode.OK) exitCode = ExitCode.FAILURE;
      store.endRun(runId, interrupted ? 'INTERRUPTED' : exitCode === ExitCode.OK ? 'FINISHED' : 'FAILED', {
        ok,
        failed: failedList.length,
        skipped,
      });
      return {
        pipeline,
        runId,
        generation,
        ok,
        failed: failedList.length,
        skipped,
        elapsedMs: Date.now() - t0,
        exitCode,
        instances: inRun.map((l) => ({
          ...info(l),
          status: l.status,
          attempts: store.attempts(l.row.id).length,
          rows: l.rows,
          error: l.error,
          logPath: l.logPath,
        })),
        translations,
        nothingToDo: false,
        interrupted,
        nextDue,
      };
    } catch (e) {
      // Whatever broke the run itself (not a step): close it, so status and the next run read it right.
      store.endRun(runId, 'FAILED', { ok: 0, failed: 0, skipped: 0 });
      throw e;
    }
  } finally {
    if (!opts.store) store.close();
  }
}

/** A warning a step printed as `ETLCTL-ALERT {json}` on stderr (see src/tasks). */
interface RaisedAlert {
  alarm: string;
  message: string;
}

function noteRaisedAlert(line: string, into: RaisedAlert[]): void {
  const m = /^\[stderr\] ETLCTL-ALERT (\{.*\})\s*$/.exec(line);
  if (!m) return;
  try {
    const j = JSON.parse(m[1]) as { alarm?: unknown; message?: unknown };
    into.push({
      alarm: typeof j.alarm === 'string' && /^my[A-Z_]/.test(j.alarm) ? j.alarm : 'myWarningAlarm',
      message: typeof j.message === 'string' ? j.message : m[1],
    });
  } catch {
    // Not ours: a step may print anything on stderr.
  }
}
