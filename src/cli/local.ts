/**
 * Local-engine commands: `pipeline history`, `agent`, `definition run` and the `task` group
 * (helpers that compiled ShellCommandActivities run as `etlctl task …`). `pipeline activate` and
 * `pipeline status` are registered in pipeline.ts and dispatch here for local targets.
 * Heavy modules load inside actions (DESIGN.md decision 11).
 */
import type { Command } from 'commander';
import { registerTaskCommands } from '../tasks/index.js';
import { setExit, withCommonOptions } from './common.js';

function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

function positiveInt(v: string): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : NaN;
}

/** The `task` group; src/tasks/index.ts registers its subcommands on it. */
export function taskGroup(program: Command): Command {
  return group(
    program,
    'task',
    'helpers that pipeline steps run on the worker (QA checks, pipeline dependencies); not for direct use',
  );
}

export function registerLocalCommands(program: Command): void {
  const pipeline = group(program, 'pipeline', 'validate, compile, draw, activate and inspect pipelines');
  withCommonOptions(
    pipeline
      .command('history')
      .description('list the local runs of a pipeline (newest first), from .etlctl/state.db')
      .argument('<name>', 'pipeline name'),
  )
    .option('--limit <n>', 'how many runs', positiveInt, 20)
    .action(
      async (name: string, flags: { mode?: string; config?: string; json?: boolean; limit: number }) => {
        const { historyLocally } = await import('../local/status.js');
        setExit(
          await historyLocally({
            name,
            mode: flags.mode,
            configPath: flags.config,
            json: flags.json,
            limit: flags.limit,
          }),
        );
      },
    );

  withCommonOptions(
    program
      .command('agent')
      .description(
        'run the local scheduler: every pipeline activated locally runs its instances as they fall due\n' +
          '(one agent per state directory; SIGTERM/SIGINT stop it cleanly)',
      ),
  )
    .option('--poll <seconds>', 'how often to look for newly activated pipelines', positiveInt, 30)
    .option('--grace <seconds>', 'time running steps get to finish after a stop signal', Number, 30)
    .option('--parallel <n>', 'steps running at once per pipeline', positiveInt, 4)
    .option('--retry-delay <duration>', 'replace every retryDelay (development), e.g. 5s')
    .action(
      async (flags: {
        mode?: string;
        config?: string;
        json?: boolean;
        poll: number;
        grace: number;
        parallel: number;
        retryDelay?: string;
      }) => {
        const { runAgent } = await import('../local/agent.js');
        const { parseDurationMs } = await import('../local/period.js');
        setExit(
          await runAgent({
            mode: flags.mode,
            configPath: flags.config,
            json: flags.json,
            pollSeconds: flags.poll,
            graceSeconds: flags.grace,
            parallel: flags.parallel,
            retryDelayMs: flags.retryDelay ? parseDurationMs(flags.retryDelay) : undefined,
          }),
        );
      },
    );

  const definition = group(program, 'definition', 'check, convert and draw Data Pipeline definition files');
  withCommonOptions(
    definition
      .command('run')
      .description('run a Data Pipeline definition JSON file on the local engine (like pipeline activate)')
      .argument('<files...>', 'definition JSON files'),
  )
    .option('--until <iso>', 'run instances due up to this time instead of now')
    .option('--retry-delay <duration>', 'replace every retryDelay (development), e.g. 0, 500ms, 5s')
    .option('--parallel <n>', 'steps running at once (default 4)', positiveInt)
    .option('-y, --yes', 'do not ask before a large backfill')
    .action(
      async (
        files: string[],
        flags: {
          mode?: string;
          config?: string;
          json?: boolean;
          until?: string;
          retryDelay?: string;
          parallel?: number;
          yes?: boolean;
        },
      ) => {
        const { activateLocally } = await import('../local/activate.js');
        setExit(
          await activateLocally({
            files,
            mode: flags.mode,
            configPath: flags.config,
            json: flags.json,
            until: flags.until,
            retryDelay: flags.retryDelay,
            parallel: flags.parallel,
            yes: flags.yes,
          }),
        );
      },
    );

  registerTaskCommands(taskGroup(program));
}
