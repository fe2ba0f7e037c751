/**
 * `etlctl agent`: the local scheduler for every locally activated pipeline (one per state
 * directory). SIGTERM or Ctrl-C stop it cleanly (exit 0: stopping is how an agent ends); running
 * steps get --grace seconds to finish. A second signal ends it at once.
 */
import type { Command } from 'commander';
import type { AgentEvent, AgentResult } from '../../local/agent.js';
import type { CommonFlags } from '../args.js';
import { durationMs, positiveInt, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ProgressPrinter } from '../views/progress.js';

interface Flags extends CommonFlags {
  jsonStream?: boolean;
  poll: string;
  grace: string;
  parallel: string;
  retryDelay?: string;
  workerGroup?: string[];
  id?: string;
  lease?: string;
  stateUrl?: string;
}

function seconds(text: string, flag: string): number {
  if (/^\s*0+\s*$/.test(text)) return 0;
  return positiveInt(text, flag)!;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('agent')
      .description(
        'run the local scheduler: every pipeline activated locally runs its instances as they fall due\n' +
          '(one agent per state directory; SIGTERM/SIGINT stop it cleanly)',
      ),
  )
    .option('--poll <seconds>', 'how often to look for newly activated pipelines', '30')
    .option('--grace <seconds>', 'time running steps get to finish after a stop signal', '30')
    .option('--parallel <n>', 'steps running at once per pipeline', '4')
    .option('--retry-delay <duration>', 'replace every retryDelay (development), e.g. 5s')
    .option('--json-stream', 'print each event as one JSON line while running, then the envelope')
    .option(
      '--worker-group <group>',
      'run only activities of this workerGroup (repeatable; `default`: activities without one); default: all',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--id <name>',
      'the worker id attempts record and steps see as ETLCTL_WORKER_ID (default host:pid)',
    )
    .option('--lease <duration>', "how long a claimed step stays this agent's without a heartbeat", '60s')
    .option('--state-url <url>', 'a shared state store (postgres://…), as local.state_url')
    .action((flags: Flags) =>
      runCommand(
        flags,
        async (ctx) => {
          if (flags.stateUrl) process.env.ETLCTL_LOCAL__STATE_URL = flags.stateUrl;
          const leaseMs = durationMs(flags.lease, '--lease');
          const pollSeconds = positiveInt(flags.poll, '--poll');
          const graceSeconds = seconds(flags.grace, '--grace');
          const parallel = positiveInt(flags.parallel, '--parallel');
          const retryDelayMs = durationMs(flags.retryDelay, '--retry-delay');
          const { runAgent } = await import('../../local/agent.js');
          const { stopOnSignals } = await import('../signals.js');
          const { printAgentEvent } = await import('../views/agent.js');
          const { printStreamLine } = await import('../views/envelope.js');
          const { ProgressPrinter, silentReporter, streamReporter } = await import('../views/progress.js');
          const printers = new Map<string, ProgressPrinter>();
          let announced = false;
          const stopper = stopOnSignals(() => {
            announced = true;
            if (!ctx.json)
              ctx.io.out(
                `Agent stopping: running steps get up to ${graceSeconds}s to finish; a second signal ends it at once.`,
              );
          });
          const onEvent = (e: AgentEvent): void => {
            if (ctx.stream) printStreamLine(ctx.io, e);
            else if (!ctx.json) printAgentEvent(ctx.io, e, printers);
          };
          try {
            const result: AgentResult = await runAgent({
              mode: flags.mode,
              configPath: flags.config,
              pollSeconds,
              graceSeconds,
              parallel,
              retryDelayMs,
              workerGroups: flags.workerGroup,
              workerId: flags.id,
              leaseMs,
              signal: stopper.signal,
              onEvent,
              reporter: (pipeline) => {
                if (ctx.stream) return streamReporter(ctx.io, pipeline);
                if (ctx.json) return silentReporter;
                const p = new ProgressPrinter(ctx.io, { stopAnnounced: () => announced });
                printers.set(pipeline, p);
                return p;
              },
            });
            return outcome(result);
          } finally {
            stopper.dispose();
          }
        },
        () => import('../views/agent.js').then((m) => m.agentView),
      ),
    );
}
