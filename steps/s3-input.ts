/**
 * The S3 input of a load, seen with the data format the loading activity needs. Data Pipeline
 * ignores RedshiftCopyActivity `commandOptions` when the input node has a `dataFormat`, while
 * CopyActivity needs one to parse S3 text; so a load reads its input through a node of its own
 * when the producer's node does not fit.
 */
import type { StepContext } from '../src/compile/context.js';
import type { FieldValue } from '../src/definition/model.js';
import { ref } from '../src/definition/model.js';

export function s3InputAs(ctx: StepContext, inputId: string, want: 'tsv' | 'none'): string {
  const node = ctx.b.get(inputId);
  if (!node || node.fields.type !== 'S3DataNode') return inputId;
  const has = node.fields.dataFormat !== undefined;
  if ((want === 'none') === !has) return inputId;
  if (node.origin?.step === ctx.step.name) {
    // This step's own `input_path` node: adjust it rather than add a twin.
    if (want === 'none') delete node.fields.dataFormat;
    else node.fields.dataFormat = ref(ctx.dataFormat('tsv'));
    return inputId;
  }
  const fields: Record<string, FieldValue | undefined> = {
    type: 'S3DataNode',
    schedule: node.fields.schedule,
    directoryPath: node.fields.directoryPath,
    filePath: node.fields.filePath,
    compression: node.fields.compression,
    dataFormat: want === 'tsv' ? ref(ctx.dataFormat('tsv')) : undefined,
  };
  return ctx.add(want === 'tsv' ? 'TsvInput' : 'RawInput', fields);
}

/** The one S3 input of a load step; several (input_node: {a: x, b: y}) are an error. */
export function singleInput(ctx: StepContext): string | undefined {
  if (ctx.inputs.length === 1) return ctx.inputs[0];
  ctx.error(
    'ETL1113',
    `${ctx.step.type} loads one S3 input, but step '${ctx.step.name}' has ${ctx.inputs.length}`,
    ['input_node'],
    'load each input with its own step, or merge them first with a transform step',
  );
  return undefined;
}
