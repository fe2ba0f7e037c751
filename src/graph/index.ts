/** Public surface of the graph area: Definition → graph model → DOT / SVG / PNG / HTML. */
export type {
  BuildOptions,
  Direction,
  GraphCluster,
  GraphEdge,
  GraphNode,
  NodeKind,
  NodeStatus,
  PipelineGraph,
} from './model.js';
export { buildGraph } from './build.js';
export { graphToDot } from './dot.js';
export { htmlPage } from './html.js';
export {
  GRAPH_FORMATS,
  definitionGraph,
  dotToSvg,
  formatFromPath,
  preferFastWasmStartup,
  renderDefinition,
  renderGraph,
  svgToPng,
} from './render.js';
export type { GraphFormat, RenderOptions } from './render.js';
export { makeChainDefinition } from './sample.js';
