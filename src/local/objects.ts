/**
 * Reading a Definition the way Data Pipeline does: fields are inherited from `parent` objects and
 * from `Default`; `#{…}` in field values is evaluated per instance (scheduled times, parameters,
 * references such as `#{input.directoryPath}` or `#{node.@scheduledStartTime}`).
 */
import type { Definition, FieldScalar, FieldValue, PipelineObject } from '../definition/model.js';
import { isRef } from '../definition/model.js';
import { inheritanceFor, type Inheritance } from '../definition/inherit.js';
import type { EvalContext, RuntimeFields } from '../definition/expressions.js';
import { evaluateField, evaluateTemplate } from '../definition/expressions.js';
import { parseDurationMs } from './period.js';

export class ObjectGraph {
  readonly byId: Map<string, PipelineObject>;
  private readonly inh: Inheritance;
  /** `parameters`: values supplied at activation (secrets), over the definition's `values`. */
  constructor(
    readonly def: Definition,
    readonly parameters: Record<string, string> = {},
  ) {
    this.inh = inheritanceFor(def);
    this.byId = this.inh.byId;
  }

  get(id: string): PipelineObject | undefined {
    return this.byId.get(id);
  }

  /** Own field, else from the `parent` chain, else from Default (src/definition/inherit.ts). */
  field(obj: PipelineObject, key: string): FieldValue | undefined {
    return key === 'type' ? this.inh.type(obj) : this.inh.field(obj, key);
  }

  effectiveFields(obj: PipelineObject): Record<string, FieldValue> {
    return this.inh.fields(obj);
  }

  values(obj: PipelineObject, key: string): FieldScalar[] {
    const v = this.field(obj, key);
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }

  str(obj: PipelineObject, key: string): string | undefined {
    const first = this.values(obj, key)[0];
    return typeof first === 'string' ? first : undefined;
  }

  strings(obj: PipelineObject, key: string): string[] {
    return this.values(obj, key).filter((v): v is string => typeof v === 'string');
  }

  refs(obj: PipelineObject, key: string): PipelineObject[] {
    return this.values(obj, key)
      .filter(isRef)
      .map((r) => this.byId.get(r.ref))
      .filter((o): o is PipelineObject => o !== undefined);
  }

  ref(obj: PipelineObject, key: string): PipelineObject | undefined {
    return this.refs(obj, key)[0];
  }

  type(obj: PipelineObject): string | undefined {
    return this.inh.type(obj);
  }

  /** A duration field (`attemptTimeout`, `retryDelay`, …) in milliseconds; undefined when absent. */
  durationMs(obj: PipelineObject, key: string): number | undefined {
    const text = this.str(obj, key);
    return text ? parseDurationMs(text) : undefined;
  }
}

/** What one evaluation is about: the object, its instance times and, for alarms/preconditions, the node. */
export interface InstanceTimes {
  scheduledStart: Date;
  scheduledEnd: Date;
  actualStart?: Date;
  actualEnd?: Date;
  instanceId?: string;
  /** The attempt's log file (`@logLocation`). */
  logPath?: string;
  status?: string;
  error?: string;
}

export interface EvalTarget {
  obj: PipelineObject;
  times?: InstanceTimes;
  /** The activity or data node that triggered an alarm or a precondition (`#{node.…}`). */
  node?: EvalTarget;
}

/** Runtime fields (`@…`) of an instance, as the expression evaluator takes them. */
function runtimeOf(times: InstanceTimes | undefined, pipelineId: string): RuntimeFields {
  return {
    '@pipelineId': pipelineId,
    '@scheduledStartTime': times?.scheduledStart,
    '@scheduledEndTime': times?.scheduledEnd,
    '@actualStartTime': times?.actualStart,
    '@actualEndTime': times?.actualEnd,
    '@status': times?.status,
    '@logLocation': times?.logPath,
  };
}

/**
 * The one place the engine calls the shared evaluator (src/definition/expressions.ts). An alarm's
 * `node` also exposes the failed instance's `errorMessage`/`errorId`/`errorStackTrace`, as on AWS.
 */
function contextFor(graph: ObjectGraph, target: EvalTarget, pipelineId: string): EvalContext {
  const node = target.node;
  let nodeObj = node?.obj;
  if (node?.times?.error !== undefined && nodeObj) {
    const error = node.times.error;
    nodeObj = {
      ...nodeObj,
      fields: {
        ...graph.effectiveFields(nodeObj),
        errorMessage: error,
        errorId: 'LocalEngineError',
        errorStackTrace: error,
      },
    };
  }
  const t = target.times;
  return {
    scheduledStartTime: t?.scheduledStart,
    scheduledEndTime: t?.scheduledEnd,
    actualStartTime: t?.actualStart,
    actualEndTime: t?.actualEnd,
    runtime: runtimeOf(t, pipelineId),
    object: target.obj,
    definition: graph.def,
    node: nodeObj,
    nodeRuntime: node ? runtimeOf(node.times, pipelineId) : undefined,
    parameters: graph.parameters,
  };
}

/** Evaluate one string field of an object for an instance; undefined when the field is absent. */
export function evalField(
  graph: ObjectGraph,
  target: EvalTarget,
  key: string,
  pipelineId: string,
): string | undefined {
  const raw = graph.str(target.obj, key);
  return raw === undefined ? undefined : evaluateTemplate(raw, contextFor(graph, target, pipelineId));
}

/** Fields the local engine does not use: evaluated when they can be, dropped when they cannot. */
const NOT_USED_LOCALLY = new Set([
  'pipelineLogUri',
  'role',
  'resourceRole',
  'runsOn',
  'workerGroup',
  'terminateAfter',
  'region',
  'reportProgressTimeout',
  'onLateAction',
  'lateAfterTimeout',
]);
const RESOURCE_TYPES = new Set(['Ec2Resource', 'EmrCluster', 'HttpProxy']);

/** An object with its effective fields, every string evaluated for this instance (refs kept as refs). */
export function evaluateObject(graph: ObjectGraph, target: EvalTarget, pipelineId: string): PipelineObject {
  const ctx = contextFor(graph, target, pipelineId);
  const fields: Record<string, FieldValue> = {};
  for (const [key, v] of Object.entries(graph.effectiveFields(target.obj))) {
    try {
      fields[key] = evaluateField(v, ctx);
    } catch (e) {
      // A secret without a value (`*password` of a database that runs embedded locally) is only
      // an error if something uses it; connections take their credentials from the config. Fields
      // the local engine never reads (log location, IAM roles, EC2/EMR resources) are not its
      // business either: a `#{myLogBucket}` there must not fail a step.
      if (
        !key.startsWith('*') &&
        !NOT_USED_LOCALLY.has(key) &&
        !RESOURCE_TYPES.has(graph.type(target.obj) ?? '')
      )
        throw e;
    }
  }
  const type = graph.type(target.obj);
  if (type) fields.type = type;
  return { ...target.obj, fields };
}
