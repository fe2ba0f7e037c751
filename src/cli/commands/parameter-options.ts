/**
 * The parameter flags of the AWS CLI (`put-pipeline-definition`, `activate-pipeline`), on every
 * command that checks or runs definitions: `definition validate`, `definition run`,
 * `pipeline activate`.
 */
import type { Command } from 'commander';
import type { ParameterInput } from '../../definition/parameter-input.js';
import { parameterInputFromFlags } from '../../definition/parameter-input.js';

export interface ParameterFlags {
  parameterObjects?: string;
  parameterValues?: string[];
  parameterValuesUri?: string;
  requireValues?: boolean;
}

export function withParameterOptions(cmd: Command): Command {
  return cmd
    .option(
      '--parameter-objects <file>',
      'parameter objects ({"parameters": […]}) replacing the definition\'s',
    )
    .option(
      '--parameter-values <key=value...>',
      "parameter values replacing the definition's `values` (repeat a key for an array)",
    )
    .option('--parameter-values-uri <file>', 'parameter values from a JSON file ({"values": {…}})')
    .option('--require-values', 'a parameter with no value is an error (as at activation)');
}

/** Read the files and values first: a bad flag is a usage error (exit 2) before any work. */
export function parameterArgs(flags: ParameterFlags, cwd = process.cwd()): ParameterInput | undefined {
  const input = parameterInputFromFlags(flags, cwd);
  return input.objects || input.values ? input : undefined;
}

/** The same flags, for a command line run again (`pipeline activate --detach`). */
export function parameterArgv(flags: ParameterFlags): string[] {
  const out: string[] = [];
  if (flags.parameterObjects) out.push('--parameter-objects', flags.parameterObjects);
  if (flags.parameterValues?.length) out.push('--parameter-values', ...flags.parameterValues);
  if (flags.parameterValuesUri) out.push('--parameter-values-uri', flags.parameterValuesUri);
  if (flags.requireValues) out.push('--require-values');
  return out;
}
