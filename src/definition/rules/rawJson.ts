/**
 * Shape checks on raw definition JSON before it becomes a Definition (reference §1.1, §1.3):
 * the definition-file format (`objects`/`parameters`/`values`) and the API format
 * (`pipelineObjects`/`parameterObjects`/`parameterValues`). Returns cleaned JSON that the lenient
 * readers in json.ts can convert without surprises (bad entries dropped, scalars stringified).
 */
import type { Diagnostic } from '../../diagnostics.js';
import type { ApiDefinitionJson, ApiField, FileDefinitionJson, FileObjectJson } from '../json.js';
import type { CheckCode } from './codes.js';
import { C, finding } from './codes.js';

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function short(v: Json): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

class Collector {
  readonly out: Diagnostic[] = [];
  constructor(private readonly file?: string) {}
  add(
    code: CheckCode,
    severity: 'error' | 'warning',
    message: string,
    hint: string,
    objectId?: string,
    field?: string,
  ): void {
    this.out.push(finding(code, severity, message, hint, { file: this.file, objectId, field }));
  }
}

/** A file-format scalar: string, `{"ref"}`; numbers/booleans are stringified with a warning. */
function fileScalar(
  c: Collector,
  v: Json,
  objectId: string,
  key: string,
): string | { ref: string } | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') {
    c.add(
      C.SCALAR_NOT_STRING,
      'warning',
      `field '${key}' is the JSON ${typeof v} ${String(v)}; the API takes strings only (aws-cli would send it unchanged and fail)`,
      `write "${key}": "${String(v)}"; etlctl converts it to a string`,
      objectId,
      key,
    );
    return String(v);
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'ref' && typeof v.ref === 'string') return { ref: v.ref };
    c.add(
      C.VALUE_SHAPE,
      'error',
      `field '${key}' is an object ${short(v)}; only {"ref": "<id>"} is allowed`,
      'use a string value or a reference with exactly one key, "ref"',
      objectId,
      key,
    );
    return undefined;
  }
  c.add(
    C.VALUE_SHAPE,
    'error',
    `field '${key}' has the value ${short(v)}`,
    'use a string, a {"ref": "<id>"} or a list of those',
    objectId,
    key,
  );
  return undefined;
}

function fileObjects(c: Collector, objects: Json[]): FileObjectJson[] {
  const out: FileObjectJson[] = [];
  objects.forEach((el, i) => {
    if (!isObject(el)) {
      c.add(
        C.ENTRY_SHAPE,
        'error',
        `objects[${i}] is ${short(el)}, not an object`,
        'each entry of "objects" is {"id": …, "type": …, …}',
      );
      return;
    }
    let id = el.id;
    if (typeof id === 'number') {
      c.add(
        C.SCALAR_NOT_STRING,
        'warning',
        `objects[${i}] has a numeric id ${id}`,
        'write the id as a string',
        String(id),
        'id',
      );
      id = String(id);
    }
    if (typeof id !== 'string') {
      c.add(
        C.ENTRY_SHAPE,
        'error',
        `Missing "id" key of element: objects[${i}] ${short(el)}`,
        'give every object a string "id"',
      );
      return;
    }
    const obj: FileObjectJson = { id };
    if ('name' in el) {
      if (typeof el.name === 'string') obj.name = el.name;
      else
        c.add(
          C.ENTRY_SHAPE,
          'error',
          `object '${id}' has a non-string name ${short(el.name)}`,
          'write "name" as a string, or omit it',
          id,
          'name',
        );
    }
    for (const [key, v] of Object.entries(el)) {
      if (key === 'id' || key === 'name') continue;
      if (key === '__proto__') {
        c.add(C.VALUE_SHAPE, 'error', "field name '__proto__' is not supported", 'rename the field', id, key);
        continue;
      }
      if (Array.isArray(v)) {
        const items: (string | { ref: string })[] = [];
        for (const item of v) {
          if (Array.isArray(item)) {
            c.add(
              C.VALUE_SHAPE,
              'error',
              `field '${key}' contains a nested list`,
              'lists of values must be flat',
              id,
              key,
            );
            continue;
          }
          const s = fileScalar(c, item, id, key);
          if (s !== undefined) items.push(s);
        }
        obj[key] = items;
      } else {
        const s = fileScalar(c, v, id, key);
        if (s !== undefined) obj[key] = s;
      }
    }
    out.push(obj);
  });
  return out;
}

