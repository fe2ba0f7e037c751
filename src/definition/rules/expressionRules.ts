/** Expressions inside string fields (reference §4, §9.7), checked with the real parser of expressions.ts. */
import type { Expr } from '../expressions.js';
import { FUNCTIONS, checkCalls, parseTemplate, walkExpr } from '../expressions.js';
import type { PipelineObject } from '../model.js';
import { isRef } from '../model.js';
import type { CheckCode } from './codes.js';
import { C } from './codes.js';
import type { CheckContext, Rule } from './context.js';
import { isUserField, scalars } from './context.js';
import { OBJECT_TYPES, RUNTIME_FIELDS, VERBATIM_FIELDS, allowsNode } from './objectTypes.js';

const ALWAYS = new Set(['id', 'name', 'type']);

function where(pos: number, key: string): string {
  return `in field '${key}' at character ${pos + 1}`;
}

/** The object a field reference leads to, when it is a single reference. */
function refTarget(ctx: CheckContext, o: PipelineObject, key: string): PipelineObject | undefined {
  const v = scalars(ctx.inh.field(o, key))[0];
  return v !== undefined && isRef(v) ? ctx.inh.byId.get(v.ref) : undefined;
}

function hasField(ctx: CheckContext, o: PipelineObject, key: string): boolean {
  return ALWAYS.has(key) || ctx.inh.field(o, key) !== undefined;
}

function checkPath(
  ctx: CheckContext,
  o: PipelineObject,
  key: string,
  e: Extract<Expr, { kind: 'path' }>,
): void {
  const type = ctx.typeOf(o);
  const typed = type !== undefined && OBJECT_TYPES[type] !== undefined && o.id !== 'Default';
  const [first, ...rest] = e.parts;
  const at = where(e.pos, key);
  const report = (code: CheckCode, sev: 'error' | 'warning', msg: string, hint: string): void =>
    ctx.report(code, sev, `${msg} (${at})`, hint, o.id, key);

  if (first === 'node') {
    if (!allowsNode(type) && o.id !== 'Default') {
      report(
        C.EXPR_NODE,
        'error',
        `'node.' is only available in SnsAlarm, Terminate and precondition objects, not in ${type}`,
        'read the field directly (e.g. #{@scheduledStartTime}) or move the expression to the alarm',
      );
    }
    return;
  }
  if (first.startsWith('@')) {
    if (!RUNTIME_FIELDS.has(first)) {
      report(
        C.EXPR_UNKNOWN_RUNTIME,
        'warning',
        `unknown runtime field '${first}'`,
        'known: @scheduledStartTime, @scheduledEndTime, @actualStartTime, @pipelineId, …',
      );
    }
    return;
  }
  if (isUserField(first)) {
    if (ctx.params.has(first) || ctx.inh.field(o, first) !== undefined) return;
    const other = first.startsWith('*') ? first.slice(1) : `*${first}`;
    if (ctx.params.has(other)) {
      report(
        C.PARAM_ENCRYPTED,
        'warning',
        first.startsWith('*')
          ? `'${first}': parameter '${other}' is not encrypted`
          : `'${first}' refers to the encrypted parameter '${other}' without '*'`,
        `write #{${other}}`,
      );
      return;
    }
    // No parameter object but a value (put-pipeline-definition --parameter-values): AWS takes it.
    if (Object.hasOwn(ctx.def.values, first)) return;
    if (typed || o.id === 'Default' || rest.length === 0) {
      report(
        C.PARAM_NOT_GIVEN,
        'warning',
        `parameter '${first}' is neither declared nor given a value`,
        `pass --parameter-values ${first}=… (or declare it under "parameters" with a default)`,
      );
    }
    return;
  }
  if (!typed) return;
  if (!hasField(ctx, o, first)) {
    report(
      C.EXPR_UNKNOWN_FIELD,
      'error',
      `${type} '${o.id}' has no field '${first}'`,
      `set '${first}' on the object, or fix the name`,
    );
    return;
  }
  let cur: PipelineObject | undefined = o;
  let curKey = first;
  for (const part of rest) {
    const next: PipelineObject | undefined = refTarget(ctx, cur, curKey);
    if (!next) {
      if (ALWAYS.has(curKey) || !isRef(scalars(ctx.inh.field(cur, curKey))[0] ?? '')) {
        report(
          C.EXPR_UNKNOWN_FIELD,
          'error',
          `'${curKey}' is not a reference, so '.${part}' cannot be read`,
          'only reference fields (input, output, database, …) can be followed with a dot',
        );
      }
      return;
    }
    if (part.startsWith('@')) {
      if (part !== '@id') {
        report(
          C.EXPR_TRANSITIVE_RUNTIME,
          'warning',
          `runtime field '${part}' read through '${curKey}'; AWS supports transitive references for user-defined fields only`,
          `use #{${part}} on this object instead`,
        );
      }
      return;
    }
    if (ctx.typeOf(next) !== undefined && !hasField(ctx, next, part)) {
      report(
        C.EXPR_UNKNOWN_FIELD,
        'error',
        `'${next.id}' (via '${curKey}') has no field '${part}'`,
        `set '${part}' on '${next.id}', or fix the name`,
      );
      return;
    }
    cur = next;
    curKey = part;
  }
}

function checkString(ctx: CheckContext, o: PipelineObject, key: string, text: string): void {
  const parsed = parseTemplate(text);
  for (const err of parsed.errors) {
    ctx.report(C.EXPR_SYNTAX, 'error', `${err.message} in field '${key}'`, err.hint, o.id, key);
  }
  for (const part of parsed.parts) {
    if (part.kind !== 'expr') continue;
    for (const err of checkCalls(part.expr)) {
      ctx.report(
        err.code as CheckCode,
        'error',
        `${err.message} (${where(err.pos, key)})`,
        err.hint,
        o.id,
        key,
      );
    }
    walkExpr(part.expr, (n) => {
      if (n.kind === 'path') checkPath(ctx, o, key, n);
      if (n.kind === 'call' && FUNCTIONS[n.name] && !FUNCTIONS[n.name].documented) {
        ctx.report(
          C.EXPR_PLUS_PERIOD,
          'warning',
          `'${n.name}' is not a documented function (${where(n.pos, key)})`,
          'use plusDays/plusHours/… instead',
          o.id,
          key,
        );
      }
    });
  }
}

function expressions(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    for (const [key, value] of Object.entries(o.fields)) {
      if (VERBATIM_FIELDS.has(key)) continue;
      for (const v of scalars(value)) {
        if (typeof v === 'string' && v.includes('#{')) checkString(ctx, o, key, v);
      }
    }
  }
  for (const p of ctx.def.parameters) {
    for (const [key, v] of Object.entries(p.attributes)) {
      for (const s of Array.isArray(v) ? v : [v]) {
        if (!s.includes('#{')) continue;
        for (const err of parseTemplate(s).errors) {
          ctx.report(
            C.EXPR_SYNTAX,
            'error',
            `${err.message} in parameter attribute '${key}'`,
            err.hint,
            p.id,
            key,
          );
        }
      }
    }
  }
}

export const expressionRules: Rule[] = [{ name: 'expressions', run: expressions }];
