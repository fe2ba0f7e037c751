/**
 * `etlctl pipeline wait NAME [--timeout D]`: wait for the agents to end the pipeline's current
 * run (every instance of its generation ended); exit 0 when all finished, 1 when one failed or
 * the timeout passed (like `aws datapipeline` waiters).
 */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { durationMs, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { pipelineGroup } from './groups.js';

interface Flags extends CommonFlags {
  timeout?: string;
  stateUrl?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('wait')
      .description(
        'wait until the local instances of a pipeline have ended (agents); exit 0 when all finished',
      )
      .argument('<name>', 'pipeline name'),
  )
    .option('--timeout <duration>', 'give up after this long (exit 1), e.g. 10m; default: wait')
    .option('--state-url <url>', 'a shared state store (postgres://…), as local.state_url')
    .action((name: string, flags: Flags) =>
      runCommand(
        flags,
        async () => {
          if (flags.stateUrl) process.env.ETLCTL_LOCAL__STATE_URL = flags.stateUrl;
          const timeoutMs = durationMs(flags.timeout, '--timeout');
          const { waitLocally } = await import('../../local/wait.js');
          const r = await waitLocally({ name, mode: flags.mode, configPath: flags.config, timeoutMs });
          return outcome(r.result, r.diagnostics, r.exitCode);
        },
        () => import('../views/wait.js').then((m) => m.waitView),
      ),
    );
}
