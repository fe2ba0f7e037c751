/** `etlctl pipeline clear`: forget a local pipeline's runs, so the next activate starts afresh. */
import type { Command } from 'commander';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { pipelineGroup } from './groups.js';
import { targetOf } from './target.js';

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('clear')
      .description(
        "local target: forget a pipeline's runs and instances (the next activate starts from its first period)",
      )
      .argument('<name>', 'pipeline name or pipeline file')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action((name: string, flags: CommonFlags & { yes?: boolean }) =>
    runCommand(
      flags,
      async (ctx) => {
        const files = /\.ya?ml$/i.test(name) ? [name] : [];
        if ((await targetOf(flags, files)) !== 'local')
          throw new EtlError(
            diag('ETL8304', 'pipeline clear works on local targets only', {
              hint: 'on AWS, etlctl pipeline delete NAME removes a pipeline and its history',
            }),
            ExitCode.USAGE,
          );
        const { clearLocally } = await import('../../local/manage.js');
        const { asker } = await import('../prompt.js');
        const r = await clearLocally({
          name,
          mode: flags.mode,
          configPath: flags.config,
          yes: flags.yes,
          ask: asker(ctx.io, ctx.json),
        });
        return r.cleared
          ? outcome(r)
          : outcome(r, [diag('ETL8301', `not cleared: ${r.name} is unchanged`)], ExitCode.FAILURE);
      },
      () => import('../views/clear.js').then((m) => m.clearView),
    ),
  );
}
