/** `etlctl definition run`: run Data Pipeline definition JSON files on the local engine. */
import type { Command } from 'commander';
import type { Diagnostic } from '../../diagnostics/index.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { printDiagnostics } from '../views/diagnostics.js';
import type { LocalActivateResult } from '../views/local-run.js';
import { definitionGroup } from './groups.js';
import type { LocalFlags } from './local-options.js';
import { localArgs, withLocalRunOptions } from './local-options.js';
import type { ParameterFlags } from './parameter-options.js';
import { parameterArgs, withParameterOptions } from './parameter-options.js';

type Flags = LocalFlags & ParameterFlags & { register?: boolean };

export function register(program: Command): void {
  withParameterOptions(
    withLocalRunOptions(
      withCommonOptions(
        definitionGroup(program)
          .command('run')
          .description('run Data Pipeline definition JSON files on the local engine (like pipeline activate)')
          .argument('<files...>', 'definition JSON files (pipeline YAML files are compiled first)'),
      ),
    ),
  )
    .option('--register', 'register a scheduled definition with `etlctl agent` without asking')
    .option(
      '--no-register',
      'do not register it (the default when there is no terminal to ask on, unless --yes)',
    )
    .action((files: string[], flags: Flags) =>
      runCommand(
        flags,
        async (ctx) => {
          const args = localArgs(flags);
          const parameters = parameterArgs(flags);
          const { loadAndCheck } = await import('../../front.js');
          const checked = await loadAndCheck(files, {
            mode: flags.mode,
            configPath: flags.config,
            definitions: 'run',
            parameters,
            requireValues: true,
          });
          if (!checked.runnable)
            return outcome<LocalActivateResult>(
              { target: 'local', mode: 'run', stopped: false, runs: [] },
              checked.diagnostics,
              undefined,
              checked.sources,
            );
          const shown = new Set<Diagnostic>();
          if (!ctx.json) {
            printDiagnostics(ctx.io, checked.diagnostics, checked.sources);
            for (const d of checked.diagnostics) shown.add(d);
            if (!checked.ok)
              ctx.io.err(
                'note: AWS would refuse the errors above; the local engine runs the pipeline anyway',
              );
          }
          const { runChecked } = await import('./local-run.js');
          return runChecked(checked, args, flags, ctx, shown, { register: flags.register });
        },
        () => import('../views/local-run.js').then((m) => m.localActivateView),
      ),
    );
}
