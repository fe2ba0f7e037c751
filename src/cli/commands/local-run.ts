/**
 * What `pipeline activate` (local targets) and `definition run` share: a run of checked
 * definitions on the local engine with live progress, Ctrl-C handling and the result. Loaded when
 * such a command runs (the flags are in local-options.ts).
 */
import type { Diagnostic } from '../../diagnostics/index.js';
import { ExitCode, hasErrors } from '../../diagnostics/index.js';
import type { Checked } from '../../front.js';
import type { AttemptView } from '../../local/activate.js';
import type { RunSummary } from '../../local/engine.js';
import type { LocalArgs, LocalFlags } from './local-options.js';
import type { Outcome } from '../outcome.js';
import { outcome } from '../outcome.js';
import { asker } from '../prompt.js';
import type { CommandContext } from '../runner.js';
import { signalExit, stopOnSignals, stoppedDiagnostic } from '../signals.js';
import { printDiagnostics } from '../views/diagnostics.js';
import { printStreamLine } from '../views/envelope.js';
import type { LocalActivateResult, LocalRun } from '../views/local-run.js';
import { localRun } from '../views/local-run.js';
import { ProgressPrinter, silentReporter, streamReporter } from '../views/progress.js';
import { progressMode } from '../views/progress-line.js';

const STOPPING = {
  SIGINT:
    'Stopping (Ctrl-C): running steps are stopped and left to resume; run the same command again to go on. Ctrl-C again ends at once.',
  SIGTERM:
    'Stopping (SIGTERM): running steps are stopped and left to resume; run the same command again to go on.',
} as const;

/** Run checked definitions locally; `checked` passed the front end with no error. */
export async function runChecked(
  checked: Checked,
  args: LocalArgs,
  flags: LocalFlags,
  ctx: CommandContext,
  shown: Set<Diagnostic>,
  definitionRun?: { register?: boolean },
): Promise<Outcome<LocalActivateResult>> {
  const config = checked.config!;
  const { runLocally, stateDirOf, unfinished } = await import('../../local/activate.js');
  const stateDir = stateDirOf(config);
  const printers = new Map<string, ProgressPrinter>();
  let announced = false;
  const reporter = (pipeline: string) => {
    if (ctx.stream) return streamReporter(ctx.io, pipeline);
    if (ctx.json) return silentReporter;
    const p = new ProgressPrinter(ctx.io, {
      stopAnnounced: () => announced,
      mode: progressMode(flags.progress, ctx.io.tty),
      intervalMs: args.progressIntervalMs,
    });
    printers.set(pipeline, p);
    return p;
  };
  const runs: LocalRun[] = [];
  const onRunEnd = (s: RunSummary, attempts: Map<number, AttemptView[]>): void => {
    const run = localRun(s, attempts, unfinished(s));
    runs.push(run);
    if (ctx.stream) printStreamLine(ctx.io, { kind: 'summary', ...run });
    else printers.get(s.pipeline)?.summary(s, run.interrupted);
  };
  const onRunError = (_pipeline: string, found: Diagnostic[]): void => {
    if (ctx.json) return;
    printDiagnostics(ctx.io, found, checked.sources);
    for (const d of found) shown.add(d);
  };
  const ask = asker(ctx.io, ctx.json);
  // `definition run` asks before handing a scheduled definition to the agent: --register /
  // --no-register / --yes answer; with no terminal to ask on it is not registered.
  const confirmRegister = definitionRun
    ? async (name: string) =>
        definitionRun.register ??
        (flags.yes
          ? true
          : ask
            ? ask(`${name} is scheduled: register it so \`etlctl agent\` runs later periods?`)
            : false)
    : undefined;
  const stopper = stopOnSignals((s) => {
    announced = true;
    if (!ctx.json) ctx.io.err(`\n${STOPPING[s]}`);
  });
  try {
    const result = await runLocally({
      pipelines: checked.pipelines.map((p) => ({ name: p.name, file: p.file, definition: p.definition! })),
      config,
      stateDir,
      until: args.until,
      retryDelayMs: args.retryDelayMs,
      parallel: args.parallel,
      selection: args.selection,
      mode: flags.mode,
      cwd: process.cwd(),
      kind: definitionRun ? 'definition-run' : 'activate',
      confirmRegister,
      confirmBackfill: async (name, periods, limit) =>
        flags.yes
          ? true
          : ask
            ? ask(`${name}: backfill ${periods} scheduled periods (more than ${limit})?`)
            : false,
      reporter,
      signal: stopper.signal,
      onRunEnd,
      onRunError,
    });
    const diagnostics = [...checked.diagnostics, ...result.diagnostics];
    let exitCode = result.exitCode;
    if (stopper.stoppedBy) {
      // Said once, when the signal came; the envelope keeps it.
      const stopped = stoppedDiagnostic(stopper.stoppedBy);
      diagnostics.push(stopped);
      shown.add(stopped);
      exitCode = signalExit(stopper.stoppedBy);
    } else if (hasErrors(result.diagnostics)) exitCode = Math.max(exitCode, ExitCode.FAILURE);
    return {
      ...outcome<LocalActivateResult>(
        { target: 'local', mode: 'run', stopped: Boolean(stopper.stoppedBy), runs },
        diagnostics,
        exitCode,
        checked.sources,
      ),
      shown,
    };
  } finally {
    stopper.dispose();
  }
}
