/** `etlctl definition visualize`: draw any definition JSON file, hand-written ones included. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { withJson } from '../args.js';
import { outcome } from '../outcome.js';
import type { OutputFlags } from '../runner.js';
import { runCommand } from '../runner.js';
import type { DrawFlags } from './draw.js';
import { draw, drawingOptions, outputFormat } from './draw.js';
import { definitionGroup } from './groups.js';

export function register(program: Command): void {
  drawingOptions(
    withJson(
      definitionGroup(program)
        .command('visualize')
        .description('draw a Data Pipeline definition JSON file (definition-file or API format)')
        .argument('<definition.json>', 'definition file'),
    ),
  ).action((file: string, flags: DrawFlags & OutputFlags) =>
    runCommand(
      flags,
      async () => {
        const format = await outputFormat(flags.out);
        // Drawing is lenient on purpose (a hand-written file may not pass every AWS rule):
        // the graph loader reads what a picture needs; `definition validate` checks the rest.
        const { readDefinitionForGraph } = await import('../../graph/load.js');
        const { definition: def } = await readDefinitionForGraph(file);
        def.meta = {
          pipelineName: basename(file).replace(/\.json$/i, ''),
          sourceFile: file,
          assets: [],
          secrets: {},
          steps: [],
        };
        const drawn = await draw(def, flags, format);
        return outcome(drawn.result, drawn.diagnostics);
      },
      () => import('../views/visualize.js').then((m) => m.visualizeView),
    ),
  );
}
