/**
 * Per-field rules driven by the object-type table: names, required and one-of fields (after
 * inheritance), not-allowed fields, value kinds, enumerations, ranges, reference kinds and targets,
 * multiplicity, deprecations (reference §3, §9.5).
 */
import { didYouMean } from '../../diagnostics.js';
import type { FieldScalar, PipelineObject } from '../model.js';
import { isRef } from '../model.js';
import { C } from './codes.js';
import type { CheckContext, Rule } from './context.js';
import { isUserField, scalars } from './context.js';
import type { FieldSpec } from './objectTypes.js';
import { OBJECT_TYPES } from './objectTypes.js';
import { isBoolean, isDouble, isInteger, parseDateTime, parsePeriod, periodMinutes } from './values.js';

const PARAM_ONLY = /^#\{\s*(\*?my[A-Za-z0-9_]*)\s*\}$/;

/**
 * The literal a value stands for: itself, or a parameter's value/default when the whole value is
 * `#{myParam}`; undefined when it is any other expression (checked at run time only).
 */
function literalOf(ctx: CheckContext, value: string): string | undefined {
  if (!value.includes('#{')) return value;
  const m = PARAM_ONLY.exec(value);
  if (!m) return undefined;
  const id = m[1];
  const attrs = ctx.params.get(id)?.attributes;
  const v = Object.hasOwn(ctx.def.values, id)
    ? ctx.def.values[id]
    : attrs && Object.hasOwn(attrs, 'default')
      ? attrs.default
      : undefined;
  return typeof v === 'string' ? v : undefined;
}

function fieldNames(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    const type = ctx.typeOf(o);
    const spec = type === undefined ? undefined : OBJECT_TYPES[type];
    if (type !== undefined && !spec) continue; // unknown type, reported by identity rules
    for (const key of Object.keys(o.fields)) {
      if (key.startsWith('@')) {
        ctx.report(
          C.RUNTIME_FIELD_SET,
          'error',
          `'${key}' is a runtime field set by AWS and cannot be written`,
          'remove the field',
          o.id,
          key,
        );
        continue;
      }
      if (isUserField(key)) {
        if (!/^\*?my[A-Z_]/.test(key)) {
          ctx.report(
            C.USER_FIELD_NAME,
            'error',
            `user-defined field '${key}' must start with 'my' followed by a capital letter or '_'`,
            `rename it to '${key.replace(/^(\*?)my(.)/, (_m, s: string, c: string) => `${s}my${c.toUpperCase()}`)}'`,
            o.id,
            key,
          );
        }
        continue;
      }
      if (spec) {
        if (spec.notAllowed?.includes(key)) {
          ctx.report(
            C.NOT_ALLOWED,
            'error',
            `field '${key}' is not allowed on ${type}`,
            `remove '${key}' from this ${type}`,
            o.id,
            key,
          );
        } else if (!(key in spec.fields)) {
          const dym = suggestField(key, spec.fields);
          ctx.report(
            C.UNKNOWN_FIELD,
            'warning',
            `field '${key}' is not a field of ${type}`,
            dym ??
              `user-defined fields must start with 'my' (e.g. my${key.charAt(0).toUpperCase()}${key.slice(1)})`,
            o.id,
            key,
          );
        }
      } else if (!ctx.fieldSpec(o, key)) {
        const dym = suggestField(key, ALL_FIELDS);
        ctx.report(
          C.UNKNOWN_FIELD,
          'warning',
          `field '${key}' is not a field of any object type`,
          dym ?? "user-defined fields must start with 'my'",
          o.id,
          key,
        );
      }
    }
  }
}

let allNames: string[] | undefined;
/** Stands for "every object type's fields" in the suggestion cache below. */
const ALL_FIELDS: Record<string, unknown> = {};

/**
 * "Did you mean" for an unknown field, once per field table and name: a misspelling repeated on
 * thousands of objects asked the same edit-distance question thousands of times (~5 % of
 * `definition validate` of 4,000 objects).
 */
const suggestions = new WeakMap<object, Map<string, string | undefined>>();

function suggestField(key: string, fields: Record<string, unknown>): string | undefined {
  let known = suggestions.get(fields);
  if (!known) suggestions.set(fields, (known = new Map()));
  if (!known.has(key))
    known.set(key, didYouMean(key, fields === ALL_FIELDS ? allFieldNames() : Object.keys(fields)));
  return known.get(key);
}

function allFieldNames(): string[] {
  allNames ??= [...new Set(Object.values(OBJECT_TYPES).flatMap((s) => Object.keys(s.fields)))];
  return allNames;
}

function present(ctx: CheckContext, o: PipelineObject, key: string): boolean {
  return ctx.inh.field(o, key) !== undefined;
}

