/**
 * `etlctl pipeline pause` and `pipeline resume`: one local pipeline's agent scheduling off or on
 * (running steps finish); the action is recorded with who and when.
 */
import type { Command } from 'commander';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ActionFlags } from './action-options.js';
import { pipelineGroup } from './groups.js';

const DESCRIPTION = {
  pause: 'pause a local pipeline: etlctl agent stops scheduling it (running steps finish)',
  resume: 'resume a paused local pipeline: etlctl agent schedules it again',
};

export function registerPauseResume(program: Command, verb: 'pause' | 'resume'): void {
  withCommonOptions(
    pipelineGroup(program).command(verb).description(DESCRIPTION[verb]).argument('<name>', 'pipeline name'),
  )
    .option('--note <text>', 'why (recorded with the action)')
    .action((name: string, flags: ActionFlags) =>
      runCommand(
        flags,
        async () => {
          const { actorName, pauseResume, withLocalStore } = await import('../../local/actions.js');
          return outcome(
            await withLocalStore({ mode: flags.mode, configPath: flags.config }, (store) =>
              pauseResume(store, {
                pipeline: name,
                pause: verb === 'pause',
                note: flags.note,
                actor: actorName(),
              }),
            ),
          );
        },
        () => import('../views/actions.js').then((m) => m.actionView),
      ),
    );
}
