/**
 * `etlctl pipeline visualize` and `etlctl definition visualize`: draw a pipeline as SVG, PNG,
 * DOT or a self-contained HTML page. Graphviz (WASM) and resvg load inside the actions only.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Definition } from '../definition/model.js';
import type { Diagnostic, SourceTexts } from '../diagnostics.js';
import { EtlError, ExitCode, diag, hasErrors, sortDiagnostics } from '../diagnostics.js';
import type { Direction } from '../graph/model.js';
import type { GraphFormat } from '../graph/render.js';
import type { CommonOptions } from './common.js';
import { out, reportDiagnostics, setExit, withCommonOptions } from './common.js';

interface VisualizeFlags extends CommonOptions {
  out: string;
  activitiesOnly?: boolean;
  direction: Direction;
  start?: string;
}

const FORMATS_HELP = 'output file; the format follows the extension: .svg, .png, .dot or .html';

function parseDirection(value: string): Direction {
  const v = value.toUpperCase();
  if (v === 'LR' || v === 'TB') return v;
  throw new InvalidArgumentError('expected LR (left to right) or TB (top to bottom).');
}

/** The command group, created when its owner has not registered it (yet). */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

function drawingOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-o, --out <file>', FORMATS_HELP)
    .option('--activities-only', 'draw only activities and the order they run in')
    .option(
      '--direction <LR|TB>',
      'flow left to right (LR) or top to bottom (TB)',
      parseDirection,
      'LR' as Direction,
    );
}

/** Checked before any compile work, so a typo in -o fails fast. */
async function outputFormat(path: string): Promise<GraphFormat> {
  const { formatFromPath } = await import('../graph/render.js');
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

/**
 * Draw and write the picture. Diagnostics found on the way (compile findings, a cycle) are
 * printed once: as text with source excerpts, or inside the one JSON result with --json.
 */
async function draw(
  def: Definition | undefined,
  flags: VisualizeFlags,
  format: GraphFormat,
  found: Diagnostic[],
  sources?: SourceTexts,
): Promise<void> {
  const diagnostics = [...found];
  let written: { target: string; nodes: number; edges: number } | undefined;
  if (def) {
    const { definitionGraph, preferFastWasmStartup, renderGraph } = await import('../graph/render.js');
    await preferFastWasmStartup();
    const graph = definitionGraph(def, { direction: flags.direction, activitiesOnly: flags.activitiesOnly });
    if (graph.hasCycle) {
      diagnostics.push(
        diag('ETL5011', 'the dependencies form a cycle; drawn without removing redundant edges', {
          severity: 'warning',
          hint: 'run `etlctl pipeline validate` to find the cycle',
        }),
      );
    }
    const rendered = await renderGraph(graph, format);
    const { mkdir, writeFile } = await import('node:fs/promises');
    const { dirname, resolve } = await import('node:path');
    const target = resolve(flags.out);
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, rendered);
    } catch (e) {
      throw new EtlError(
        diag('ETL8116', `cannot write ${flags.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
          hint: 'check that the folder is writable',
        }),
        ExitCode.ENVIRONMENT,
      );
    }
    written = { target, nodes: graph.nodes.length, edges: graph.edges.length };
  } else if (!hasErrors(diagnostics)) {
    diagnostics.push(diag('ETL5007', 'the pipeline produced no definition to draw'));
  }
  const failed = hasErrors(diagnostics);
  if (flags.json) {
    out(
      JSON.stringify(
        {
          ok: !failed,
          ...(written ? { output: written.target, format, nodes: written.nodes, edges: written.edges } : {}),
          diagnostics: sortDiagnostics(diagnostics),
        },
        null,
        2,
      ),
    );
    if (failed) setExit(ExitCode.FAILURE);
    return;
  }
  reportDiagnostics(diagnostics, { sources, quietSummary: true });
  if (written) out(`wrote ${flags.out} (${written.nodes} nodes, ${written.edges} edges)`);
}

export function registerVisualizeCommands(program: Command): void {
  const pipeline = group(program, 'pipeline', 'validate, compile, draw, activate and inspect pipelines');
  drawingOptions(
    withCommonOptions(
      pipeline
        .command('visualize')
        .description('draw a pipeline: steps as boxes, data nodes, resources, schedule and alarms')
        .argument('<pipeline.yaml>', 'pipeline file'),
    ),
  )
    .option('--start <iso>', 'schedule start (default: the latest load time)')
    .action(async (file: string, flags: VisualizeFlags) => {
      const format = await outputFormat(flags.out);
      const { compilePipelineFile } = await import('../compile/index.js');
      const result = await compilePipelineFile(file, {
        mode: flags.mode,
        configPath: flags.config,
        start: flags.start,
      });
      // A definition that compiled with findings is still drawn: the picture helps to find them.
      await draw(result.definition, flags, format, result.diagnostics, result.sources);
    });

  const definition = group(program, 'definition', 'check, convert and draw Data Pipeline definition files');
  drawingOptions(
    definition
      .command('visualize')
      .description('draw a Data Pipeline definition JSON file (definition-file or API format)')
      .argument('<definition.json>', 'definition file')
      .option('--json', 'print the result as JSON'),
  ).action(async (file: string, flags: VisualizeFlags) => {
    const format = await outputFormat(flags.out);
    const { readDefinitionForGraph } = await import('../graph/load.js');
    const { definition: def } = await readDefinitionForGraph(file);
    const { basename } = await import('node:path');
    def.meta = {
      pipelineName: basename(file).replace(/\.json$/i, ''),
      sourceFile: file,
      assets: [],
      secrets: {},
      steps: [],
    };
    await draw(def, flags, format, []);
  });
}
