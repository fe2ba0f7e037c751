/** `etlctl pipeline history`: the local runs of a pipeline, newest first. */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { positiveInt, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('history')
      .description('list the local runs of a pipeline (newest first), from .etlctl/state.db')
      .argument('<name>', 'pipeline name'),
  )
    .option('--limit <n>', 'how many runs (default 20)')
    .action((name: string, flags: CommonFlags & { limit?: string }) =>
      runCommand(
        flags,
        async () => {
          const limit = positiveInt(flags.limit, '--limit') ?? 20;
          const { historyLocally } = await import('../../local/status.js');
          return outcome(await historyLocally({ name, mode: flags.mode, configPath: flags.config, limit }));
        },
        () => import('../views/history.js').then((m) => m.historyView),
      ),
    );
}
