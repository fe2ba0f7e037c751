/** The flags of the commands that run definitions on the local engine (`pipeline activate`, `definition run`). */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { dateTime, durationMs, positiveInt } from '../args.js';
import type { StepSelection } from '../../local/engine.js';

export interface LocalFlags extends CommonFlags {
  jsonStream?: boolean;
  until?: string;
  retryDelay?: string;
  parallel?: string;
  yes?: boolean;
  dryRun?: boolean;
  select?: string[];
  from?: string;
  rerun?: boolean;
}

export interface LocalArgs {
  until?: Date;
  retryDelayMs?: number;
  parallel?: number;
  /** Step selection (issue 18): run only these steps / this step and its downstream / again. */
  selection?: StepSelection;
}

export function withLocalRunOptions(cmd: Command): Command {
  return cmd
    .option('--until <iso>', 'local: run the instances due up to this time (default now)')
    .option('--retry-delay <duration>', 'local: replace every retryDelay (development), e.g. 0, 500ms, 5s')
    .option('--parallel <n>', 'local: steps running at once (default 4)')
    .option('--select <steps...>', 'local: run only these steps (YAML step names or activity ids)')
    .option('--from <step>', 'local: run this step and everything downstream of it')
    .option('--rerun', 'local: run the chosen steps again even where they finished')
    .option('-y, --yes', 'answer yes to confirmations (scripts), e.g. before a large backfill')
    .option('--json-stream', 'print each event as one JSON line while running, then the envelope');
}

/** Read and check the local flags before any work (usage errors, exit 2). */
export function localArgs(flags: LocalFlags): LocalArgs {
  return {
    until: dateTime(flags.until, '--until'),
    retryDelayMs: durationMs(flags.retryDelay, '--retry-delay'),
    parallel: positiveInt(flags.parallel, '--parallel'),
    selection:
      flags.select || flags.from || flags.rerun
        ? { steps: flags.select, from: flags.from, rerun: Boolean(flags.rerun) }
        : undefined,
  };
}
