/**
 * The state store (DESIGN.md decision 10, "The control plane"): pipelines and their definition
 * versions, runs, instances (one per object and scheduled period, grouped in generations so a
 * one-time pipeline can run again), attempts, and the actions people took.
 *
 * Every method is async so a second implementation (PostgreSQL, for many agents on many
 * machines) is one file beside `sqlite.ts`. The contract each implementation keeps:
 * - every method that changes something is one transaction, durable when its promise resolves;
 * - planning is idempotent: an instance is keyed by (pipeline, generation, object, scheduled
 *   start), so two workers planning the same period get the same row;
 * - an instance runs only through `claimInstance`, a compare-and-set that succeeds for one worker:
 *   the claim records the attempt with the worker's id and gives the worker a lease;
 * - a worker keeps its leases with `heartbeat`; a lease that runs out (`expireLeases`) is handled
 *   as Data Pipeline handles a Task Runner that stopped reporting progress: the attempt fails as
 *   TIMEDOUT and the instance is retried per its `max_retries`, or fails;
 * - readiness (dependencies, order, parallelism) is the scheduler's business (src/local/queue.ts),
 *   not the store's: the claim only guarantees that an instance has one running attempt at a time.
 */
import { hostname } from 'node:os';

export type InstanceStatus =
  | 'WAITING_ON_DEPENDENCIES'
  | 'WAITING_FOR_RUNNER'
  | 'RUNNING'
  | 'FINISHED'
  | 'FAILED'
  | 'CASCADE_FAILED'
  | 'CANCELED'
  | 'TIMEDOUT'
  | 'SKIPPED';

export const TERMINAL: ReadonlySet<string> = new Set([
  'FINISHED',
  'FAILED',
  'CASCADE_FAILED',
  'CANCELED',
  'TIMEDOUT',
  'SKIPPED',
]);

/** Instance statuses a worker may claim (not running, not ended). */
export const CLAIMABLE: readonly InstanceStatus[] = ['WAITING_ON_DEPENDENCIES', 'WAITING_FOR_RUNNER'];

/** An attempt ends with the instance status it reached, or INTERRUPTED (stopped; runs again). */
export type AttemptStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'TIMEDOUT' | 'CANCELED' | 'INTERRUPTED';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'INTERRUPTED';

/** What a person (or the CLI on their behalf) did, for the UI's audit trail. */
export type ActionKind = 'rerun' | 'backfill' | 'pause' | 'resume' | 'acknowledge';
export const ACTION_KINDS: readonly ActionKind[] = ['rerun', 'backfill', 'pause', 'resume', 'acknowledge'];

/** Who runs attempts: a process on a host. `id` is what attempts record (`etlctl agent --id`). */
export interface WorkerRef {
  id: string;
  host: string;
  pid: number;
}

export interface PipelineRow {
  name: string;
  active: number;
  version: number;
  generation: number;
  mode: string | null;
  config_path: string | null;
  source_file: string | null;
  cwd: string | null;
  first_activation: string | null;
  updated_at: string;
}

export interface RunRow {
  id: number;
  pipeline: string;
  version: number;
  kind: string;
  pid: number;
  started_at: string;
  ended_at: string | null;
  status: string;
  ok: number;
  failed: number;
  skipped: number;
  /** NULL in runs recorded by etlctl before the worker columns (same host as the reader). */
  worker_id: string | null;
  host: string | null;
  lease_expires_at: string | null;
}

export interface InstanceRow {
  id: number;
  pipeline: string;
  generation: number;
  object_id: string;
  object_type: string;
  scheduled_start: string;
  scheduled_end: string;
  status: InstanceStatus;
  run_id: number;
  attempts: number;
  rows: number | null;
  error: string | null;
  started_at: string | null;
  ended_at: string | null;
  /** The worker holding the instance while it runs, and until when (NULL when not running). */
  worker_id: string | null;
  lease_expires_at: string | null;
  /** The object's maximumRetries and retryDelay, as planned (for retries after a lost lease). */
  max_retries: number;
  retry_delay_ms: number;
  /** Failed attempts in the current run (counted against max_retries). */
  failures: number;
  /** A failed instance waiting to retry may start from this time. */
  retry_at: string | null;
}

export interface AttemptRow {
  id: number;
  instance_id: number;
  run_id: number;
  number: number;
  /** The step's own process (shell activities), to clean up after a crash. */
  pid: number | null;
  started_at: string;
  ended_at: string | null;
  status: string;
  exit_code: number | null;
  error: string | null;
  rows: number | null;
  log_path: string | null;
  worker_id: string | null;
  host: string | null;
}

