/**
 * An instance as the scheduler holds it during a run: its store row, its place in the instance
 * graph, and what the current attempt has reported. The store has the durable truth; this is the
 * run's working copy, changed only after the store has recorded the change.
 */
import type { PipelineObject } from '../definition/model.js';
import type { InstanceInfo } from './engine.js';
import type { Handoff } from './handoff.js';
import type { InstanceTimes } from './objects.js';
import type { Slot } from './schedule.js';
import type { InstanceRow } from './state/store.js';

export interface RunInstance {
  row: InstanceRow;
  obj: PipelineObject;
  type: string;
  slot: Slot;
  status: string;
  /** Planned into this run (else an earlier instance kept for dependencies and ordering). */
  inRun: boolean;
  upstream: RunInstance[];
  downstream: RunInstance[];
  /** Failed attempts in this run, counted against maximumRetries. */
  failures: number;
  /** Attempts so far, over every run (the store's count). */
  attempts: number;
  /** maximumRetries and the retry delay, as planned. */
  maxRetries: number;
  retryDelayMs: number;
  retryAt?: number;
  /** Aborts the attempt that is starting or running (timeout, lateness, stop, upstream). */
  controller?: AbortController;
  rows?: number;
  /** What the step moved when it last finished (progress percent and ETA), if known. */
  expectedRows?: number;
  error?: string;
  envError?: boolean;
  logPath?: string;
  canceled?: boolean;
  /** The running attempt (the scheduler's promise), for a writer waiting on its reader. */
  attempt?: Promise<void>;
  /** Writer side of an overlap: the handoff and the instance reading it. */
  handoffOut?: { handoff: Handoff; reader: RunInstance };
  /** Reader side of an overlap. */
  handoffIn?: { handoff: Handoff; writer: RunInstance };
}

export function info(l: RunInstance): InstanceInfo {
  return {
    id: l.row.id,
    objectId: l.obj.id,
    name: l.obj.name,
    type: l.type,
    scheduledStart: l.row.scheduled_start,
  };
}

/** The instance's times and runtime fields, for expressions (`@scheduledStartTime`, `node.errorMessage`). */
export function timesOf(l: RunInstance, extra: Partial<InstanceTimes> = {}): InstanceTimes {
  return {
    scheduledStart: l.slot.scheduledStart,
    scheduledEnd: l.slot.scheduledEnd,
    instanceId: `@${l.obj.id}_${l.row.scheduled_start.replace(/\.\d{3}Z$/, '')}`,
    status: l.status,
    error: l.error,
    logPath: l.logPath,
    ...extra,
  };
}
