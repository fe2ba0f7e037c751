/** Warnings where AWS warns or where published samples deviate from the docs (reference §6.9, §9.8). */
import { C } from './codes.js';
import type { CheckContext, Rule } from './context.js';
import { OBJECT_TYPES, RESOURCES } from './objectTypes.js';

function logUri(ctx: CheckContext): void {
  if (ctx.def.objects.length === 0) return;
  if (ctx.def.objects.some((o) => 'pipelineLogUri' in o.fields)) return;
  const d = ctx.inh.defaultObject;
  ctx.report(
    C.NO_LOG_URI,
    'warning',
    'no pipelineLogUri: AWS warns and activity logs are not kept',
    'set "pipelineLogUri": "s3://<bucket>/logs/" on Default',
    d?.id,
    d ? 'pipelineLogUri' : undefined,
  );
}

function resources(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    const type = ctx.typeOf(o);
    if (!type || !(RESOURCES as readonly string[]).includes(type)) continue;
    if (ctx.inh.field(o, 'terminateAfter') !== undefined) continue;
    ctx.report(
      C.NO_TERMINATE_AFTER,
      'warning',
      `${type} '${o.id}' has no terminateAfter: AWS warns, and a stuck run keeps the instance (and the bill) alive`,
      'set terminateAfter, e.g. "2 Hours"',
      o.id,
      'terminateAfter',
    );
  }
}

/** Where `pipeline compile` puts a step's script: `<base>/assets/<16 hex of its sha256>/<name>`. */
const ETLCTL_ASSET = /\/assets\/[0-9a-f]{16}\/[^/]+$/;

function shellArguments(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    const type = ctx.typeOf(o);
    if (type !== 'ShellCommandActivity' && type !== 'ShellCommandPrecondition') continue;
    const uri = ctx.inh.field(o, 'scriptUri');
    if (ctx.inh.field(o, 'scriptArgument') === undefined || uri === undefined) continue;
    // etlctl's own output (a YAML step's `script:` uploaded as an asset, with script_arguments)
    // runs where arguments reach the script, as the samples do: no warning about ourselves (issue 18).
    if (ctx.def.meta || (typeof uri === 'string' && ETLCTL_ASSET.test(uri))) continue;
    ctx.report(
      C.SCRIPT_ARGUMENT_URI,
      'warning',
      "scriptArgument together with scriptUri: the AWS docs say scriptArgument goes with 'command' (samples do use it with scriptUri)",
      'check that the script receives its arguments, or pass them through command',
      o.id,
      'scriptArgument',
    );
  }
}

function deprecatedTypes(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    const t = typeof o.fields.type === 'string' ? o.fields.type : undefined;
    const note = t ? OBJECT_TYPES[t]?.deprecated : undefined;
    if (note) ctx.report(C.DEPRECATED_TYPE, 'warning', note, 'switch to the recommended type', o.id, 'type');
  }
}

function lateAction(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    if (!('onLateAction' in o.fields) || ctx.inh.field(o, 'lateAfterTimeout') !== undefined) continue;
    ctx.report(
      C.LATE_ACTION_NO_TIMEOUT,
      'warning',
      'onLateAction without lateAfterTimeout never fires',
      'set lateAfterTimeout (e.g. "1 hour")',
      o.id,
      'onLateAction',
    );
  }
}

export const adviceRules: Rule[] = [
  { name: 'pipeline-log-uri', run: logUri },
  { name: 'resource-terminate-after', run: resources },
  { name: 'script-argument-with-uri', run: shellArguments },
  { name: 'deprecated-types', run: deprecatedTypes },
  { name: 'late-action', run: lateAction },
];
