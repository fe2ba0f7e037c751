/**
 * The actions an instance triggers (reference §3.3): onFail, onSuccess and onLateAction alarms
 * (SnsAlarm, written by alerts.ts), warnings a step raises through its alarm (`ETLCTL-ALERT` on
 * stderr), and when an instance is late (lateAfterTimeout after it fell due).
 */
import type { AlertEvent } from './alerts.js';
import { closeFailure, fireAlarm, openFailure } from './alerts.js';
import type { Reporter } from './engine.js';
import type { RunInstance } from './instance.js';
import { timesOf } from './instance.js';
import type { ObjectGraph } from './objects.js';
import type { ScheduleSpec } from './schedule.js';
import { errorText } from './errors.js';

export class Alarms {
  constructor(
    private readonly graph: ObjectGraph,
    private readonly pipeline: string,
    private readonly stateDir: string,
    private readonly reporter: Reporter,
    /** One failure alert per pipeline × date until it recovers (config `alerts.dedupe`). */
    private readonly dedupe = true,
  ) {}

  /**
   * The instance failed for good (retries spent): alert with the reason, once per pipeline ×
   * date; a later failure of the same date is a note, not another alert.
   */
  failed(l: RunInstance): void {
    const date = l.slot.scheduledStart.toISOString().slice(0, 10);
    const first = openFailure(this.stateDir, this.pipeline, date, l.obj.id);
    if (this.dedupe && !first) {
      this.reporter.event({
        kind: 'note',
        message: `alert not repeated: ${this.pipeline} ${date} already alerted a failure (${l.obj.id}: ${l.error ?? 'failed'})`,
      });
      return;
    }
    this.fire(l, 'onFail', 'onFail');
  }

  /** The instance finished: when it closes its pipeline × date's last open failure, say so once. */
  succeeded(l: RunInstance): void {
    this.fire(l, 'onSuccess', 'onSuccess');
    const date = l.slot.scheduledStart.toISOString().slice(0, 10);
    if (!closeFailure(this.stateDir, this.pipeline, date, l.obj.id)) return;
    this.fire(l, 'onFail', 'recovered', undefined, {
      subject: `etlctl: ${this.pipeline} recovered (${date})`,
      message: `Pipeline: ${this.pipeline}\nThe failure alerted for ${date} is resolved: ${l.obj.id} has succeeded.`,
    });
  }

  /** Send the SnsAlarms `l`'s `field` names; an alarm that cannot be sent is a note, not a failure. */
  fire(
    l: RunInstance,
    field: string,
    event: AlertEvent,
    detail?: string,
    override?: { subject: string; message: string },
  ): void {
    for (const a of this.graph.refs(l.obj, field)) {
      if (this.graph.type(a) !== 'SnsAlarm') continue;
      try {
        const alert = fireAlarm(
          this.graph,
          a,
          { obj: l.obj, times: timesOf(l, { actualEnd: new Date() }) },
          event,
          this.pipeline,
          this.stateDir,
          detail,
          override,
        );
        this.reporter.event({ kind: 'alert', alert });
      } catch (e) {
        this.reporter.event({
          kind: 'note',
          message: `alarm '${a.id}' could not be sent: ${errorText(e).message}`,
        });
      }
    }
  }

  /** onLateAction includes a Terminate: a late instance is canceled, not only reported. */
  terminatesWhenLate(l: RunInstance): boolean {
    return this.graph.refs(l.obj, 'onLateAction').some((a) => this.graph.type(a) === 'Terminate');
  }
}

/**
 * When each instance of the run becomes late: lateAfterTimeout after it fell due (or after the
 * run started, for periods that fell due before), for activities with an onLateAction.
 */
export function lateDeadlines(
  graph: ObjectGraph,
  instances: readonly RunInstance[],
  specs: ReadonlyMap<string, ScheduleSpec>,
  runStartedAt: number,
): { instance: RunInstance; at: number }[] {
  const out: { instance: RunInstance; at: number }[] = [];
  for (const l of instances) {
    if (!l.inRun || specs.get(l.obj.id)!.type === 'ondemand') continue;
    const lateMs = graph.durationMs(l.obj, 'lateAfterTimeout');
    if (lateMs === undefined || graph.refs(l.obj, 'onLateAction').length === 0) continue;
    out.push({ instance: l, at: Math.max(l.slot.dueAt.getTime(), runStartedAt) + lateMs });
  }
  return out;
}

/** A warning a step printed as `ETLCTL-ALERT {json}` on stderr (see src/tasks). */
export interface RaisedAlert {
  alarm: string;
  message: string;
}

export function noteRaisedAlert(line: string, into: RaisedAlert[]): void {
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
