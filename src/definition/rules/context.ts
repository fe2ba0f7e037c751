/** What every rule gets: the definition, precomputed indexes, options, and a place to report. */
import type { Diagnostic, Severity } from '../../diagnostics.js';
import type { Definition, FieldScalar, ParameterObject, PipelineObject } from '../model.js';
import { isRef } from '../model.js';
import { Inheritance } from '../inherit.js';
import type { CheckCode } from './codes.js';
import { finding } from './codes.js';
import type { FieldSpec, ObjectTypeSpec } from './objectTypes.js';
import { GLOBAL_FIELDS, OBJECT_TYPES } from './objectTypes.js';

export interface CheckOptions {
  /** The current time, for "start more than one day in the past" and backfill warnings. Never read from the clock. */
  now?: Date;
  /**
   * Raised object limit of the account. Without it the documented default (100) gives a warning,
   * since the limit is adjustable; with it, exceeding the given limit is an error.
   */
  maxObjects?: number;
  /** File name put on every diagnostic. */
  file?: string;
  /**
   * At activation (or `--require-values`): a parameter with no value is an error (ETL4076), not
   * the "needed at activation" note (ETL4200) a template gets.
   */
  requireValues?: boolean;
}

export class CheckContext {
  readonly inh: Inheritance;
  readonly out: Diagnostic[] = [];
  /** Ids used as a `parent` target (those may omit `type`). */
  readonly parentTargets = new Set<string>();
  readonly params = new Map<string, ParameterObject>();
  private readonly typeCache = new Map<PipelineObject, string | undefined>();

  constructor(
    readonly def: Definition,
    readonly opts: CheckOptions,
  ) {
    this.inh = new Inheritance(def);
    for (const o of def.objects) {
      for (const v of scalars(o.fields.parent)) if (isRef(v)) this.parentTargets.add(v.ref);
    }
    for (const p of def.parameters) if (!this.params.has(p.id)) this.params.set(p.id, p);
  }

  report(
    code: CheckCode,
    severity: Severity,
    message: string,
    hint: string,
    objectId?: string,
    field?: string,
  ): void {
    this.out.push(finding(code, severity, message, hint, { objectId, field, file: this.opts.file }));
  }

  /** Effective type (own or through `parent`), undefined for Default and templates. */
  typeOf(obj: PipelineObject): string | undefined {
    if (this.typeCache.has(obj)) return this.typeCache.get(obj);
    const t = this.inh.type(obj);
    this.typeCache.set(obj, t);
    return t;
  }

  specOf(obj: PipelineObject): ObjectTypeSpec | undefined {
    const t = this.typeOf(obj);
    return t === undefined ? undefined : OBJECT_TYPES[t];
  }

  /** Field spec for a field of this object: from its type, or the cross-type table when untyped. */
  fieldSpec(obj: PipelineObject, key: string): FieldSpec | undefined {
    const spec = this.specOf(obj);
    if (spec) return spec.fields[key];
    if (this.typeOf(obj) !== undefined) return undefined; // unknown type: reported elsewhere
    return GLOBAL_FIELDS.get(key);
  }

  /** First string value of an effective field. */
  effectiveString(obj: PipelineObject, key: string): string | undefined {
    const v = this.inh.field(obj, key);
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first : undefined;
  }

  effectiveRef(obj: PipelineObject, key: string): string | undefined {
    const v = this.inh.field(obj, key);
    const first = Array.isArray(v) ? v[0] : v;
    return first !== undefined && isRef(first) ? first.ref : undefined;
  }
}

export function scalars(v: unknown): FieldScalar[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as FieldScalar[];
}

export function isUserField(key: string): boolean {
  return /^\*?my/.test(key);
}

export interface Rule {
  /** Rule family, used in internal-error reports. */
  name: string;
  run(ctx: CheckContext): void;
}
