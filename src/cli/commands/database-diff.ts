/**
 * `etlctl database diff`: a table definition against the live table (the mode's local database,
 * or Redshift through the Data API), with the ALTERs that reconcile them; exit 1 when they differ.
 */
import type { Command } from 'commander';
import { ExitCode, hasErrors } from '../../diagnostics/index.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { DatabaseDiffResult } from '../views/database-tools.js';
import { databaseGroup } from './groups.js';

interface Flags extends CommonFlags {
  connection?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    databaseGroup(program)
      .command('diff')
      .description(
        "compare a table definition with the live table and print the ALTERs that reconcile them\n(exit 1 when they differ; the mode's local database, or Redshift through the Data API)",
      )
      .argument('<table_definition>', 'CREATE TABLE .sql file')
      .option('--connection <name>', 'named database from the config (default: defaults.warehouse)'),
  ).action((file: string, flags: Flags) =>
    runCommand(
      flags,
      async () => {
        const { diffTableFile } = await import('../../catalog/database-tools.js');
        const r = await diffTableFile({
          file,
          mode: flags.mode,
          configPath: flags.config,
          connection: flags.connection,
        });
        if (hasErrors(r.diagnostics) || !r.table || !r.target)
          return outcome<DatabaseDiffResult>(null, r.diagnostics, ExitCode.FAILURE, r.sources);
        const same = r.differences.length === 0;
        const result: DatabaseDiffResult = {
          file,
          same,
          table: r.table,
          target: r.target,
          differences: r.differences,
          statements: r.statements,
        };
        // Like diff(1): a difference is exit 1, with the result saying what differs.
        return outcome(result, r.diagnostics, same ? ExitCode.OK : ExitCode.FAILURE, r.sources);
      },
      () => import('../views/database-tools.js').then((m) => m.databaseDiffView),
    ),
  );
}
