/** The flags of the commands that run definitions on the local engine (`pipeline activate`, `definition run`). */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { dateTime, durationMs, positiveInt } from '../args.js';

export interface LocalFlags extends CommonFlags {
  jsonStream?: boolean;
  until?: string;
  retryDelay?: string;
  parallel?: string;
  yes?: boolean;
  dryRun?: boolean;
}

export interface LocalArgs {
  until?: Date;
  retryDelayMs?: number;
  parallel?: number;
}

export function withLocalRunOptions(cmd: Command): Command {
  return cmd
    .option('--until <iso>', 'local: run the instances due up to this time (default now)')
    .option('--retry-delay <duration>', 'local: replace every retryDelay (development), e.g. 0, 500ms, 5s')
    .option('--parallel <n>', 'local: steps running at once (default 4)')
    .option('-y, --yes', 'answer yes to confirmations (scripts), e.g. before a large backfill')
    .option('--json-stream', 'print each event as one JSON line while running, then the envelope');
}

/** Read and check the local flags before any work (usage errors, exit 2). */
export function localArgs(flags: LocalFlags): LocalArgs {
  return {
    until: dateTime(flags.until, '--until'),
    retryDelayMs: durationMs(flags.retryDelay, '--retry-delay'),
    parallel: positiveInt(flags.parallel, '--parallel'),
  };
}
