/** `etlctl database generate`: CREATE TABLE statements with comments from a field-definition document. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { hasErrors } from '../../diagnostics/index.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { DatabaseGenerateResult } from '../views/database-tools.js';
import { databaseGroup } from './groups.js';

interface Flags extends CommonFlags {
  dialect: 'redshift' | 'postgres' | 'mysql';
  table?: string;
  output?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    databaseGroup(program)
      .command('generate')
      .description(
        'turn a field-definition document (CSV or YAML) into CREATE TABLE statements with comments',
      )
      .argument('<fields>', 'field definitions: .csv, .tsv, .yaml or .yml')
      .addOption(
        new Option('--dialect <dialect>', 'SQL dialect')
          .choices(['redshift', 'postgres', 'mysql'])
          .default('redshift'),
      )
      .option('--table <name>', 'schema.table, for a CSV without a table column')
      .option('-o, --output <dir>', 'write one <schema.table>.sql per table into this folder'),
  ).action((file: string, flags: Flags) =>
    runCommand(
      flags,
      async () => {
        const { generateDdl } = await import('../../catalog/database-tools.js');
        const r = generateDdl({ file, dialect: flags.dialect, table: flags.table, output: flags.output });
        if (hasErrors(r.diagnostics))
          return outcome<DatabaseGenerateResult>(null, r.diagnostics, undefined, r.sources);
        const result: DatabaseGenerateResult = {
          dialect: flags.dialect,
          tables: r.tables.map((t) => ({ table: t.table, file: t.file ?? null })),
          // Written to files with -o; else the SQL is the result.
          sql: flags.output ? null : r.sql,
        };
        return outcome(result, r.diagnostics, undefined, r.sources);
      },
      () => import('../views/database-tools.js').then((m) => m.databaseGenerateView),
    ),
  );
}