function stringList(
  c: Collector,
  v: Json,
  what: string,
  id: string,
  key: string,
): string | string[] | undefined {
  const one = (x: Json): string | undefined => {
    if (typeof x === 'string') return x;
    if (typeof x === 'number' || typeof x === 'boolean') {
      c.add(
        C.SCALAR_NOT_STRING,
        'warning',
        `${what} is the JSON ${typeof x} ${String(x)}; the API takes strings only`,
        `write "${String(x)}"`,
        id,
        key,
      );
      return String(x);
    }
    c.add(
      C.VALUE_SHAPE,
      'error',
      `${what} has the value ${short(x)}`,
      'use a string or a list of strings',
      id,
      key,
    );
    return undefined;
  };
  if (Array.isArray(v)) return v.map(one).filter((x): x is string => x !== undefined);
  return one(v);
}

function fileParameters(c: Collector, params: Json): FileDefinitionJson['parameters'] {
  if (params === undefined) return undefined;
  if (!Array.isArray(params)) {
    c.add(C.ENTRY_SHAPE, 'error', '"parameters" must be a list', 'write "parameters": [{"id": "myX", …}]');
    return undefined;
  }
  const out: NonNullable<FileDefinitionJson['parameters']> = [];
  params.forEach((p, i) => {
    if (!isObject(p) || typeof p.id !== 'string') {
      c.add(
        C.ENTRY_SHAPE,
        'error',
        `Missing "id" key of parameter: parameters[${i}] ${short(p)}`,
        'give every parameter a string "id" such as "myS3Path"',
      );
      return;
    }
    const clean: { id: string; [k: string]: unknown } = { id: p.id };
    for (const [k, v] of Object.entries(p)) {
      if (k === 'id' || k === '__proto__') continue;
      const s = stringList(c, v, `parameter attribute '${k}'`, p.id, k);
      if (s !== undefined) clean[k] = s;
    }
    out.push(clean);
  });
  return out;
}

function fileValues(c: Collector, values: Json): Record<string, string | string[]> | undefined {
  if (values === undefined) return undefined;
  if (!isObject(values)) {
    c.add(
      C.ENTRY_SHAPE,
      'error',
      '"values" must be an object of parameter id to value',
      'write "values": {"myX": "value"}',
    );
    return undefined;
  }
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === '__proto__') continue;
    const s = stringList(c, v, `value of '${k}'`, k, k);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

const FILE_KEYS = new Set(['objects', 'parameters', 'values']);
const API_KEYS = new Set(['pipelineObjects', 'parameterObjects', 'parameterValues', 'pipelineId']);

function apiList(c: Collector, v: Json, name: string): Json[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    c.add(C.ENTRY_SHAPE, 'error', `"${name}" must be a list`, `write "${name}": [ … ]`);
    return undefined;
  }
  return v;
}

