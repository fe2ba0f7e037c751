/**
 * `etlctl pipeline run-step FILE STEP [--date D]`: run one step's instance alone on the local
 * engine (upstream steps neither run nor waited for), leaving the state store as it was unless
 * `--record` (issue 18, like `airflow tasks test`).
 */
import type { Command } from 'commander';
import { dateTime, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import type { View } from '../runner.js';
import { runCommand } from '../runner.js';
import type { CompileFlags } from './compile-options.js';
import { frontOptions } from './compile-options.js';
import { pipelineGroup } from './groups.js';
import type { RunStepResult } from '../../local/run-step.js';
import { ExitCode } from '../../diagnostics/index.js';
import { printDiagnostics } from '../views/diagnostics.js';

interface Flags extends CompileFlags {
  date?: string;
  record?: boolean;
}

const view: View<RunStepResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics);
    const r = o.result!;
    for (const i of r.instances) {
      const log = i.attempts.at(-1)?.logPath;
      io.out(
        `${i.objectId} ${i.scheduledStart}: ${i.status}${i.error ? ` — ${i.error}` : ''}${log ? ` (log: ${log})` : ''}`,
      );
    }
    io.out(
      r.recorded
        ? 'recorded in the state store'
        : `not recorded (scratch state in ${r.stateDir}; --record to keep it)`,
    );
  },
};

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('run-step')
      .description(
        'run one step of a pipeline alone on the local engine, without recording it (unless --record)',
      )
      .argument('<file>', 'pipeline file (or compiled definition JSON)')
      .argument('<step>', 'the step (YAML step name or activity id)'),
  )
    .option(
      '--date <iso>',
      "the instance's scheduled time: the latest period starting at or before it (default now)",
    )
    .option('--record', "record the run in the pipeline's state store (a rerun of that instance)")
    .action((file: string, step: string, flags: Flags) =>
      runCommand(
        flags,
        async (ctx) => {
          const date = dateTime(flags.date, '--date');
          const options = frontOptions(flags);
          const { loadAndCheck } = await import('../../front.js');
          const checked = await loadAndCheck([file], { ...options, definitions: 'run' });
          if (!checked.runnable)
            return outcome<RunStepResult>(null, checked.diagnostics, ExitCode.FAILURE, checked.sources);
          const p = checked.pipelines[0];
          const { stateDirOf } = await import('../../local/activate.js');
          const { runStep } = await import('../../local/run-step.js');
          const { ProgressPrinter, silentReporter } = await import('../views/progress.js');
          const r = await runStep({
            definition: p.definition!,
            pipeline: p.name,
            file: p.file,
            step,
            date,
            config: checked.config!,
            stateDir: stateDirOf(checked.config!),
            record: flags.record,
            mode: flags.mode,
            cwd: process.cwd(),
            reporter: ctx.json ? silentReporter : new ProgressPrinter(ctx.io, {}),
          });
          return outcome(r, checked.diagnostics, r.exitCode, checked.sources);
        },
        view,
      ),
    );
}
