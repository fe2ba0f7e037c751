/** API shape constraints, empty values, XML-illegal characters and size limits (reference §1.2, §1 shapes, §9.2–3). */
import { isRef } from '../model.js';
import { C } from './codes.js';
import type { CheckContext, Rule } from './context.js';
import { scalars } from './context.js';
import { findXmlIllegal, utf8Length } from './values.js';

export const LIMITS = {
  objects: 100,
  fieldsPerObject: 50,
  bytesPerField: 10_240,
  bytesPerObject: 15_360,
  identifierBytes: 256,
  identifierChars: 1024,
  parameters: 50,
  tags: 10,
  tagKeyChars: 128,
  tagValueChars: 256,
  valuesFileBytes: 15 * 1024,
} as const;

function xml(ctx: CheckContext, text: string, what: string, objectId?: string, field?: string): void {
  const bad = findXmlIllegal(text);
  if (bad) {
    ctx.report(
      C.XML_ILLEGAL,
      'error',
      `${what} contains character U+${bad.code.toString(16).toUpperCase().padStart(4, '0')} at position ${bad.index + 1}, which AWS rejects (not legal in XML)`,
      'remove control characters; only TAB, LF and CR are allowed',
      objectId,
      field,
    );
  }
}

function identifier(ctx: CheckContext, value: string, what: string, objectId?: string, field?: string): void {
  if (value.length > LIMITS.identifierChars || utf8Length(value) > LIMITS.identifierBytes) {
    ctx.report(
      C.ID_TOO_LONG,
      'error',
      `${what} is ${utf8Length(value)} bytes; the limit is ${LIMITS.identifierBytes} UTF-8 bytes`,
      'use a shorter identifier',
      objectId,
      field,
    );
  }
  xml(ctx, value, what, objectId, field);
}

function objectShape(ctx: CheckContext): void {
  for (const obj of ctx.def.objects) {
    const oid = obj.id;
    if (typeof oid !== 'string' || oid === '') {
      ctx.report(
        C.EMPTY_ID,
        'error',
        'object has an empty id',
        'every object needs a non-empty, unique id (AWS refuses to save the definition)',
        oid,
      );
    } else identifier(ctx, oid, `object id '${oid.slice(0, 40)}'`, oid);
    if (typeof obj.name !== 'string' || obj.name === '') {
      ctx.report(
        C.EMPTY_ID,
        'error',
        `object '${oid}' has an empty name`,
        'give the object a name, or omit it so the id is used',
        oid,
        'name',
      );
    } else if (obj.name.length > LIMITS.identifierChars) {
      ctx.report(
        C.ID_TOO_LONG,
        'error',
        `object name is ${obj.name.length} characters; the API allows 1024`,
        'use a shorter name',
        oid,
        'name',
      );
    } else xml(ctx, obj.name, 'object name', oid, 'name');

    let fieldCount = 0;
    let bytes = utf8Length(oid ?? '') + utf8Length(obj.name ?? '');
    for (const [key, value] of Object.entries(obj.fields)) {
      if (key === '' || utf8Length(key) > LIMITS.identifierBytes) {
        ctx.report(
          C.KEY_LENGTH,
          'error',
          `field name '${key.slice(0, 40)}' must be 1–256 bytes`,
          'rename the field',
          oid,
          key,
        );
      } else xml(ctx, key, `field name '${key}'`, oid, key);
      if (Array.isArray(value) && value.length === 0) {
        ctx.report(
          C.EMPTY_LIST,
          'warning',
          `field '${key}' is an empty list, so no value is sent to AWS`,
          'remove the field or give it values',
          oid,
          key,
        );
      }
      for (const v of scalars(value)) {
        fieldCount++;
        bytes += utf8Length(key);
        if (isRef(v)) {
          bytes += utf8Length(v.ref);
          if (v.ref === '') {
            ctx.report(
              C.EMPTY_VALUE,
              'error',
              `field '${key}' has an empty reference`,
              'AWS refuses to save a definition with an empty reference; point it at an object id',
              oid,
              key,
            );
          } else identifier(ctx, v.ref, `reference '${v.ref.slice(0, 40)}'`, oid, key);
        } else if (typeof v === 'string') {
          const len = utf8Length(v);
          bytes += len;
          if (v === '') {
            ctx.report(
              C.EMPTY_VALUE,
              'error',
              `field '${key}' is an empty string`,
              'AWS refuses to save a definition with an empty field (FATAL error); remove the field or give it a value',
              oid,
              key,
            );
          } else if (len > LIMITS.bytesPerField) {
            ctx.report(
              C.VALUE_TOO_LONG,
              'error',
              `field '${key}' is ${len} bytes; the limit is ${LIMITS.bytesPerField} UTF-8 bytes`,
              'move long text (SQL, scripts) to S3 and use scriptUri',
              oid,
              key,
            );
          }
          xml(ctx, v, `field '${key}'`, oid, key);
        }
      }
    }
    if (fieldCount > LIMITS.fieldsPerObject) {
      ctx.report(
        C.TOO_MANY_FIELDS,
        'error',
        `object has ${fieldCount} fields; the limit is ${LIMITS.fieldsPerObject} (repeated keys count individually)`,
        'move common fields to Default or a parent object',
        oid,
      );
    }
    if (bytes > LIMITS.bytesPerObject) {
      ctx.report(
        C.OBJECT_TOO_LARGE,
        'error',
        `object is ${bytes} bytes; the limit is ${LIMITS.bytesPerObject} UTF-8 bytes including field names`,
        'move long values to S3 or split the object',
        oid,
      );
    }
  }
}

