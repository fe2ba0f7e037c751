/**
 * `etlctl worker --worker-group G`: a Task Runner for AWS Data Pipeline on this machine
 * (src/aws/worker/). SIGTERM or Ctrl-C stop it: the running task gets --grace to finish, then is
 * handed back to Data Pipeline (FAILED, errorId ETL7851) for a retry; exit 0, as for `agent`.
 */
import type { Command } from 'commander';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import type { WorkerEvent, WorkerResult } from '../../aws/worker/worker.js';
import type { CommonFlags } from '../args.js';
import { durationMs, positiveInt, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';

interface Flags extends CommonFlags {
  jsonStream?: boolean;
  workerGroup?: string;
  region?: string;
  endpointUrl?: string;
  once?: boolean;
  maxTasks?: string;
  pollInterval: string;
  heartbeatInterval: string;
  progressInterval: string;
  taskTimeout?: string;
  grace: string;
  id?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('worker')
      .description(
        'run AWS Data Pipeline tasks of a worker group on this machine (a Task Runner: PollForTask,\n' +
          'ReportTaskProgress, heartbeats, SetTaskStatus); SIGTERM/SIGINT stop it cleanly',
      ),
  )
    .option('--worker-group <group>', 'the workerGroup whose tasks this machine runs (required)')
    .option('--region <region>', 'AWS region (default: aws.region of the config mode, then AWS_REGION)')
    .option('--endpoint-url <url>', 'Data Pipeline endpoint (a private endpoint or a test stand-in)')
    .option('--once', 'poll once, run the task it brings (if any), then exit')
    .option('--max-tasks <n>', 'exit after running this many tasks')
    .option('--poll-interval <duration>', 'wait between polls that brought no task', '5s')
    .option('--heartbeat-interval <duration>', 'how often to send ReportTaskRunnerHeartbeat', '60s')
    .option('--progress-interval <duration>', 'how often to send ReportTaskProgress while a task runs', '30s')
    .option(
      '--task-timeout <duration>',
      "stop a task after this long (besides the activity's attemptTimeout)",
    )
    .option('--grace <duration>', 'time a running task gets to finish after a stop signal', '30s')
    .option('--id <name>', 'the taskrunnerId (default etlctl-HOST-PID)')
    .option('--json-stream', 'print each event as one JSON line while running, then the envelope')
    .action((flags: Flags) =>
      runCommand(
        flags,
        async (ctx) => {
          if (!flags.workerGroup)
            throw new EtlError(
              diag('ETL7850', 'etlctl worker needs --worker-group', {
                hint: 'name the workerGroup of the activities this machine runs, e.g. --worker-group onprem',
              }),
              ExitCode.USAGE,
            );
          const options = {
            workerGroup: flags.workerGroup,
            region: flags.region,
            endpointUrl: flags.endpointUrl,
            once: Boolean(flags.once),
            maxTasks: positiveInt(flags.maxTasks, '--max-tasks'),
            pollIntervalMs: durationMs(flags.pollInterval, '--poll-interval'),
            heartbeatIntervalMs: durationMs(flags.heartbeatInterval, '--heartbeat-interval'),
            progressIntervalMs: durationMs(flags.progressInterval, '--progress-interval'),
            taskTimeoutMs: durationMs(flags.taskTimeout, '--task-timeout'),
            graceMs: durationMs(flags.grace, '--grace'),
            id: flags.id,
            mode: flags.mode,
            configPath: flags.config,
          };
          const { runWorker } = await import('../../aws/worker/worker.js');
          const { stopOnSignals } = await import('../signals.js');
          const { printWorkerEvent } = await import('../views/worker.js');
          const { printStreamLine } = await import('../views/envelope.js');
          const stopper = stopOnSignals(() => {
            if (!ctx.json)
              ctx.io.out(
                `Worker stopping: the running task gets up to ${flags.grace} to finish, then goes back to Data Pipeline; a second signal ends it at once.`,
              );
          });
          const onEvent = (e: WorkerEvent): void => {
            if (ctx.stream) printStreamLine(ctx.io, e);
            else if (!ctx.json) printWorkerEvent(ctx.io, e);
          };
          try {
            const result: WorkerResult = await runWorker({ ...options, signal: stopper.signal, onEvent });
            return outcome(result);
          } finally {
            stopper.dispose();
          }
        },
        () => import('../views/worker.js').then((m) => m.workerView),
      ),
    );
}
