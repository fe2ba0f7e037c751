/**
 * Graph model → DOT text via ts-graphviz. Output is deterministic (node, edge and cluster
 * order follow the model), so DOT files are golden-tested.
 */
import { Digraph, Edge, Node, Subgraph, toDot } from 'ts-graphviz';
import type { EdgeAttributesObject, NodeAttributesObject, SubgraphAttributesObject } from 'ts-graphviz';
import type { EdgeKind, GraphNode, NodeKind, PipelineGraph } from './model.js';
import { SETTINGS_CLUSTER } from './build.js';
import {
  CLUSTER_FILL,
  CLUSTER_STROKE,
  DETAIL_COLOR,
  EDGE_ORDER,
  EDGE_STYLES,
  FONT,
  KIND_ORDER,
  KIND_STYLES,
  NOTE_COLOR,
  STATUS_FILLS,
} from './style.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The DOT `id` of the n-th node; the SVG keeps it, and the HTML page looks nodes up by it. */
export function svgNodeId(index: number): string {
  return `obj_${index}`;
}

function nodeLabel(n: GraphNode): string {
  const lines = [`<b>${escapeHtml(n.label)}</b>`];
  for (const d of n.details)
    lines.push(`<font point-size="10" color="${DETAIL_COLOR}">${escapeHtml(d)}</font>`);
  for (const note of n.notes)
    lines.push(`<font point-size="10" color="${NOTE_COLOR}">${escapeHtml(note)}</font>`);
  if (n.status) lines.push(`<font point-size="10"><b>${escapeHtml(n.status)}</b></font>`);
  return `<${lines.join('<br/>')}>`;
}

function nodeAttrs(n: GraphNode, index: number): NodeAttributesObject {
  const k = KIND_STYLES[n.kind];
  const style = ['filled', ...(k.style ? [k.style] : [])];
  if (n.status === 'skipped' || n.status === 'cancelled') style.push('dashed');
  return {
    id: svgNodeId(index),
    label: nodeLabel(n),
    shape: k.shape,
    style: style.join(','),
    fillcolor: n.status ? STATUS_FILLS[n.status] : k.fill,
    color: k.stroke,
    penwidth: n.status ? 2 : 1.2,
  } as NodeAttributesObject;
}

function edgeAttrs(kind: EdgeKind, label: string | undefined): EdgeAttributesObject {
  const s = EDGE_STYLES[kind];
  const attrs: Record<string, string | number> = { color: s.color, style: s.style };
  if (label) {
    attrs.label = label;
    attrs.fontcolor = s.color;
    attrs.fontsize = 9;
  }
  return attrs as EdgeAttributesObject;
}

/** Pipeline-level objects per row of the settings band. */
const BAND_ROW = 4;

/** Legend cells per row: a compact grid keeps the header band low. */
const LEGEND_COLUMNS = 4;

/** A small key listing only the node kinds and edge kinds that appear in this picture. */
function legendLabel(kinds: Set<NodeKind>, edgeKinds: Set<EdgeKind>): string {
  const cells: string[] = [];
  for (const kind of KIND_ORDER) {
    if (!kinds.has(kind)) continue;
    const k = KIND_STYLES[kind];
    cells.push(
      `<td bgcolor="${k.fill}" border="1" color="${k.stroke}" width="16" height="10"></td>` +
        `<td align="left"><font point-size="10">${escapeHtml(k.legend)}</font></td>`,
    );
  }
  for (const kind of EDGE_ORDER) {
    if (!edgeKinds.has(kind)) continue;
    const s = EDGE_STYLES[kind];
    const stroke = s.style === 'dashed' ? '- - ▸' : s.style === 'dotted' ? '· · ▸' : '——▸';
    cells.push(
      `<td><font point-size="10" color="${s.color}"><b>${stroke}</b></font></td>` +
        `<td align="left"><font point-size="10">${escapeHtml(s.legend)}</font></td>`,
    );
  }
  const rows: string[] = [];
  for (let i = 0; i < cells.length; i += LEGEND_COLUMNS) {
    rows.push(`<tr>${cells.slice(i, i + LEGEND_COLUMNS).join('<td width="6"></td>')}</tr>`);
  }
  const span = Math.min(cells.length, LEGEND_COLUMNS) * 3;
  return (
    `<table border="0" cellborder="0" cellspacing="1" cellpadding="2">` +
    `<tr><td colspan="${span}" align="left"><font point-size="10"><b>legend</b></font></td></tr>${rows.join('')}</table>`
  );
}

