/** `etlctl pipeline list`: pipelines deployed to AWS by etlctl (name, id, state, mode). */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('list')
      .description('list pipelines deployed to AWS by etlctl (name, id, state, mode)')
      .option('--all', 'include pipelines not deployed by etlctl'),
  ).action((flags: CommonFlags & { all?: boolean }) =>
    runCommand(
      flags,
      async () => {
        const { listOnAws } = await import('../../aws/status.js');
        const pipelines = await listOnAws({ mode: flags.mode, configPath: flags.config, all: flags.all });
        return outcome({ all: Boolean(flags.all), pipelines });
      },
      () => import('../views/list.js').then((m) => m.listView),
    ),
  );
}
