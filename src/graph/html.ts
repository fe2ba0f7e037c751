/**
 * A single self-contained HTML page: the SVG inline, pan/zoom, and a details panel showing a
 * clicked node's fields (already redacted in the graph model). No CDN, no external files.
 */
import { escapeHtml, svgNodeId } from './dot.js';
import type { PipelineGraph } from './model.js';

/** JSON safe inside a <script> element: `<` can never start `</script>` or `<!--`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Drop the XML prolog and DOCTYPE so the SVG can sit inside HTML. */
function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  return start >= 0 ? svg.slice(start) : svg;
}

const CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:13px/1.4 Helvetica,Arial,sans-serif;color:#1d2733}
body{display:grid;grid-template-rows:auto 1fr;grid-template-columns:1fr 340px;height:100vh}
header{grid-column:1/3;display:flex;gap:8px;align-items:center;padding:6px 10px;border-bottom:1px solid #d5dde6;background:#f6f9fc}
header h1{font-size:15px;margin:0 12px 0 0}
header button{font:inherit;padding:2px 10px;border:1px solid #b7c4d3;border-radius:4px;background:#fff;cursor:pointer}
header .hint{color:#6b7785;margin-left:auto}
#view{overflow:hidden;position:relative;min-width:0;min-height:0;cursor:grab;background:#fff}
#view.dragging{cursor:grabbing}
#view svg{width:100%;height:100%;display:block;user-select:none}
#view g.node{cursor:pointer}
#view g.node.selected polygon,#view g.node.selected path,#view g.node.selected ellipse{stroke:#e67e22;stroke-width:3}
aside{border-left:1px solid #d5dde6;overflow:auto;min-height:0;padding:10px 12px;background:#fbfcfd}
aside h2{font-size:14px;margin:0 0 2px;word-break:break-all}
aside .sub{color:#6b7785;margin-bottom:8px}
aside table{border-collapse:collapse;width:100%}
aside td{vertical-align:top;padding:3px 4px;border-top:1px solid #e6ebf0;word-break:break-all}
aside td.k{font-weight:bold;white-space:nowrap;word-break:normal;width:1%}
aside td.secret{color:#a33}
aside h3{font-size:13px;margin:14px 0 4px}
`;

const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('etl-data').textContent);
  var view = document.getElementById('view');
  var svg = view.querySelector('svg');
  var panel = document.getElementById('panel');
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  var b = svg.viewBox.baseVal;
  var home = { x: b.x, y: b.y, w: b.width, h: b.height };
  var vb = { x: home.x, y: home.y, w: home.w, h: home.h };
  function apply() { svg.setAttribute('viewBox', vb.x + ' ' + vb.y + ' ' + vb.w + ' ' + vb.h); }
  function scale() { var r = svg.getBoundingClientRect(); return Math.max(vb.w / r.width, vb.h / r.height); }
  function toSvg(cx, cy) {
    var r = svg.getBoundingClientRect(), s = scale();
    return { x: vb.x - (r.width * s - vb.w) / 2 + (cx - r.left) * s, y: vb.y - (r.height * s - vb.h) / 2 + (cy - r.top) * s };
  }
  function zoom(f, cx, cy) {
    var r = svg.getBoundingClientRect();
    var p = toSvg(cx === undefined ? r.left + r.width / 2 : cx, cy === undefined ? r.top + r.height / 2 : cy);
    vb.x = p.x - (p.x - vb.x) * f; vb.y = p.y - (p.y - vb.y) * f; vb.w *= f; vb.h *= f; apply();
  }
  function fit() { vb = { x: home.x, y: home.y, w: home.w, h: home.h }; apply(); }
  view.addEventListener('wheel', function (e) { e.preventDefault(); zoom(Math.exp(e.deltaY * 0.0015), e.clientX, e.clientY); }, { passive: false });
  var drag = null;
  view.addEventListener('pointerdown', function (e) {
    drag = { x: e.clientX, y: e.clientY, vx: vb.x, vy: vb.y, s: scale(), moved: false };
    view.setPointerCapture(e.pointerId);
  });
  view.addEventListener('pointermove', function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) { drag.moved = true; view.classList.add('dragging'); }
    if (drag.moved) { vb.x = drag.vx - dx * drag.s; vb.y = drag.vy - dy * drag.s; apply(); }
  });
  view.addEventListener('pointerup', function (e) {
    var d = drag; drag = null; view.classList.remove('dragging');
    if (!d || d.moved) return;
    var el = document.elementFromPoint(e.clientX, e.clientY);
    var g = el && el.closest ? el.closest('g.node') : null;
    select(g);
  });
  document.getElementById('zoom-in').onclick = function () { zoom(1 / 1.25); };
  document.getElementById('zoom-out').onclick = function () { zoom(1.25); };
  document.getElementById('fit').onclick = fit;
  document.addEventListener('keydown', function (e) {
    if (e.key === '+' || e.key === '=') zoom(1 / 1.25);
    else if (e.key === '-') zoom(1.25);
    else if (e.key === '0') fit();
    else if (e.key === 'Escape') select(null);
  });
  function el(tag, text, cls) { var n = document.createElement(tag); if (text !== undefined) n.textContent = text; if (cls) n.className = cls; return n; }
  function table(fields) {
    var t = el('table');
    Object.keys(fields).forEach(function (k) {
      var v = fields[k], tr = el('tr');
      var text = Array.isArray(v) ? v.join('\\n') : String(v);
      tr.appendChild(el('td', k, 'k'));
      var td = el('td', undefined, text.indexOf(data.redacted) >= 0 ? 'secret' : '');
      td.style.whiteSpace = 'pre-wrap'; td.textContent = text; tr.appendChild(td); t.appendChild(tr);
    });
    return t;
  }
  function overview() {
    panel.textContent = '';
    panel.appendChild(el('h2', data.title));
    panel.appendChild(el('div', 'Click a node to see its fields. Drag to pan, scroll to zoom, 0 to fit.', 'sub'));
    if (data.parameters.length) {
      panel.appendChild(el('h3', 'Parameters (values redacted)'));
      data.parameters.forEach(function (p) { panel.appendChild(el('div', p.id, 'sub')); panel.appendChild(table(p.attributes)); });
    }
  }
  var selected = null;
  function select(g) {
    if (selected) selected.classList.remove('selected');
    selected = null;
    var node = g ? data.nodes[g.id] : null;
    if (!node) { overview(); return; }
    selected = g; g.classList.add('selected');
    panel.textContent = '';
    panel.appendChild(el('h2', node.id));
    var sub = node.type + (node.origin ? ' — ' + (node.origin.step ? 'step ' + node.origin.step + ', ' : '') + node.origin.file + ':' + node.origin.line : '');
    panel.appendChild(el('div', sub, 'sub'));
    if (node.status) panel.appendChild(el('div', 'status: ' + node.status, 'sub'));
    panel.appendChild(table(node.fields));
  }
  overview();
})();
`;

export function htmlPage(graph: PipelineGraph, svg: string): string {
  const nodes: Record<string, unknown> = {};
  graph.nodes.forEach((n, i) => {
    nodes[svgNodeId(i)] = {
      id: n.id,
      type: n.type,
      kind: n.kind,
      fields: n.fields,
      ...(n.origin ? { origin: n.origin } : {}),
      ...(n.status ? { status: n.status } : {}),
    };
  });
  const data = { title: graph.title, nodes, parameters: graph.parameters, redacted: '(redacted)' };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="etlctl">
<title>${escapeHtml(graph.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(graph.title)}</h1><button id="fit" title="fit (0)">fit</button><button id="zoom-in" title="zoom in (+)">+</button><button id="zoom-out" title="zoom out (-)">−</button><span class="hint">drag to pan · scroll to zoom · click a node for details</span></header>
<main id="view">
${inlineSvg(svg)}
</main>
<aside id="panel"></aside>
<script type="application/json" id="etl-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
