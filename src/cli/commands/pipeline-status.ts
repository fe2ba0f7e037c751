/** `etlctl pipeline status`: the latest instances, on AWS or in the local state store (by the mode's target). */
import type { Command } from 'commander';
import { Option } from 'commander';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import type { CommonFlags } from '../args.js';
import { positiveInt, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { StatusResult } from '../views/status.js';
import { pipelineGroup } from './groups.js';
import { targetOf } from './target.js';

interface Flags extends CommonFlags {
  target?: 'local' | 'aws';
  limit?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('status')
      .description('state of a pipeline and its latest instances (AWS or local, by the mode target)')
      .argument('[name]', 'pipeline name (local: all pipelines when omitted)'),
  )
    .addOption(new Option('--target <target>', 'override the mode target').choices(['local', 'aws']))
    .option('--limit <n>', 'how many instances to show (default 20)')
    .action((name: string | undefined, flags: Flags) =>
      runCommand(
        flags,
        async () => {
          const limit = positiveInt(flags.limit, '--limit');
          const target = await targetOf(flags);
          if (target === 'aws') {
            if (!name)
              throw new EtlError(
                diag('ETL8006', '`pipeline status` on AWS needs a pipeline name', {
                  hint: 'see `etlctl pipeline list -m MODE`',
                }),
                ExitCode.USAGE,
              );
            const { statusOnAws } = await import('../../aws/status.js');
            const s = await statusOnAws({ name, mode: flags.mode, configPath: flags.config, limit });
            // A failed instance among the latest makes the command fail, for scripts.
            return outcome<StatusResult>(
              { target: 'aws', ...s },
              [],
              s.failed ? ExitCode.FAILURE : ExitCode.OK,
            );
          }
          const { statusLocally } = await import('../../local/status.js');
          const s = await statusLocally({ name, mode: flags.mode, configPath: flags.config, limit });
          return outcome<StatusResult>({ target: 'local', ...s });
        },
        () => import('../views/status.js').then((m) => m.statusView),
      ),
    );
}
