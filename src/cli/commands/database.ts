/**
 * `etlctl database create|drop|recreate|grant`: DDL from table definition files in dependency
 * order; --execute runs it on the mode's local database (target local, or a connection with a
 * url), else through the Redshift Data API. One command in four verbs.
 */
import type { Command } from 'commander';
import type { DatabaseAction } from '../../aws/database.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { DatabaseResult } from '../views/database.js';
import { databaseGroup } from './groups.js';

interface Flags extends CommonFlags {
  execute?: boolean;
  connection?: string;
}

const ACTIONS: [DatabaseAction, string][] = [
  ['create', 'print CREATE statements (and grants) in dependency order'],
  ['drop', 'print DROP … IF EXISTS … CASCADE statements in reverse dependency order'],
  ['recreate', 'print drop, then create and grants'],
  ['grant', 'print GRANT statements from config database.permissions'],
];

export function register(program: Command): void {
  for (const [action, description] of ACTIONS) {
    withCommonOptions(
      databaseGroup(program)
        .command(action)
        .description(`${description}; --execute runs them`)
        .argument('<table_definitions...>', 'CREATE TABLE / CREATE VIEW .sql files')
        .option(
          '-e, --execute',
          "run the statements: on the mode's local database (target local, or a connection url), else on Redshift through the Data API",
        )
        .option('--connection <name>', 'named database from the config (default: defaults.warehouse)'),
    ).action((files: string[], flags: Flags) =>
      runCommand(
        flags,
        async (ctx) => {
          const { databaseCommand } = await import('../../aws/admin.js');
          const { printScript } = await import('../views/database.js');
          const r = await databaseCommand({
            action,
            files,
            execute: flags.execute,
            connection: flags.connection,
            mode: flags.mode,
            configPath: flags.config,
            // The statements show before the Data API runs them (it can take a while).
            onStatements: ctx.json ? undefined : (statements) => printScript(ctx.io, statements),
          });
          const result: DatabaseResult = {
            action: r.action,
            statements: r.statements,
            executed: r.executed,
            connection: r.connection,
            location: r.location,
            batches: r.batches,
            ran: r.ran,
            ...(r.translations ? { translations: r.translations } : {}),
          };
          return outcome(result, r.diagnostics, undefined, r.sources);
        },
        () => import('../views/database.js').then((m) => m.databaseView),
      ),
    );
  }
}
