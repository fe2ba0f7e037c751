/** `etlctl pipeline backfill`: run a range of scheduled periods of a local pipeline again. */
import type { Command } from 'commander';
import { dateTime, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ActionFlags, ActionOutcome } from './action-options.js';
import { runNow } from './action-options.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('backfill')
      .description('run the scheduled periods of a local pipeline in a range again')
      .argument('<name>', 'pipeline name')
      .requiredOption('--from <date>', 'first scheduled start included (ISO 8601)')
      .requiredOption('--to <date>', 'first scheduled start left out (ISO 8601)'),
  )
    .option('--note <text>', 'why (recorded with the action)')
    .option('--now', 'run them now in the foreground (else the agent or the next activate runs them)')
    .action((name: string, flags: ActionFlags & { from: string; to: string; now?: boolean }) =>
      runCommand(
        flags,
        async () => {
          const from = dateTime(flags.from, '--from')!.toISOString();
          const to = dateTime(flags.to, '--to')!.toISOString();
          const { actorName, backfill, withLocalStore } = await import('../../local/actions.js');
          return withLocalStore({ mode: flags.mode, configPath: flags.config }, async (store, stateDir) => {
            const r = await backfill(store, {
              pipeline: name,
              from,
              to,
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
