/**
 * What `activate` would change: the compiled Definition against the one deployed
 * (GetPipelineDefinition), object by object and field by field, plus the changes AWS refuses on a
 * pipeline that has been activated (reference/aws-data-pipeline.md §2 "Editing after activation").
 */
import type { Definition, FieldScalar, FieldValue, PipelineObject } from '../definition/model.js';
import { isRef, objectType } from '../definition/model.js';
import { fromApiJson, toApiJson } from '../definition/json.js';

export interface FieldChange {
  key: string;
  before: FieldScalar[];
  after: FieldScalar[];
}

export interface ObjectChange {
  id: string;
  kind: 'added' | 'removed' | 'changed';
  type?: string;
  nameBefore?: string;
  nameAfter?: string;
  fields: FieldChange[];
}

export interface NamedChange {
  id: string;
  kind: 'added' | 'removed' | 'changed';
}

export interface DefinitionDiff {
  objects: ObjectChange[];
  parameters: NamedChange[];
  values: NamedChange[];
  unchanged: boolean;
}

export interface RefusedChange {
  objectId: string;
  field?: string;
  reason: string;
}

function list(v: FieldValue | undefined): FieldScalar[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function scalarKey(v: FieldScalar): string {
  return isRef(v) ? `ref:${v.ref}` : `str:${v}`;
}

function sameList(a: FieldScalar[], b: FieldScalar[]): boolean {
  return a.length === b.length && a.every((v, i) => scalarKey(v) === scalarKey(b[i]));
}

/**
 * The Definition exactly as the API will hold it (scalars and lists normalised the same way on both
 * sides), so a definition read back from GetPipelineDefinition compares equal to the one we put.
 */
export function normalizeForApi(def: Definition): Definition {
  return fromApiJson(toApiJson(def));
}

function fieldChanges(before: PipelineObject | undefined, after: PipelineObject | undefined): FieldChange[] {
  const keys = new Set([...Object.keys(before?.fields ?? {}), ...Object.keys(after?.fields ?? {})]);
  const changes: FieldChange[] = [];
  for (const key of [...keys].sort()) {
    const b = list(before?.fields[key]);
    const a = list(after?.fields[key]);
    if (!sameList(b, a)) changes.push({ key, before: b, after: a });
  }
  return changes;
}

function recordChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  ignore: ReadonlySet<string>,
): NamedChange[] {
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changes: NamedChange[] = [];
  for (const id of [...ids].sort()) {
    if (ignore.has(id)) continue;
    if (!(id in before)) changes.push({ id, kind: 'added' });
    else if (!(id in after)) changes.push({ id, kind: 'removed' });
    else if (JSON.stringify(before[id]) !== JSON.stringify(after[id])) changes.push({ id, kind: 'changed' });
  }
  return changes;
}

/**
 * Diff `next` against `deployed` (undefined or empty when nothing is deployed yet).
 * Parameter values listed in `ignoreValues` (secrets supplied at activation) are not compared.
 */
export function diffDefinitions(
  deployed: Definition | undefined,
  next: Definition,
  ignoreValues: Iterable<string> = [],
): DefinitionDiff {
  const before = normalizeForApi(deployed ?? { objects: [], parameters: [], values: {} });
  const after = normalizeForApi(next);
  const beforeById = new Map(before.objects.map((o) => [o.id, o]));
  const afterById = new Map(after.objects.map((o) => [o.id, o]));
  const objects: ObjectChange[] = [];
  for (const o of after.objects) {
    const old = beforeById.get(o.id);
    if (!old) {
      objects.push({
        id: o.id,
        kind: 'added',
        type: objectType(o),
        nameAfter: o.name,
        fields: fieldChanges(undefined, o),
      });
      continue;
    }
    const fields = fieldChanges(old, o);
    if (fields.length > 0 || old.name !== o.name) {
      objects.push({
        id: o.id,
        kind: 'changed',
        type: objectType(o),
        nameBefore: old.name,
        nameAfter: o.name,
        fields,
      });
    }
  }
  for (const o of before.objects) {
    if (!afterById.has(o.id)) {
      objects.push({
        id: o.id,
        kind: 'removed',
        type: objectType(o),
        nameBefore: o.name,
        fields: fieldChanges(o, undefined),
      });
    }
  }
  const params = recordChanges(
    Object.fromEntries(before.parameters.map((p) => [p.id, p.attributes])),
    Object.fromEntries(after.parameters.map((p) => [p.id, p.attributes])),
    new Set(),
  );
  const values = recordChanges(before.values, after.values, new Set(ignoreValues));
  return {
    objects,
    parameters: params,
    values,
    unchanged: objects.length === 0 && params.length === 0 && values.length === 0,
  };
}

