/* global document, window, fetch, DOMParser, URLSearchParams, setTimeout, clearTimeout */
/**
 * The etlctl ui page: plain JavaScript, no build step, no CDN. Routes in the URL hash:
 * #/ (grid), #/cell/PIPELINE/DAY (run detail), #/pipeline/NAME, #/actions. Text goes in with
 * textContent, except the grid (one HTML string, every value through esc(), because building
 * 1,400 cells node by node is the page's slowest part) and the pipeline picture, an SVG our own
 * renderer made.
 * The grid refreshes every few seconds in place: cells whose counts changed are rewritten, the
 * table and the scroll position stay.
 */
'use strict';

const CSRF = document.querySelector('meta[name="etlctl-csrf"]').content;
const CATS = ['failed', 'running', 'waiting', 'acknowledged', 'skipped', 'ok'];
const LABEL = {
  ok: 'ok',
  failed: 'failed',
  running: 'running',
  waiting: 'waiting',
  acknowledged: 'acknowledged',
  skipped: 'skipped',
};
const main = document.getElementById('main');
const note = document.getElementById('note');
let timer;
let gen = 0;
const state = { q: '', status: '', group: 'owner', end: '', days: 14 };

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof window.Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error || r.statusText);
  return r.json();
}

/** The grid, or null when it is the one already shown (same ETag: the server answered 304). */
let gridEtag = '';
async function gridFetch(path, rebuild) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error || r.statusText);
  const etag = r.headers.get('ETag') || '';
  if (!rebuild && etag && etag === gridEtag) return null;
  const view = await r.json();
  gridEtag = etag;
  return view;
}

async function post(path, body) {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': CSRF },
    body: JSON.stringify(body),
  });
  const doc = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(doc.error || r.statusText);
  return doc;
}

function say(text) {
  note.textContent = text;
}

function when(iso) {
  return iso ? iso.replace('T', ' ').slice(0, 16) + 'Z' : '–';
}

function duration(a, b) {
  if (!a) return '–';
  const ms = (b ? Date.parse(b) : Date.now()) - Date.parse(a);
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.round(ms / 60000) + ' min';
}

function badge(cat, text) {
  return h('span', { class: 'badge st-' + cat }, text || LABEL[cat]);
}

function shiftDay(day, n) {
  return new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
}

// ---- grid ------------------------------------------------------------------------------------

