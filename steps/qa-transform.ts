/**
 * qa-transform: a transform that checks data instead of producing it. It gets
 * `--test_name=<pipeline>.<step>` and, when alerts.warning_topic is set, `--sns_topic_arn=<topic>`
 * appended to its arguments (as in Dataduct), and writes no output.
 */
import { compileTransform, TRANSFORM_PARAMS } from './transform.js';
import type { StepPlugin } from './types.js';

const { no_output: _none, ...QA_TRANSFORM_PARAMS } = TRANSFORM_PARAMS;

const plugin: StepPlugin = {
  type: 'qa-transform',
  summary:
    'Run a QA script on the worker (a transform with test name and warning topic arguments, no output)',
  input: 'none',
  params: { properties: QA_TRANSFORM_PARAMS },
  exactlyOne: [['command', 'script', 'script_uri', 'script_directory']],
  compile(ctx) {
    for (const key of ['output_path', 'output_node']) {
      if (ctx.params[key] !== undefined) {
        ctx.error(
          'ETL1140',
          `qa-transform writes no output, so ${key} has no meaning`,
          [key],
          'use a transform step to produce data',
        );
        return;
      }
    }
    const extra = [`--test_name=${ctx.pipeline.name}.${ctx.step.name}`];
    const topic = ctx.config.alerts.warningTopic;
    if (topic) extra.push(`--sns_topic_arn=${topic}`);
    compileTransform(ctx, extra, true);
    return {};
  },
};

export default plugin;
