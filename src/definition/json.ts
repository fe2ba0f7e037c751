/**
 * Definition JSON I/O in the two shapes AWS uses (reference/aws-data-pipeline.md §1.1, §1.3):
 * the definition-file format (`objects`/`parameters`/`values`) and the API format
 * (`pipelineObjects`/`parameterObjects`/`parameterValues`). Output is deterministic:
 * objects keep their order, fields are written `id`, `name`, `type`, then sorted by key.
 */
import type { Definition, FieldScalar, FieldValue, ParameterObject, PipelineObject } from './model.js';
import { isRef } from './model.js';

export interface FileObjectJson {
  id: string;
  name?: string;
  [key: string]: unknown;
}
export interface FileDefinitionJson {
  objects: FileObjectJson[];
  parameters?: { id: string; [key: string]: unknown }[];
  values?: Record<string, string | string[]>;
}

export interface ApiField {
  key: string;
  stringValue?: string;
  refValue?: string;
}
export interface ApiDefinitionJson {
  pipelineObjects: { id: string; name: string; fields: ApiField[] }[];
  parameterObjects?: { id: string; attributes: { key: string; stringValue: string }[] }[];
  parameterValues?: { id: string; stringValue: string }[];
}

function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  const rest = keys.filter((k) => k !== 'type').sort();
  return keys.includes('type') ? ['type', ...rest] : rest;
}

function scalarToJson(v: FieldScalar): unknown {
  return isRef(v) ? { ref: v.ref } : v;
}

export function toFileJson(def: Definition): FileDefinitionJson {
  const objects = def.objects.map((o) => {
    const out: FileObjectJson = { id: o.id, name: o.name };
    for (const k of sortedKeys(o.fields)) {
      const v = o.fields[k];
      out[k] = Array.isArray(v) ? v.map(scalarToJson) : scalarToJson(v);
    }
    return out;
  });
  const result: FileDefinitionJson = { objects };
  if (def.parameters.length > 0) {
    result.parameters = def.parameters.map((p) => {
      const out: { id: string; [key: string]: unknown } = { id: p.id };
      for (const k of Object.keys(p.attributes).sort()) out[k] = p.attributes[k];
      return out;
    });
  }
  if (Object.keys(def.values).length > 0) result.values = { ...def.values };
  return result;
}

export function toApiJson(def: Definition): ApiDefinitionJson {
  const pipelineObjects = def.objects.map((o) => {
    const fields: ApiField[] = [];
    for (const k of Object.keys(o.fields).sort()) {
      const v = o.fields[k];
      for (const item of Array.isArray(v) ? v : [v]) {
        fields.push(isRef(item) ? { key: k, refValue: item.ref } : { key: k, stringValue: item });
      }
    }
    return { id: o.id, name: o.name, fields };
  });
  const result: ApiDefinitionJson = { pipelineObjects };
  if (def.parameters.length > 0) {
    result.parameterObjects = def.parameters.map((p) => ({
      id: p.id,
      attributes: Object.keys(p.attributes)
        .sort()
        .flatMap((k) => {
          const v = p.attributes[k];
          return (Array.isArray(v) ? v : [v]).map((s) => ({ key: k, stringValue: s }));
        }),
    }));
  }
  const valueIds = Object.keys(def.values);
  if (valueIds.length > 0) {
    result.parameterValues = valueIds.flatMap((id) => {
      const v = def.values[id];
      return (Array.isArray(v) ? v : [v]).map((s) => ({ id, stringValue: s }));
    });
  }
  return result;
}

/** Serialize with a trailing newline; identical input gives byte-identical output. */
export function stringifyDefinition(def: Definition, format: 'file' | 'api' = 'file'): string {
  return JSON.stringify(format === 'file' ? toFileJson(def) : toApiJson(def), null, 2) + '\n';
}

/** `__proto__` cannot be a plain-object key; the raw-JSON checker reports it, the readers drop it. */
const UNSAFE_KEY = '__proto__';

function addValue(fields: Record<string, FieldValue>, key: string, value: FieldScalar): void {
  if (key === UNSAFE_KEY) return;
  const existing = fields[key];
  if (existing === undefined) fields[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else fields[key] = [existing, value];
}

/**
 * Lenient readers: they build a Definition from already-shape-checked JSON.
 * Shape errors (missing id, dict values other than ref, …) are the checker's job;
 * these readers keep whatever they can so the checker can report it.
 */
export function fromApiJson(json: ApiDefinitionJson): Definition {
  const objects: PipelineObject[] = json.pipelineObjects.map((o) => {
    const fields: Record<string, FieldValue> = {};
    for (const f of o.fields ?? []) {
      addValue(fields, f.key, f.refValue !== undefined ? { ref: f.refValue } : (f.stringValue ?? ''));
    }
    return { id: o.id, name: o.name ?? o.id, fields };
  });
  const parameters: ParameterObject[] = (json.parameterObjects ?? []).map((p) => {
    const attributes: Record<string, string | string[]> = {};
    for (const a of p.attributes ?? []) {
      if (a.key === UNSAFE_KEY) continue;
      const prev = attributes[a.key];
      if (prev === undefined) attributes[a.key] = a.stringValue;
      else if (Array.isArray(prev)) prev.push(a.stringValue);
      else attributes[a.key] = [prev, a.stringValue];
    }
    return { id: p.id, attributes };
  });
  const values: Record<string, string | string[]> = {};
  for (const v of json.parameterValues ?? []) {
    if (v.id === UNSAFE_KEY) continue;
    const prev = values[v.id];
    if (prev === undefined) values[v.id] = v.stringValue;
    else if (Array.isArray(prev)) prev.push(v.stringValue);
    else values[v.id] = [prev, v.stringValue];
  }
  return { objects, parameters, values };
}

/** aws-cli treats a dict as a reference only when its keys are exactly ['ref'] (§1.3). */
function jsonToScalar(v: unknown): FieldScalar {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const r = (v as { ref?: unknown }).ref;
    if (keys.length === 1 && typeof r === 'string') return { ref: r };
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function valuesToStrings(values: Record<string, unknown> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(values ?? {})) {
    if (k === UNSAFE_KEY) continue;
    out[k] = Array.isArray(v)
      ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);
  }
  return out;
}

export function fromFileJson(json: FileDefinitionJson): Definition {
  const objects: PipelineObject[] = json.objects.map((o) => {
    const fields: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === 'id' || k === 'name' || k === UNSAFE_KEY) continue;
      fields[k] = Array.isArray(v) ? v.map(jsonToScalar) : jsonToScalar(v);
    }
    return { id: String(o.id), name: typeof o.name === 'string' ? o.name : String(o.id), fields };
  });
  const parameters: ParameterObject[] = (json.parameters ?? []).map((p) => {
    const attributes: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(p)) {
      if (k === 'id' || k === UNSAFE_KEY) continue;
      attributes[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
    return { id: String(p.id), attributes };
  });
  return { objects, parameters, values: valuesToStrings(json.values) };
}

export function isApiJson(json: unknown): json is ApiDefinitionJson {
  return typeof json === 'object' && json !== null && 'pipelineObjects' in json;
}
