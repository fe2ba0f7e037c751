/**
 * The Definition: the one contract between the compile half and everything downstream
 * (checker, graph, AWS deploy, local engine). It mirrors the Data Pipeline definition-file
 * format (reference/aws-data-pipeline.md §1.1) plus metadata that never goes to AWS.
 */

/** A field value: a string (possibly holding `#{…}` expressions) or a reference to another object. */
export type FieldScalar = string | { ref: string };
/** A repeated key (dependsOn, scriptArgument, …) is a list, kept in order. */
export type FieldValue = FieldScalar | FieldScalar[];

/** Where an object came from: the YAML step that produced it. */
export interface Origin {
  file: string;
  line: number;
  column: number;
  /** Step name, absent for pipeline-level objects (Default, Schedule, resources, alarms). */
  step?: string;
  stepType?: string;
}

export interface PipelineObject {
  id: string;
  name: string;
  /** All fields including `type` (absent on Default and pure parent objects). */
  fields: Record<string, FieldValue>;
  origin?: Origin;
}

/** Parameter object attributes: type, description, default, optional, allowedValues, isArray, watermark, my*. */
export interface ParameterObject {
  id: string;
  attributes: Record<string, string | string[]>;
  origin?: Origin;
}

/** A local file the definition needs on S3; uploaded by deploy before the definition references it. */
export interface Asset {
  /** Where the definition expects it. */
  uri: string;
  /** Local source file (absolute), or undefined when `content` holds generated text. */
  localPath?: string;
  content?: string;
  sha256: string;
  /** What it is, for the deploy report: sql, table-definition, data, script, bootstrap. */
  kind: string;
}

export interface DefinitionMeta {
  pipelineName: string;
  description?: string;
  sourceFile?: string;
  mode?: string;
  tags?: Record<string, string>;
  assets: Asset[];
  /** Parameter ids whose values are secrets, mapped to where the value comes from (e.g. `env:APP_DB_PASSWORD`). */
  secrets: Record<string, string>;
  /** Per-step summary in YAML order, for visualization clusters and reports. */
  steps: { name: string; type: string; line: number; objectIds: string[] }[];
}

export interface Definition {
  objects: PipelineObject[];
  parameters: ParameterObject[];
  values: Record<string, string | string[]>;
  meta?: DefinitionMeta;
}

export function isRef(v: FieldScalar): v is { ref: string } {
  return typeof v === 'object' && v !== null && typeof (v as { ref?: unknown }).ref === 'string';
}

export function ref(id: string): { ref: string } {
  return { ref: id };
}

/** All values of a field as a list (a single value becomes a one-element list). */
export function fieldValues(obj: PipelineObject, key: string): FieldScalar[] {
  const v = obj.fields[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function stringField(obj: PipelineObject, key: string): string | undefined {
  const v = obj.fields[key];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

export function refField(obj: PipelineObject, key: string): string | undefined {
  const v = obj.fields[key];
  const first = Array.isArray(v) ? v[0] : v;
  return first !== undefined && isRef(first) ? first.ref : undefined;
}

export function refsOf(obj: PipelineObject, key: string): string[] {
  return fieldValues(obj, key)
    .filter(isRef)
    .map((r) => r.ref);
}

export function objectType(obj: PipelineObject): string | undefined {
  return stringField(obj, 'type');
}

export function indexById(def: Definition): Map<string, PipelineObject> {
  return new Map(def.objects.map((o) => [o.id, o]));
}
