/**
 * The Data Pipeline task API of the loopback stand-in (test/aws/fake-aws.ts), for `etlctl worker`:
 * PollForTask, ReportTaskProgress, ReportTaskRunnerHeartbeat and SetTaskStatus with the documented
 * shapes (TaskObject {taskId, pipelineId, attemptId, objects: id → {id, name, fields}}).
 *
 * Tasks come from a put and activated pipeline (each activity whose `workerGroup` matches is handed
 * out once, after the activities it `dependsOn` have FINISHED) or are queued by a test with
 * `queue`. Like the service, an attempt object carries the activity's effective fields (its
 * `parent` chain and Default merged in), its runtime fields and `#{myParameter}` values filled
 * in; the objects it references (data nodes, databases) come along in `objects`. Every progress
 * report, heartbeat and status is recorded for the tests; `cancel` makes the next progress report
 * answer `canceled: true`, `terminate` the next heartbeat answer `terminate: true`.
 */
import type { FakePipeline } from './fake-aws.js';

interface Field {
  key: string;
  stringValue?: string;
  refValue?: string;
}
export interface TaskApiObject {
  id: string;
  name: string;
  fields: Field[];
}

export interface FakeTask {
  taskId: string;
  pipelineId: string;
  attemptId: string;
  workerGroup: string;
  /** The component the attempt is of. */
  objectId: string;
  objects: Record<string, TaskApiObject>;
  state: 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'FALSE' | 'CANCELED';
  runner?: { hostname?: string };
  cancelRequested?: boolean;
}

export interface StatusCall {
  taskId: string;
  taskStatus: string;
  errorId?: string;
  errorMessage?: string;
  errorStackTrace?: string;
}

/** What fake-aws.ts sends back for a task operation. */
export interface TaskReply {
  status: number;
  body: unknown;
}

/** Keys whose references are scheduling, not data the task needs. */
const NOT_HANDED_OVER = new Set([
  'parent',
  'schedule',
  'dependsOn',
  'runsOn',
  'onFail',
  'onSuccess',
  'onLateAction',
  'precondition',
]);
const TASK_OPS = new Set(['PollForTask', 'ReportTaskProgress', 'ReportTaskRunnerHeartbeat', 'SetTaskStatus']);

export class FakeDpTasks {
  readonly tasks: FakeTask[] = [];
  readonly heartbeats: { taskrunnerId: string; workerGroup?: string; hostname?: string }[] = [];
  readonly progress: { taskId: string; fields?: Field[] }[] = [];
  readonly statuses: StatusCall[] = [];
  readonly polls: { workerGroup: string; hostname?: string }[] = [];
  /** The next heartbeat answers `terminate: true`. */
  terminate = false;
  private next = 1;
  /** Activities of activated pipelines already handed out, as `pipelineId/objectId`. */
  private dispatched = new Set<string>();

  /** Queue a task of these objects; `objectId` names the activity or precondition to run. */
  queue(o: {
    workerGroup: string;
    objectId: string;
    objects: TaskApiObject[];
    pipelineId?: string;
  }): FakeTask {
    const pipelineId = o.pipelineId ?? 'df-0000QUEUEDTASKS';
    const byId = new Map(o.objects.map((x) => [x.id, x]));
    const task = this.makeTask(pipelineId, o.workerGroup, byId, o.objectId, {});
    this.tasks.push(task);
    return task;
  }

  task(taskId: string): FakeTask | undefined {
    return this.tasks.find((t) => t.taskId === taskId);
  }

  byObject(objectId: string): FakeTask | undefined {
    return this.tasks.find((t) => t.objectId === objectId);
  }

  statusOf(objectId: string): StatusCall | undefined {
    const t = this.byObject(objectId);
    return t ? this.statuses.find((s) => s.taskId === t.taskId) : undefined;
  }

  progressOf(objectId: string): number {
    const t = this.byObject(objectId);
    return t ? this.progress.filter((p) => p.taskId === t.taskId).length : 0;
  }

