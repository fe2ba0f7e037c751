/**
 * Command-line entry. Wiring only: every command is registered from its own file under
 * commands/ (typed arguments → one library call → one view), and libraries load inside the
 * actions, so `etlctl --help` loads neither the AWS SDK, database drivers nor the YAML parser
 * (DESIGN.md decision 11).
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { ExitCode } from '../diagnostics/index.js';
import { registerCommands } from './commands/index.js';
import { contextFor, failureOutcome, printOutcome } from './runner.js';
import { commandPath, usageDiagnostic, wantsJson } from './usage.js';

const require = createRequire(import.meta.url);

export function version(): string {
  // dist/src/cli → ../../../package.json; src/cli (tests) → ../../package.json
  for (const p of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = require(p) as { name?: string; version: string };
      if (pkg.name === 'etlctl') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

const EXIT_CODES_HELP = `
Exit codes:
  0    success (warnings allowed)
  1    the pipeline or definition is wrong, or a run or check failed
  2    usage error (bad flag or value, missing file, unknown mode)
  3    environment error (cannot reach a database, S3 or AWS; missing credentials)
  130  stopped by Ctrl-C (SIGINT); 143 stopped by SIGTERM

Every command takes --json: one JSON document {ok, exitCode, diagnostics, result} on stdout.
\`etlctl explain CODE\` says what a diagnostic code means.`;

/** The program with the commands `args` needs (all of them when `args` names none). */
export async function buildProgram(args: readonly string[] = []): Promise<Command> {
  const program = new Command();
  program
    .name('etlctl')
    .description(
      'Compile step-based YAML pipelines into AWS Data Pipeline definitions, check and draw them,\n' +
        'deploy them to AWS, and run the same definitions locally against real databases.',
    )
    .version(version(), '-V, --version')
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_CODES_HELP);
  await registerCommands(program, args);
  const quiet = (cmd: Command): void => {
    // Errors become diagnostics (printed by the one printer, or inside the JSON envelope);
    // help text still goes where commander sends it.
    cmd.exitOverride().configureOutput({ outputError: () => undefined });
    for (const sub of cmd.commands) quiet(sub);
  };
  quiet(program);
  return program;
}

/** Run a command line (argv without `node etlctl`); returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const saved = process.exitCode;
  process.exitCode = undefined;
  const program = await buildProgram(args);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help or version asked for: commander printed it.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
        process.exitCode = ExitCode.OK;
      else {
        const d = usageDiagnostic(err, commandPath(program, args));
        await printOutcome(
          { exitCode: ExitCode.USAGE, diagnostics: [d], result: null },
          contextFor(wantsJson(args)),
        );
      }
    } else await printOutcome(failureOutcome(err), contextFor(wantsJson(args)));
  }
  const code = process.exitCode === undefined ? ExitCode.OK : Number(process.exitCode);
  process.exitCode = saved;
  return code;
}

export async function main(argv: string[]): Promise<void> {
  // Last resort: an error no layer caught (a bug) ends as one ETL9000 diagnostic, exit 1, never as
  // Node's stack trace; a run it interrupts is resumed by the next activate like a killed one.
  const crash = (e: unknown): void => {
    void printOutcome(failureOutcome(e), contextFor(wantsJson(argv.slice(2)))).finally(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.exitCode = await run(argv.slice(2));
}
