/** `etlctl pipeline rerun`: make an ended local instance (and what depends on it) run again. */
import type { Command } from 'commander';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ActionFlags, ActionOutcome, InstanceFlags } from './action-options.js';
import { instanceSelector, runNow, withInstanceOptions } from './action-options.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    withInstanceOptions(
      pipelineGroup(program)
        .command('rerun')
        .description(
          'rerun an ended instance of a local pipeline (failed or finished); instances that failed because of it run again too',
        )
        .argument('<name>', 'pipeline name'),
    ),
  )
    .option('--downstream', 'also rerun the finished instances downstream of it')
    .option('--note <text>', 'why (recorded with the action)')
    .option('--now', 'run it now in the foreground (else the agent or the next activate runs it)')
    .action((name: string, flags: ActionFlags & InstanceFlags & { downstream?: boolean; now?: boolean }) =>
      runCommand(
        flags,
        async () => {
          const sel = instanceSelector(flags);
          const { actorName, rerunInstance, withLocalStore } = await import('../../local/actions.js');
          return withLocalStore({ mode: flags.mode, configPath: flags.config }, async (store, stateDir) => {
            const r = await rerunInstance(store, {
              pipeline: name,
              ...sel,
              downstream: flags.downstream,
              note: flags.note,
              actor: actorName(),
            });
            const done: ActionOutcome = flags.now ? await runNow(store, stateDir, r) : r;
            return outcome(done, [], done.run?.exitCode);
          });
        },
        () => import('../views/actions.js').then((m) => m.actionView),
      ),
    );
}
