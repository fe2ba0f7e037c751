/**
 * Column transforms on extract steps (issue 17): the `transforms:` parameter, the PII-level policy
 * from config applied to the columns a source `table_definition:` declares pii/sensitive, and the
 * one ShellCommandActivity that runs `etlctl task copy` — the same code on the local engine, on an
 * `etlctl worker` and on the EC2 resource (DESIGN.md decision 5).
 */
import type { StepContext } from '../src/compile/context.js';
import type { TableDef } from '../src/compile/table-definition.js';
import { ref, type FieldValue } from '../src/definition/model.js';
import { diag } from '../src/diagnostics.js';
import type { FedLoad } from '../src/transforms/policy.js';
import { covered, flowSteps, loadsFedBy } from '../src/transforms/policy.js';
import { transformSettings } from '../src/transforms/settings.js';
import type { TransformSpec } from '../src/transforms/spec.js';
import { parseTransforms } from '../src/transforms/spec.js';

export const TRANSFORMS_PARAM = {
  type: 'object',
  description:
    'column transforms applied while the data streams: column: drop | hmac_sha256 | mask | encrypt | tokenize | convert_id (or {kind: options})',
} as const;

export const SOURCE_DEFINITION_PARAM = {
  type: 'string',
  description:
    'CREATE TABLE file of the source; its `-- etlctl: pii=` levels select the config transforms.policy',
} as const;

/**
 * The step's transforms: its own, plus the config policy for each column of the source table
 * definition whose PII level has one and that the step does not transform itself. undefined when
 * there are none; null when they are wrong (reported).
 */
export function stepTransforms(ctx: StepContext, source?: TableDef): TransformSpec[] | undefined | null {
  const raw = ctx.params.transforms;
  const specs: TransformSpec[] = [];
  if (raw !== undefined) {
    const { specs: parsed, problems } = parseTransforms(raw);
    for (const p of problems) ctx.error(p.code, p.message, ['transforms', ...p.key], p.hint);
    if (problems.length) return null;
    specs.push(...parsed);
  }
  const settings = transformSettings(ctx.config);
  // A config problem is reported once per pipeline, not once per step.
  if (settings.problems.length && !ctx.b.diagnostics.some((d) => d.code === 'ETL3711'))
    for (const p of settings.problems) ctx.b.diagnostics.push(diag('ETL3711', p, { file: ctx.config.file }));
  const fed = fedLoads(ctx);
  // PII levels of the data: the source definition's, and those of every table the data is loaded into.
  const levels = [...(source?.columns ?? []), ...fed.flatMap((f) => f.def?.columns ?? [])];
  for (const col of levels) {
    const kind = col.pii ? settings.policy[col.pii] : undefined;
    if (!kind || covered(specs, col.name)) continue;
    specs.push({ column: col.name, kind, ...(kind === 'mask' ? { keep: 'none' as const } : {}) });
  }
  if (!checkSpecs(ctx, specs, raw)) return null;
  return specs.length ? specs : undefined;
}

/** Keys and connections the specs name exist (ETL3703, ETL2021); records the key id each keyed column uses. */
export function checkSpecs(ctx: StepContext, specs: TransformSpec[], raw: unknown): boolean {
  const settings = transformSettings(ctx.config);
  for (const s of specs) {
    if ((s.kind === 'hmac_sha256' || s.kind === 'encrypt') && !(s.key ?? settings.defaultKey)) {
      ctx.error(
        'ETL3703',
        `${s.kind} of column '${s.column}' names no key and config transforms.default_key is not set`,
        raw !== undefined && (raw as Record<string, unknown>)[s.column] !== undefined
          ? ['transforms', s.column]
          : [],
        'add `key: <id>` to the transform or set transforms.default_key, with transforms.keys.<id>: ${env:VAR}',
      );
      return false;
    }
    const key = s.key ?? settings.defaultKey;
    if (key && (s.kind === 'hmac_sha256' || s.kind === 'encrypt') && settings.keys[key] === undefined) {
      ctx.error(
        'ETL3703',
        `transform key '${key}' of column '${s.column}' is not in config transforms.keys`,
        raw !== undefined && (raw as Record<string, unknown>)[s.column] !== undefined
          ? ['transforms', s.column]
          : [],
        `add transforms.keys.${key}: \${env:VARIABLE} to the config`,
      );
      return false;
    }
    // The definition records which key each keyed column used (decision 6: the id, never the value).
    if (key && (s.kind === 'hmac_sha256' || s.kind === 'encrypt')) s.key = key;
    for (const db of [s.database].filter((d): d is string => !!d)) {
      if (!ctx.config.databases[db]) {
        ctx.error('ETL2021', `unknown database connection '${db}' in the transform of column '${s.column}'`, [
          'transforms',
          s.column,
        ]);
        return false;
      }
    }
  }
  return true;
}

/** The extract as `etlctl task copy`: query → transforms → the output S3 directory. */
export function emitCopyTask(
  ctx: StepContext,
  o: {
    connection: string;
    query: string;
    outputPath: string;
    transforms: TransformSpec[];
    input: string;
    output: string;
  },
): void {
  const task = ctx.etlctlTask('copy', [
    '--from-database',
    o.connection,
    '--query',
    o.query,
    '--to-s3',
    o.outputPath,
    '--transforms',
    JSON.stringify(o.transforms),
    '--pipeline',
    ctx.pipeline.name,
    '--step',
    ctx.step.name,
  ]);
  const fields: Record<string, FieldValue | undefined> = {
    command: task.command,
    scriptArgument: task.scriptArgument,
    input: ref(o.input),
    output: ref(o.output),
  };
  ctx.activity('Extract', 'ShellCommandActivity', fields);
}

interface FedTable extends FedLoad {
  def?: TableDef;
}

/** The load steps reading this step's output, with their table definitions (read quietly: the load reports its own errors). */
function fedLoads(ctx: StepContext): FedTable[] {
  const steps = flowSteps(ctx.pipeline.file.value);
  const me = steps.find((s) => s.index === ctx.step.index && ctx.step.path[0] === 'steps');
  if (!me) return [];
  return loadsFedBy(steps, me, ctx.config.defaults.warehouse).map((f) => {
    const n = ctx.b.diagnostics.length;
    const def = ctx.tableDefinition(f.key, f.definition);
    ctx.b.diagnostics.length = n;
    return { ...f, def };
  });
}
