/** `etlctl pipeline validate`: compile and check offline, every finding at its YAML line. */
import type { Command } from 'commander';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ValidateResult } from '../views/validate.js';
import type { CompileFlags } from './compile-options.js';
import { frontOptions, withScheduleOptions } from './compile-options.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withScheduleOptions(
    withCommonOptions(
      pipelineGroup(program)
        .command('validate')
        .description('compile pipelines and check the definitions offline (no AWS call)')
        .argument('<paths...>', 'pipeline files or folders'),
    ),
  ).action((paths: string[], flags: CompileFlags) =>
    runCommand(
      flags,
      async () => {
        const options = frontOptions(flags);
        const { loadAndCheck } = await import('../../front.js');
        const checked = await loadAndCheck(paths, options);
        const result: ValidateResult = {
          pipelines: checked.pipelines.map((p) => ({
            file: p.file,
            name: p.name,
            ok: p.ok,
            objects: p.ok ? (p.definition?.objects.length ?? 0) : 0,
            errors: p.diagnostics.filter((d) => d.severity === 'error').length,
            warnings: p.diagnostics.filter((d) => d.severity === 'warning').length,
          })),
        };
        return outcome(result, checked.diagnostics, undefined, checked.sources);
      },
      () => import('../views/validate.js').then((m) => m.validateView),
    ),
  );
}
