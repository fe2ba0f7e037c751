/**
 * A Data Pipeline task (PollForTask's TaskObject) as the local engine reads a definition: the
 * `objects` map becomes a Definition (API field shape, src/definition/json.ts), the attempt object
 * (`attemptId`) is what runs. An object whose `parent` is not among the objects inherits from its
 * `@instanceParent` or `@componentParent` when those came along, so fields the service left on the
 * instance or component are still seen. Nothing here prints or logs field values: a task's
 * objects may carry secrets (`*password`).
 */
import type { Definition, PipelineObject } from '../../definition/model.js';
import { isRef } from '../../definition/model.js';
import { fromApiJson } from '../../definition/json.js';
import type { ApiField } from '../../definition/json.js';
import { diag, EtlError } from '../../diagnostics.js';

export interface ApiTaskObject {
  taskId?: string;
  pipelineId?: string;
  attemptId?: string;
  objects?: Record<string, { id?: string; name?: string; fields?: ApiField[] }>;
}

export type TaskKind = 'activity' | 'precondition';

export interface WorkerTask {
  taskId: string;
  pipelineId: string;
  attemptId: string;
  definition: Definition;
  /** The attempt object (fields as handed over; inheritance through the ObjectGraph). */
  object: PipelineObject;
  /** The component the attempt is of (`@componentParent`), for messages; else the attempt id. */
  objectId: string;
  type: string;
  kind: TaskKind;
  scheduledStart: Date;
  scheduledEnd: Date;
}

export const ACTIVITY_TYPES: ReadonlySet<string> = new Set([
  'SqlActivity',
  'ShellCommandActivity',
  'CopyActivity',
  'RedshiftCopyActivity',
]);
export const PRECONDITION_TASK_TYPES: ReadonlySet<string> = new Set([
  'S3KeyExists',
  'S3PrefixNotEmpty',
  'ShellCommandPrecondition',
  'Exists',
]);

function firstRef(o: PipelineObject, key: string): string | undefined {
  const v = o.fields[key];
  const first = Array.isArray(v) ? v[0] : v;
  return first !== undefined && isRef(first) ? first.ref : undefined;
}

function firstString(o: PipelineObject, key: string): string | undefined {
  const v = o.fields[key];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

/** `2026-12-01T00:00:00` (the service's UTC time without a zone) → Date. */
function serviceTime(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const d = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The task as a definition plus the object to run; throws ETL6516 when nothing is runnable. */
export function readTask(t: ApiTaskObject, now = new Date()): WorkerTask {
  const taskId = t.taskId ?? '';
  const attemptId = t.attemptId ?? '';
  const pipelineObjects = Object.entries(t.objects ?? {}).map(([id, o]) => ({
    id: o.id ?? id,
    name: o.name ?? id,
    fields: o.fields ?? [],
  }));
  const definition = fromApiJson({ pipelineObjects });
  const byId = new Map(definition.objects.map((o) => [o.id, o]));
  for (const o of definition.objects) {
    const parent = firstRef(o, 'parent');
    if (parent !== undefined && byId.has(parent)) continue;
    const up = [firstRef(o, '@instanceParent'), firstRef(o, '@componentParent')].find(
      (id) => id !== undefined && byId.has(id) && id !== o.id,
    );
    if (up !== undefined) o.fields.parent = { ref: up };
    else delete o.fields.parent;
  }
  const object = byId.get(attemptId);
  const unrunnable = (why: string): EtlError =>
    new EtlError(
      diag('ETL6516', `task ${taskId.slice(0, 16)}… of ${t.pipelineId ?? '?'}: ${why}`, {
        objectId: attemptId || undefined,
        hint: 'give this worker group only SqlActivity, ShellCommandActivity, CopyActivity, RedshiftCopyActivity and preconditions',
      }),
    );
  if (!object) throw unrunnable(`the attempt object '${attemptId}' is not among the task's objects`);
  // The type may sit on the instance or component the attempt inherits from.
  let type: string | undefined;
  for (let o: PipelineObject | undefined = object, i = 0; o && !type && i < 10; i++) {
    type = firstString(o, 'type');
    const up = firstRef(o, 'parent');
    o = up === undefined ? undefined : byId.get(up);
  }
  const kind: TaskKind | undefined = ACTIVITY_TYPES.has(type ?? '')
    ? 'activity'
    : PRECONDITION_TASK_TYPES.has(type ?? '')
      ? 'precondition'
      : undefined;
  if (!type || !kind)
    throw unrunnable(type ? `type '${type}' is not run by etlctl worker` : 'the attempt object has no type');
  const start = serviceTime(firstString(object, '@scheduledStartTime')) ?? now;
  return {
    taskId,
    pipelineId: t.pipelineId ?? '',
    attemptId,
    definition,
    object,
    objectId: firstRef(object, '@componentParent') ?? attemptId,
    type,
    kind,
    scheduledStart: start,
    scheduledEnd: serviceTime(firstString(object, '@scheduledEndTime')) ?? start,
  };
}
