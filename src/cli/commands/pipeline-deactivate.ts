/** `etlctl pipeline deactivate`: pause a deployed AWS pipeline (resume with `pipeline activate`). */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { View } from '../runner.js';
import { pipelineGroup } from './groups.js';

interface Deactivated {
  name: string;
  pipelineId: string;
  deactivated: true;
  canceledActive: boolean;
}

const view: View<Deactivated> = {
  human(o, io) {
    const r = o.result!;
    io.out(
      `deactivated ${r.name} (${r.pipelineId})${r.canceledActive ? '; running objects are canceled' : '; running objects finish first'}`,
    );
  },
};

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('deactivate')
      .description('deactivate a deployed AWS pipeline (resume later with `pipeline activate`)')
      .argument('<name>', 'pipeline name or pipeline file')
      .option('--no-cancel-active', 'let running objects finish instead of canceling them'),
  ).action((name: string, flags: CommonFlags & { cancelActive?: boolean }) =>
    runCommand(
      flags,
      async () => {
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
