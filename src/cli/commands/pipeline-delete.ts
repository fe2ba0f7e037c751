/** `etlctl pipeline delete`: delete a deployed AWS pipeline and its run history, after confirmation. */
import type { Command } from 'commander';
import { diag, ExitCode } from '../../diagnostics/index.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { View } from '../runner.js';
import { printDiagnostics } from '../views/diagnostics.js';
import { pipelineGroup } from './groups.js';

interface Deleted {
  name: string;
  pipelineId: string;
  deleted: boolean;
}

const view: View<Deleted> = {
  human(o, io) {
    const r = o.result!;
    if (r.deleted) io.out(`deleted ${r.name} (${r.pipelineId})`);
    else printDiagnostics(io, o.diagnostics);
  },
};

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('delete')
      .description('delete a deployed AWS pipeline and its run history (irreversible)')
      .argument('<name>', 'pipeline name or pipeline file')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action((name: string, flags: CommonFlags & { yes?: boolean }) =>
    runCommand(
      flags,
      async (ctx) => {
        const { deleteOnAws } = await import('../../aws/status.js');
        const { asker } = await import('../prompt.js');
        const r = await deleteOnAws({
          name,
          mode: flags.mode,
          configPath: flags.config,
          yes: flags.yes,
          ask: asker(ctx.io, ctx.json),
        });
        if (r.deleted) return outcome(r);
        return outcome(
          r,
          [diag('ETL6111', `not deleted: ${r.name} (${r.pipelineId}) is unchanged`)],
          ExitCode.FAILURE,
        );
      },
      view,
    ),
  );
}
