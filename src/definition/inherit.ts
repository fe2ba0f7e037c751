/**
 * Field inheritance (reference §1.2, inferred order): own fields, then the `parent` chain,
 * then the `Default` object. Shared by the checker and the expression evaluator so both see
 * the same effective fields. Cycles are cut (the checker reports them separately).
 */
import type { Definition, FieldValue, PipelineObject } from './model.js';
import { isRef } from './model.js';

function parentId(obj: PipelineObject): string | undefined {
  const v = obj.fields.parent;
  const first = Array.isArray(v) ? v[0] : v;
  return first !== undefined && isRef(first) ? first.ref : undefined;
}

export class Inheritance {
  /** First object for each id (duplicates are the checker's business). */
  readonly byId = new Map<string, PipelineObject>();
  readonly defaultObject: PipelineObject | undefined;
  private readonly chains = new Map<PipelineObject, PipelineObject[]>();
  private readonly merged = new Map<PipelineObject, Record<string, FieldValue>>();

  constructor(readonly definition: Definition) {
    for (const o of definition.objects) if (!this.byId.has(o.id)) this.byId.set(o.id, o);
    this.defaultObject = this.byId.get('Default');
  }

  /** [obj, parent, grandparent, …, Default]; stops at a cycle or a dangling parent. */
  chain(obj: PipelineObject): PipelineObject[] {
    const cached = this.chains.get(obj);
    if (cached) return cached;
    const out: PipelineObject[] = [obj];
    if (obj.id !== 'Default') {
      const seen = new Set<PipelineObject>([obj]);
      let cur = obj;
      for (;;) {
        const pid = parentId(cur);
        const next = pid === undefined ? undefined : this.byId.get(pid);
        if (!next || seen.has(next) || next.id === 'Default') break;
        seen.add(next);
        out.push(next);
        cur = next;
      }
      if (this.defaultObject && !seen.has(this.defaultObject)) out.push(this.defaultObject);
    }
    this.chains.set(obj, out);
    return out;
  }

  /** Effective fields; `parent` is never inherited. */
  fields(obj: PipelineObject): Record<string, FieldValue> {
    const cached = this.merged.get(obj);
    if (cached) return cached;
    const out = Object.create(null) as Record<string, FieldValue>;
    for (const o of this.chain(obj)) {
      for (const [k, v] of Object.entries(o.fields)) {
        if (!(k in out) && (o === obj || k !== 'parent')) out[k] = v;
      }
    }
    this.merged.set(obj, out);
    return out;
  }

  field(obj: PipelineObject, key: string): FieldValue | undefined {
    return this.fields(obj)[key];
  }

  /** The object a field's effective value comes from. */
  source(obj: PipelineObject, key: string): PipelineObject | undefined {
    return this.chain(obj).find((o) => key in o.fields);
  }

  /** Own `type`, or one inherited through `parent` (never from Default). */
  type(obj: PipelineObject): string | undefined {
    for (const o of this.chain(obj)) {
      if (o.id === 'Default' && o !== obj) break;
      const t = o.fields.type;
      if (typeof t === 'string') return t;
      if (Array.isArray(t) && typeof t[0] === 'string') return t[0];
    }
    return undefined;
  }
}

const cache = new WeakMap<Definition, { count: number; inh: Inheritance }>();

/** Cached per Definition value; rebuilt when the object count changes. */
export function inheritanceFor(def: Definition): Inheritance {
  const hit = cache.get(def);
  if (hit && hit.count === def.objects.length) return hit.inh;
  const inh = new Inheritance(def);
  cache.set(def, { count: def.objects.length, inh });
  return inh;
}
