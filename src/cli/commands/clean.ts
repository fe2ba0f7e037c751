/** `etlctl clean`: delete staging data, logs and history older than their retention (README "Personal data"). */
import type { Command } from 'commander';
import { requireDuration } from '../../duration.js';
import type { CleanReport } from '../../retention/clean.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';

interface Flags extends CommonFlags {
  dryRun?: boolean;
  olderThan?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('clean')
      .description(
        'delete local staging S3 data, step logs, alert log lines and run history older than config `retention:` (never what a live or resumable run needs); each deletion goes to .etlctl/audit.ndjson',
      )
      .option('--dry-run', 'list what would be deleted, delete nothing')
      .option('--older-than <duration>', 'one age for every kind (e.g. 7d), instead of the config'),
  ).action((flags: Flags) =>
    runCommand(
      flags,
      async () => {
        const olderThan = flags.olderThan ? requireDuration(flags.olderThan, '--older-than') : undefined;
        const { runClean } = await import('../../retention/clean.js');
        const r = await runClean({
          dryRun: !!flags.dryRun,
          olderThan,
          mode: flags.mode,
          configPath: flags.config,
        });
        return outcome<CleanReport>(r.report, r.diagnostics);
      },
      async () => (await import('../views/clean.js')).cleanView,
    ),
  );
}