const SCHEDULE_START_FIELDS = ['startDateTime', 'startAt'];

/**
 * AWS does not let an activated pipeline change an object's scheduled start (it resumes from
 * `ActivatePipeline.startTimestamp` instead). A compiler that derives the start from the deploy day
 * would otherwise make every redeploy a refused change, so keep the deployed start and report it.
 * Returns the definition to put and the ids of Schedule objects whose start was kept.
 */
export function keepDeployedScheduleStart(
  deployed: Definition,
  next: Definition,
): { definition: Definition; kept: string[] } {
  const before = new Map(normalizeForApi(deployed).objects.map((o) => [o.id, o]));
  const kept: string[] = [];
  const objects = next.objects.map((o) => {
    const old = before.get(o.id);
    if (!old || objectType(o) !== 'Schedule') return o;
    const changed = SCHEDULE_START_FIELDS.some((k) => !sameList(list(old.fields[k]), list(o.fields[k])));
    if (!changed) return o;
    const fields = { ...o.fields };
    for (const k of SCHEDULE_START_FIELDS) {
      if (old.fields[k] === undefined) delete fields[k];
      else fields[k] = old.fields[k];
    }
    kept.push(o.id);
    return { ...o, fields };
  });
  return { definition: { ...next, objects }, kept };
}

/** Changes AWS refuses once a pipeline has been activated (reference §2 "Editing after activation"). */
export function refusedAfterActivation(diff: DefinitionDiff): RefusedChange[] {
  const refused: RefusedChange[] = [];
  for (const o of diff.objects) {
    if (o.kind === 'removed') {
      refused.push({ objectId: o.id, reason: "an activated pipeline can't remove an object" });
      continue;
    }
    if (o.kind === 'added') {
      for (const f of o.fields) {
        if (
          f.key === 'output' &&
          f.after.some((v) => isRef(v) && !diff.objects.some((x) => x.id === v.ref && x.kind === 'added'))
        ) {
          refused.push({
            objectId: o.id,
            field: 'output',
            reason: "a new object can't name an existing object as its output",
          });
        }
      }
      continue;
    }
    for (const f of o.fields) {
      if ([...f.before, ...f.after].some(isRef)) {
        refused.push({
          objectId: o.id,
          field: f.key,
          reason: "reference fields of an existing object can't be added, removed or changed",
        });
      } else if (f.key === 'period' && o.type === 'Schedule') {
        refused.push({
          objectId: o.id,
          field: 'period',
          reason: "the schedule period of an existing object can't change",
        });
      } else if (SCHEDULE_START_FIELDS.includes(f.key)) {
        refused.push({
          objectId: o.id,
          field: f.key,
          reason: "the scheduled start of an existing object can't change (activate with -t instead)",
        });
      }
    }
  }
  return refused;
}

function show(values: FieldScalar[], redact: boolean): string {
  if (values.length === 0) return '(none)';
  if (redact) return '(hidden)';
  const parts = values.map((v) =>
    isRef(v) ? `{ref: ${v.ref}}` : JSON.stringify(v.length > 80 ? v.slice(0, 77) + '...' : v),
  );
  return parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
}

/** Encrypted fields (`*password`) never show their value, not even in a diff. */
function isSecretField(key: string): boolean {
  return key.startsWith('*');
}

/** Human-readable diff, one line per object and an indented line per field (terraform-plan style). */
export function formatDiff(diff: DefinitionDiff): string {
  if (diff.unchanged) return 'No changes: the deployed definition is up to date.';
  const lines: string[] = [];
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  for (const o of diff.objects) {
    lines.push(`${sign[o.kind]} ${o.id}${o.type ? ` (${o.type})` : ''}`);
    if (o.kind === 'changed' && o.nameBefore !== o.nameAfter)
      lines.push(`    name: ${o.nameBefore} -> ${o.nameAfter}`);
    if (o.kind !== 'changed') continue;
    for (const f of o.fields) {
      lines.push(
        `    ${f.key}: ${show(f.before, isSecretField(f.key))} -> ${show(f.after, isSecretField(f.key))}`,
      );
    }
  }
  for (const p of diff.parameters) lines.push(`${sign[p.kind]} parameter ${p.id}`);
  for (const v of diff.values) lines.push(`${sign[v.kind]} value ${v.id}`);
  const count = (k: string): number => diff.objects.filter((o) => o.kind === k).length;
  lines.push(
    `Objects: ${count('added')} to add, ${count('changed')} to change, ${count('removed')} to remove.`,
  );
  return lines.join('\n');
}