function cellSignature(c) {
  return c ? CATS.map((k) => c.counts[k] || 0).join(',') : '';
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every text and attribute value of the grid's HTML goes through here. */
function esc(v) {
  return String(v).replace(/[&<>"']/g, (ch) => ESC[ch]);
}

/**
 * One cell as HTML: a link with its counts and a proportion bar. The bar is the link's ::after
 * painted by a stepped gradient (a segment per category), not an element per segment: the grid of
 * 100 pipelines × 14 days then has ~4,500 nodes instead of ~9,500.
 */
function cellHtml(c, pipeline, day) {
  const attrs =
    ' data-pipeline="' + esc(pipeline) + '" data-day="' + day + '" data-sig="' + cellSignature(c) + '"';
  if (!c)
    return (
      '<a class="cell empty"' +
      attrs +
      ' data-worst="" title="' +
      esc(pipeline + ' ' + day + ': nothing scheduled') +
      '"></a>'
    );
  const n = (k) => c.counts[k] || 0;
  const parts = CATS.filter((k) => n(k) > 0);
  const title = pipeline + ' ' + day + ': ' + parts.map((k) => n(k) + ' ' + LABEL[k]).join(', ');
  const txt = n('failed') > 0 ? n('ok') + '✓ ' + n('failed') + '✗' : n('ok') + '/' + c.total;
  let at = 0;
  const stops = parts.map((k) => {
    const from = at;
    at += (100 * n(k)) / c.total;
    return 'var(--' + k + ') ' + from.toFixed(2) + '% ' + at.toFixed(2) + '%';
  });
  return (
    '<a class="cell worst-' +
    c.worst +
    '"' +
    attrs +
    ' data-worst="' +
    c.worst +
    '" href="#/cell/' +
    esc(encodeURIComponent(pipeline)) +
    '/' +
    day +
    '" title="' +
    esc(title) +
    '" data-parts="' +
    parts.join(' ') +
    '" style="--bar:linear-gradient(90deg,' +
    stops.join(',') +
    ')">' +
    txt +
    '</a>'
  );
}

function groupOf(p) {
  if (state.group === 'owner') return p.owner || '(no owner)';
  if (state.group === 'tag') return p.tags[0] || '(no tag)';
  return '';
}

function gridQuery() {
  const q = new URLSearchParams();
  if (state.q) q.set('q', state.q);
  if (state.status) q.set('status', state.status);
  if (state.end) q.set('end', state.end);
  q.set('days', String(state.days));
  return '/api/grid?' + q;
}

function rowHtml(p, view) {
  // On AWS (target: aws) there is no pipeline page: the name is not a link.
  const name =
    view.target === 'aws'
      ? esc(p.name)
      : '<a href="#/pipeline/' + esc(encodeURIComponent(p.name)) + '">' + esc(p.name) + '</a>';
  let html =
    '<tr data-pipeline="' +
    esc(p.name) +
    '"><th scope="row" title="' +
    esc(p.name) +
    '">' +
    name +
    (p.paused ? ' <span class="paused">paused</span>' : '') +
    '</th><td class="last">' +
    esc(p.lastStatus || '–') +
    '</td><td class="next muted">' +
    esc(p.nextDue ? when(p.nextDue) : '–') +
    '</td>';
  for (const d of view.days) html += '<td>' + cellHtml(p.cells[d], p.name, d) + '</td>';
  return html + '</tr>';
}

/** The whole table as one HTML string, parsed once: no layout until it is in the page. */
function buildGrid(view) {
  const table = h('table', {
    class: 'grid',
    id: 'grid',
    'data-end': view.end,
    style: '--cols: minmax(9em, 15em) 7em 10.5em repeat(' + view.days.length + ', 72px)',
  });
  let head = '<tr><th>pipeline</th><th>last run</th><th>next due</th>';
  for (const d of view.days) head += '<th class="day">' + esc(d.slice(5)) + '</th>';
  let body = '';
  const sorted = [...view.pipelines].sort(
    (a, b) => groupOf(a).localeCompare(groupOf(b)) || a.name.localeCompare(b.name),
  );
  let group;
  for (const p of sorted) {
    if (state.group !== 'none' && groupOf(p) !== group) {
      group = groupOf(p);
      body += '<tr class="group"><th colspan="' + (3 + view.days.length) + '">' + esc(group) + '</th></tr>';
    }
    body += rowHtml(p, view);
  }
  table.innerHTML = '<thead>' + head + '</tr></thead><tbody>' + body + '</tbody>';
  return table;
}

/** Same rows and days: rewrite only what changed (no flicker, the scroll stays). */
function patchGrid(table, view) {
  const rows = new Map();
  for (const tr of table.querySelectorAll('tbody tr[data-pipeline]')) rows.set(tr.dataset.pipeline, tr);
  const same =
    table.dataset.end === view.end &&
    rows.size === view.pipelines.length &&
    view.pipelines.every((p) => rows.has(p.name));
  if (!same) return false;
  for (const p of view.pipelines) {
    const tr = rows.get(p.name);
    const last = tr.querySelector('td.last');
    if (last.textContent !== (p.lastStatus || '–')) last.textContent = p.lastStatus || '–';
    for (const a of tr.querySelectorAll('a.cell')) {
      const c = p.cells[a.dataset.day];
      if (a.dataset.sig !== cellSignature(c)) a.outerHTML = cellHtml(c, p.name, a.dataset.day);
    }
  }
  return true;
}

function legend() {
  return h(
    'span',
    { class: 'legend' },
    CATS.map((k) => h('span', {}, h('i', { class: 'st-' + k }), LABEL[k])),
  );
}

async function showGrid() {
  const my = ++gen;
  const input = h('input', {
    type: 'search',
    placeholder: 'name, owner or tag',
    value: state.q,
    'aria-label': 'filter',
  });
  input.addEventListener('input', () => {
    state.q = input.value;
    refresh(true);
  });
  const status = h(
    'select',
    { 'aria-label': 'status', id: 'status-filter' },
    h('option', { value: '' }, 'any status'),
    CATS.map((k) => h('option', { value: k }, 'with ' + LABEL[k])),
  );
  status.value = state.status;
  status.addEventListener('change', () => {
    state.status = status.value;
    refresh(true);
  });
  const group = h(
    'select',
    { 'aria-label': 'group by' },
    ['owner', 'tag', 'none'].map((g) => h('option', { value: g }, 'group: ' + g)),
  );
  group.value = state.group;
  group.addEventListener('change', () => {
    state.group = group.value;
    refresh(true);
  });
  const page = (n) => () => {
    state.end = shiftDay(state.end || new Date().toISOString().slice(0, 10), n * state.days);
    refresh(true);
  };
  const today = () => {
    state.end = '';
    refresh(true);
  };
  const holder = h('div', { id: 'grid-holder' });
  const summary = h('span', { class: 'muted', id: 'grid-summary' });
  main.replaceChildren(
    h(
      'div',
      { class: 'toolbar' },
      input,
      status,
      group,
      h('button', { onclick: page(-1), title: 'earlier' }, '◀'),
      h('button', { onclick: today }, 'today'),
      h('button', { onclick: page(1), title: 'later' }, '▶'),
      legend(),
      summary,
    ),
    holder,
  );
  let every = 3000;
  async function refresh(rebuild) {
    if (my !== gen) return;
    clearTimeout(timer);
    try {
      const view = await gridFetch(gridQuery(), rebuild || !holder.querySelector('table'));
      if (my !== gen) return;
      if (!view) {
        say('updated ' + new Date().toLocaleTimeString());
        timer = setTimeout(() => refresh(false), every);
        return;
      }
      every = (view.refreshSeconds || 3) * 1000;
      summary.textContent =
        view.pipelines.length + ' pipelines' + (view.hidden ? ', ' + view.hidden + ' filtered out' : '');
      const table = holder.querySelector('table');
      if (view.pipelines.length === 0)
        holder.replaceChildren(h('p', { class: 'muted', id: 'empty' }, 'No pipeline matches.'));
      else if (rebuild || !table || !patchGrid(table, view)) holder.replaceChildren(buildGrid(view));
      say('updated ' + new Date().toLocaleTimeString());
    } catch (e) {
      say('cannot refresh: ' + e.message);
    }
    if (my === gen) timer = setTimeout(() => refresh(false), every);
  }
  await refresh(true);
}

// ---- run detail --------------------------------------------------------------------------------

async function drawGraph(holder, pipeline, instances) {
  try {
    const r = await fetch('/api/graph?pipeline=' + encodeURIComponent(pipeline));
    if (!r.ok) {
      holder.textContent = 'no picture';
      return;
    }
    const svg = new DOMParser().parseFromString(await r.text(), 'image/svg+xml').documentElement;
    if (svg.nodeName !== 'svg') return;
    const worst = {};
    for (const i of instances) {
      const prev = worst[i.objectId];
      if (!prev || CATS.indexOf(i.category) < CATS.indexOf(prev)) worst[i.objectId] = i.category;
    }
    for (const g of svg.querySelectorAll('g.node')) {
      const id = g.querySelector('title') && g.querySelector('title').textContent;
      const cat = worst[id];
      if (!cat) continue;
      const color = window
        .getComputedStyle(document.documentElement)
        .getPropertyValue('--' + cat)
        .trim();
      for (const shape of g.querySelectorAll('polygon, ellipse, path')) {
        shape.setAttribute('stroke', color);
        shape.setAttribute('stroke-width', '3');
      }
      g.setAttribute('data-status', cat);
    }
    holder.replaceChildren(document.importNode(svg, true));
  } catch {
    holder.textContent = 'no picture';
  }
}

let logTimer;
function showLog(panel, instanceId, attempt) {
  clearTimeout(logTimer);
  const pre = h('pre', { class: 'log', id: 'log' });
  const follow = h('input', { type: 'checkbox', checked: true });
  panel.replaceChildren(
    h('h3', {}, 'Log of attempt ' + attempt.number + ' ', h('label', { class: 'muted' }, follow, ' follow')),
    pre,
  );
  let offset = 0;
  const my = gen;
  const read = async () => {
    if (my !== gen) return;
    try {
      const chunk = await api(
        '/api/log?instance=' + instanceId + '&attempt=' + attempt.id + '&offset=' + offset,
      );
      if (chunk.text) {
        pre.append(document.createTextNode(chunk.text));
        if (follow.checked) pre.scrollTop = pre.scrollHeight;
      }
      offset = chunk.offset;
      if (chunk.size === 0 && !chunk.running && !pre.textContent) pre.textContent = '(empty log)';
      if (chunk.running && follow.checked) logTimer = setTimeout(read, 1000);
    } catch (e) {
      pre.textContent = 'cannot read the log: ' + e.message;
    }
  };
  read();
}

function instanceActions(view, i, reload) {
  if (view.readOnly) return null;
  const act = (path, body, what) => async () => {
    try {
      await post(path, Object.assign({ pipeline: view.pipeline, instanceId: i.id }, body));
      say(what + ': ' + i.objectId);
      reload();
    } catch (e) {
      say(what + ' refused: ' + e.message);
    }
  };
  const ended = ['FINISHED', 'FAILED', 'CASCADE_FAILED', 'TIMEDOUT', 'CANCELED', 'SKIPPED'].includes(
    i.status,
  );
  const failed = i.category === 'failed';
  return [
    ended ? h('button', { class: 'rerun', onclick: act('/api/actions/rerun', {}, 'rerun') }, 'rerun') : null,
    ended
      ? h(
          'button',
          {
            class: 'rerun-down',
            onclick: act('/api/actions/rerun', { downstream: true }, 'rerun with downstream'),
          },
          '+ downstream',
        )
      : null,
    failed
      ? h(
          'button',
          {
            class: 'ack',
            onclick: () => {
              const text = window.prompt('Note (what was done about it)?', '');
              if (text !== null) act('/api/actions/acknowledge', { note: text }, 'acknowledged')();
            },
          },
          'acknowledge',
        )
      : null,
  ];
}

async function showCell(pipeline, day) {
  const my = ++gen;
  const graph = h('div', { class: 'graph' }, 'drawing…');
  const body = h('div');
  const log = h('section', { id: 'log-panel' });
  main.replaceChildren(
    h(
      'p',
      {},
      h('a', { href: '#/' }, '← grid'),
      ' · ',
      h(
        'a',
        { href: '#/cell/' + encodeURIComponent(pipeline) + '/' + shiftDay(day, -1) },
        '◀ ' + shiftDay(day, -1),
      ),
      ' · ',
      h(
        'a',
        { href: '#/cell/' + encodeURIComponent(pipeline) + '/' + shiftDay(day, 1) },
        shiftDay(day, 1) + ' ▶',
      ),
    ),
    h('h2', {}, h('a', { href: '#/pipeline/' + encodeURIComponent(pipeline) }, pipeline), ' · ', day),
    h('section', {}, graph),
    body,
    log,
  );
  let drawn = false;
  async function load() {
    if (my !== gen) return;
    clearTimeout(timer);
    let view;
    try {
      view = await api('/api/cell?pipeline=' + encodeURIComponent(pipeline) + '&day=' + day);
    } catch (e) {
      body.replaceChildren(h('p', { class: 'error' }, e.message));
      return;
    }
    if (my !== gen) return;
    if (!drawn) {
      drawn = true;
      drawGraph(graph, pipeline, view.instances);
    }
    body.replaceChildren(cellBody(view, log, load));
    const busy = view.instances.some((i) => i.category === 'running' || i.category === 'waiting');
    timer = setTimeout(load, busy ? 1500 : 5000);
  }
  await load();
}

function cellBody(view, log, reload) {
  const byHour = new Map();
  for (const i of view.instances) {
    const hour = i.scheduledStart.slice(11, 16);
    if (!byHour.has(hour)) byHour.set(hour, []);
    byHour.get(hour).push(i);
  }
  const rows = [];
  for (const [hour, list] of byHour) {
    if (byHour.size > 1)
      rows.push(h('tr', { class: 'group' }, h('th', { colspan: 8 }, 'scheduled ' + hour + 'Z')));
    for (const i of list) {
      rows.push(
        h(
          'tr',
          { 'data-step': i.objectId, 'data-status': i.status, 'data-instance': i.id },
          h('td', {}, i.objectId, h('div', { class: 'muted' }, i.type)),
          h('td', {}, badge(i.category, i.status)),
          h('td', {}, when(i.scheduledStart)),
          h('td', {}, duration(i.startedAt, i.endedAt)),
          h('td', {}, i.rows === null ? '–' : String(i.rows)),
          h(
            'td',
            {},
            i.attempts.map((a) =>
              h(
                'div',
                {},
                '#' + a.number + ' ' + a.status + ' ' + duration(a.startedAt, a.endedAt) + ' ',
                a.hasLog
                  ? h('button', { class: 'log-btn', onclick: () => showLog(log, i.id, a) }, 'log')
                  : null,
              ),
            ),
          ),
          h('td', { class: 'error' }, i.error || ''),
          h('td', {}, instanceActions(view, i, reload)),
        ),
      );
    }
  }
  return h(
    'div',
    {},
    h(
      'section',
      {},
      h('h3', {}, 'Instances'),
      view.instances.length === 0
        ? h('p', { class: 'muted' }, 'Nothing scheduled that day.')
        : h(
            'table',
            { class: 'list', id: 'instances' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['step', 'status', 'scheduled', 'duration', 'rows', 'attempts', 'error', ''].map((t) =>
                  h('th', {}, t),
                ),
              ),
            ),
            h('tbody', {}, rows),
          ),
    ),
    h(
      'section',
      {},
      h('h3', {}, 'Alerts'),
      view.alerts.length === 0
        ? h('p', { class: 'muted' }, 'None fired.')
        : h(
            'ul',
            {},
            view.alerts.map((a) =>
              h('li', {}, when(a.time) + ' ' + a.event + ' ' + a.object + ': ' + a.subject),
            ),
          ),
    ),
    h(
      'section',
      {},
      h('h3', {}, 'Actions'),
      view.actions.length === 0
        ? h('p', { class: 'muted' }, 'None.')
        : h(
            'ul',
            {},
            view.actions.map((a) =>
              h(
                'li',
                {},
                when(a.at) +
                  ' ' +
                  a.actor +
                  ': ' +
                  a.action +
                  (a.instanceId ? ' #' + a.instanceId : '') +
                  (a.note ? ' — ' + a.note : ''),
              ),
            ),
          ),
    ),
  );
}

// ---- pipeline page and actions ---------------------------------------------------------------------

function durationChart(runs) {
  const done = runs.filter((r) => r.durationMs !== null).reverse();
  if (done.length === 0) return h('p', { class: 'muted' }, 'No finished runs yet.');
  const max = Math.max(...done.map((r) => r.durationMs), 1);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const w = Math.max(200, done.length * 12);
  svg.setAttribute('viewBox', '0 0 ' + w + ' 80');
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', '80');
  svg.setAttribute('id', 'durations');
  done.forEach((r, k) => {
    const bar = document.createElementNS(ns, 'rect');
    const hgt = Math.max(1, (70 * r.durationMs) / max);
    bar.setAttribute('x', String(k * 12 + 1));
    bar.setAttribute('y', String(75 - hgt));
    bar.setAttribute('width', '10');
    bar.setAttribute('height', String(hgt));
    bar.setAttribute(
      'fill',
      r.status === 'FINISHED' ? '#2e7d32' : r.status === 'FAILED' ? '#c62828' : '#9e9e9e',
    );
    const t = document.createElementNS(ns, 'title');
    t.textContent =
      '#' + r.id + ' ' + r.status + ' ' + duration(r.startedAt, r.endedAt) + ' at ' + when(r.startedAt);
    bar.append(t);
    svg.append(bar);
  });
  return svg;
}

async function showPipeline(name) {
  const my = ++gen;
  clearTimeout(timer);
  let p;
  try {
    p = await api('/api/pipeline?name=' + encodeURIComponent(name));
  } catch (e) {
    main.replaceChildren(h('p', { class: 'error' }, e.message));
    return;
  }
  if (my !== gen) return;
  const graph = h('div', { class: 'graph' }, 'drawing…');
  const from = h('input', { type: 'date', 'aria-label': 'from' });
  const to = h('input', { type: 'date', 'aria-label': 'to' });
  const actions = p.readOnly
    ? null
    : h(
        'div',
        { class: 'toolbar' },
        h(
          'button',
          {
            id: 'pause',
            onclick: async () => {
              try {
                await post('/api/actions/' + (p.paused ? 'resume' : 'pause'), { pipeline: name });
                showPipeline(name);
              } catch (e) {
                say(e.message);
              }
            },
          },
          p.paused ? 'resume' : 'pause',
        ),
        'backfill from',
        from,
        'to (excluded)',
        to,
        h(
          'button',
          {
            id: 'backfill',
            onclick: async () => {
              try {
                const r = await post('/api/actions/backfill', {
                  pipeline: name,
                  from: from.value,
                  to: to.value,
                });
                say('backfill: ' + r.reset.length + ' instances run again');
              } catch (e) {
                say('backfill refused: ' + e.message);
              }
            },
          },
          'backfill',
        ),
      );
  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← grid')),
    h('h2', {}, p.name, ' ', p.paused ? h('span', { class: 'paused' }, 'paused') : null),
    h(
      'p',
      { class: 'muted' },
      'owner ' +
        (p.owner || '–') +
        ' · tags ' +
        (p.tags.join(', ') || '–') +
        ' · mode ' +
        (p.mode || '–') +
        ' · definition v' +
        p.version +
        ' · next due ' +
        (p.nextDue ? when(p.nextDue) : '–'),
    ),
    actions,
    h('section', {}, h('h3', {}, 'Run durations'), durationChart(p.runs)),
    h('section', {}, h('h3', {}, 'Picture'), graph),
    h(
      'section',
      {},
      h('h3', {}, 'Recent runs'),
      h(
        'table',
        { class: 'list' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['run', 'kind', 'started', 'duration', 'status', 'ok', 'failed', 'skipped'].map((t) =>
              h('th', {}, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          p.runs.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, '#' + r.id),
              h('td', {}, r.kind),
              h('td', {}, when(r.startedAt)),
              h('td', {}, duration(r.startedAt, r.endedAt)),
              h('td', {}, r.status),
              h('td', {}, r.ok),
              h('td', {}, r.failed),
              h('td', {}, r.skipped),
            ),
          ),
        ),
      ),
    ),
    h(
      'section',
      {},
      h('h3', {}, 'Pipeline file ', h('span', { class: 'muted' }, p.sourceFile || '')),
      h('pre', { id: 'yaml' }, p.yaml || '(not available)'),
    ),
    h(
      'section',
      {},
      h('h3', {}, 'Compiled definition'),
      h(
        'pre',
        { id: 'definition' },
        p.definition ? JSON.stringify(JSON.parse(p.definition), null, 2) : '(none)',
      ),
    ),
  );
  drawGraph(graph, name, []);
}

