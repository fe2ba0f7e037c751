/** Flags and the one library call the run-action commands (rerun, backfill, pause …) share. */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { dateTime, positiveInt } from '../args.js';
import type { ActionResult, InstanceSelector } from '../../local/actions.js';
import type { StateStore } from '../../local/state/store.js';
import { ExitCode, EtlError, diag } from '../../diagnostics/index.js';

export interface InstanceFlags {
  instance?: string;
  step?: string;
  date?: string;
}

export interface ActionFlags extends CommonFlags {
  note?: string;
}

/** The result of an action command: the action, and the run it started (`--now`). */
export interface ActionOutcome extends ActionResult {
  run?: { runId: number | null; ok: number; failed: number; skipped: number; exitCode: number };
}

export function withInstanceOptions(cmd: Command): Command {
  return cmd
    .option('--instance <id>', 'the instance id (pipeline status --json, the UI)')
    .option('--step <name>', 'the step (activity id); with --date, its instance scheduled then')
    .option('--date <date>', 'scheduled start of the instance (ISO 8601 date or date-time)');
}

/** `--instance ID`, or `--step NAME [--date D]` (a usage error when neither names an instance). */
export function instanceSelector(flags: InstanceFlags): InstanceSelector {
  if (flags.instance !== undefined) return { instanceId: positiveInt(flags.instance, '--instance') };
  if (flags.step === undefined) {
    throw new EtlError(
      diag('ETL8102', 'name the instance: --instance ID, or --step NAME [--date DATE]'),
      ExitCode.USAGE,
    );
  }
  const d = dateTime(flags.date, '--date');
  // A bare date matches the instances scheduled that day (the first one): keep it as written.
  const date =
    flags.date && /^\d{4}-\d{2}-\d{2}$/.test(flags.date.trim()) ? flags.date.trim() : d?.toISOString();
  return { step: flags.step, date };
}

/** Run the pipeline's waiting instances now (after a rerun or backfill), from the stored definition. */
export async function runNow(
  store: StateStore,
  stateDir: string,
  result: ActionResult,
): Promise<ActionOutcome> {
  const { runStoredPipeline } = await import('../../local/run-stored.js');
  const s = await runStoredPipeline({ store, stateDir, pipeline: result.pipeline });
  return {
    ...result,
    run: { runId: s.runId ?? null, ok: s.ok, failed: s.failed, skipped: s.skipped, exitCode: s.exitCode },
  };
}