  /** The next progress report of this task answers `canceled: true`. */
  cancel(taskId: string): void {
    const t = this.task(taskId);
    if (t) t.cancelRequested = true;
  }

  /** The reply to a task operation, or undefined for any other operation. */
  handle(
    op: string,
    json: Record<string, unknown>,
    pipelines: Map<string, FakePipeline>,
  ): TaskReply | undefined {
    if (!TASK_OPS.has(op)) return undefined;
    switch (op) {
      case 'PollForTask': {
        const workerGroup = String(json.workerGroup ?? '');
        if (!workerGroup) return fault('InvalidRequestException', 'workerGroup is required');
        this.polls.push({ workerGroup, hostname: json.hostname as string | undefined });
        this.fromPipelines(pipelines, workerGroup);
        const task = this.tasks.find((t) => t.state === 'QUEUED' && t.workerGroup === workerGroup);
        if (!task) return ok({});
        task.state = 'RUNNING';
        task.runner = { hostname: json.hostname as string | undefined };
        const { taskId, pipelineId, attemptId, objects } = task;
        return ok({ taskObject: { taskId, pipelineId, attemptId, objects } });
      }
      case 'ReportTaskProgress': {
        const task = this.task(String(json.taskId));
        if (!task) return fault('TaskNotFoundException', `task ${String(json.taskId)} not found`);
        this.progress.push({ taskId: task.taskId, fields: json.fields as Field[] | undefined });
        if (task.cancelRequested) task.state = 'CANCELED';
        return ok({ canceled: task.state === 'CANCELED' });
      }
      case 'ReportTaskRunnerHeartbeat': {
        if (!json.taskrunnerId) return fault('InvalidRequestException', 'taskrunnerId is required');
        this.heartbeats.push({
          taskrunnerId: String(json.taskrunnerId),
          workerGroup: json.workerGroup as string | undefined,
          hostname: json.hostname as string | undefined,
        });
        return ok({ terminate: this.terminate });
      }
      default: {
        const task = this.task(String(json.taskId));
        if (!task || task.state !== 'RUNNING')
          return fault('TaskNotFoundException', `task ${String(json.taskId)} is not running`);
        const status = String(json.taskStatus);
        if (!['FINISHED', 'FAILED', 'FALSE'].includes(status))
          return fault('InvalidRequestException', `taskStatus must be FINISHED, FAILED or FALSE`);
        this.statuses.push({
          taskId: task.taskId,
          taskStatus: status,
          errorId: json.errorId as string | undefined,
          errorMessage: json.errorMessage as string | undefined,
          errorStackTrace: json.errorStackTrace as string | undefined,
        });
        task.state = status as FakeTask['state'];
        return ok({});
      }
    }
  }

  /** Tasks for the activities of activated pipelines in this worker group that may run now. */
  private fromPipelines(pipelines: Map<string, FakePipeline>, workerGroup: string): void {
    for (const p of pipelines.values()) {
      if (p.state !== 'SCHEDULED') continue;
      const byId = new Map(p.objects.map((o) => [o.id, o as TaskApiObject]));
      const values = parameterValues(p);
      for (const o of p.objects) {
        const fields = effective(byId, o as TaskApiObject);
        const group = fields.find((f) => f.key === 'workerGroup')?.stringValue;
        const key = `${p.pipelineId}/${o.id}`;
        if (group !== workerGroup || this.dispatched.has(key)) continue;
        const deps = fields.filter((f) => f.key === 'dependsOn').map((f) => f.refValue);
        const ready = deps.every(
          (d) =>
            this.tasks.find((t) => t.pipelineId === p.pipelineId && t.objectId === d)?.state === 'FINISHED',
        );
        if (!ready) continue;
        this.dispatched.add(key);
        this.tasks.push(this.makeTask(p.pipelineId, workerGroup, byId, o.id, values));
      }
    }
  }