async function showActions() {
  ++gen;
  clearTimeout(timer);
  const view = await api('/api/actions');
  main.replaceChildren(
    h('h2', {}, 'Actions'),
    h(
      'p',
      { class: 'muted' },
      'Every rerun, backfill, pause, resume and acknowledgement, from the UI and the CLI (etlctl pipeline actions).',
    ),
    h(
      'table',
      { class: 'list', id: 'actions' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['#', 'at', 'who', 'pipeline', 'action', 'instance', 'range', 'note'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        view.actions.map((a) =>
          h(
            'tr',
            {},
            h('td', {}, a.id),
            h('td', {}, when(a.at)),
            h('td', {}, a.actor),
            h('td', {}, a.pipeline),
            h('td', {}, a.action),
            h('td', {}, a.instance_id || ''),
            h('td', {}, a.range_start ? when(a.range_start) + ' – ' + when(a.range_end) : ''),
            h('td', {}, a.note || ''),
          ),
        ),
      ),
    ),
  );
}

function route() {
  const parts = window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  clearTimeout(timer);
  clearTimeout(logTimer);
  if (parts[0] === 'cell' && parts[1] && parts[2]) return showCell(parts[1], parts[2]);
  if (parts[0] === 'pipeline' && parts[1]) return showPipeline(parts[1]);
  if (parts[0] === 'actions') return showActions();
  return showGrid();
}

window.addEventListener('hashchange', route);
route();
