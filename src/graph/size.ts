/**
 * The largest picture etlctl draws (issue 12): past it, building the DOT text ran out of AST nodes
 * (ETL9000 "AST node count exceeds maximum") and Graphviz takes minutes. A graph over the limit is
 * an ETL5100 that says what would fit instead.
 */
import type { Diagnostic } from '../diagnostics/index.js';
import { diag } from '../diagnostics/index.js';
import { LIMITS } from '../spec/limits.js';
import type { PipelineGraph } from './model.js';

const fits = (g: PipelineGraph): boolean =>
  g.nodes.length <= LIMITS.graphNodes && g.edges.length <= LIMITS.graphEdges;

/**
 * Undefined when `graph` can be drawn. `activitiesOnly` builds the smaller picture, to say
 * whether --activities-only would fit (absent when that is already what was asked for).
 */
export function graphTooLarge(
  graph: PipelineGraph,
  file: string | undefined,
  activitiesOnly?: () => PipelineGraph,
): Diagnostic | undefined {
  if (fits(graph)) return undefined;
  const smaller = activitiesOnly?.();
  const size = `${graph.nodes.length.toLocaleString('en-US')} boxes and ${graph.edges.length.toLocaleString('en-US')} arrows`;
  const limit = `${LIMITS.graphNodes.toLocaleString('en-US')} boxes and ${LIMITS.graphEdges.toLocaleString('en-US')} arrows`;
  const hint =
    smaller && fits(smaller)
      ? `draw only the activities with --activities-only (${smaller.nodes.length.toLocaleString('en-US')} boxes), or split the pipeline`
      : 'split the pipeline into smaller ones; even its activities alone are too many to draw';
  return diag('ETL5100', `the picture would have ${size}, more than the ${limit} etlctl draws`, {
    ...(file ? { file, line: 1, column: 1 } : {}),
    hint,
  });
}
