/**
 * pipeline-dependencies (Dataduct): wait until every instance of other pipelines scheduled on
 * the same day has FINISHED. Runs `etlctl task wait-for-pipelines`, which polls the local state
 * database, or Data Pipeline (ListPipelines + QueryObjects/DescribeObjects) on AWS.
 */
import type { FieldValue } from '../src/definition/model.js';
import { ref } from '../src/definition/model.js';
import type { StepPlugin } from './types.js';

const NAME_LIST = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', items: { type: 'string', minLength: 1 } },
  ],
};

export const DEFAULT_START_DATE = "#{format(@scheduledStartTime,'YYYY-MM-dd')}";

function names(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

const plugin: StepPlugin = {
  type: 'pipeline-dependencies',
  summary: 'Wait for other pipelines to finish their runs of the same day (Dataduct)',
  input: 'none',
  params: {
    properties: {
      dependent_pipelines: { ...NAME_LIST, description: 'pipelines that must finish first' },
      dependent_pipelines_ok_to_fail: {
        ...NAME_LIST,
        description: 'pipelines waited for, whose failure only warns',
      },
      refresh_rate: { type: 'integer', minimum: 1, description: 'seconds between polls (default 300)' },
      start_date: {
        type: 'string',
        description: "day whose runs count, YYYY-MM-dd (default #{format(@scheduledStartTime,'YYYY-MM-dd')})",
      },
      wait_timeout: {
        type: 'string',
        description:
          'give up after this long, e.g. "6 hours" or 90m (default: wait until the attempt times out)',
      },
    },
  },
  compile(ctx) {
    const deps = names(ctx.params.dependent_pipelines);
    const okToFail = names(ctx.params.dependent_pipelines_ok_to_fail);
    if (deps.length + okToFail.length === 0) {
      ctx.error(
        'ETL3211',
        `step '${ctx.step.name}' waits for nothing: give dependent_pipelines (or dependent_pipelines_ok_to_fail)`,
        [],
        'e.g. dependent_pipelines: [users, courses]',
      );
      return;
    }
    const prefix = ctx.config.aws.namePrefix;
    const full = (n: string) => (prefix && !n.startsWith(`${prefix}_`) ? `${prefix}_${n}` : n);
    for (const [key, list] of [
      ['dependent_pipelines', deps],
      ['dependent_pipelines_ok_to_fail', okToFail],
    ] as const) {
      list.forEach((n, i) => {
        if (full(n) === ctx.pipeline.name)
          ctx.error(
            'ETL3212',
            `pipeline '${n}' cannot wait for itself`,
            Array.isArray(ctx.params[key]) ? [key, i] : [key],
          );
      });
    }
    const timeout = ctx.str('wait_timeout');
    if (
      timeout !== undefined &&
      !/^\s*\d+\s*(ms|s|m|h|d|w|seconds?|minutes?|hours?|days?|weeks?)\s*$/i.test(timeout)
    ) {
      ctx.error(
        'ETL3213',
        `wait_timeout '${timeout}' is not a duration`,
        ['wait_timeout'],
        'use e.g. "6 hours", "90 minutes", 90m or 2h',
      );
      return;
    }
    const args = ['--pipeline', ctx.pipeline.name];
    for (const d of deps) args.push('--dependency', full(d));
    for (const d of okToFail) args.push('--ok-to-fail', full(d));
    args.push('--refresh-rate', String(ctx.params.refresh_rate ?? 300));
    args.push('--start-date', ctx.str('start_date') ?? DEFAULT_START_DATE);
    if (timeout) args.push('--timeout', timeout);
    const topic = ctx.config.alerts.warningTopic;
    if (okToFail.length > 0 && topic) args.push('--warning-topic', topic);
    const task = ctx.etlctlTask('wait-for-pipelines', args);
    const fields: Record<string, FieldValue | undefined> = {
      command: task.command,
      scriptArgument: task.scriptArgument,
      myWarningAlarm: okToFail.length > 0 && ctx.b.get('WarningAlarm') ? ref('WarningAlarm') : undefined,
    };
    ctx.activity('WaitForPipelines', 'ShellCommandActivity', fields);
  },
};

export default plugin;
