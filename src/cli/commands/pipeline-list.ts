/** `etlctl pipeline list`: pipelines of the mode's target — deployed to AWS, or activated locally. */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { pipelineGroup } from './groups.js';
import { targetOf } from './target.js';

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('list')
      .description('list pipelines: local target, the locally activated ones; AWS, those deployed by etlctl')
      .option('--all', 'AWS: include pipelines not deployed by etlctl'),
  ).action((flags: CommonFlags & { all?: boolean }) =>
    runCommand(
      flags,
      async () => {
        if ((await targetOf(flags)) === 'local') {
          const { listLocally } = await import('../../local/manage.js');
          return outcome(await listLocally({ mode: flags.mode, configPath: flags.config }));
        }
        const { listOnAws } = await import('../../aws/status.js');
        const pipelines = await listOnAws({ mode: flags.mode, configPath: flags.config, all: flags.all });
        return outcome({ all: Boolean(flags.all), pipelines });
      },
      () => import('../views/list.js').then((m) => m.listView),
    ),
  );
}
