/**
 * Command-line errors found by commander (unknown option, missing argument, bad choice …) as
 * diagnostics, so they print like every other error and go into the JSON envelope.
 */
import type { Command, CommanderError } from 'commander';
import type { Diagnostic } from '../diagnostics/index.js';

const CODES: Record<string, string> = {
  'commander.unknownCommand': 'ETL8100',
  'commander.unknownOption': 'ETL8101',
  'commander.missingArgument': 'ETL8102',
  'commander.optionMissingArgument': 'ETL8102',
  'commander.missingMandatoryOptionValue': 'ETL8102',
  'commander.help': 'ETL8102',
  'commander.excessArguments': 'ETL8103',
};

/** The command a command line names (as far as it is valid), for the `--help` hint. */
export function commandPath(program: Command, argv: readonly string[]): string[] {
  const path: string[] = [];
  let cmd: Command = program;
  for (const token of argv) {
    if (token === '--') break;
    const next = cmd.commands.find((c) => c.name() === token || c.aliases().includes(token));
    if (!next) continue;
    path.push(next.name());
    cmd = next;
  }
  return path;
}

export function usageDiagnostic(e: CommanderError, path: string[]): Diagnostic {
  const text = e.message.replace(/^error:\s*/, '').trim();
  const code = e.code.startsWith('etlctl.') ? e.code.slice(7) : (CODES[e.code] ?? 'ETL8104');
  const message =
    e.code === 'commander.help'
      ? `\`etlctl ${path.join(' ')}\` needs a command`
      : text || 'invalid command line';
  return {
    code,
    severity: 'error',
    message,
    hint: `see \`etlctl ${[...path, '--help'].join(' ')}\``,
  };
}

/** --json / --json-stream asked for on this command line (before `--`), so usage errors go in the envelope. */
export function wantsJson(argv: readonly string[]): { json: boolean; jsonStream: boolean } {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  return { json: args.includes('--json'), jsonStream: args.includes('--json-stream') };
}
