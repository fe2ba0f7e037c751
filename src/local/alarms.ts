/**
 * The actions an instance triggers (reference §3.3): onFail, onSuccess and onLateAction alarms
 * (SnsAlarm, written by alerts.ts), warnings a step raises through its alarm (`ETLCTL-ALERT` on
 * stderr), and when an instance is late (lateAfterTimeout after it fell due).
 */
import type { AlertEvent } from './alerts.js';
import { fireAlarm } from './alerts.js';
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
  ) {}

  /** Send the SnsAlarms `l`'s `field` names; an alarm that cannot be sent is a note, not a failure. */
  fire(l: RunInstance, field: string, event: AlertEvent, detail?: string): void {
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