function objectCount(ctx: CheckContext): void {
  const n = ctx.def.objects.length;
  const explicit = ctx.opts.maxObjects;
  const limit = explicit ?? LIMITS.objects;
  if (n > limit) {
    ctx.report(
      C.TOO_MANY_OBJECTS,
      explicit === undefined ? 'warning' : 'error',
      `definition has ${n} objects; ${explicit === undefined ? 'the default AWS limit' : 'the configured limit'} is ${limit} per pipeline`,
      explicit === undefined
        ? 'the limit is adjustable: request an increase from AWS (PutPipelineDefinition fails above your limit), or split the pipeline'
        : 'split the pipeline or raise the account limit',
    );
  }
}

function parameterShape(ctx: CheckContext): void {
  const params = ctx.def.parameters;
  if (params.length > LIMITS.parameters) {
    ctx.report(
      C.TOO_MANY_PARAMETERS,
      'error',
      `definition has ${params.length} parameters; the limit is ${LIMITS.parameters}`,
      'combine parameters or use fewer',
    );
  }
  for (const p of params) {
    if (p.id === '' || utf8Length(p.id) > LIMITS.identifierBytes) {
      ctx.report(
        C.ID_TOO_LONG,
        'error',
        `parameter id '${p.id.slice(0, 40)}' must be 1–256 bytes`,
        'use a shorter id',
        p.id,
        'id',
      );
    }
    for (const [key, v] of Object.entries(p.attributes)) {
      if (key === '' || utf8Length(key) > LIMITS.identifierBytes) {
        ctx.report(
          C.KEY_LENGTH,
          'error',
          `parameter attribute '${key.slice(0, 40)}' must be 1–256 bytes`,
          'rename the attribute',
          p.id,
          key,
        );
      }
      for (const s of Array.isArray(v) ? v : [v]) {
        if (utf8Length(s) > LIMITS.bytesPerField) {
          ctx.report(
            C.VALUE_TOO_LONG,
            'error',
            `parameter attribute '${key}' is longer than ${LIMITS.bytesPerField} bytes`,
            'shorten it',
            p.id,
            key,
          );
        }
        xml(ctx, s, `parameter attribute '${key}'`, p.id, key);
      }
    }
  }
  let total = 0;
  for (const [id, v] of Object.entries(ctx.def.values)) {
    for (const s of Array.isArray(v) ? v : [v]) {
      total += utf8Length(id) + utf8Length(s);
      if (utf8Length(s) > LIMITS.bytesPerField) {
        ctx.report(
          C.VALUE_TOO_LONG,
          'error',
          `value of parameter '${id}' is longer than ${LIMITS.bytesPerField} bytes`,
          'shorten it',
          id,
        );
      }
      xml(ctx, s, `value of parameter '${id}'`, id);
    }
  }
  if (total > LIMITS.valuesFileBytes) {
    ctx.report(
      C.VALUES_TOO_LARGE,
      'warning',
      `parameter values take ${total} bytes; a parameter-values file may be at most 15 KB`,
      'pass fewer or shorter values',
    );
  }
}

function tags(ctx: CheckContext): void {
  const t = ctx.def.meta?.tags;
  if (!t) return;
  const entries = Object.entries(t);
  if (entries.length > LIMITS.tags) {
    ctx.report(
      C.TAGS,
      'error',
      `pipeline has ${entries.length} tags; the limit is ${LIMITS.tags}`,
      'remove tags',
    );
  }
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > LIMITS.tagKeyChars) {
      ctx.report(
        C.TAGS,
        'error',
        `tag key '${k.slice(0, 40)}' must be 1–${LIMITS.tagKeyChars} characters`,
        'shorten the tag key',
        undefined,
        k,
      );
    }
    if (String(v).length > LIMITS.tagValueChars) {
      ctx.report(
        C.TAGS,
        'error',
        `tag '${k}' value is longer than ${LIMITS.tagValueChars} characters`,
        'shorten the tag value',
        undefined,
        k,
      );
    }
  }
}

export const apiShapeRules: Rule[] = [
  { name: 'object-shape', run: objectShape },
  { name: 'object-count', run: objectCount },
  { name: 'parameter-shape', run: parameterShape },
  { name: 'tags', run: tags },
];
