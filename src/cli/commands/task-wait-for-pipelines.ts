/** `etlctl task wait-for-pipelines`: wait for other pipelines' runs of a day (pipeline-dependencies step). */
import type { Command } from 'commander';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import type { WaitResult } from '../../tasks/wait-for-pipelines.js';
import type { CommonFlags } from '../args.js';
import { durationMs, positiveInt, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import type { View } from '../runner.js';
import { runCommand } from '../runner.js';
import { taskGroup } from './groups.js';

interface Flags extends CommonFlags {
  dependency: string[];
  okToFail: string[];
  startDate: string;
  refreshRate: string;
  timeout?: string;
  pipeline?: string;
  warningTopic?: string;
  aws?: boolean;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

// Progress lines went out as the task polled.
const view: View<WaitResult> = { human: () => undefined };

export function register(program: Command): void {
  withCommonOptions(
    taskGroup(program)
      .command('wait-for-pipelines')
      .description(
        'wait until the runs of other pipelines scheduled on a day have finished (pipeline-dependencies step)',
      )
      .option('--dependency <name>', 'pipeline that must finish (repeatable)', collect, [] as string[])
      .option(
        '--ok-to-fail <name>',
        'pipeline waited for whose failure only warns (repeatable)',
        collect,
        [] as string[],
      )
      .option(
        '--start-date <date>',
        'day whose runs count (YYYY-MM-dd)',
        new Date().toISOString().slice(0, 10),
      )
      .option('--refresh-rate <seconds>', 'seconds between polls', '300')
      .option('--timeout <duration>', 'give up after this long, e.g. 6h, 90m, "2 hours"')
      .option('--pipeline <name>', 'the waiting pipeline, for messages')
      .option('--warning-topic <arn>', 'SNS topic for ok-to-fail failures (published on aws)')
      .option('--aws', 'ask AWS Data Pipeline instead of the local state (default when the target is aws)'),
  ).action((flags: Flags) =>
    runCommand(
      flags,
      async (ctx) => {
        const refresh = positiveInt(flags.refreshRate, '--refresh-rate')!;
        const timeoutMs = durationMs(flags.timeout, '--timeout');
        if (flags.dependency.length + flags.okToFail.length === 0)
          throw new EtlError(
            diag('ETL8112', 'nothing to wait for: give --dependency NAME (or --ok-to-fail NAME)'),
            ExitCode.USAGE,
          );
        const { waitForPipelines } = await import('../../tasks/wait-for-pipelines.js');
        const r = await waitForPipelines({
          pipeline: flags.pipeline,
          dependencies: flags.dependency,
          okToFail: flags.okToFail,
          refreshRateSeconds: refresh,
          startDate: flags.startDate,
          timeoutMs,
          warningTopic: flags.warningTopic,
          aws: flags.aws ? true : undefined,
          mode: flags.mode,
          configPath: flags.config,
          stdout: (l) => (ctx.json ? undefined : ctx.io.out(l)),
          stderr: (l) => ctx.io.err(l),
        });
        return outcome(r, [], r.exitCode);
      },
      view,
    ),
  );
}
