import type { Command } from 'commander';

/** `etlctl definition …`: commands on any Data Pipeline definition JSON file. */
export function registerDefinitionCommands(program: Command): void {
  program.command('definition').description('check, convert and draw Data Pipeline definition files');
}
