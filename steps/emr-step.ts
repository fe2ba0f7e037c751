/**
 * emr-step: a raw EmrActivity step string (`jar,arg1,arg2`; a comma inside an argument written
 * `\\,`; `{S3_BASE_PATH}` replaced as in extract-s3) on the pipeline's EmrCluster. Reads the previous step's data when there is one, and
 * writes to `output_path` when given (the job must write there itself).
 */
import { ref } from '../src/definition/model.js';
import { substituteBasePath } from './extract-s3.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'emr-step',
  aliases: ['emr-job'],
  summary: 'Run a raw EMR step (jar and arguments) on the EMR cluster',
  input: 'optional',
  params: {
    properties: {
      step_string: {
        description: 'jar,arg1,arg2,… (several for a sequence of EMR steps)',
        anyOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 255 },
        ],
      },
    },
    required: ['step_string'],
  },
  compile(ctx) {
    const raw = ctx.params.step_string;
    let bad = false;
    const keyOf = (i: number) => (Array.isArray(raw) ? ['step_string', i] : ['step_string']);
    const steps = (Array.isArray(raw) ? raw.map(String) : [String(raw)]).map((s, i) =>
      substituteBasePath(ctx, keyOf(i), s, () => (bad = true)),
    );
    steps.forEach((s, i) => {
      const key = keyOf(i);
      if (/^\s*,|^\s*$/.test(s)) {
        ctx.error(
          'ETL1133',
          'the step string must start with the jar to run',
          key,
          'e.g. command-runner.jar,spark-submit,s3://bucket/job.py',
        );
        bad = true;
      } else if (/[\r\n]/.test(s)) {
        ctx.error(
          'ETL1134',
          'the step string contains a line break',
          key,
          'write it on one line (a YAML block scalar keeps its newlines; use a plain or quoted string)',
        );
        bad = true;
      }
    });
    if (bad) return;
    const outputPath = ctx.str('output_path');
    const output =
      outputPath !== undefined ? ctx.s3Node('Output', { path: outputPath, directory: true }) : undefined;
    ctx.activity('EmrStep', 'EmrActivity', {
      step: steps.map((s) => s.trim()),
      input: ctx.inputs.map(ref),
      output: output ? [ref(output)] : undefined,
    });
    return { output };
  },
};

export default plugin;
