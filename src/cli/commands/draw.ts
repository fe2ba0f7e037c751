/** What `pipeline visualize` and `definition visualize` share: the drawing flags and the drawing. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Definition } from '../../definition/model.js';
import type { Diagnostic } from '../../diagnostics/index.js';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import type { Direction } from '../../graph/model.js';
import type { GraphFormat } from '../../graph/render.js';
import type { DrawResult } from '../views/visualize.js';

export interface DrawFlags {
  out: string;
  activitiesOnly?: boolean;
  direction: Direction;
}

function parseDirection(value: string): Direction {
  const v = value.toUpperCase();
  if (v === 'LR' || v === 'TB') return v;
  throw new InvalidArgumentError('expected LR (left to right) or TB (top to bottom).');
}

export function drawingOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      '-o, --out <file>',
      'output file; the format follows the extension: .svg, .png, .dot or .html',
    )
    .option('--activities-only', 'draw only activities and the order they run in')
    .option(
      '--direction <LR|TB>',
      'flow left to right (LR) or top to bottom (TB)',
      parseDirection,
      'LR' as Direction,
    );
}

/** Checked before any compile work, so a typo in -o fails fast. */
export async function outputFormat(path: string): Promise<GraphFormat> {
  const { formatFromPath } = await import('../../graph/render.js');
  const format = formatFromPath(path);
  if (!format) {
    throw new EtlError(
      diag('ETL8115', `cannot tell the picture format from the file name '${path}'`, {
        hint: 'end the -o file name with .svg, .png, .dot or .html',
      }),
      ExitCode.USAGE,
    );
  }
  return format;
}

/** Draw and write the picture; a cycle is drawn too, with a warning. */
export async function draw(
  def: Definition,
  flags: DrawFlags,
  format: GraphFormat,
): Promise<{ result: DrawResult; diagnostics: Diagnostic[] }> {
  const { definitionGraph, preferFastWasmStartup, renderGraph } = await import('../../graph/render.js');
  await preferFastWasmStartup();
  const graph = definitionGraph(def, { direction: flags.direction, activitiesOnly: flags.activitiesOnly });
  const { graphTooLarge } = await import('../../graph/size.js');
  const tooLarge = graphTooLarge(
    graph,
    def.meta?.sourceFile,
    flags.activitiesOnly
      ? undefined
      : () => definitionGraph(def, { direction: flags.direction, activitiesOnly: true }),
  );
  if (tooLarge) throw new EtlError(tooLarge);
  const diagnostics: Diagnostic[] = [];
  if (graph.hasCycle) {
    diagnostics.push(
      diag('ETL5011', 'the dependencies form a cycle; drawn without removing redundant edges', {
        severity: 'warning',
        hint: 'run `etlctl pipeline validate` to find the cycle',
      }),
    );
  }
  const rendered = await renderGraph(graph, format);
  const target = resolve(flags.out);
  const { writeOutput } = await import('../output.js');
  await writeOutput(target, rendered, flags.out);
  return {
    result: {
      output: target,
      shown: flags.out,
      format,
      nodes: graph.nodes.length,
      edges: graph.edges.length,
    },
    diagnostics,
  };
}
