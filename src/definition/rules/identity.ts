/** Ids, references, `parent` cycles and object types (reference §1.2, §9.4). */
import { didYouMean } from '../../diagnostics.js';
import type { FieldScalar, PipelineObject } from '../model.js';
import { isRef } from '../model.js';
import { C } from './codes.js';
import type { CheckContext, Rule } from './context.js';
import { scalars } from './context.js';
import { KNOWN_TYPES } from './objectTypes.js';

function uniqueIds(ctx: CheckContext): void {
  const seen = new Set<string>();
  for (const o of ctx.def.objects) {
    if (seen.has(o.id)) {
      ctx.report(
        C.DUPLICATE_ID,
        'error',
        `object id '${o.id}' is used more than once`,
        'object ids must be unique within a definition',
        o.id,
        'id',
      );
    }
    seen.add(o.id);
  }
}

function references(ctx: CheckContext): void {
  const ids = ctx.inh.byId;
  for (const o of ctx.def.objects) {
    for (const [key, value] of Object.entries(o.fields)) {
      for (const v of scalars(value)) {
        if (!isRef(v) || v.ref === '' || ids.has(v.ref)) continue;
        const dym = didYouMean(v.ref, ids.keys());
        ctx.report(
          C.DANGLING_REF,
          'error',
          `field '${key}' refers to '${v.ref}', which is not an object in this definition`,
          dym ?? 'add the object or fix the reference',
          o.id,
          key,
        );
      }
    }
  }
}

function parentCycles(ctx: CheckContext): void {
  const reported = new Set<string>();
  for (const start of ctx.def.objects) {
    const path: PipelineObject[] = [];
    const onPath = new Set<PipelineObject>();
    let cur: PipelineObject | undefined = start;
    while (cur && !onPath.has(cur)) {
      path.push(cur);
      onPath.add(cur);
      const p: FieldScalar | undefined = scalars(cur.fields.parent)[0];
      cur = p !== undefined && isRef(p) ? ctx.inh.byId.get(p.ref) : undefined;
    }
    if (!cur || cur !== start) continue;
    const key = [...path.map((o) => o.id)].sort().join('\u0000');
    if (reported.has(key)) continue;
    reported.add(key);
    ctx.report(
      C.PARENT_CYCLE,
      'error',
      `'parent' references form a cycle: ${[...path.map((o) => o.id), start.id].join(' -> ')}`,
      'break the cycle; a parent chain must end at an object without parent',
      start.id,
      'parent',
    );
  }
}

function types(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    const own = o.fields.type;
    const first = scalars(own)[0];
    if (first !== undefined && isRef(first)) {
      ctx.report(
        C.REF_KIND,
        'error',
        "'type' must be a string, not a reference",
        'write "type": "ShellCommandActivity" (for example)',
        o.id,
        'type',
      );
      continue;
    }
    if (Array.isArray(own) && own.length > 1) {
      ctx.report(
        C.MULTI_VALUE,
        'error',
        "'type' has several values",
        'an object has exactly one type',
        o.id,
        'type',
      );
    }
    if (typeof first === 'string') {
      if (!KNOWN_TYPES.includes(first)) {
        const dym = didYouMean(first, KNOWN_TYPES);
        ctx.report(
          C.UNKNOWN_TYPE,
          'error',
          `unknown object type '${first}'`,
          dym ?? 'see reference §3.4 for the valid types',
          o.id,
          'type',
        );
      }
      continue;
    }
    if (o.id === 'Default' || ctx.parentTargets.has(o.id) || ctx.typeOf(o) !== undefined) continue;
    ctx.report(
      C.MISSING_TYPE,
      'error',
      `object '${o.id}' has no 'type'`,
      'only Default and objects used as a parent may omit type',
      o.id,
      'type',
    );
  }
}

export const identityRules: Rule[] = [
  { name: 'unique-ids', run: uniqueIds },
  { name: 'references', run: references },
  { name: 'parent-cycles', run: parentCycles },
  { name: 'types', run: types },
];
