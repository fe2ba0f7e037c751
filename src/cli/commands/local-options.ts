/** The flags of the commands that run definitions on the local engine (`pipeline activate`, `definition run`). */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CommonFlags } from '../args.js';
import { dateTime, durationMs, positiveInt } from '../args.js';
import type { StepSelection } from '../../local/engine.js';
import { EtlError, ExitCode, diag } from '../../diagnostics.js';

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
  progress?: string;
  progressInterval?: string;
  waitRetry?: boolean;
}

export interface LocalArgs {
  until?: Date;
  retryDelayMs?: number;
  parallel?: number;
  /** Step selection (issue 18): run only these steps / this step and its downstream / again. */
  selection?: StepSelection;
  /** Plain progress lines this often (`--progress-interval`). */
  progressIntervalMs?: number;
}

export function withLocalRunOptions(cmd: Command): Command {
  return cmd
    .option('--until <iso>', 'local: run the instances due up to this time (default now)')
    .option('--retry-delay <duration>', 'local: replace every retryDelay (development), e.g. 0, 500ms, 5s')
    .option('--no-wait-retry', 'local: retry a failed step at once instead of waiting its retryDelay')
    .option('--parallel <n>', 'local: steps running at once (default 4)')
    .option('--select <steps...>', 'local: run only these steps (YAML step names or activity ids)')
    .option('--from <step>', 'local: run this step and everything downstream of it')
    .option('--rerun', 'local: run the chosen steps again even where they finished')
    .addOption(
      new Option(
        '--progress <how>',
        'progress display: live line on a terminal, plain lines on a pipe (auto)',
      ).choices(['auto', 'tty', 'plain', 'none']),
    )
    .option('--progress-interval <duration>', 'plain progress lines this often (default 10s)')
    .option('-y, --yes', 'answer yes to confirmations (scripts), e.g. before a large backfill')
    .option('--json-stream', 'print each event as one JSON line while running, then the envelope');
}

/** Read and check the local flags before any work (usage errors, exit 2). */
export function localArgs(flags: LocalFlags): LocalArgs {
  return {
    until: dateTime(flags.until, '--until'),
    retryDelayMs: retryDelay(flags),
    progressIntervalMs: durationMs(flags.progressInterval, '--progress-interval'),
    parallel: positiveInt(flags.parallel, '--parallel'),
    selection:
      flags.select || flags.from || flags.rerun
        ? { steps: flags.select, from: flags.from, rerun: Boolean(flags.rerun) }
        : undefined,
  };
}

/** `--no-wait-retry` (issue 18): a local failure retries at once rather than waiting in the foreground. */
function retryDelay(flags: LocalFlags): number | undefined {
  if (flags.waitRetry === false) {
    if (flags.retryDelay !== undefined)
      throw new EtlError(
        diag('ETL8305', '--no-wait-retry and --retry-delay both set the retry wait', {
          hint: 'give one of them: --no-wait-retry retries at once, --retry-delay waits the given time',
        }),
        ExitCode.USAGE,
      );
    return 0;
  }
  return durationMs(flags.retryDelay, '--retry-delay');
}
