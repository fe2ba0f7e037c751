/** `etlctl pipeline visualize`: draw a pipeline (SVG, PNG, DOT or HTML) through the front end. */
import type { Command } from 'commander';
import { diag, hasErrors } from '../../diagnostics/index.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { CompileFlags } from './compile-options.js';
import { frontOptions } from './compile-options.js';
import type { DrawFlags } from './draw.js';
import { draw, drawingOptions, outputFormat } from './draw.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  drawingOptions(
    withCommonOptions(
      pipelineGroup(program)
        .command('visualize')
        .description('draw a pipeline: steps as boxes, data nodes, resources, schedule and alarms')
        .argument('<pipeline.yaml>', 'pipeline file'),
    ),
  )
    .option('--start <iso>', 'schedule start (default: the latest load time)')
    .action((file: string, flags: DrawFlags & CompileFlags) =>
      runCommand(
        flags,
        async () => {
          const format = await outputFormat(flags.out);
          const { loadAndCheck } = await import('../../front.js');
          const checked = await loadAndCheck([file], frontOptions(flags));
          const def = checked.pipelines[0]?.definition;
          if (!def) {
            const found = [...checked.diagnostics];
            if (!hasErrors(found)) found.push(diag('ETL5007', 'the pipeline produced no definition to draw'));
            return outcome(null, found, undefined, checked.sources);
          }
          // A definition with findings is still drawn: the picture helps to find them.
          const drawn = await draw(def, flags, format);
          return outcome(
            drawn.result,
            [...checked.diagnostics, ...drawn.diagnostics],
            undefined,
            checked.sources,
          );
        },
        () => import('../views/visualize.js').then((m) => m.visualizeView),
      ),
    );
}