function requiredFields(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    const type = ctx.typeOf(o);
    const spec = ctx.specOf(o);
    if (!spec || o.id === 'Default') continue;
    for (const key of spec.required ?? []) {
      if (present(ctx, o, key)) continue;
      const alt = key.startsWith('*') && present(ctx, o, key.slice(1));
      ctx.report(
        C.REQUIRED,
        'error',
        `${type} '${o.id}' needs field '${key}'`,
        alt
          ? `write '${key}' (with the '*' prefix) instead of '${key.slice(1)}'`
          : `set '${key}' here, on a parent, or on Default`,
        o.id,
        key,
      );
    }
    for (const g of spec.oneOf ?? []) {
      const set = g.fields.filter((k) => present(ctx, o, k));
      if (set.length === 0 && g.required) {
        ctx.report(
          C.ONE_OF_MISSING,
          'error',
          `${type} '${o.id}' needs one of ${g.fields.map((f) => `'${f}'`).join(' or ')}`,
          `set ${g.exclusive ? 'exactly one' : 'at least one'} of them (here, on a parent, or on Default)`,
          o.id,
          g.fields.join('|'),
        );
      } else if (set.length > 1 && g.exclusive) {
        ctx.report(
          C.ONE_OF_EXCLUSIVE,
          'error',
          `${type} '${o.id}' sets both ${set.map((f) => `'${f}'`).join(' and ')}; only one is allowed`,
          `remove '${set[1]}' or '${set[0]}'`,
          o.id,
          set[1],
        );
      }
    }
  }
}

function checkScalar(
  ctx: CheckContext,
  o: PipelineObject,
  key: string,
  spec: FieldSpec,
  v: FieldScalar,
): void {
  if (spec.kind === 'Ref') {
    checkRef(ctx, o, key, spec, v);
    return;
  }
  if (isRef(v)) {
    ctx.report(
      C.REF_KIND,
      'error',
      `field '${key}' must be a string, not a reference`,
      `write the value as a string`,
      o.id,
      key,
    );
    return;
  }
  if (v === '') return; // reported as empty value
  if (spec.special?.includes(v)) return;
  const lit = literalOf(ctx, v);
  if (lit === undefined) {
    if (spec.kind === 'DateTime') {
      ctx.report(
        C.DATETIME,
        'error',
        `'${key}' value must be a literal datetime value, not an expression`,
        'write YYYY-MM-DDTHH:MM:SS (UTC), e.g. 2026-01-01T00:00:00',
        o.id,
        key,
      );
    }
    return;
  }
  checkLiteral(ctx, o, key, spec, lit);
}

/** A reference field: it must be a reference, to an object of an allowed type. */
function checkRef(ctx: CheckContext, o: PipelineObject, key: string, spec: FieldSpec, v: FieldScalar): void {
  if (!isRef(v)) {
    ctx.report(
      C.REF_KIND,
      'error',
      `field '${key}' must be a reference {"ref": "<id>"}, not the string '${String(v).slice(0, 60)}'`,
      `write "${key}": {"ref": "${String(v).slice(0, 60)}"}`,
      o.id,
      key,
    );
    return;
  }
  if (!spec.refTypes || v.ref === '') return;
  const target = ctx.inh.byId.get(v.ref);
  const ttype = target ? ctx.typeOf(target) : undefined;
  if (ttype !== undefined && !spec.refTypes.includes(ttype)) {
    ctx.report(
      C.REF_TARGET_TYPE,
      'error',
      `field '${key}' refers to '${v.ref}', a ${ttype}; expected ${spec.refTypes.length === 1 ? 'a' : 'one of'} ${spec.refTypes.join(', ')}`,
      `point '${key}' at ${spec.refTypes.length === 1 ? 'a' : 'a'} ${spec.refTypes.join('/')} object`,
      o.id,
      key,
    );
  }
}