  private makeTask(
    pipelineId: string,
    workerGroup: string,
    byId: Map<string, TaskApiObject>,
    objectId: string,
    values: Record<string, string>,
  ): FakeTask {
    const n = this.next++;
    const start = '2026-12-01T00:00:00';
    const attemptId = `@${objectId}_${start}_Attempt=1`;
    const fill = (fields: Field[]): Field[] =>
      fields.map((f) =>
        f.stringValue === undefined
          ? f
          : { ...f, stringValue: f.stringValue.replace(/#\{(my\w+)\}/g, (m, id: string) => values[id] ?? m) },
      );
    const objects: Record<string, TaskApiObject> = {};
    const component = byId.get(objectId);
    if (!component) throw new Error(`queue: no object '${objectId}' among the task objects`);
    objects[attemptId] = {
      id: attemptId,
      name: attemptId,
      fields: [
        ...fill(effective(byId, component)).filter((f) => f.key !== 'parent'),
        { key: '@componentParent', refValue: objectId },
        { key: '@instanceParent', refValue: `@${objectId}_${start}` },
        { key: '@sphere', stringValue: 'ATTEMPT' },
        { key: '@status', stringValue: 'WAITING_FOR_RUNNER' },
        { key: '@scheduledStartTime', stringValue: start },
        { key: '@scheduledEndTime', stringValue: '2026-12-02T00:00:00' },
        { key: '@attemptCount', stringValue: '1' },
      ],
    };
    // What the attempt references (its data nodes, their databases), transitively.
    const todo = fillRefs(objects[attemptId].fields);
    while (todo.length > 0) {
      const id = todo.shift()!;
      const o = byId.get(id);
      if (!o || objects[id]) continue;
      const fields = fill(effective(byId, o)).filter((f) => f.key !== 'parent');
      objects[id] = { id, name: o.name, fields };
      todo.push(...fillRefs(fields));
    }
    return {
      taskId: `task-${n}-${'x'.repeat(32)}`,
      pipelineId,
      attemptId,
      workerGroup,
      objectId,
      objects,
      state: 'QUEUED',
    };
  }
}

function fillRefs(fields: Field[]): string[] {
  return fields
    .filter((f) => f.refValue !== undefined && !NOT_HANDED_OVER.has(f.key) && !f.key.startsWith('@'))
    .map((f) => f.refValue!);
}

/** Own fields, then the `parent` chain's, then Default's (a key set by a nearer object wins). */
function effective(byId: Map<string, TaskApiObject>, o: TaskApiObject): Field[] {
  const out: Field[] = [...o.fields];
  const seen = new Set([o.id]);
  let cur: TaskApiObject | undefined = o;
  const chain: TaskApiObject[] = [];
  while (cur) {
    const pid: string | undefined = cur.fields.find((f) => f.key === 'parent')?.refValue;
    cur = pid && !seen.has(pid) ? byId.get(pid) : undefined;
    if (cur) {
      seen.add(cur.id);
      chain.push(cur);
    }
  }
  const dflt = byId.get('Default');
  if (dflt && o.id !== 'Default') chain.push(dflt);
  for (const c of chain) {
    const have = new Set(out.map((f) => f.key));
    out.push(...c.fields.filter((f) => !have.has(f.key) && f.key !== 'parent'));
  }
  return out;
}

function parameterValues(p: FakePipeline): Record<string, string> {
  const out: Record<string, string> = {};
  for (const po of p.parameterObjects as {
    id: string;
    attributes: { key: string; stringValue: string }[];
  }[]) {
    const d = po.attributes.find((a) => a.key === 'default');
    if (d) out[po.id] = d.stringValue;
  }
  for (const v of p.parameterValues as { id: string; stringValue: string }[]) out[v.id] = v.stringValue;
  return out;
}

function ok(body: unknown): TaskReply {
  return { status: 200, body };
}

function fault(type: string, message: string): TaskReply {
  return { status: 400, body: { __type: `com.amazon.setl.webservice#${type}`, message } };
}
