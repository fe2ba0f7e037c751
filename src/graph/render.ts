/**
 * DOT → SVG with Graphviz compiled to WASM (no system `dot` needed), SVG → PNG with resvg.
 * Both are heavy, so they are imported on first use only.
 */
import type { Definition } from '../definition/model.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';
import { buildGraph } from './build.js';
import { graphToDot } from './dot.js';
import { pngFonts } from './fonts.js';
import { htmlPage } from './html.js';
import type { Direction, NodeStatus, PipelineGraph } from './model.js';

export type GraphFormat = 'svg' | 'png' | 'dot' | 'html';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['svg', 'png', 'dot', 'html'];

export interface RenderOptions {
  format: GraphFormat;
  direction?: Direction;
  activitiesOnly?: boolean;
  status?: ReadonlyMap<string, NodeStatus>;
}

/** The largest PNG side in pixels; bigger pictures are scaled down rather than failing. */
const MAX_PNG_SIDE = 16000;
/** PNG pixels per SVG point: 2 keeps 10pt detail text crisp. */
const PNG_SCALE = 2;

/** Output format from a file name's extension, or undefined for an unknown extension. */
export function formatFromPath(path: string): GraphFormat | undefined {
  const m = /\.([A-Za-z]+)$/.exec(path);
  const ext = m?.[1].toLowerCase();
  return GRAPH_FORMATS.find((f) => f === ext);
}

/**
 * For one-shot commands: compile WebAssembly with V8's baseline compiler only. The optimising
 * tier-up of the 2 MB Graphviz module costs more CPU than a whole layout saves (measured: CPU of
 * load + 100-step layout roughly halves). Process-wide for wasm, so only the CLI calls this, never
 * a process that also runs PGlite queries.
 */
export async function preferFastWasmStartup(): Promise<void> {
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--liftoff-only');
}

type Graphviz = import('@hpcc-js/wasm-graphviz').Graphviz;
let graphviz: Promise<Graphviz> | undefined;

/** One WASM instance per process: loading costs ~0.3 s, layouts reuse it. */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= import('@hpcc-js/wasm-graphviz').then((m) => m.Graphviz.load());
  return graphviz;
}

export async function dotToSvg(dot: string): Promise<string> {
  const gv = await loadGraphviz();
  try {
    return gv.layout(dot, 'svg', 'dot');
  } catch (e) {
    throw new EtlError(
      diag('ETL5010', `Graphviz could not lay out the graph: ${e instanceof Error ? e.message : String(e)}`, {
        hint: 'this is a bug in etlctl; run with -o out.dot and attach the DOT file to a bug report',
      }),
      ExitCode.FAILURE,
    );
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const probe = new Resvg(svg, { font: { loadSystemFonts: false } });
  const side = Math.max(probe.width, probe.height, 1);
  const zoom = Math.min(PNG_SCALE, MAX_PNG_SIDE / side);
  const fonts = pngFonts();
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: zoom },
    font: {
      loadSystemFonts: fonts.loadSystemFonts,
      fontFiles: fonts.fontFiles,
      ...(fonts.family ? { defaultFontFamily: fonts.family, sansSerifFamily: fonts.family } : {}),
    },
  });
  return resvg.render().asPng();
}

/** The graph model of a definition, for callers that colour or inspect it before drawing. */
export function definitionGraph(def: Definition, opts: Omit<RenderOptions, 'format'> = {}): PipelineGraph {
  return buildGraph(def, opts);
}

export async function renderGraph(graph: PipelineGraph, format: GraphFormat): Promise<string | Buffer> {
  const dot = graphToDot(graph);
  if (format === 'dot') return dot;
  const svg = await dotToSvg(dot);
  if (format === 'svg') return svg;
  if (format === 'png') return svgToPng(svg);
  return htmlPage(graph, svg);
}

/** Definition → DOT / SVG / HTML text, or PNG bytes. */
export async function renderDefinition(def: Definition, opts: RenderOptions): Promise<Buffer | string> {
  return renderGraph(buildGraph(def, opts), opts.format);
}
