/** `etlctl pipeline acknowledge`: mark a failed local instance as seen and handled, with a note. */
import type { Command } from 'commander';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ActionFlags, InstanceFlags } from './action-options.js';
import { instanceSelector, withInstanceOptions } from './action-options.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    withInstanceOptions(
      pipelineGroup(program)
        .command('acknowledge')
        .alias('ack')
        .description('mark a failed instance of a local pipeline as resolved (acknowledged), with a note')
        .argument('<name>', 'pipeline name'),
    ),
  )
    .option('--note <text>', 'what was done about it')
    .action((name: string, flags: ActionFlags & InstanceFlags) =>
      runCommand(
        flags,
        async () => {
          const sel = instanceSelector(flags);
          const { actorName, acknowledge, withLocalStore } = await import('../../local/actions.js');
          return outcome(
            await withLocalStore({ mode: flags.mode, configPath: flags.config }, (store) =>
              acknowledge(store, { pipeline: name, ...sel, note: flags.note, actor: actorName() }),
            ),
          );
        },
        () => import('../views/actions.js').then((m) => m.actionView),
      ),
    );
}