function titleLabel(g: PipelineGraph): string {
  const title = `<font point-size="18">${escapeHtml(g.title)}</font>`;
  if (g.nodes.length === 0) return `<${title}>`;
  const legend = legendLabel(new Set(g.nodes.map((n) => n.kind)), new Set(g.edges.map((e) => e.kind)));
  return (
    `<<table border="0" cellborder="0" cellspacing="0" cellpadding="2">` +
    `<tr><td align="left">${title}</td></tr><tr><td align="left">${legend}</td></tr></table>>`
  );
}

export function graphToDot(g: PipelineGraph): string {
  const digraph = new Digraph('pipeline', {
    rankdir: g.direction,
    // The legend lives in the graph label: it takes no rank, so it never pushes the flow apart.
    label: titleLabel(g),
    labelloc: 't',
    labeljust: 'l',
    fontname: FONT,
    fontsize: 18,
    newrank: true,
    nodesep: 0.3,
    ranksep: 0.45,
    pad: 0.25,
    bgcolor: 'white',
  } as SubgraphAttributesObject);
  digraph.attributes.node.apply({
    fontname: FONT,
    fontsize: 12,
    // Wider than Graphviz's default: fallback fonts (DejaVu Sans Condensed) run ~6% wider in bold.
    margin: '0.2,0.06',
  } as NodeAttributesObject);
  digraph.attributes.edge.apply({ fontname: FONT, arrowsize: 0.7, penwidth: 1.2 } as EdgeAttributesObject);

  const containers = new Map<string, Digraph | Subgraph>();
  for (const c of g.clusters) {
    const settings = c.id === SETTINGS_CLUSTER;
    const sub = new Subgraph(`cluster_${c.id}`, {
      label: c.label,
      labeljust: 'l',
      fontname: FONT,
      fontsize: 12,
      fontcolor: '#2c3e50',
      style: settings ? 'rounded,dashed' : 'rounded,filled',
      fillcolor: CLUSTER_FILL,
      color: CLUSTER_STROKE,
      margin: 10,
    } as SubgraphAttributesObject);
    digraph.addSubgraph(sub);
    containers.set(c.id, sub);
  }

  const nodes = new Map<string, Node>();
  g.nodes.forEach((n, i) => {
    const node = new Node(n.id, nodeAttrs(n, i));
    nodes.set(n.id, node);
    (n.cluster ? (containers.get(n.cluster) ?? digraph) : digraph).addNode(node);
  });

  // Pipeline-level objects in one band (a row in LR, a column in TB), linked by invisible
  // edges; left unlinked they would all stack up in the first rank.
  const settingsBox = containers.get(SETTINGS_CLUSTER);
  const bandOrder: NodeKind[] = ['default', 'schedule', 'resource', 'database', 'alarm'];
  const rank = (k: NodeKind): number => (bandOrder.includes(k) ? bandOrder.indexOf(k) : bandOrder.length);
  const band = g.nodes
    .filter((n) => n.cluster === SETTINGS_CLUSTER)
    .sort((a, b) => rank(a.kind) - rank(b.kind))
    .map((n) => nodes.get(n.id) as Node);
  // Wrapped after a few nodes, so a long band does not stretch a short flow.
  for (let i = 1; i < band.length; i++) {
    const row = i % BAND_ROW !== 0;
    // Same-rank invisible edges between row starts keep the rows in object-kind order.
    const from = row ? band[i - 1] : band[i - BAND_ROW];
    if (!row) {
      const aligned = new Subgraph({ rank: 'same' } as SubgraphAttributesObject);
      aligned.addNode(from);
      aligned.addNode(band[i]);
      (settingsBox ?? digraph).addSubgraph(aligned);
    }
    // In LR, dot turns a flat edge's left-to-right into bottom-to-top, so it points backwards there.
    const ends: [Node, Node] = !row && g.direction === 'LR' ? [band[i], from] : [from, band[i]];
    digraph.addEdge(new Edge(ends, { style: 'invis' } as EdgeAttributesObject));
  }

  for (const e of g.edges) {
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    if (!from || !to) continue;
    digraph.addEdge(new Edge([from, to], edgeAttrs(e.kind, e.label)));
  }

  return toDot(digraph) + '\n';
}
