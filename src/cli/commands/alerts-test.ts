/** `etlctl alerts test`: publish a marked test message to each configured SNS topic. */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { alertsGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    alertsGroup(program)
      .command('test')
      .description('publish a clearly marked test message to each configured SNS alert topic'),
  ).action((flags: CommonFlags) =>
    runCommand(
      flags,
      async () => {
        const { alertsTestOnAws } = await import('../../aws/admin.js');
        const published = await alertsTestOnAws({ mode: flags.mode, configPath: flags.config });
        return outcome({ published });
      },
      () => import('../views/alerts-test.js').then((m) => m.alertsTestView),
    ),
  );
}