export interface ActionRow {
  id: number;
  at: string;
  actor: string;
  action: ActionKind;
  pipeline: string;
  instance_id: number | null;
  /** Scheduled-start range the action covers (backfill, rerun of a range), ISO 8601. */
  range_start: string | null;
  range_end: string | null;
  note: string | null;
}

export interface DefinitionInfo {
  mode?: string;
  configPath?: string;
  sourceFile?: string;
  cwd?: string;
  active?: boolean;
}

/** One instance the plan wants to exist (it is created if missing, else found). */
export interface PlannedInstance {
  objectId: string;
  objectType: string;
  scheduledStart: string;
  scheduledEnd: string;
  /** This run takes the instance over: it is reset to WAITING_ON_DEPENDENCIES under the new run. */
  take: boolean;
  maxRetries: number;
  retryDelayMs: number;
}

export interface RunPlan {
  pipeline: string;
  version: number;
  kind: string;
  worker: WorkerRef;
  /**
   * One run of the pipeline at a time (the local engine's rule): refused while another worker's
   * run of it is alive, and then this host's attempts left RUNNING are closed as interrupted.
   */
  exclusive: boolean;
  /** The generation the instances belong to; above the pipeline's, it becomes the pipeline's. */
  generation: number;
  instances: PlannedInstance[];
}

export type PlannedRun =
  | {
      runId: number;
      /** One row per planned instance, in the plan's order. */
      instances: InstanceRow[];
      /** Attempts a dead run of this host left RUNNING, now INTERRUPTED (their steps may need killing). */
      interrupted: AttemptRow[];
      busy?: undefined;
    }
  /** Exclusive, and this run of another worker is alive: nothing was recorded. */
  | { busy: RunRow };

export interface Claim {
  instanceId: number;
  runId: number;
  worker: WorkerRef;
  leaseMs: number;
  logPath: string;
}

export interface AttemptEnd {
  status: AttemptStatus;
  error?: string | null;
  rows?: number | null;
  exitCode?: number | null;
  /** The step's process, when it changed since `setAttemptPid` (null: it has ended). */
  pid?: number | null;
}

/** The instance's state after an attempt (fields left out are kept). */
export interface InstanceUpdate {
  status: InstanceStatus;
  error?: string | null;
  rows?: number | null;
  failures?: number;
  retryAt?: string | null;
}

export interface FinishedAttempt {
  /** False when the lease had been lost (the attempt was expired or interrupted meanwhile). */
  owned: boolean;
  /** The instance as the store has it, when not owned (nothing was changed). */
  current?: InstanceRow;
}

export interface ExpiredLease {
  instance: InstanceRow;
  attemptId: number | undefined;
  /** True: waiting to retry (WAITING_FOR_RUNNER); false: out of retries (FAILED). */
  retried: boolean;
}

export interface NewAction {
  actor: string;
  action: ActionKind;
  pipeline: string;
  instanceId?: number;
  rangeStart?: string;
  rangeEnd?: string;
  note?: string;
}

export interface ActionFilter {
  pipeline?: string;
  instanceId?: number;
  limit?: number;
}

/** The status grid: instances of each pipeline's current generation, by scheduled start. */
export interface GridQuery {
  /** Scheduled starts in [from, to), ISO 8601. */
  from: string;
  to: string;
  pipelines?: string[];
  statuses?: InstanceStatus[];
  limit?: number;
}

export type GridCell = Pick<
  InstanceRow,
  | 'pipeline'
  | 'object_id'
  | 'object_type'
  | 'scheduled_start'
  | 'scheduled_end'
  | 'status'
  | 'attempts'
  | 'rows'
  | 'error'
  | 'started_at'
  | 'ended_at'
  | 'worker_id'
> & {
  instance_id: number;
  /** Someone acknowledged this instance (an `acknowledge` action names it). */
  acknowledged: boolean;
};

export interface StateStore {
  /** Where the store lives, for messages (a file path or a redacted URL). */
  readonly location: string;
  /**
   * The store's name in exactly-once markers (commits.ts), the same from every machine (default:
   * `location`). A shared store is reached under other host names from other machines.
   */
  readonly identity?: string;
  close(): Promise<void>;

  pipeline(name: string): Promise<PipelineRow | undefined>;
  pipelines(): Promise<PipelineRow[]>;
  /** Store the definition; a new version only when its JSON changed. Returns the pipeline row. */
  saveDefinition(name: string, json: string, info: DefinitionInfo): Promise<PipelineRow>;
  definitionJson(name: string, version: number): Promise<string | undefined>;
  setActive(name: string, active: boolean): Promise<void>;
  /**
   * Forget a pipeline (`etlctl pipeline clear`): its definitions, runs, instances, attempts and
   * actions; returns how many rows of each went. Optional so other stores can add it later.
   */
  forgetPipeline?(name: string): Promise<{ runs: number; instances: number; attempts: number }>;

