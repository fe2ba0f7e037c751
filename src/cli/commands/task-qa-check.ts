/** `etlctl task qa-check`: run the checks of a qa-check step (what the compiled activity runs on the worker). */
import type { Command } from 'commander';
import type { QaCheckReport } from '../../tasks/qa-check.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { View } from '../runner.js';
import { taskGroup } from './groups.js';

interface Flags extends CommonFlags {
  checks: string;
  database: string;
  pipeline: string;
  step: string;
  warningTopic?: string;
}

// The lines went out as each check ran.
const view: View<QaCheckReport> = { human: () => undefined };

export function register(program: Command): void {
  withCommonOptions(
    taskGroup(program)
      .command('qa-check')
      .description(
        'run the data checks of a qa-check step; one PASS/WARN/FAIL/ERROR line per check, exit 1 when an error-severity check fails',
      )
      .requiredOption('--checks <json>', 'the compiled checks (JSON list)')
      .option('--database <name>', 'connection the checked table lives on', 'warehouse')
      .option('--pipeline <name>', 'pipeline name, for reports and alerts', 'pipeline')
      .option('--step <name>', 'step name, for reports and alerts', 'qa-check')
      .option('--warning-topic <arn>', 'SNS topic for failed warn checks (published when the target is aws)'),
  ).action((flags: Flags) =>
    runCommand(
      flags,
      async (ctx) => {
        const { runQaCheckTask } = await import('../../tasks/qa-check.js');
        const report = await runQaCheckTask({
          checks: flags.checks,
          database: flags.database,
          pipeline: flags.pipeline,
          step: flags.step,
          warningTopic: flags.warningTopic,
          mode: flags.mode,
          configPath: flags.config,
          json: ctx.json,
          stdout: (l) => ctx.io.out(l),
          // The ETLCTL-ALERT line of a warn check is read by the local engine: it goes out in --json too.
          stderr: (l) => ctx.io.err(l),
        });
        return outcome(report, [], report.exitCode);
      },
      view,
    ),
  );
}
