/** Parameter declarations and values (reference §4 "Parameters", §9.7). */
import { C } from './codes.js';
import type { CheckContext, Rule } from './context.js';
import { isBoolean, isDouble, isInteger } from './values.js';

export const PARAMETER_TYPES = ['String', 'Integer', 'Double', 'AWS::S3::ObjectKey'] as const;

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function declarations(ctx: CheckContext): void {
  const seen = new Set<string>();
  const secrets = ctx.def.meta?.secrets ?? {};
  for (const p of ctx.def.parameters) {
    if (seen.has(p.id)) {
      ctx.report(
        C.PARAM_DUPLICATE,
        'error',
        `parameter '${p.id}' is declared more than once`,
        'parameter ids must be unique',
        p.id,
        'id',
      );
    }
    seen.add(p.id);
    if (!/^\*?my[A-Za-z0-9_]+$/.test(p.id)) {
      ctx.report(
        C.PARAM_ID,
        'error',
        `parameter id '${p.id}' must start with 'my' (or '*my' for an encrypted value)`,
        `rename it, e.g. 'my${p.id.replace(/^\*?/, '').replace(/^./, (c) => c.toUpperCase())}'`,
        p.id,
        'id',
      );
    } else if (!/^\*?my[A-Z_]/.test(p.id)) {
      ctx.report(
        C.PARAM_ID,
        'warning',
        `parameter id '${p.id}' should continue with a capital letter or '_' after 'my'`,
        'AWS samples write myS3Path, myRDSPassword',
        p.id,
        'id',
      );
    }
    const a = p.attributes;
    const type = list(a.type)[0] ?? 'String';
    if (!(PARAMETER_TYPES as readonly string[]).includes(type)) {
      ctx.report(
        C.PARAM_ATTRIBUTE,
        'error',
        `parameter type '${type}' is not one of ${PARAMETER_TYPES.join(', ')}`,
        'use String, Integer, Double or AWS::S3::ObjectKey',
        p.id,
        'type',
      );
    }
    for (const k of ['optional', 'isArray'] as const) {
      const v = list(a[k])[0];
      if (v !== undefined && !isBoolean(v)) {
        ctx.report(
          C.PARAM_ATTRIBUTE,
          'error',
          `parameter attribute '${k}' is '${v}'; it must be "true" or "false"`,
          'write "true" or "false"',
          p.id,
          k,
        );
      }
    }
    const isArray = list(a.isArray)[0]?.toLowerCase() === 'true';
    const optional = list(a.optional)[0]?.toLowerCase() === 'true';
    const supplied = Object.hasOwn(ctx.def.values, p.id) ? ctx.def.values[p.id] : undefined;
    const values =
      supplied !== undefined ? list(supplied) : list(Object.hasOwn(a, 'default') ? a.default : undefined);
    const source = supplied !== undefined ? 'value' : 'default';
    if (
      values.length === 0 &&
      !optional &&
      !Object.hasOwn(secrets, p.id) &&
      !Object.hasOwn(secrets, p.id.replace(/^\*/, ''))
    ) {
      // A template's parameters get their values at put/activation time (AWS CLI
      // --parameter-values); only then is a missing one an error. Encrypted parameters are usually
      // secrets passed at activation (DESIGN.md decision 6), so they stay a warning even then.
      const encrypted = p.id.startsWith('*');
      if (ctx.opts.requireValues)
        ctx.report(
          C.PARAM_NO_VALUE,
          encrypted ? 'warning' : 'error',
          `parameter '${p.id}' has no value, no default and is not optional`,
          `pass --parameter-values ${p.id}=… (or --parameter-values-uri FILE, or \`parameters:\` in the config)`,
          p.id,
        );
      else if (!ownPassword(p.id, list(a.description)[0]))
        ctx.report(
          C.PARAM_AT_ACTIVATION,
          'info',
          `parameter '${p.id}' needs a value at activation`,
          `pass --parameter-values ${p.id}=… when activating (--require-values makes this an error)`,
          p.id,
        );
    }
    if (values.length > 1 && !isArray) {
      ctx.report(
        C.PARAM_ATTRIBUTE,
        'error',
        `parameter '${p.id}' gets ${values.length} values but is not an array`,
        'set "isArray": "true" or pass one value',
        p.id,
        source,
      );
    }
    const allowed = list(a.allowedValues);
    for (const v of values) {
      if (allowed.length > 0 && !allowed.includes(v)) {
        ctx.report(
          C.PARAM_ALLOWED,
          'error',
          `parameter '${p.id}' ${source} '${v}' is not one of its allowedValues (${allowed.join(', ')})`,
          `use one of: ${allowed.join(', ')}`,
          p.id,
          source,
        );
      }
      if ((type === 'Integer' && !isInteger(v)) || (type === 'Double' && !isDouble(v))) {
        ctx.report(
          C.PARAM_TYPE,
          'error',
          `parameter '${p.id}' ${source} '${v}' is not a valid ${type}`,
          `give a ${type === 'Integer' ? 'whole number' : 'number'}`,
          p.id,
          source,
        );
      }
    }
  }
}

/** Parameter names used in `#{…}` anywhere in the definition. */
function usedNames(ctx: CheckContext): Set<string> {
  const used = new Set<string>();
  // Objects of a kind repeat their strings: each distinct one is scanned once, and only when it
  // holds an expression at all (the regular expressions on every field were ~20 % of a 4,000-object check).
  const seen = new Set<string>();
  for (const o of ctx.def.objects)
    for (const v of Object.values(o.fields))
      for (const s of Array.isArray(v) ? v : [v])
        if (typeof s === 'string' && s.includes('#{') && !seen.has(s)) {
          seen.add(s);
          for (const m of s.matchAll(/#\{([^}]*)\}/g))
            for (const n of m[1].matchAll(/\*?my[A-Za-z0-9_]+/g)) used.add(n[0]);
        }
  return used;
}

function undeclaredValues(ctx: CheckContext): void {
  // No values, nothing to check: the scan of every field's expressions is for them alone.
  if (Object.keys(ctx.def.values).length === 0) return;
  const used = usedNames(ctx);
  for (const id of Object.keys(ctx.def.values)) {
    // A value for a `#{myX}` with no parameter object: put-pipeline-definition accepts it.
    if (ctx.params.has(id) || used.has(id)) continue;
    ctx.report(
      C.PARAM_VALUE_UNDECLARED,
      'warning',
      `value given for parameter '${id}', which is not declared`,
      'declare it under "parameters" or remove the value',
      id,
    );
  }
}

export const parameterRules: Rule[] = [
  { name: 'parameter-declarations', run: declarations },
  { name: 'parameter-values', run: undeclaredValues },
];

/**
 * A database password parameter `pipeline compile` wrote (src/compile/context.ts
 * passwordParameter): `etlctl pipeline activate` supplies it from the config, so telling the
 * user to pass it is noise about our own output (issue 18). `--require-values` still reports it.
 */
function ownPassword(id: string, description: string | undefined): boolean {
  return (
    /^\*my\w+Password$/.test(id) &&
    description !== undefined &&
    /^Password of database connection '[^']+' \(supplied at activation\)$/.test(description)
  );
}
