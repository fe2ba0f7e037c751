/**
 * Column transforms and the PII policy on load steps (issue 17). A load with `transforms:` reads its
 * S3 input through one `etlctl task copy --from-s3 … --to-s3 …` (the same task the extracts use;
 * the local engine runs it in process and streams its output into the load), then loads the
 * transformed data as usual. Every load checks its own table: a pii/sensitive column landing in a
 * connection not marked restricted must be transformed here, by the extract feeding it, or by a
 * config policy for its level (ETL3710 at the table definition line).
 */
import type { StepContext } from '../src/compile/context.js';
import type { TableDef } from '../src/compile/table-definition.js';
import type { DatabaseConfig } from '../src/config/types.js';
import { ref } from '../src/definition/model.js';
import { covered, flowSteps, producerOf, suggestedTransform } from '../src/transforms/policy.js';
import { transformSettings } from '../src/transforms/settings.js';
import type { TransformSpec } from '../src/transforms/spec.js';
import { parseTransforms } from '../src/transforms/spec.js';
import { checkSpecs } from './pii-common.js';

export const LOAD_TRANSFORMS_PARAM = {
  type: 'object',
  description:
    'column transforms applied to the input before it is loaded: column: drop | hmac_sha256 | mask | encrypt | tokenize | convert_id (or {kind: options})',
} as const;

export const INPUT_COLUMNS_PARAM = {
  type: 'array',
  items: { type: 'string', minLength: 1 },
  description:
    'column names of the input data in order, for transforms: (default: the columns of the table definition)',
} as const;

/** Extract steps that apply transforms (and the config policy) themselves. */
const TRANSFORMING_EXTRACTS = new Set(['extract-rds', 'extract-postgres']);

export interface LoadTarget {
  id: string;
  db?: DatabaseConfig;
}

/**
 * The S3 node the load reads: `input` itself, or the output of the copy task applying the load's
 * transforms to it. Runs the policy check of `table` (the definition under `defKey`). null when
 * something is wrong (reported).
 */
export function loadInput(
  ctx: StepContext,
  input: string,
  target: LoadTarget,
  table?: { def: TableDef; key: string },
): string | null {
  const raw = ctx.params.transforms;
  const own: TransformSpec[] = [];
  if (raw !== undefined) {
    const { specs, problems } = parseTransforms(raw);
    for (const p of problems) ctx.error(p.code, p.message, ['transforms', ...p.key], p.hint);
    if (problems.length) return null;
    own.push(...specs);
  }
  const settings = transformSettings(ctx.config);
  const steps = flowSteps(ctx.pipeline.file.value);
  const me = steps.find((s) => s.index === ctx.step.index && ctx.step.path[0] === 'steps');
  const producer = me ? producerOf(steps, me) : undefined;
  const extract = producer && TRANSFORMING_EXTRACTS.has(producer.type) ? producer : undefined;
  const upstream = extract?.raw.transforms !== undefined ? parseTransforms(extract.raw.transforms).specs : [];
  // The config policy is applied once: by a transforming extract feeding this load, else here.
  if (!extract && table) {
    for (const col of table.def.columns) {
      const kind = col.pii ? settings.policy[col.pii] : undefined;
      if (!kind || covered(own, col.name)) continue;
      own.push({ column: col.name, kind, ...(kind === 'mask' ? { keep: 'none' as const } : {}) });
    }
  }
  if (table) checkPolicy(ctx, target, table, [...own, ...upstream], extract?.name);
  if (!checkSpecs(ctx, own, raw)) return null;
  if (own.length === 0) return input;
  return emitLoadTransform(ctx, input, own, table?.def);
}

function emitLoadTransform(
  ctx: StepContext,
  input: string,
  specs: TransformSpec[],
  def: TableDef | undefined,
): string | null {
  const listed = Array.isArray(ctx.params.input_columns)
    ? ctx.params.input_columns.filter((c): c is string => typeof c === 'string')
    : undefined;
  const columns = listed ?? def?.columns.map((c) => c.name);
  if (!columns) {
    ctx.error(
      'ETL3712',
      `transforms on ${ctx.step.type} need the input's column names`,
      ['transforms'],
      'add input_columns: [col1, col2, …] (the columns of the input data, in order)',
    );
    return null;
  }
  for (const s of specs) {
    if (!columns.some((c) => c.toLowerCase() === s.column.toLowerCase())) {
      ctx.error(
        'ETL3712',
        `transformed column '${s.column}' is not among the input's columns (${columns.join(', ')})`,
        ctx.params.transforms !== undefined ? ['transforms', s.column] : [],
        listed
          ? 'add it to input_columns, in the position it has in the data'
          : 'the input has columns the table does not (a dropped one?): list them all in input_columns',
      );
      return null;
    }
  }
  const node = ctx.b.get(input);
  const from = node?.fields.directoryPath ?? node?.fields.filePath;
  if (typeof from !== 'string') {
    ctx.error('ETL3712', `transforms on ${ctx.step.type} need an S3 input`, ['transforms']);
    return null;
  }
  const outputPath = ctx.dataPath('transformed');
  const output = ctx.s3Node('Transformed', { path: outputPath, directory: true, format: 'tsv' });
  const task = ctx.etlctlTask('copy', [
    '--from-s3',
    from,
    '--columns',
    columns.join(','),
    '--to-s3',
    outputPath,
    '--transforms',
    JSON.stringify(specs),
    '--pipeline',
    ctx.pipeline.name,
    '--step',
    ctx.step.name,
  ]);
  ctx.activity('Transform', 'ShellCommandActivity', {
    command: task.command,
    scriptArgument: task.scriptArgument,
    input: ref(input),
    output: ref(output),
  });
  return output;
}

/**
 * ETL3710: a pii/sensitive column of the loaded table, on a connection not marked restricted, that
 * no transform on the way covers and no config policy handles — reported at the definition's line.
 */
function checkPolicy(
  ctx: StepContext,
  target: LoadTarget,
  table: { def: TableDef; key: string },
  specs: TransformSpec[],
  extractName: string | undefined,
): void {
  if (target.db?.restricted === true) return;
  const settings = transformSettings(ctx.config);
  const connection = target.db?.name ?? target.id;
  for (const col of table.def.columns) {
    if (col.pii !== 'pii' && col.pii !== 'sensitive') continue;
    if (covered(specs, col.name) || settings.policy[col.pii]) continue;
    const kind = suggestedTransform(col.pii, col.name);
    const example = kind === 'mask' ? `{ mask: { keep: domain } }` : kind;
    ctx.error(
      'ETL3710',
      `column ${table.def.fullName}.${col.name} is ${col.pii} and reaches ${connection} (not restricted) untransformed`,
      [table.key],
      `add to step '${extractName ?? ctx.step.name}': transforms: { ${col.name}: ${example} }, ` +
        `or set transforms.policy.${col.pii} in the config, or mark databases.${connection}.restricted: true`,
    );
  }
}
