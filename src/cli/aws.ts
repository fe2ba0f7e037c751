/**
 * AWS commands: `pipeline diff|list|deactivate|delete`, `alerts test`, `database create|drop|recreate|grant`.
 * Wiring only; the work is in src/aws, loaded inside each action so `etlctl --help` never loads the SDK.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CommonOptions } from './common.js';
import { setExit, withCommonOptions } from './common.js';

function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

interface DatabaseFlags extends CommonOptions {
  execute?: boolean;
  connection?: string;
}

export function registerAwsCommands(program: Command): void {
  const pipeline = group(program, 'pipeline', 'compile, check, deploy and inspect pipelines');

  withCommonOptions(
    pipeline
      .command('diff')
      .description('show what `pipeline activate` would change in the deployed AWS pipeline')
      .argument('<file>', 'pipeline YAML file')
      .addOption(new Option('--target <target>', 'deploy target').choices(['aws'])),
  ).action(async (file: string, o: CommonOptions & { target?: 'aws' }) => {
    const { diffOnAws } = await import('../aws/status.js');
    setExit(await diffOnAws({ file, mode: o.mode, configPath: o.config, json: o.json, target: o.target }));
  });

  withCommonOptions(
    pipeline
      .command('list')
      .description('list pipelines deployed to AWS by etlctl (name, id, state, mode)')
      .option('--all', 'include pipelines not deployed by etlctl'),
  ).action(async (o: CommonOptions & { all?: boolean }) => {
    const { listOnAws } = await import('../aws/status.js');
    setExit(await listOnAws({ mode: o.mode, configPath: o.config, json: o.json, all: o.all }));
  });

  withCommonOptions(
    pipeline
      .command('deactivate')
      .description('deactivate a deployed AWS pipeline (resume later with `pipeline activate`)')
      .argument('<name>', 'pipeline name or pipeline file')
      .option('--no-cancel-active', 'let running objects finish instead of canceling them'),
  ).action(async (name: string, o: CommonOptions & { cancelActive?: boolean }) => {
    const { deactivateOnAws } = await import('../aws/status.js');
    setExit(
      await deactivateOnAws({
        name,
        mode: o.mode,
        configPath: o.config,
        json: o.json,
        cancelActive: o.cancelActive,
      }),
    );
  });

  withCommonOptions(
    pipeline
      .command('delete')
      .description('delete a deployed AWS pipeline and its run history (irreversible)')
      .argument('<name>', 'pipeline name or pipeline file')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action(async (name: string, o: CommonOptions & { yes?: boolean }) => {
    const { deleteOnAws } = await import('../aws/status.js');
    setExit(await deleteOnAws({ name, mode: o.mode, configPath: o.config, json: o.json, yes: o.yes }));
  });

  const alerts = group(program, 'alerts', 'failure, warning and lateness alerts');
  withCommonOptions(
    alerts
      .command('test')
      .description('publish a clearly marked test message to each configured SNS alert topic'),
  ).action(async (o: CommonOptions) => {
    const { alertsTestOnAws } = await import('../aws/admin.js');
    setExit(await alertsTestOnAws({ mode: o.mode, configPath: o.config, json: o.json }));
  });

  const database = group(program, 'database', 'DDL from table definition files (Redshift)');
  const actions = [
    ['create', 'print CREATE statements (and grants) in dependency order'],
    ['drop', 'print DROP … IF EXISTS … CASCADE statements in reverse dependency order'],
    ['recreate', 'print drop, then create and grants'],
    ['grant', 'print GRANT statements from config database.permissions'],
  ] as const;
  for (const [action, description] of actions) {
    withCommonOptions(
      database
        .command(action)
        .description(`${description}; --execute runs them`)
        .argument('<table_definitions...>', 'CREATE TABLE / CREATE VIEW .sql files')
        .option(
          '-e, --execute',
          "run the statements: on the mode's local database (target local, or a connection url), else on Redshift through the Data API",
        )
        .option('--connection <name>', 'named database from the config (default: defaults.warehouse)'),
    ).action(async (files: string[], o: DatabaseFlags) => {
      const { databaseCommand } = await import('../aws/admin.js');
      setExit(
        await databaseCommand({
          action,
          files,
          execute: o.execute,
          connection: o.connection,
          mode: o.mode,
          configPath: o.config,
          json: o.json,
        }),
      );
    });
  }
}
