/** `etlctl pipeline pause`: pause a local pipeline: etlctl agent stops scheduling it (running steps finish). */
import type { Command } from 'commander';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ActionFlags } from './action-options.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('pause')
      .description('pause a local pipeline: etlctl agent stops scheduling it (running steps finish)')
      .argument('<name>', 'pipeline name'),
  )
    .option('--note <text>', 'why (recorded with the action)')
    .action((name: string, flags: ActionFlags) =>
      runCommand(
        flags,
        async () => {
          const { actorName, pauseResume, withLocalStore } = await import('../../local/actions.js');
          return outcome(
            await withLocalStore({ mode: flags.mode, configPath: flags.config }, (store) =>
              pauseResume(store, { pipeline: name, pause: true, note: flags.note, actor: actorName() }),
            ),
          );
        },
        () => import('../views/actions.js').then((m) => m.actionView),
      ),
    );
}
