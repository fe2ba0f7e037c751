/**
 * Command-line entry. Wiring only: each command group lives in its own module and is loaded
 * lazily, so `etlctl --help` does not pull in the AWS SDK or database drivers (DESIGN.md decision 11).
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { EtlError, ExitCode, formatDiagnostics } from '../diagnostics.js';
import { registerPipelineCommands } from './pipeline.js';
import { registerDefinitionCommands } from './definition.js';
import { registerConfigCommands } from './config.js';
import { registerVisualizeCommands } from './visualize.js';
import { registerAwsCommands } from './aws.js';
import { registerLocalCommands } from './local.js';
import { registerCatalogCommands } from './catalog.js';

const require = createRequire(import.meta.url);

export function version(): string {
  return (require('../../../package.json') as { version: string }).version;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  success (warnings allowed)
  1  the pipeline or definition is wrong, or a run or check failed
  2  usage error (bad flag, missing file)
  3  environment error (cannot reach a database, S3 or AWS; missing credentials)`;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('etlctl')
    .description(
      'Compile step-based YAML pipelines into AWS Data Pipeline definitions, check and draw them,\n' +
        'deploy them to AWS, and run the same definitions locally against real databases.',
    )
    .version(version(), '-V, --version')
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();
  registerPipelineCommands(program);
  registerDefinitionCommands(program);
  registerConfigCommands(program);
  // Owned by their feature areas; each adds subcommands to the groups above or new groups.
  registerVisualizeCommands(program);
  registerAwsCommands(program);
  registerLocalCommands(program);
  registerCatalogCommands(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Print an error from any layer with the one printer, and return the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof EtlError) {
    process.stderr.write(formatDiagnostics(err.diagnostics) + '\n');
    return err.exitCode;
  }
  if (err instanceof CommanderError) {
    // commander already printed its message (usage errors) or the help/version text.
    return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error ETL9000: internal error: ${message}\n`);
  if (process.env.ETLCTL_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return ExitCode.FAILURE;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  let code: number = ExitCode.OK;
  try {
    await program.parseAsync(argv);
    code = process.exitCode === undefined ? ExitCode.OK : Number(process.exitCode);
  } catch (err) {
    code = reportError(err);
  }
  process.exitCode = code;
}
