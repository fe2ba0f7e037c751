/**
 * extract-local: a file shipped with the pipeline becomes S3 data. The file is an asset, uploaded
 * on deploy before the definition that reads it (Dataduct uploaded it on activate only). It has
 * no activity, so it is only allowed in one-time pipelines: a scheduled run would read the same
 * file every period.
 */
import { basename } from 'node:path';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'extract-local',
  summary: 'Use a local data file (uploaded on deploy) as S3 input; one-time pipelines only',
  input: 'none',
  params: {
    properties: {
      path: {
        type: 'string',
        minLength: 1,
        description: 'local file, relative to defaults.resource_base_path or the YAML file',
      },
    },
    required: ['path'],
  },
  compile(ctx) {
    if (ctx.pipeline.frequency.kind !== 'one-time') {
      ctx.error(
        'ETL1101',
        `extract-local is only allowed in one-time pipelines, and this one runs ${ctx.pipeline.frequency.kind}`,
        [],
        'set `frequency: one-time`, or put the file on S3 and use extract-s3',
      );
      return;
    }
    const local = ctx.localPath('path');
    if (!local) return;
    const outputPath = ctx.str('output_path');
    if (outputPath !== undefined && (!outputPath.startsWith('s3://') || outputPath.includes('#{'))) {
      ctx.error(
        'ETL1102',
        `output_path must be a plain s3:// URI for extract-local, got '${outputPath}'`,
        ['output_path'],
        'the file is uploaded there on deploy, before any expression could be evaluated',
      );
      return;
    }
    const name = basename(local);
    const uri = ctx.asset('data', name, {
      localPath: local,
      uri:
        outputPath === undefined ? undefined : outputPath.endsWith('/') ? `${outputPath}${name}` : outputPath,
    });
    return { output: ctx.s3Node('Output', { path: uri, directory: false }) };
  },
};

export default plugin;
