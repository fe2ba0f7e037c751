/**
 * The local engine's face (DESIGN.md decision 8): `runDefinition` plans the due instances of every
 * activity, runs them in dependency order with bounded parallelism, and applies Data Pipeline's
 * semantics — preconditions, maximumRetries/retryDelay, attemptTimeout,
 * lateAfterTimeout/onLateAction, onFail/onSuccess, failureAndRerunMode cascade,
 * maxActiveInstances — reporting progress as EngineEvents. The pieces: plan.ts (pure planning),
 * queue.ts (readiness), attempt.ts (one attempt), alarms.ts, run.ts (the loop), state/ (the store).
 */
import type { AlertRecord } from './alerts.js';
import type { EngineConfig } from './connections.js';
import type { LocalS3 } from './s3.js';
import type { StateStore } from './state/store.js';

export { runDefinition } from './run.js';

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
  | {
      kind: 'progress';
      instance: InstanceInfo;
      rows: number;
      elapsedMs: number;
      /** Bytes of engine TSV moved so far, when the step counts them. */
      bytes?: number;
      /** Rows the step moved when it last finished, and the estimate from it (estimate.ts). */
      expectedRows?: number;
      percent?: number;
      etaMs?: number;
    }
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

/**
 * Which steps a run takes (issue 18; dbt selectors, digdag `--rerun`/`--start`). Steps are YAML
 * step names (their activities) or activity ids. Instances of other steps stay as they are and
 * gate the chosen ones as usual (an upstream that has not finished blocks them).
 */
export interface StepSelection {
  /** Only these steps (`--select A B`). */
  steps?: string[];
  /** This step and everything downstream of it (`--from S`); with `steps`, their union. */
  from?: string;
  /** Take finished instances of the chosen steps again (`--rerun`); one-time pipelines always do. */
  rerun?: boolean;
  /** Plan the chosen activities alone, ignoring the rest of the definition (`pipeline run-step`). */
  alone?: boolean;
  /** One period only: the chosen activities' latest scheduled start at or before this time. */
  at?: Date;
}

export interface RunDefinitionOptions {
  /** Run only some steps, or again (`--select`, `--from`, `--rerun`, `run-step`). */
  selection?: StepSelection;
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
  /** With markActive: asked before registering (`definition run`); false leaves it unregistered. */
  confirmRegister?: () => Promise<boolean>;
  reporter?: Reporter;
  /** Abort to stop: nothing new starts; running attempts get `graceMs`, then are killed and left for retry. */
  signal?: AbortSignal;
  graceMs?: number;
  s3?: LocalS3;
  /** An open state store to use (the agent shares one); default: the one in `stateDir`. */
  store?: StateStore;
  /** The worker id attempts record (default `host:pid`). */
  workerId?: string;
  /** How long a claimed instance stays this worker's without a heartbeat (default 60 s). */
  leaseMs?: number;
  /**
   * One of many agents sharing the state store (issue 15): no exclusive run of the pipeline;
   * instances others hold are left to them; a finished one-time pipeline does not start again;
   * retries keep the store's failure count and retry time; no streaming between steps.
   */
  shared?: boolean;
  /** Recording instances for the agents (`--enqueue`), not running them: no exclusive run. */
  enqueue?: boolean;
  /** The worker groups this agent serves (`--worker-group`); absent: every activity. */
  workerGroups?: readonly string[];
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
  /** Shared: instances left unfinished that others hold or that wait for them (the agent looks again soon). */
  pending?: number;
}
