/**
 * Secrets never land in a graph (DESIGN.md decision 6): `*`-prefixed fields, parameter values
 * and passwords embedded in connection URLs are replaced before anything is drawn or embedded.
 */
import type { FieldScalar, FieldValue } from '../definition/model.js';
import { isRef } from '../definition/model.js';
import type { DisplayFields } from './model.js';

export const REDACTED = '••••• (redacted)';

/** `scheme://user:password@host` → `scheme://user:•••••@host`. */
export function redactUrlPassword(value: string): string {
  return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, '$1•••••@');
}

function display(v: FieldValue): string | string[] {
  const one = (s: FieldScalar): string => (isRef(s) ? `→ ${s.ref}` : redactUrlPassword(s));
  return Array.isArray(v) ? v.map(one) : one(v);
}

export function redactFields(fields: Record<string, FieldValue>): DisplayFields {
  const outFields: DisplayFields = {};
  for (const key of Object.keys(fields).sort()) {
    outFields[key] = key.startsWith('*') ? REDACTED : display(fields[key]);
  }
  return outFields;
}

/** Parameter attributes with any value (default, allowed values) redacted. */
export function redactParameter(attributes: Record<string, string | string[]>): DisplayFields {
  const outAttrs: DisplayFields = {};
  for (const key of Object.keys(attributes).sort()) {
    const valueLike = key === 'default' || key === 'allowedValues' || key.startsWith('*');
    outAttrs[key] = valueLike ? REDACTED : attributes[key];
  }
  return outAttrs;
}
