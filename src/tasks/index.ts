/**
 * `etlctl task …` subcommands: what compiled ShellCommandActivities run on the worker (DESIGN.md
 * decision 5). Wiring only; the task modules load inside the actions (decision 11).
 */
import type { Command } from 'commander';
import { EtlError, ExitCode, formatDiagnostics } from '../diagnostics.js';

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function setExit(code: number): void {
  if (process.exitCode === undefined || Number(process.exitCode) < code) process.exitCode = code;
}

/** Errors of a task print with the one printer; the exit code follows DESIGN.md decision 3. */
async function guarded(fn: () => Promise<number>): Promise<void> {
  try {
    setExit(await fn());
  } catch (e) {
    if (!(e instanceof EtlError)) throw e;
    process.stderr.write(formatDiagnostics(e.diagnostics) + '\n');
    setExit(e.exitCode);
  }
}

export function registerTaskCommands(task: Command): void {
  task
    .command('qa-check')
    .description(
      'run the data checks of a qa-check step; one PASS/WARN/FAIL/ERROR line per check, exit 1 when an error-severity check fails',
    )
    .requiredOption('--checks <json>', 'the compiled checks (JSON list)')
    .option('--database <name>', 'connection the checked table lives on', 'warehouse')
    .option('--pipeline <name>', 'pipeline name, for reports and alerts', 'pipeline')
    .option('--step <name>', 'step name, for reports and alerts', 'qa-check')
    .option('--warning-topic <arn>', 'SNS topic for failed warn checks (published when the target is aws)')
    .option('-m, --mode <name>', 'config mode (default: $ETLCTL_MODE)')
    .option('-c, --config <path>', 'config file (default: $ETLCTL_CONFIG or config/etlctl.yaml)')
    .option('--json', 'print the results as JSON')
    .action(
      async (f: {
        checks: string;
        database: string;
        pipeline: string;
        step: string;
        warningTopic?: string;
        mode?: string;
        config?: string;
        json?: boolean;
      }) => {
        await guarded(async () => {
          const { runQaCheckTask } = await import('./qa-check.js');
          const r = await runQaCheckTask({
            checks: f.checks,
            database: f.database,
            pipeline: f.pipeline,
            step: f.step,
            warningTopic: f.warningTopic,
            mode: f.mode,
            configPath: f.config,
            json: f.json,
          });
          return r.exitCode;
        });
      },
    );

  task
    .command('wait-for-pipelines')
    .description(
      'wait until the runs of other pipelines scheduled on a day have finished (pipeline-dependencies step)',
    )
    .option('--dependency <name>', 'pipeline that must finish (repeatable)', collect, [] as string[])
    .option(
      '--ok-to-fail <name>',
      'pipeline waited for whose failure only warns (repeatable)',
      collect,
      [] as string[],
    )
    .option('--start-date <date>', 'day whose runs count (YYYY-MM-dd)', new Date().toISOString().slice(0, 10))
    .option('--refresh-rate <seconds>', 'seconds between polls', '300')
    .option('--timeout <duration>', 'give up after this long, e.g. 6h, 90m, "2 hours"')
    .option('--pipeline <name>', 'the waiting pipeline, for messages')
    .option('--warning-topic <arn>', 'SNS topic for ok-to-fail failures (published on aws)')
    .option('--aws', 'ask AWS Data Pipeline instead of the local state (default when the target is aws)')
    .option('-m, --mode <name>', 'config mode (default: $ETLCTL_MODE)')
    .option('-c, --config <path>', 'config file (default: $ETLCTL_CONFIG or config/etlctl.yaml)')
    .action(
      async (f: {
        dependency: string[];
        okToFail: string[];
        startDate: string;
        refreshRate: string;
        timeout?: string;
        pipeline?: string;
        warningTopic?: string;
        aws?: boolean;
        mode?: string;
        config?: string;
      }) => {
        await guarded(async () => {
          const { diag } = await import('../diagnostics.js');
          const refresh = Number(f.refreshRate);
          if (!Number.isFinite(refresh) || refresh <= 0)
            throw new EtlError(
              diag('ETL8111', `--refresh-rate must be a positive number of seconds, got '${f.refreshRate}'`),
              ExitCode.USAGE,
            );
          let timeoutMs: number | undefined;
          if (f.timeout !== undefined) {
            const { parseDurationMs } = await import('../local/period.js');
            timeoutMs = parseDurationMs(f.timeout);
            if (timeoutMs === undefined)
              throw new EtlError(
                diag('ETL8001', `--timeout '${f.timeout}' is not a duration`, {
                  hint: 'e.g. 6h, 90m, 30s, "2 hours"',
                }),
                ExitCode.USAGE,
              );
          }
          if (f.dependency.length + f.okToFail.length === 0)
            throw new EtlError(
              diag('ETL8112', 'nothing to wait for: give --dependency NAME (or --ok-to-fail NAME)'),
              ExitCode.USAGE,
            );
          const { waitForPipelines } = await import('./wait-for-pipelines.js');
          const r = await waitForPipelines({
            pipeline: f.pipeline,
            dependencies: f.dependency,
            okToFail: f.okToFail,
            refreshRateSeconds: refresh,
            startDate: f.startDate,
            timeoutMs,
            warningTopic: f.warningTopic,
            aws: f.aws ? true : undefined,
            mode: f.mode,
            configPath: f.config,
          });
          return r.exitCode;
        });
      },
    );
}