function apiDefinition(c: Collector, json: Record<string, Json>): ApiDefinitionJson | undefined {
  const objs = json.pipelineObjects;
  if (!Array.isArray(objs)) {
    c.add(
      C.OBJECTS_MISSING,
      'error',
      '"pipelineObjects" must be a list',
      'write "pipelineObjects": [{"id", "name", "fields": […]}]',
    );
    return undefined;
  }
  const pipelineObjects: ApiDefinitionJson['pipelineObjects'] = [];
  objs.forEach((o, i) => {
    if (!isObject(o) || typeof o.id !== 'string') {
      c.add(
        C.ENTRY_SHAPE,
        'error',
        `pipelineObjects[${i}] has no string "id"`,
        'every PipelineObject needs id, name and fields',
      );
      return;
    }
    if (typeof o.name !== 'string') {
      c.add(
        C.ENTRY_SHAPE,
        'error',
        `pipelineObjects[${i}] ('${o.id}') has no string "name"`,
        'the API requires a name on every object',
        o.id,
        'name',
      );
    }
    const fields: ApiField[] = [];
    const rawFields = apiList(c, o.fields, `pipelineObjects[${i}].fields`) ?? [];
    if (o.fields === undefined)
      c.add(
        C.ENTRY_SHAPE,
        'error',
        `object '${o.id}' has no "fields"`,
        'the API requires "fields" (it may be an empty list)',
        o.id,
      );
    for (const f of rawFields) {
      if (!isObject(f) || typeof f.key !== 'string') {
        c.add(
          C.API_FIELD_SHAPE,
          'error',
          `object '${o.id}' has a field without a string "key": ${short(f)}`,
          'each field is {"key", "stringValue"} or {"key", "refValue"}',
          o.id,
        );
        continue;
      }
      const hasS = 'stringValue' in f;
      const hasR = 'refValue' in f;
      if (hasS === hasR) {
        c.add(
          C.API_FIELD_SHAPE,
          'error',
          `field '${f.key}' must have exactly one of stringValue and refValue`,
          'a field holds either a string or a reference, not both',
          o.id,
          f.key,
        );
        continue;
      }
      const v = hasS ? f.stringValue : f.refValue;
      if (typeof v !== 'string') {
        c.add(
          C.VALUE_SHAPE,
          'error',
          `field '${f.key}' has a non-string ${hasS ? 'stringValue' : 'refValue'} ${short(v)}`,
          'API values are strings',
          o.id,
          f.key,
        );
        continue;
      }
      fields.push(hasS ? { key: f.key, stringValue: v } : { key: f.key, refValue: v });
    }
    pipelineObjects.push({ id: o.id, name: typeof o.name === 'string' ? o.name : o.id, fields });
  });
  const result: ApiDefinitionJson = { pipelineObjects };
  const pobjs = apiList(c, json.parameterObjects, 'parameterObjects');
  if (pobjs) {
    result.parameterObjects = [];
    pobjs.forEach((p, i) => {
      if (!isObject(p) || typeof p.id !== 'string') {
        c.add(
          C.ENTRY_SHAPE,
          'error',
          `parameterObjects[${i}] has no string "id"`,
          'each parameter object is {"id", "attributes": […]}',
        );
        return;
      }
      const attributes: { key: string; stringValue: string }[] = [];
      for (const a of apiList(c, p.attributes, `parameterObjects[${i}].attributes`) ?? []) {
        if (!isObject(a) || typeof a.key !== 'string' || typeof a.stringValue !== 'string') {
          c.add(
            C.ENTRY_SHAPE,
            'error',
            `parameter '${p.id}' has a malformed attribute ${short(a)}`,
            'each attribute is {"key", "stringValue"} with string values',
            p.id,
          );
          continue;
        }
        attributes.push({ key: a.key, stringValue: a.stringValue });
      }
      result.parameterObjects?.push({ id: p.id, attributes });
    });
  }
  const pvals = apiList(c, json.parameterValues, 'parameterValues');
  if (pvals) {
    result.parameterValues = [];
    pvals.forEach((v, i) => {
      if (!isObject(v) || typeof v.id !== 'string' || typeof v.stringValue !== 'string') {
        c.add(
          C.ENTRY_SHAPE,
          'error',
          `parameterValues[${i}] must be {"id", "stringValue"} with strings: ${short(v)}`,
          'fix the entry',
        );
        return;
      }
      result.parameterValues?.push({ id: v.id, stringValue: v.stringValue });
    });
  }
  return result;
}

