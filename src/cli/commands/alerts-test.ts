/** `etlctl alerts test`: a marked test message to each configured topic — SNS, or the local alert sink. */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { alertsGroup } from './groups.js';
import { targetOf } from './target.js';

export function register(program: Command): void {
  withCommonOptions(
    alertsGroup(program)
      .command('test')
      .description(
        'send a clearly marked test alert: AWS, to each configured SNS topic; local target, to .etlctl/alerts.ndjson and stderr',
      ),
  ).action((flags: CommonFlags) =>
    runCommand(
      flags,
      async () => {
        if ((await targetOf(flags)) === 'local') {
          const { alertsTestLocally } = await import('../../local/manage.js');
          return outcome(await alertsTestLocally({ mode: flags.mode, configPath: flags.config }));
        }
        const { alertsTestOnAws } = await import('../../aws/admin.js');
        const published = await alertsTestOnAws({ mode: flags.mode, configPath: flags.config });
        return outcome({ published });
      },
      () => import('../views/alerts-test.js').then((m) => m.alertsTestView),
    ),
  );
}
