/**
 * `etlctl pipeline deactivate`: AWS, pause a deployed pipeline; local target, stop `etlctl agent`
 * scheduling it (a run in progress finishes). `pipeline activate` resumes either.
 */
import type { Command } from 'commander';
import type { LocalDeactivated } from '../../local/manage.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { View } from '../runner.js';
import { pipelineGroup } from './groups.js';
import { targetOf } from './target.js';

interface Deactivated {
  name: string;
  pipelineId: string;
  deactivated: true;
  canceledActive: boolean;
}

const view: View<Deactivated | LocalDeactivated> = {
  human(o, io) {
    const r = o.result!;
    if ('target' in r)
      io.out(
        r.wasActive
          ? `deactivated ${r.name}: etlctl agent no longer schedules it (resume with pipeline activate)`
          : `${r.name} was not active; nothing changed`,
      );
    else
      io.out(
        `deactivated ${r.name} (${r.pipelineId})${r.canceledActive ? '; running objects are canceled' : '; running objects finish first'}`,
      );
  },
};

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('deactivate')
      .description('stop a pipeline being scheduled (AWS or etlctl agent); resume with `pipeline activate`')
      .argument('<name>', 'pipeline name or pipeline file')
      .option('--no-cancel-active', 'AWS: let running objects finish instead of canceling them'),
  ).action((name: string, flags: CommonFlags & { cancelActive?: boolean }) =>
    runCommand(
      flags,
      async () => {
        const files = /\.ya?ml$/i.test(name) ? [name] : [];
        if ((await targetOf(flags, files)) === 'local') {
          const { deactivateLocally } = await import('../../local/manage.js');
          return outcome(await deactivateLocally({ name, mode: flags.mode, configPath: flags.config }));
        }
        const { deactivateOnAws } = await import('../../aws/status.js');
        return outcome(
          await deactivateOnAws({
            name,
            mode: flags.mode,
            configPath: flags.config,
            cancelActive: flags.cancelActive,
          }),
        );
      },
      view,
    ),
  );
}
