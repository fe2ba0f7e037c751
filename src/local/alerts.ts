/**
 * Actions (reference §3.3 SnsAlarm, Terminate). Locally an SnsAlarm becomes one JSON line in
 * `<stateDir>/alerts.ndjson` plus a line on stderr, so alerts can be tested and tailed.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineObject } from '../definition/model.js';
import type { EvalTarget, ObjectGraph } from './objects.js';
import { evalField } from './objects.js';

/** `onWarning`: a step reported a warning (a `severity: warn` QA check) through its `myWarningAlarm`. */
export type AlertEvent = 'onFail' | 'onSuccess' | 'onLateAction' | 'onWarning' | 'test';

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
    subject: safe('subject', `${pipeline}: ${node.obj.id} ${event}`),
    message: safe('message', node.times?.error ?? ''),
    ...(detail ? { detail } : {}),
  };
  mkdirSync(stateDir, { recursive: true });
  appendFileSync(join(stateDir, 'alerts.ndjson'), JSON.stringify(record) + '\n');
  return record;
}
