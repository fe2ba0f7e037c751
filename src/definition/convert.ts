/**
 * Lossless file ↔ API conversion of raw definition JSON, following the aws-cli translator
 * (reference §1.3): file → API sorts field keys (including `type`), expands lists into repeated
 * keys and fills `name` from `id`; API → file groups repeated keys back into lists in order.
 * Like aws-cli, a one-element list comes back as a single value and an empty list disappears.
 */
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import type { ApiDefinitionJson, FileDefinitionJson } from './json.js';
import { fromApiJson, fromFileJson, toApiJson, toFileJson } from './json.js';
import { checkRawJson } from './rules/rawJson.js';

export type DefinitionFormat = 'file' | 'api';

export interface ConvertResult {
  /** The converted JSON; absent when the input had shape errors. */
  output?: FileDefinitionJson | ApiDefinitionJson;
  /** The format the input was in. */
  from: DefinitionFormat;
  diagnostics: Diagnostic[];
}

/** Converts raw JSON in either format to `to`; input already in `to` is normalized (sorted, stringified). */
export function convertDefinitionJson(json: unknown, to: DefinitionFormat, file?: string): ConvertResult {
  const raw = checkRawJson(json, file);
  if (!raw.clean || hasErrors(raw.diagnostics)) return { from: raw.format, diagnostics: raw.diagnostics };
  const def = raw.format === 'api' ? fromApiJson(raw.clean) : fromFileJson(raw.clean);
  return {
    from: raw.format,
    output: to === 'api' ? toApiJson(def) : toFileJson(def),
    diagnostics: raw.diagnostics,
  };
}

export function fileToApi(json: FileDefinitionJson): ApiDefinitionJson {
  return toApiJson(fromFileJson(json));
}

export function apiToFile(json: ApiDefinitionJson): FileDefinitionJson {
  return toFileJson(fromApiJson(json));
}

/**
 * The form a file-format definition has after a trip through the API: a one-element list becomes
 * a single value and an empty list disappears (both are one / no repeated field in the API),
 * `name` defaults to `id`, scalars are strings and keys are ordered `id, name, type, …sorted`.
 */
export function canonicalFileJson(json: FileDefinitionJson): FileDefinitionJson {
  const def = fromFileJson(json);
  for (const o of def.objects) {
    for (const [k, v] of Object.entries(o.fields)) {
      if (!Array.isArray(v)) continue;
      if (v.length === 0) delete o.fields[k];
      else if (v.length === 1) o.fields[k] = v[0];
    }
  }
  for (const p of def.parameters) {
    for (const [k, v] of Object.entries(p.attributes)) {
      if (!Array.isArray(v)) continue;
      if (v.length === 0) delete p.attributes[k];
      else if (v.length === 1) p.attributes[k] = v[0];
    }
  }
  for (const [k, v] of Object.entries(def.values)) {
    if (!Array.isArray(v)) continue;
    if (v.length === 0) delete def.values[k];
    else if (v.length === 1) def.values[k] = v[0];
  }
  return toFileJson(def);
}
