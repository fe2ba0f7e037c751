/**
 * Parameters as the AWS CLI takes them (reference §1.3, "How put-pipeline-definition /
 * activate-pipeline assemble a request"): `--parameter-objects FILE` replaces the definition's
 * parameter objects; `--parameter-values k=v …` (a repeated key makes an array) or
 * `--parameter-values-uri FILE` (never both) replace the definition's own `values`. The config's
 * `parameters:` map sits between the two (over the file's values, under the command line).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { Definition, ParameterObject } from './model.js';

export type ParameterValues = Record<string, string | string[]>;

/** What the command line and the config give; every part optional. */
export interface ParameterInput {
  /** `--parameter-objects`: replaces the definition's parameters. */
  objects?: ParameterObject[];
  /** `--parameter-values` / `--parameter-values-uri`: replace the definition's values. */
  values?: ParameterValues;
  /** The config's `parameters:` for this definition: over the file's values, under `values`. */
  configValues?: ParameterValues;
}

function usage(message: string, hint?: string): EtlError {
  return new EtlError(diag('ETL4202', message, { hint }), ExitCode.USAGE);
}

function add(out: ParameterValues, id: string, value: string): void {
  const prev = out[id];
  if (prev === undefined) out[id] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else out[id] = [prev, value];
}

/** `k=v` items, split at the first `=`; a repeated key becomes a list, as in the AWS CLI. */
export function parseParameterValues(items: readonly string[]): ParameterValues {
  const out: ParameterValues = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0)
      throw usage(
        `--parameter-values '${item}' is not key=value`,
        'write --parameter-values myKey=value (repeat the key for an array)',
      );
    add(out, item.slice(0, at), item.slice(at + 1));
  }
  return out;
}

/** `file://path` (the AWS CLI spelling) or a plain path. */
function readJsonFile(ref: string, flag: string, cwd: string): unknown {
  const path = resolve(cwd, ref.replace(/^file:\/\//, ''));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw usage(`${flag} ${ref}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw usage(`${flag} ${ref}: not valid JSON (${(e as Error).message})`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * A values map from JSON or YAML: strings (numbers and booleans stringified) or lists of them.
 * `where` names the source in errors.
 */
export function valuesFrom(v: unknown, where: string): ParameterValues {
  // The API form: [{id, stringValue}, …].
  if (Array.isArray(v)) {
    const out: ParameterValues = {};
    for (const e of v) {
      const s = isRecord(e) ? stringOf(e.stringValue) : undefined;
      if (!isRecord(e) || typeof e.id !== 'string' || s === undefined)
        throw usage(`${where}: every entry needs an "id" and a "stringValue"`);
      add(out, e.id, s);
    }
    return out;
  }
  if (!isRecord(v)) throw usage(`${where} is not a map of parameter ids to values`);
  const out: ParameterValues = {};
  for (const [k, raw] of Object.entries(v)) {
    if (Array.isArray(raw)) {
      const items = raw.map(stringOf);
      if (items.some((s) => s === undefined))
        throw usage(`${where}: '${k}' must be a string or a list of strings`);
      out[k] = items as string[];
    } else {
      const s = stringOf(raw);
      if (s === undefined) throw usage(`${where}: '${k}' must be a string or a list of strings`);
      out[k] = s;
    }
  }
  return out;
}

/** `--parameter-values-uri FILE`: `{"values": {…}}` (the file form) or `{"parameterValues": […]}`. */
export function readParameterValuesUri(ref: string, cwd: string): ParameterValues {
  const json = readJsonFile(ref, '--parameter-values-uri', cwd);
  if (isRecord(json) && 'values' in json) return valuesFrom(json.values, `--parameter-values-uri ${ref}`);
  if (isRecord(json) && 'parameterValues' in json)
    return valuesFrom(json.parameterValues, `--parameter-values-uri ${ref}`);
  throw usage(`--parameter-values-uri ${ref}: expected {"values": {…}}`);
}

/** `--parameter-objects FILE`: `{"parameters": [{id, …attributes}]}` or the API `parameterObjects`. */
export function readParameterObjects(ref: string, cwd: string): ParameterObject[] {
  const json = readJsonFile(ref, '--parameter-objects', cwd);
  const where = `--parameter-objects ${ref}`;
  const list = isRecord(json) ? (json.parameters ?? json.parameterObjects) : json;
  if (!Array.isArray(list)) throw usage(`${where}: expected {"parameters": […]}`);
  return list.map((p, i) => {
    if (!isRecord(p) || typeof p.id !== 'string')
      throw usage(`${where}: parameters[${i}] has no string "id"`);
    const attributes: Record<string, string | string[]> = {};
    if (Array.isArray(p.attributes)) {
      for (const a of p.attributes) {
        const s = isRecord(a) ? stringOf(a.stringValue) : undefined;
        if (!isRecord(a) || typeof a.key !== 'string' || s === undefined)
          throw usage(`${where}: parameter '${p.id}' has an attribute without "key" and "stringValue"`);
        const prev = attributes[a.key];
        attributes[a.key] = prev === undefined ? s : Array.isArray(prev) ? [...prev, s] : [prev, s];
      }
    } else {
      for (const [k, v] of Object.entries(p)) {
        if (k === 'id') continue;
        attributes[k] = Array.isArray(v) ? v.map(String) : String(v);
      }
    }
    return { id: p.id, attributes };
  });
}

/** The command-line flags, read into one input (usage errors, exit 2). */
export function parameterInputFromFlags(
  flags: { parameterObjects?: string; parameterValues?: string[]; parameterValuesUri?: string },
  cwd: string,
): ParameterInput {
  if (flags.parameterValues?.length && flags.parameterValuesUri)
    throw usage('Only parameter-values or parameter-values-uri is allowed', 'use one of the two flags');
  const input: ParameterInput = {};
  if (flags.parameterObjects) input.objects = readParameterObjects(flags.parameterObjects, cwd);
  if (flags.parameterValues?.length) input.values = parseParameterValues(flags.parameterValues);
  if (flags.parameterValuesUri) input.values = readParameterValuesUri(flags.parameterValuesUri, cwd);
  return input;
}

/**
 * The config's `parameters:` for one definition: top-level `myX: v` entries apply to every
 * definition, `<name>: {myX: v}` entries (by pipeline name or file name without .json) to that one.
 */
export function configValuesFor(parameters: unknown, names: readonly string[]): ParameterValues {
  if (parameters === undefined || parameters === null) return {};
  if (!isRecord(parameters))
    throw usage('config `parameters:` must be a map', 'parameters: {myX: value, <definition>: {myY: value}}');
  const shared: Record<string, unknown> = {};
  let own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parameters)) {
    if (/^\*?my/.test(k)) shared[k] = v;
    else if (names.includes(k)) {
      if (!isRecord(v)) throw usage(`config \`parameters.${k}\` must be a map of parameter ids to values`);
      own = v;
    }
  }
  return { ...valuesFrom(shared, 'config parameters'), ...valuesFrom(own, 'config parameters') };
}

/** The definition as AWS would hold it after put/activate with these inputs. */
export function applyParameters(def: Definition, input: ParameterInput): Definition {
  const base = input.values !== undefined ? {} : def.values;
  return {
    ...def,
    parameters: input.objects ?? def.parameters,
    values: { ...base, ...(input.configValues ?? {}), ...(input.values ?? {}) },
  };
}

export function hasParameterInput(input: ParameterInput | undefined): boolean {
  return Boolean(
    input &&
    (input.objects || input.values || (input.configValues && Object.keys(input.configValues).length)),
  );
}
