/**
 * Actions (reference §3.3 SnsAlarm, Terminate). Locally an SnsAlarm becomes one JSON line in
 * `<stateDir>/alerts.ndjson` plus a line on stderr, so alerts can be tested and tailed.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineObject } from '../definition/model.js';
import type { EvalTarget, ObjectGraph } from './objects.js';
import { evalField } from './objects.js';

/** `onWarning`: a step reported a warning (a `severity: warn` QA check) through its `myWarningAlarm`. */
/** `recovered`: a pipeline × date that alerted a failure has since succeeded (sent once). */
export type AlertEvent = 'onFail' | 'onSuccess' | 'onLateAction' | 'onWarning' | 'test' | 'recovered';

export interface AlertRecord {
  time: string;
  pipeline: string;
  event: AlertEvent;
  alarm: string;
  object: string;
  scheduledStartTime?: string;
  topicArn?: string;
  subject: string;
  message: string;
  /** What the step itself said (a warning's text), when it said something. */
  detail?: string;
}

/** Evaluate the alarm's subject and message with `node` = the failing/succeeding object, and log it. */
export function fireAlarm(
  graph: ObjectGraph,
  alarm: PipelineObject,
  node: EvalTarget,
  event: AlertEvent,
  pipeline: string,
  stateDir: string,
  detail?: string,
  override?: { subject: string; message: string },
): AlertRecord {
  const target: EvalTarget = { obj: alarm, times: node.times, node };
  const safe = (key: string, fallback: string): string => {
    try {
      return evalField(graph, target, key, pipeline) ?? fallback;
    } catch (e) {
      // An alert must still go out when its text has a bad expression; say so in the text.
      return `${fallback} (${key} could not be evaluated: ${(e as Error).message})`;
    }
  };
  const record: AlertRecord = {
    time: new Date().toISOString(),
    pipeline,
    event,
    alarm: alarm.id,
    object: node.obj.id,
    scheduledStartTime: node.times?.scheduledStart.toISOString(),
    topicArn: safe('topicArn', '') || undefined,
    subject: override?.subject ?? safe('subject', `${pipeline}: ${node.obj.id} ${event}`),
    message: override?.message ?? safe('message', node.times?.error ?? ''),
    ...(detail ? { detail } : {}),
  };
  mkdirSync(stateDir, { recursive: true });
  appendFileSync(join(stateDir, 'alerts.ndjson'), JSON.stringify(record) + '\n');
  return record;
}

/**
 * Failures already alerted, per pipeline × date (`<stateDir>/alert-state.json`), so a failure is
 * alerted once until it recovers, across runs and the agent. Each date lists the objects whose
 * failure is open; the last one to succeed sends the recovery notice.
 */
type OpenFailures = Record<string, Record<string, string[]>>;

function stateFile(stateDir: string): string {
  return join(stateDir, 'alert-state.json');
}

function readOpen(stateDir: string): OpenFailures {
  try {
    const j = JSON.parse(readFileSync(stateFile(stateDir), 'utf8')) as unknown;
    return j && typeof j === 'object' ? (j as OpenFailures) : {};
  } catch {
    return {}; // none yet, or unreadable: alerting again beats staying silent
  }
}

function writeOpen(stateDir: string, open: OpenFailures): void {
  mkdirSync(stateDir, { recursive: true });
  const tmp = `${stateFile(stateDir)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(open, null, 1));
  renameSync(tmp, stateFile(stateDir));
}

/** Note a failure; true when the pipeline × date had none open (so it is alerted). */
export function openFailure(stateDir: string, pipeline: string, date: string, object: string): boolean {
  const open = readOpen(stateDir);
  const dates = (open[pipeline] ??= {});
  const first = !dates[date] || dates[date].length === 0;
  dates[date] = [...new Set([...(dates[date] ?? []), object])];
  writeOpen(stateDir, open);
  return first;
}

/** Note a success; true when it closed the last open failure of the pipeline × date (recovered). */
export function closeFailure(stateDir: string, pipeline: string, date: string, object: string): boolean {
  const open = readOpen(stateDir);
  const objects = open[pipeline]?.[date];
  if (!objects?.includes(object)) return false;
  const rest = objects.filter((o) => o !== object);
  if (rest.length > 0) open[pipeline][date] = rest;
  else delete open[pipeline][date];
  writeOpen(stateDir, open);
  return rest.length === 0;
}
