/**
 * JSON Schema validation (ajv) with errors turned into located diagnostics:
 * unknown keys get "did you mean", wrong types name the expected type.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostics.js';
import { closest, didYouMean } from '../diagnostics.js';
import { AJV_OPTIONS } from './ajv-options.js';
import type { KeyPath, YamlFile } from './yaml.js';

const require = createRequire(import.meta.url);

/** The name of a schema's pre-generated validator file (scripts/gen-validators.mjs). */
export function validatorHash(schemaJson: string): string {
  return createHash('sha256').update(schemaJson).digest('hex').slice(0, 24);
}

// Compiling validators is most of `pipeline validate`'s start-up (issue 7), so the build
// pre-generates them (scripts/gen-validators.mjs); Ajv's compiler is loaded only for a schema
// the build did not see (or that changed since), and when running from src/ (tests).
function generatedValidator(schema: object): ValidateFunction | undefined {
  try {
    const m = require(`./validators/${validatorHash(JSON.stringify(schema))}.cjs`) as {
      default: ValidateFunction;
    };
    return m.default;
  } catch {
    return undefined;
  }
}

let ajv: { compile(schema: object): ValidateFunction } | undefined;
const cache = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let v = cache.get(schema);
  if (!v) {
    v = generatedValidator(schema);
    if (!v) {
      ajv ??= new (require('ajv') as typeof import('ajv')).Ajv(AJV_OPTIONS);
      v = ajv.compile(schema);
    }
    cache.set(schema, v);
  }
  return v;
}

/** The subschema at an error's `schemaPath` (`#/properties/a/additionalProperties` → its parent with `up = 1`). */
function schemaAt(root: unknown, schemaPath: string, up: number): unknown {
  const parts = schemaPath
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '');
  let v: unknown = root;
  for (const raw of parts.slice(0, parts.length - up)) {
    if (v === null || typeof v !== 'object') return undefined;
    const p = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describeType(t: unknown): string {
  const list = Array.isArray(t) ? t : [t];
  return list
    .map((x) =>
      x === 'integer' ? 'a whole number' : x === 'object' ? 'a mapping' : x === 'array' ? 'a list' : `a ${x}`,
    )
    .join(' or ');
}

function actualType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/**
 * Validate `value` (found at `base` in `file`) against `schema`. `what` names the thing in
 * messages ("step 'load' (load-redshift)").
 */
export function validateWithSchema(
  file: YamlFile,
  base: KeyPath,
  value: unknown,
  schema: { properties?: Record<string, unknown>; [k: string]: unknown },
  what: string,
): Diagnostic[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const errors = (validate.errors ?? []) as ErrorObject[];
  // A misspelt key is one mistake: its "missing required key" twin is dropped (issue 18).
  const misspelt = new Set<string>();
  const missingOf = new Map<Diagnostic, string>();
  // oneOf/anyOf produce a cascade of branch errors; report the most specific ones.
  const hasSpecific = (p: string) =>
    errors.some((e) => e.instancePath === p && e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    const full = [...base, ...path];
    const key = String(path[path.length - 1] ?? '');
    let d: Diagnostic;
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const parentSchema = schemaAt(schema, e.schemaPath, 1) as
        { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parentSchema?.properties ?? {});
      const meant = closest(extra, known);
      if (meant) misspelt.add(JSON.stringify([...path, meant]));
      d = file.at(
        [...full, extra],
        path.length === 0 ? 'ETL1003' : 'ETL1003',
        `unknown key '${extra}' in ${what}${path.length ? ` at ${path.join('.')}` : ''}`,
        {
          onKey: true,
          field: [...path, extra].join('.'),
          hint: didYouMean(extra, known) ?? (known.length ? `known keys: ${known.join(', ')}` : undefined),
        },
      );
    } else if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      d = file.at(full, 'ETL1005', `${what} is missing required key '${missing}'`, {
        onKey: path.length === 0,
        field: [...path, missing].join('.'),
        hint: `add \`${missing}:\``,
      });
      missingOf.set(d, JSON.stringify([...path, missing]));
    } else if (e.keyword === 'type') {
      const v = valueAt(value, path);
      d = file.at(
        full,
        'ETL1004',
        `'${key || what}' must be ${describeType((e.params as { type: unknown }).type)}, not ${actualType(v)}`,
        {
          field: path.join('.'),
          hint: 'check the value type (quote strings, use a list with `- item` or a mapping with `key: value`)',
        },
      );
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const v = String(valueAt(value, path));
      d = file.at(full, 'ETL1006', `'${key}' must be one of ${allowed.join(', ')}; got '${v}'`, {
        field: path.join('.'),
        hint: didYouMean(v, allowed) ?? `use one of: ${allowed.join(', ')}`,
      });
    } else if ((e.keyword === 'oneOf' || e.keyword === 'anyOf') && hasSpecific(e.instancePath)) {
      continue;
    } else {
      d = file.at(full, 'ETL1004', `'${key || what}' ${e.message ?? 'is invalid'}`, {
        field: path.join('.'),
      });
    }
    const k = `${d.code}:${d.line}:${d.column}:${d.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(d);
    }
  }
  return out.filter((d) => !misspelt.has(missingOf.get(d) ?? ''));
}
