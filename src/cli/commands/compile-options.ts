/** The flags of the commands that compile pipelines, and their typed form for the front end. */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { FrontOptions } from '../../front.js';
import type { CommonFlags } from '../args.js';
import { dateTime, durationMs } from '../args.js';

export interface CompileFlags extends CommonFlags {
  start?: string;
  timeDelta?: string;
  backfill?: boolean;
  frequency?: string;
  target?: 'local' | 'aws';
}

export function withScheduleOptions(
  cmd: Command,
  opts: { start?: boolean; frequency?: boolean } = {},
): Command {
  cmd
    .option('-t, --time-delta <delta>', 'shift the schedule start, e.g. 2d, 6h, 1.5d (with -b: backwards)')
    .option('-b, --backfill', 'apply the time delta backwards, so AWS backfills');
  if (opts.frequency !== false) cmd.option('--frequency <freq>', "replace every pipeline's frequency");
  cmd.addOption(new Option('--target <target>', 'override the mode target').choices(['local', 'aws']));
  if (opts.start !== false) cmd.option('--start <iso>', 'schedule start (default: the latest load time)');
  return cmd;
}

/** Read and check the values first: a bad -t or --start is a usage error before any work. */
export function frontOptions(flags: CompileFlags): FrontOptions {
  durationMs(flags.timeDelta, '-t', true);
  dateTime(flags.start, '--start');
  return {
    mode: flags.mode,
    configPath: flags.config,
    start: flags.start,
    timeDelta: flags.timeDelta,
    backfill: flags.backfill,
    frequency: flags.frequency,
    target: flags.target,
  };
}