  /** A run of this pipeline by another worker that is still alive (pid on this host, else lease). */
  liveRun(pipeline: string, self?: WorkerRef): Promise<RunRow | undefined>;
  /**
   * Start a run and record its instances, in one transaction: runs left RUNNING by dead workers
   * are closed as INTERRUPTED (and, exclusive, their attempts on this host), the generation is
   * raised if the plan's is higher, and every planned instance is created or found (taken-over
   * ones reset to WAITING_ON_DEPENDENCIES).
   */
  planRun(plan: RunPlan): Promise<PlannedRun>;
  endRun(
    id: number,
    status: RunStatus,
    counts: { ok: number; failed: number; skipped: number },
  ): Promise<void>;
  runs(pipeline: string, limit?: number): Promise<RunRow[]>;

  instances(pipeline: string, generation: number): Promise<InstanceRow[]>;
  instancesOfRun(runId: number): Promise<InstanceRow[]>;
  /** Set the status of instances that are not running (cascade, cancel, a failed bookkeeping step). */
  setInstanceStatus(
    ids: readonly number[],
    status: InstanceStatus,
    fields?: { error?: string | null; rows?: number | null },
  ): Promise<void>;

  /** Claim a waiting instance for one attempt; undefined when it is running or ended (claimed elsewhere). */
  claimInstance(claim: Claim): Promise<AttemptRow | undefined>;
  /** Extend the leases of everything the worker holds (its running instances and runs). */
  heartbeat(worker: WorkerRef, leaseMs: number): Promise<number>;
  setAttemptPid(attemptId: number, pid: number | undefined): Promise<void>;
  /** End an attempt and set its instance's state, in one transaction. */
  finishAttempt(attemptId: number, end: AttemptEnd, instance: InstanceUpdate): Promise<FinishedAttempt>;
  /** Fail the attempts whose lease ran out as TIMEDOUT and retry or fail their instances. */
  expireLeases(pipeline?: string): Promise<ExpiredLease[]>;
  attempts(instanceId: number): Promise<AttemptRow[]>;

  recordAction(action: NewAction): Promise<ActionRow>;
  actions(filter?: ActionFilter): Promise<ActionRow[]>;
  grid(query: GridQuery): Promise<GridCell[]>;
  /**
   * The grid counted in the store (issue 14: 100 pipelines × 14 days over 100,000 instances in
   * ≤ 200 ms): instances per pipeline × UTC day × status. Optional: without it the UI counts
   * `grid()` rows itself.
   */
  gridCounts?(query: Pick<GridQuery, 'from' | 'to'>): Promise<GridCount[]>;

  // Retention (issue 17, src/retention/): optional, so another store can add it later.
  /**
   * Finished attempts that ended before `before` and are not their instance's latest, and ended
   * runs no instance or kept attempt refers to: what `attempt_history` retention may delete.
   */
  oldHistory?(before: string): Promise<{ attempts: HistoryRow[]; runs: HistoryRow[] }>;
  /** Deletes those attempts and runs (ids from oldHistory) in one transaction. */
  deleteHistory?(attemptIds: number[], runIds: number[]): Promise<void>;
}

/** One group of `gridCounts`: how many instances of a pipeline on a day have this status. */
export interface GridCount {
  pipeline: string;
  /** YYYY-MM-DD (UTC) of the scheduled start. */
  day: string;
  status: InstanceStatus;
  acknowledged: boolean;
  count: number;
}

export interface HistoryRow {
  id: number;
  pipeline: string;
  ended_at: string;
}

export function isoNow(): string {
  return new Date().toISOString();
}

export function pidAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let thisHost: string | undefined;

/** This process as a worker: `host:pid` unless named (`etlctl agent --id NAME`). */
export function localWorker(id?: string): WorkerRef {
  thisHost ??= hostname();
  return { id: id ?? `${thisHost}:${process.pid}`, host: thisHost, pid: process.pid };
}

/** Whether a row was written on this host (rows from before the worker columns have no host). */
export function onThisHost(row: { host: string | null }, self: WorkerRef): boolean {
  return row.host === null || row.host === self.host;
}

/**
 * Whether a run's worker is still at work: on this host, its process is alive (and is not this
 * one); on another host nothing is certain but its lease.
 */
export function runAlive(run: RunRow, self: WorkerRef, now: string): boolean {
  if (onThisHost(run, self)) return run.pid !== self.pid && pidAlive(run.pid);
  return run.lease_expires_at !== null && run.lease_expires_at > now;
}