/** A field's literal value (expressions already resolved) against the field's kind. */
function checkLiteral(ctx: CheckContext, o: PipelineObject, key: string, spec: FieldSpec, lit: string): void {
  switch (spec.kind) {
    case 'Period': {
      const p = parsePeriod(lit);
      if (!p) {
        ctx.report(
          C.PERIOD,
          'error',
          `'${key}' value '${lit}' is not a period`,
          "write 'N minutes|hours|days|weeks|months|years', e.g. '1 day' or '15 minutes'",
          o.id,
          key,
        );
      } else if (spec.minMinutes !== undefined && periodMinutes(p) < spec.minMinutes) {
        ctx.report(
          C.RANGE,
          'error',
          `'${key}' is ${lit}; the minimum is ${spec.minMinutes} minutes`,
          `use at least ${spec.minMinutes} minutes`,
          o.id,
          key,
        );
      }
      return;
    }
    case 'DateTime':
      if (!parseDateTime(lit)) {
        ctx.report(
          C.DATETIME,
          'error',
          `'${key}' value '${lit}' must be a literal datetime value`,
          'write YYYY-MM-DDTHH:MM:SS (UTC), e.g. 2026-01-01T00:00:00',
          o.id,
          key,
        );
      }
      return;
    case 'Integer':
      if (!isInteger(lit)) {
        ctx.report(
          C.INTEGER,
          'error',
          `'${key}' value '${lit}' is not an integer`,
          'write a whole number such as "3"',
          o.id,
          key,
        );
        return;
      }
      range(ctx, o, key, spec, Number(lit), lit);
      return;
    case 'Double':
      if (!isDouble(lit)) {
        ctx.report(
          C.DOUBLE,
          'error',
          `'${key}' value '${lit}' is not a number`,
          'write a decimal number such as "0.5"',
          o.id,
          key,
        );
        return;
      }
      range(ctx, o, key, spec, Number(lit), lit);
      return;
    case 'Boolean':
      if (!isBoolean(lit)) {
        ctx.report(
          C.BOOLEAN,
          'error',
          `'${key}' value '${lit}' is not a Boolean`,
          'write "true" or "false"',
          o.id,
          key,
        );
      }
      return;
    case 'Enum': {
      const values = spec.values ?? [];
      const ok = spec.pattern
        ? spec.pattern.test(lit)
        : values.some((e) => e.toLowerCase() === lit.toLowerCase());
      if (!ok) {
        ctx.report(
          C.ENUM,
          'error',
          spec.pattern
            ? `'${key}' value '${lit}' is not an AWS region code (such as ${values.slice(0, 2).join(', ')})`
            : `'${key}' value '${lit}' is not one of ${values.join(', ')}`,
          (lit.length < 64 ? didYouMean(lit, values) : undefined) ?? `use one of: ${values.join(', ')}`,
          o.id,
          key,
        );
      }
      return;
    }
    case 'String':
      return;
  }
}

function range(
  ctx: CheckContext,
  o: PipelineObject,
  key: string,
  spec: FieldSpec,
  n: number,
  lit: string,
): void {
  const low =
    (spec.min !== undefined && n < spec.min) || (spec.exclusiveMin !== undefined && n <= spec.exclusiveMin);
  const high =
    (spec.max !== undefined && n > spec.max) || (spec.exclusiveMax !== undefined && n >= spec.exclusiveMax);
  if (!low && !high) return;
  const bounds = [
    spec.min !== undefined
      ? `≥ ${spec.min}`
      : spec.exclusiveMin !== undefined
        ? `> ${spec.exclusiveMin}`
        : '',
    spec.max !== undefined
      ? `≤ ${spec.max}`
      : spec.exclusiveMax !== undefined
        ? `< ${spec.exclusiveMax}`
        : '',
  ]
    .filter(Boolean)
    .join(' and ');
  ctx.report(
    C.RANGE,
    spec.softBounds ? 'warning' : 'error',
    `'${key}' is ${lit}; it must be ${bounds}`,
    spec.softBounds
      ? 'this is an adjustable AWS limit; ask AWS to raise it or use a smaller value'
      : `use a value ${bounds}`,
    o.id,
    key,
  );
}

function fieldValues(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    for (const [key, value] of Object.entries(o.fields)) {
      if (key === 'type' || key.startsWith('@') || isUserField(key)) continue;
      const spec = ctx.fieldSpec(o, key);
      if (!spec) continue;
      const list = scalars(value);
      if (!spec.multi && list.length > 1) {
        ctx.report(
          C.MULTI_VALUE,
          'error',
          `field '${key}' takes one value, got ${list.length}`,
          'keep a single value',
          o.id,
          key,
        );
      }
      for (const v of list) checkScalar(ctx, o, key, spec, v);
      if (spec.deprecated && ctx.specOf(o)) {
        ctx.report(
          C.DEPRECATED_FIELD,
          'warning',
          `field '${key}' is deprecated: ${spec.deprecated}`,
          'remove it or migrate as described',
          o.id,
          key,
        );
      }
      if (spec.sampleOnly && ctx.specOf(o)) {
        ctx.report(
          C.SAMPLE_ONLY_FIELD,
          'info',
          `field '${key}' appears in AWS samples but not in the ${ctx.typeOf(o)} reference`,
          'keep it only if you know the service accepts it',
          o.id,
          key,
        );
      }
    }
  }
}

export const fieldRules: Rule[] = [
  { name: 'field-names', run: fieldNames },
  { name: 'required-fields', run: requiredFields },
  { name: 'field-values', run: fieldValues },
];
