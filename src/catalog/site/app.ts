/**
 * The catalog site's script (assets/app.js): search, table and pipeline pages, and the lineage
 * graph drawn as SVG, all from `window.ETLCTL_CATALOG` (assets/catalog.js). Plain browser
 * JavaScript with no dependencies, so the site works from file:// with no server and no network.
 * Kept free of backticks and `${`, as it lives in a template literal.
 */
export const APP_JS = String.raw`(function () {
  'use strict';
  var C = window.ETLCTL_CATALOG;
  var byId = {};
  C.datasets.forEach(function (d) { byId[d.id] = d; });
  var pipes = {};
  C.pipelines.forEach(function (p) { pipes[p.name] = p; });
  var main = document.getElementById('main');
  var search = document.getElementById('search');
  var ENT = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

  function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return ENT[c]; }); }
  function enc(s) { return encodeURIComponent(s); }
  function tableHref(id, col) { return '#table/' + enc(id) + (col ? '/' + enc(col) : ''); }
  function pipeHref(name) { return '#pipeline/' + enc(name); }
  function label(d) { return d ? (d.kind === 'file' ? d.name : d.name + (d.connection ? ' (' + d.connection + ')' : '')) : ''; }
  function dsLink(id) { var d = byId[id]; return '<a href="' + tableHref(id) + '">' + esc(d ? label(d) : id) + '</a>'; }
  function stepLink(r) { return '<a href="' + pipeHref(r.pipeline) + '">' + esc(r.pipeline) + '</a>.' + esc(r.step); }
  function pii(level) {
    return level ? '<span class="pii pii-' + esc(level) + '" data-pii="' + esc(level) + '">' + esc(level) + '</span>'
      : '<span class="pii pii-unset" data-pii="">unclassified</span>';
  }
  function fresh(f) {
    if (!f) return '';
    var words = { on_time: 'on time', late: 'late', unknown: 'freshness unknown', not_scheduled: 'not scheduled' };
    return '<span class="fresh fresh-' + esc(f.status) + '" title="' + esc(f.message) + '">' + esc(words[f.status] || f.status) + '</span>';
  }
  function tags(list) { return (list || []).map(function (t) { return '<span class="badge tag">' + esc(t) + '</span>'; }).join(''); }
  function owner(o, src) { return o ? '<span class="badge" title="from the ' + esc(src) + '">owner: ' + esc(o) + '</span>' : '<span class="badge">no owner</span>'; }

  // ---- search ---------------------------------------------------------------------------------
  var index = [];
  C.datasets.forEach(function (d) {
    index.push({ kind: d.kind, title: label(d), sub: d.description || '', href: tableHref(d.id),
      text: [d.name, d.id, d.description, d.owner, (d.tags || []).join(' ')].join(' ').toLowerCase() });
    d.columns.forEach(function (c) {
      index.push({ kind: 'column', title: d.name + '.' + c.name, sub: [c.type, c.description].filter(Boolean).join(' — '),
        pii: c.pii, href: tableHref(d.id, c.name),
        text: [c.name, d.name, c.description, c.pii, (d.tags || []).join(' ')].join(' ').toLowerCase() });
    });
  });
  C.pipelines.forEach(function (p) {
    index.push({ kind: 'pipeline', title: p.name, sub: p.description || '', href: pipeHref(p.name),
      text: [p.name, p.description, p.owner, (p.tags || []).join(' '), p.steps.map(function (s) { return s.name; }).join(' ')].join(' ').toLowerCase() });
  });

  function mark(text, words) {
    var out = esc(text);
    words.forEach(function (w) {
      if (!w) return;
      var re = new RegExp('(' + esc(w).replace(/[.*+?^$()|[\]\\{}]/g, '\\$&') + ')', 'ig');
      out = out.replace(re, '<mark>$1</mark>');
    });
    return out;
  }

  function renderSearch(q) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    var hits = index.filter(function (e) { return words.every(function (w) { return e.text.indexOf(w) >= 0; }); });
    hits.sort(function (a, b) {
      var ta = words.some(function (w) { return a.title.toLowerCase().indexOf(w) >= 0; }) ? 0 : 1;
      var tb = words.some(function (w) { return b.title.toLowerCase().indexOf(w) >= 0; }) ? 0 : 1;
      return ta - tb || a.title.localeCompare(b.title);
    });
    var html = '<h2>Search: ' + esc(q) + '</h2><p class="sub">' + hits.length + ' result' + (hits.length === 1 ? '' : 's') +
      ' in table and column names, descriptions, owners and tags</p><div class="results">';
    hits.slice(0, 300).forEach(function (h) {
      html += '<a class="result" data-kind="' + h.kind + '" href="' + h.href + '"><span class="kind">' + h.kind + '</span> <b>' +
        mark(h.title, words) + '</b> ' + (h.kind === 'column' ? pii(h.pii) : '') + ' <span class="sub">' + mark(h.sub, words) + '</span></a>';
    });
    if (hits.length === 0) html += '<p class="empty">Nothing matches.</p>';
    main.innerHTML = html + '</div>';
  }

  // ---- lineage graph --------------------------------------------------------------------------
  function levels(focus, depth) {
    var level = {};
    level[focus] = 0;
    [['upstream', -1], ['downstream', 1]].forEach(function (dir) {
      var frontier = [focus];
      for (var k = 1; k <= depth && frontier.length; k++) {
        var next = [];
        frontier.forEach(function (id) {
          ((byId[id] || {})[dir[0]] || []).forEach(function (n) {
            if (level[n] === undefined) { level[n] = k * dir[1]; next.push(n); }
          });
        });
        frontier = next;
      }
    });
    return level;
  }

  function lineageSvg(focus) {
    var level = levels(focus, 4);
    var ids = Object.keys(level);
    var cols = {};
    ids.forEach(function (id) { (cols[level[id]] = cols[level[id]] || []).push(id); });
    var lv = Object.keys(cols).map(Number).sort(function (a, b) { return a - b; });
    // Boxes wide enough for the longest name, gaps wide enough for the longest step label.
    var longest = ids.reduce(function (m, id) { return Math.max(m, ((byId[id] || { name: id }).name || '').length); }, 0);
    var longestLabel = C.edges.reduce(function (m, e) {
      return level[e.from] !== undefined && level[e.to] !== undefined ? Math.max(m, e.steps.join(' → ').length - e.pipeline.length - 1) : m;
    }, 0);
    var W = Math.max(170, Math.min(320, longest * 7 + 24)), H = 42, GX = Math.max(80, Math.min(320, longestLabel * 6 + 24)), GY = 18, P = 16, pos = {}, maxRows = 0;
    lv.forEach(function (l, i) {
      cols[l].sort(function (a, b) { return a.localeCompare(b); });
      maxRows = Math.max(maxRows, cols[l].length);
      cols[l].forEach(function (id, j) { pos[id] = { x: P + i * (W + GX), y: P + j * (H + GY) }; });
    });
    var width = P * 2 + lv.length * W + (lv.length - 1) * GX;
    var height = P * 2 + maxRows * H + (maxRows - 1) * GY;
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + ' ' + height + '">';
    C.edges.forEach(function (e) {
      var a = pos[e.from], b = pos[e.to];
      if (!a || !b || level[e.from] >= level[e.to]) return;
      var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
      var steps = e.steps.map(function (s) { return s.indexOf(e.pipeline + '.') === 0 ? s.slice(e.pipeline.length + 1) : s; });
      svg += '<g class="edge' + (e.to === focus || e.from === focus ? ' hot' : '') + '" data-from="' + esc(e.from) + '" data-to="' + esc(e.to) +
        '" data-steps="' + esc(e.steps.join(' ')) + '"><title>' + esc(e.pipeline + ': ' + steps.join(' → ') + (e.via.length ? ' (via ' + e.via.join(', ') + ')' : '')) + '</title>' +
        '<path d="M' + x1 + ',' + y1 + ' C' + mx + ',' + y1 + ' ' + mx + ',' + y2 + ' ' + x2 + ',' + y2 + '"/>' +
        '<text x="' + mx + '" y="' + ((y1 + y2) / 2 - 4) + '" text-anchor="middle">' + esc(steps.join(' → ')) + '</text></g>';
    });
    ids.forEach(function (id) {
      var d = byId[id] || { name: id, kind: 'table' }, p = pos[id];
      var fit = Math.floor((W - 20) / 7);
      var name = d.name.length > fit ? '…' + d.name.slice(-(fit - 1)) : d.name;
      svg += '<g class="node' + (id === focus ? ' focus' : '') + (d.external ? ' external' : '') + '" data-id="' + esc(id) + '" data-level="' + level[id] +
        '" transform="translate(' + p.x + ',' + p.y + ')"><title>' + esc(label(d)) + '</title><rect width="' + W + '" height="' + H + '"/>' +
        '<text x="10" y="17">' + esc(name) + '</text><text class="kind" x="10" y="32">' +
        esc(d.kind === 'file' ? 'file' : (d.connection || '') + (d.external ? ' · external' : '')) + '</text></g>';
    });
    return svg + '</svg>';
  }

  // ---- pages ----------------------------------------------------------------------------------
  function renderTable(d, col) {
    var h = '<h2>' + esc(d.name) + '</h2><div class="sub mono">' + esc(d.id) + ' · ' + esc(d.namespace) + ' / ' + esc(d.qualifiedName) + '</div><p>' +
      (d.external ? '<span class="badge external">external</span>' : owner(d.owner, d.ownerSource)) + tags(d.tags) + ' ' + fresh(d.freshness) + '</p>';
    if (d.description) h += '<p class="desc">' + esc(d.description) + '</p>';
    if (d.freshness) h += '<p class="sub">' + esc(d.freshness.message) + '</p>';
    if (d.definition) h += '<p class="sub">Defined in <code>' + esc(d.definition.file) + ':' + d.definition.line + '</code></p>';
    h += '<h3>Lineage</h3><div class="lineage" id="lineage">' + lineageSvg(d.id) + '</div>';
    h += '<h3>Columns</h3>';
    if (d.columns.length === 0) h += '<p class="empty">No columns known.</p>';
    else {
      h += '<table class="grid" id="columns"><tr><th>Column</th><th>Type</th><th>PII</th><th>Description</th><th>Comes from</th></tr>';
      d.columns.forEach(function (c) {
        h += '<tr class="col' + (c.name === col ? ' selected' : '') + '" data-column="' + esc(c.name) + '"><td class="mono"><a href="' + tableHref(d.id, c.name) + '">' + esc(c.name) + '</a>' +
          (c.primaryKey ? ' <span class="badge">key</span>' : '') + '</td><td class="mono">' + esc(c.type || '') + (c.nullable === false ? ' NOT NULL' : '') +
          '</td><td>' + pii(c.pii) + '</td><td>' + esc(c.description || '') + '</td><td>' +
          c.upstream.map(function (u) { return '<a href="' + tableHref(u.dataset, u.column) + '">' + esc((byId[u.dataset] || { name: u.dataset }).name + '.' + u.column) + '</a>' + (u.kind !== 'identity' ? ' <span class="sub">(' + esc(u.kind) + ')</span>' : ''); }).join('<br>') +
          '</td></tr>';
      });
      h += '</table>';
    }
    if (col) h += columnChain(d, col);
    h += '<h3>Written by</h3>' + (d.writers.length ? '<ul>' + d.writers.map(function (r) { return '<li>' + stepLink(r) + '</li>'; }).join('') + '</ul>' : '<p class="empty">No pipeline writes it.</p>');
    h += '<h3>Read by</h3>' + (d.readers.length ? '<ul>' + d.readers.map(function (r) { return '<li>' + stepLink(r) + '</li>'; }).join('') + '</ul>' : '<p class="empty">No pipeline reads it.</p>');
    main.innerHTML = h;
    main.querySelectorAll('#lineage .node').forEach(function (n) {
      n.addEventListener('click', function () { location.hash = tableHref(n.getAttribute('data-id')); });
    });
  }

  /** The full upstream chain of one column, hop by hop. */
  function columnChain(d, col) {
    var out = '<h3 id="chain">Where ' + esc(d.name + '.' + col) + ' comes from</h3><ul class="upchain">';
    var seen = {}, any = false;
    (function walk(ds, c, depth) {
      var t = byId[ds]; if (!t || depth > 12) return;
      var column = t.columns.filter(function (x) { return x.name === c; })[0];
      (column ? column.upstream : []).forEach(function (u) {
        var k = u.dataset + '.' + u.column; if (seen[k]) return; seen[k] = 1; any = true;
        out += '<li style="margin-left:' + depth * 14 + 'px">← <a href="' + tableHref(u.dataset, u.column) + '">' + esc((byId[u.dataset] || { name: u.dataset }).name + '.' + u.column) +
          '</a> <span class="sub">' + esc(u.kind) + ', via ' + esc(u.via.join(' → ')) + '</span></li>';
        walk(u.dataset, u.column, depth + 1);
      });
    })(d.id, col, 0);
    return out + (any ? '' : '<li class="empty">not computed from another column the pipelines know</li>') + '</ul>';
  }

  function renderPipeline(p) {
    var h = '<h2>' + esc(p.name) + '</h2><div class="sub mono">' + esc(p.file) + ':' + p.line + ' · ' + esc(p.schedule) + '</div><p>' +
      owner(p.owner, p.ownerSource) + tags(p.tags) + ' ' + fresh(p.freshness) + '</p>';
    if (p.description) h += '<p class="desc">' + esc(p.description) + '</p>';
    if (p.sla) h += '<p>SLA: ready by <b>' + esc(p.sla.readyBy) + '</b> ' + esc(p.sla.timezone) + (p.freshness ? ' — ' + esc(p.freshness.message) : '') + '</p>';
    h += '<h3>Steps</h3><table class="grid"><tr><th>Step</th><th>Type</th><th>Reads</th><th>Writes</th></tr>';
    p.steps.forEach(function (s) {
      h += '<tr><td class="mono">' + esc(s.name) + '</td><td>' + esc(s.type) + '</td><td>' + s.reads.map(dsLink).join('<br>') + '</td><td>' + s.writes.map(dsLink).join('<br>') + '</td></tr>';
    });
    main.innerHTML = h + '</table>';
  }

  function renderOverview() {
    var tables = C.datasets.filter(function (d) { return d.kind === 'table'; });
    var h = '';
    if (C.problems.length) {
      h += '<h3>Problems (' + C.problems.length + ')</h3><ul class="problems">' + C.problems.map(function (x) {
        return '<li class="' + esc(x.severity) + '"><span class="mono">' + esc((x.file || '') + (x.line ? ':' + x.line : '')) + '</span> ' + esc(x.code) + ': ' +
          (x.dataset ? '<a href="' + tableHref(x.dataset) + '">' + esc(x.message) + '</a>' : x.pipeline ? '<a href="' + pipeHref(x.pipeline) + '">' + esc(x.message) + '</a>' : esc(x.message)) + '</li>';
      }).join('') + '</ul>';
    }
    h += '<h3>Tables (' + tables.length + ')</h3><table class="grid" id="tables"><tr><th>Table</th><th>Owner</th><th>Tags</th><th>Freshness</th><th>Description</th></tr>';
    tables.forEach(function (d) {
      h += '<tr><td><a href="' + tableHref(d.id) + '">' + esc(label(d)) + '</a>' + (d.external ? ' <span class="badge external">external</span>' : '') + '</td><td>' +
        esc(d.owner || '') + '</td><td>' + tags(d.tags) + '</td><td>' + fresh(d.freshness) + '</td><td>' + esc(d.description || '') + '</td></tr>';
    });
    h += '</table><h3>Pipelines (' + C.pipelines.length + ')</h3><table class="grid" id="pipelines"><tr><th>Pipeline</th><th>Owner</th><th>Schedule</th><th>SLA</th><th>Description</th></tr>';
    C.pipelines.forEach(function (p) {
      h += '<tr><td><a href="' + pipeHref(p.name) + '">' + esc(p.name) + '</a> ' + tags(p.tags) + '</td><td>' + esc(p.owner || '') + '</td><td>' + esc(p.schedule) +
        '</td><td>' + (p.sla ? esc(p.sla.readyBy + ' ' + p.sla.timezone) + ' ' + fresh(p.freshness) : '') + '</td><td>' + esc(p.description || '') + '</td></tr>';
    });
    var files = C.datasets.filter(function (d) { return d.kind === 'file'; });
    if (files.length) h += '</table><h3>Files (' + files.length + ')</h3><ul>' + files.map(function (d) { return '<li>' + dsLink(d.id) + '</li>'; }).join('') + '</ul>';
    main.innerHTML = h;
  }

  function render() {
    var q = search.value.trim();
    if (q) return renderSearch(q);
    var parts = location.hash.replace(/^#/, '').split('/').map(decodeURIComponent);
    if (parts[0] === 'table' && byId[parts[1]]) return renderTable(byId[parts[1]], parts[2]);
    if (parts[0] === 'pipeline' && pipes[parts[1]]) return renderPipeline(pipes[parts[1]]);
    renderOverview();
  }

  search.addEventListener('input', render);
  window.addEventListener('hashchange', function () { if (search.value) search.value = ''; render(); window.scrollTo(0, 0); });
  document.getElementById('stamp').textContent = C.datasets.length + ' datasets · ' + C.pipelines.length + ' pipelines · built ' + C.generatedAt.replace('T', ' ').slice(0, 16) + ' UTC';
  render();
})();
`;
