/**
 * The offline Data Pipeline definition checker (reference §9). Pure: no I/O, no clock (pass
 * `now`), never throws. Rules live in ./rules/ and read the object-type table there.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Definition, FieldValue, ParameterObject, PipelineObject } from './model.js';
import { fromApiJson, fromFileJson } from './json.js';
import type { ParameterInput } from './parameter-input.js';
import { applyParameters } from './parameter-input.js';
import { C, finding } from './rules/codes.js';
import type { CheckOptions } from './rules/context.js';
import { CheckContext } from './rules/context.js';
import { ALL_RULES } from './rules/index.js';
import { checkRawJson } from './rules/rawJson.js';

export type { CheckOptions } from './rules/context.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Makes a structurally unsound Definition (from untyped callers) safe to walk; type-correct
 * input passes through unchanged.
 */
function sanitize(def: Definition, out: Diagnostic[], file?: string): Definition {
  const objects: PipelineObject[] = [];
  for (const [i, o] of (def.objects as unknown[]).entries()) {
    if (!isRecord(o) || typeof o.id !== 'string' || !isRecord(o.fields)) {
      out.push(
        finding(
          C.ENTRY_SHAPE,
          'error',
          `objects[${i}] is not an object with a string id and fields`,
          'build objects as {id, name, fields}',
          { file },
        ),
      );
      continue;
    }
    const fields: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(o.fields)) {
      const ok = (x: unknown): boolean => typeof x === 'string' || (isRecord(x) && typeof x.ref === 'string');
      if (ok(v) || (Array.isArray(v) && v.every(ok))) fields[k] = v as FieldValue;
      else
        out.push(
          finding(
            C.VALUE_SHAPE,
            'error',
            `field '${k}' is not a string, a reference or a list of those`,
            'stringify the value',
            { file, objectId: o.id, field: k },
          ),
        );
    }
    objects.push({
      ...(o as unknown as PipelineObject),
      name: typeof o.name === 'string' ? o.name : o.id,
      fields,
    });
  }
  const parameters: ParameterObject[] = Array.isArray(def.parameters)
    ? def.parameters.filter((p) => isRecord(p) && typeof p.id === 'string' && isRecord(p.attributes))
    : [];
  const values = isRecord(def.values) ? def.values : {};
  return { ...def, objects, parameters, values };
}

/** Checks a Definition against the AWS rules and limits; returns findings in discovery order. */
export function checkDefinition(def: Definition, opts: CheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  try {
    if (!isRecord(def) || !Array.isArray(def.objects)) {
      return [
        finding(
          C.OBJECTS_MISSING,
          'error',
          'definition has no objects list',
          'pass a Definition with objects, parameters and values',
          { file: opts.file },
        ),
      ];
    }
    const ctx = new CheckContext(sanitize(def, out, opts.file), opts);
    for (const rule of ALL_RULES) {
      try {
        rule.run(ctx);
      } catch (e) {
        ctx.out.push(
          internal(`rule '${rule.name}' failed: ${e instanceof Error ? e.message : String(e)}`, opts.file),
        );
      }
    }
    out.push(...ctx.out);
  } catch (e) {
    out.push(internal(e instanceof Error ? e.message : String(e), opts.file));
  }
  return out;
}

function internal(message: string, file?: string): Diagnostic {
  return finding(
    C.INTERNAL,
    'error',
    `internal checker error: ${message}`,
    'please report this with the definition that caused it',
    { file },
  );
}

/**
 * Checks raw JSON in either format (definition file or API), converts it, then runs
 * checkDefinition. `definition` is absent when the JSON is unusable.
 */
export function checkDefinitionJson(
  json: unknown,
  file?: string,
  opts: Omit<CheckOptions, 'file'> & { parameters?: ParameterInput } = {},
): { definition?: Definition; diagnostics: Diagnostic[] } {
  try {
    const raw = checkRawJson(json, file);
    if (!raw.clean) return { diagnostics: raw.diagnostics };
    const read = raw.format === 'api' ? fromApiJson(raw.clean) : fromFileJson(raw.clean);
    // Checked as AWS holds it after put/activate with the command line's parameters.
    const definition = opts.parameters ? applyParameters(read, opts.parameters) : read;
    return {
      definition,
      diagnostics: [...raw.diagnostics, ...checkDefinition(definition, { ...opts, file })],
    };
  } catch (e) {
    return { diagnostics: [internal(e instanceof Error ? e.message : String(e), file)] };
  }
}
