/** `etlctl completion bash|zsh|fish`: a shell completion script (src/project/completion.ts). */
import type { Command } from 'commander';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import { withJson } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { OutputFlags } from '../runner.js';

interface Tree {
  name: string;
  options: string[];
  children: Tree[];
}

/** The registered commands as a plain tree (hidden `help` subcommands left out). */
function treeOf(cmd: Command): Tree {
  return {
    name: cmd.name(),
    options: cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))),
    children: cmd.commands.filter((c) => c.name() !== 'help').map(treeOf),
  };
}

export function register(program: Command): void {
  withJson(
    program
      .command('completion')
      .description('print a shell completion script: eval "$(etlctl completion bash)"')
      .argument('<shell>', 'bash, zsh or fish'),
  ).action((shell: string, flags: OutputFlags) =>
    runCommand(
      flags,
      async () => {
        const { completionScript, SHELLS } = await import('../../project/completion.js');
        const wanted = SHELLS.find((s) => s === shell.trim().toLowerCase());
        if (!wanted)
          throw new EtlError(
            diag('ETL8300', `no completion for the shell '${shell}'`, {
              hint: `one of: ${SHELLS.join(', ')}`,
            }),
            ExitCode.USAGE,
          );
        // Every command, not only the group on this command line.
        const { buildProgram } = await import('../main.js');
        const script = completionScript(wanted, treeOf(await buildProgram()));
        return outcome({ shell: wanted, script });
      },
      () => import('../views/completion.js').then((m) => m.completionView),
    ),
  );
}