export type RawCheckResult =
  | { format: 'file'; clean?: FileDefinitionJson; diagnostics: Diagnostic[] }
  | { format: 'api'; clean?: ApiDefinitionJson; diagnostics: Diagnostic[] };

/** Checks the raw JSON shape; `clean` is absent when nothing usable is left. */
/**
 * SDK scripts (boto3 `put_pipeline_definition(pipelineObjects=…)` dumped under the file's key
 * names) write `{"objects": [{"id", "name", "fields": [{"key", "stringValue"|"refValue"}]}]}`:
 * the API shape under the file-format keys. Every object having a `fields` list of `{key}` entries
 * (and nothing else but id and name) identifies it; it is read as the API format.
 */
function apiUnderFileKeys(json: Record<string, Json>): Record<string, Json> | undefined {
  const objects = json.objects;
  if (!Array.isArray(objects) || objects.length === 0) return undefined;
  const apiLike = objects.every(
    (o) =>
      isObject(o) &&
      Array.isArray(o.fields) &&
      Object.keys(o).every((k) => k === 'id' || k === 'name' || k === 'fields') &&
      o.fields.every((f) => isObject(f) && typeof f.key === 'string'),
  );
  if (!apiLike) return undefined;
  const out: Record<string, Json> = { pipelineObjects: objects };
  if (json.parameters !== undefined) out.parameterObjects = json.parameters;
  if (Array.isArray(json.values)) out.parameterValues = json.values;
  else if (isObject(json.values))
    out.parameterValues = Object.entries(json.values).flatMap(([id, v]) =>
      (Array.isArray(v) ? v : [v]).map((s) => ({ id, stringValue: s })),
    );
  for (const k of ['parameterObjects', 'parameterValues'])
    if (json[k] !== undefined && out[k] === undefined) out[k] = json[k];
  return out;
}

export function checkRawJson(input: unknown, file?: string): RawCheckResult {
  const c = new Collector(file);
  const json = isObject(input) && !('pipelineObjects' in input) ? (apiUnderFileKeys(input) ?? input) : input;
  if (!isObject(json)) {
    c.add(
      C.JSON_INVALID,
      'error',
      `a definition must be a JSON object, got ${Array.isArray(json) ? 'a list' : short(json)}`,
      'the file looks like {"objects": [ … ], "parameters": [ … ], "values": { … }}',
    );
    return { format: 'file', diagnostics: c.out };
  }
  if ('pipelineObjects' in json) {
    for (const k of Object.keys(json)) {
      if (!API_KEYS.has(k))
        c.add(
          C.UNKNOWN_TOP_KEY,
          'warning',
          `unknown top-level key '${k}' in an API-format definition`,
          'known keys: pipelineObjects, parameterObjects, parameterValues',
        );
    }
    return { format: 'api', clean: apiDefinition(c, json), diagnostics: c.out };
  }
  for (const k of Object.keys(json)) {
    if (!FILE_KEYS.has(k))
      c.add(
        C.UNKNOWN_TOP_KEY,
        'warning',
        `unknown top-level key '${k}'`,
        'known keys: objects, parameters, values',
      );
  }
  if (!('objects' in json)) {
    c.add(
      C.OBJECTS_MISSING,
      'error',
      'Error in pipeline definition: Missing "objects" key',
      'a definition file needs "objects": [ … ] (or "pipelineObjects" in the API format)',
    );
    return { format: 'file', diagnostics: c.out };
  }
  if (!Array.isArray(json.objects)) {
    c.add(C.OBJECTS_MISSING, 'error', '"objects" must be a list', 'write "objects": [ {"id": …}, … ]');
    return { format: 'file', diagnostics: c.out };
  }
  const clean: FileDefinitionJson = { objects: fileObjects(c, json.objects) };
  const parameters = fileParameters(c, json.parameters);
  if (parameters) clean.parameters = parameters;
  const values = fileValues(c, json.values);
  if (values) clean.values = values;
  return { format: 'file', clean, diagnostics: c.out };
}
