/** `etlctl pipeline actions`: the audit trail of run actions (who reran, paused, acknowledged what, when). */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { positiveInt, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('actions')
      .description(
        'list the recorded run actions (rerun, backfill, pause, resume, acknowledge), newest first',
      )
      .argument('[name]', 'pipeline name (default: all)'),
  )
    .option('--limit <n>', 'how many (default 50)')
    .action((name: string | undefined, flags: CommonFlags & { limit?: string }) =>
      runCommand(
        flags,
        async () => {
          const limit = positiveInt(flags.limit, '--limit') ?? 50;
          const { listActions, withLocalStore } = await import('../../local/actions.js');
          return outcome(
            await withLocalStore({ mode: flags.mode, configPath: flags.config }, (store) =>
              listActions(store, { pipeline: name, limit }),
            ),
          );
        },
        () => import('../views/actions.js').then((m) => m.actionListView),
      ),
    );
}
