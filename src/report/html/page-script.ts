// The HTML report's script: reads the embedded JSON and builds every section with DOM APIs and textContent (never
// innerHTML), so no cluster-supplied string is ever parsed as markup. Allowed by the page's CSP through its hash.
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('ktm-data').textContent);
  // Findings refer to their repeated texts and zone paths by index (html.ts writes each once).
  data.findings.forEach(function (f) {
    ['title', 'message', 'zoneName', 'shortTerm', 'longTerm', 'missing'].forEach(function (k) {
      if (f[k] != null) f[k] = data.texts[f[k]];
    });
    f.references = f.references.map(function (i) { return data.texts[i]; });
    f.zonePath = data.zonePaths[f.zonePath];
  });
  var SEV = ['critical', 'high', 'medium', 'low', 'info'];
  var PAGE = data.pageSize;

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'class') n.className = attrs[k];
      else n.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c != null) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function $(id) { return document.getElementById(id); }
  function short(s, n) { s = String(s); n = n || 160; return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }
  function badge(sev) { return el('span', { class: 'badge sev-' + sev, text: sev }); }
  function level(l) { return el('span', { class: 'level lvl-' + String(l).toLowerCase(), text: l }); }
  function table(head, rows) {
    var t = el('table');
    t.appendChild(el('thead', null, [el('tr', null, head.map(function (h) { return el('th', { scope: 'col', text: h }); }))]));
    var b = el('tbody');
    rows.forEach(function (r) { b.appendChild(el('tr', null, r.map(function (c) { return el('td', null, [c]); }))); });
    t.appendChild(b);
    return t;
  }
  function evidenceList(list) {
    var ul = el('ul', { class: 'evidence' });
    list.forEach(function (e) {
      ul.appendChild(el('li', null, [
        el('code', { text: e.ref + (e.path ? ' ' + e.path : '') }),
        e.value != null ? ' = ' + e.value : '',
        e.where ? el('span', { class: 'where', text: ' ' + e.where }) : null,
      ]));
    });
    return ul;
  }

  // ---- header and summary ----
  $('cluster-name').textContent = data.cluster.name;
  $('cluster-meta').textContent = data.cluster.meta;
  document.title = 'ktm review: ' + data.cluster.name.slice(0, 80);
  var cards = $('severity-cards');
  data.summary.bySeverity.forEach(function (s) {
    cards.appendChild(el('div', { class: 'card sev-border-' + s.severity }, [
      el('div', { class: 'count', text: String(s.fail) }),
      el('div', null, [badge(s.severity)]),
      el('div', { class: 'muted', text: s.unverifiable + ' unverifiable' }),
    ]));
  });
  $('summary-line').textContent = data.summary.line;
  $('zone-counts').appendChild(table(['Audit zone', 'Critical', 'High', 'Medium', 'Low', 'Info'], data.summary.byZone.map(function (z) {
    return [z.zone, String(z.counts.critical), String(z.counts.high), String(z.counts.medium), String(z.counts.low), String(z.counts.info)];
  })));
  if (data.summary.gaps.length === 0) $('gaps').appendChild(el('p', { text: 'Every resource type and node fact was read.' }));
  else $('gaps').appendChild(table(['Input', 'State', 'Reason'], data.summary.gaps.map(function (g) { return [g.what, g.state, g.reason]; })));
  if (data.summary.unverifiable.length === 0) $('unverifiable').appendChild(el('p', { text: 'Every rule could decide.' }));
  else $('unverifiable').appendChild(table(['Rule', 'Subjects', 'Missing'], data.summary.unverifiable.map(function (u) { return [u.title + ' (' + u.rule + ')', String(u.count), u.missing]; })));

  // ---- details panel: a zone or a component ----
  var zoneIndex = {}; data.zones.forEach(function (z, i) { zoneIndex[z.id] = i; });
  var compIndex = {}; data.components.forEach(function (c, i) { compIndex[c.id] = i; });
  function ratingBlock(r) {
    if (!r) return el('p', { class: 'muted', text: 'not rated' });
    var box = el('div', { class: 'rating' });
    [['Confidentiality', r.c], ['Integrity', r.i], ['Availability', r.a]].forEach(function (d) {
      box.appendChild(el('div', null, [el('strong', { text: d[0] + ' ' }), level(d[1].level)]));
      if (d[1].reasons.length > 0) box.appendChild(el('ul', null, d[1].reasons.map(function (t) { return el('li', { text: t }); })));
    });
    return box;
  }
  function flowRows(ids) {
    return ids.slice(0, 60).map(function (i) {
      var f = data.flows[i];
      return [f.fromName, f.toName, f.protocol + (f.port != null ? '/' + f.port : ''), f.words, f.purpose];
    });
  }
  function findingsOf(pred) { return data.findings.filter(pred); }
  function findingMini(list) {
    var ul = el('ul', { class: 'mini' });
    list.slice(0, 15).forEach(function (f) { ul.appendChild(el('li', null, [badge(f.severity), ' ' + f.title + ': ' + short(f.subject, 100)])); });
    if (list.length > 15) ul.appendChild(el('li', { class: 'muted', text: '… ' + (list.length - 15) + ' more' }));
    return ul;
  }
  function showPanel(kind, id) {
    var panel = $('panel'); clear(panel);
    var close = el('button', { type: 'button', class: 'close', 'aria-label': 'Close details', text: '×' });
    close.addEventListener('click', function () { clear(panel); panel.hidden = true; });
    panel.hidden = false;
    if (kind === 'zone') {
      var z = data.zones[zoneIndex[id]]; if (!z) return;
      var inZone = findingsOf(function (f) { return f.zonePath.indexOf(z.id) >= 0; });
      panel.appendChild(el('div', { class: 'panel-head' }, [el('h3', { id: 'panel-title', text: 'Zone ' + z.name }), close]));
      panel.appendChild(el('p', { class: 'muted', text: z.kind + ' zone; ' + z.path.join(' › ') }));
      panel.appendChild(el('p', null, [el('strong', { text: 'Owner: ' }), z.owner || 'not declared']));
      panel.appendChild(el('h4', { text: 'Criticality' })); panel.appendChild(ratingBlock(z.rating));
      panel.appendChild(el('h4', { text: 'Controls' }));
      panel.appendChild(z.controls.length ? table(['Control', 'Status', 'Detail'], z.controls.map(function (c) { return [c.kind, c.status, c.detail]; })) : el('p', { class: 'muted', text: 'none' }));
      panel.appendChild(el('h4', { text: 'Flows crossing the boundary (' + z.flows.length + ')' }));
      if (z.flows.length) panel.appendChild(table(['From', 'To', 'Port', 'Protection', 'Purpose'], flowRows(z.flows)));
      panel.appendChild(el('h4', { text: 'Members (' + z.members.length + ')' }));
      panel.appendChild(el('p', { text: z.members.slice(0, 40).map(function (m) { return data.components[compIndex[m]] ? data.components[compIndex[m]].name : m; }).join(', ') + (z.members.length > 40 ? ', …' : '') }));
      panel.appendChild(el('h4', { text: 'Findings (' + inZone.length + ')' }));
      panel.appendChild(findingMini(inZone));
      var b = el('button', { type: 'button', text: 'Show these in the findings list' });
      b.addEventListener('click', function () { setFilter('f-zone', z.id); location.hash = '#findings'; });
      panel.appendChild(b);
      var asm = data.assumptions.filter(function (a) { return a.zone === z.id || a.zone === z.name; });
      panel.appendChild(el('h4', { text: 'Assumptions (' + asm.length + ')' }));
      asm.forEach(function (a) { panel.appendChild(el('p', null, [el('span', { class: 'result-' + a.result, text: a.result }), ' ' + a.text])); });
    } else {
      var c = data.components[compIndex[id]]; if (!c) return;
      var mine = findingsOf(function (f) { return c.findings.indexOf(f.index) >= 0; });
      panel.appendChild(el('div', { class: 'panel-head' }, [el('h3', { id: 'panel-title', text: c.name }), close]));
      panel.appendChild(el('p', { class: 'muted', text: c.type + ' in zone ' + c.zoneName + (c.nodes.length ? '; runs on ' + c.nodes.slice(0, 10).join(', ') : '') }));
      panel.appendChild(el('p', null, [el('strong', { text: 'Owner: ' }), c.owner || 'not declared']));
      panel.appendChild(el('h4', { text: 'Criticality' })); panel.appendChild(ratingBlock(c.rating));
      panel.appendChild(el('h4', { text: 'Flows (' + c.flows.length + ')' }));
      if (c.flows.length) panel.appendChild(table(['From', 'To', 'Port', 'Protection', 'Purpose'], flowRows(c.flows)));
      var z2 = data.zones[zoneIndex[c.zone]];
      panel.appendChild(el('h4', { text: 'Controls of its zone' }));
      panel.appendChild(z2 && z2.controls.length ? table(['Control', 'Status', 'Detail'], z2.controls.map(function (x) { return [x.kind, x.status, x.detail]; })) : el('p', { class: 'muted', text: 'none' }));
      panel.appendChild(el('h4', { text: 'Findings (' + mine.length + ')' }));
      panel.appendChild(findingMini(mine));
    }
    close.focus();
  }

  // ---- diagram: pan, zoom, click ----
  var svg = document.querySelector('#diagram svg');
  if (svg) {
    var vb = svg.viewBox.baseVal; var home = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    var view = { x: home.x, y: home.y, w: home.w, h: home.h };
    function apply() { svg.setAttribute('viewBox', view.x + ' ' + view.y + ' ' + view.w + ' ' + view.h); }
    function zoom(f, cx, cy) {
      if (cx == null) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
      var w = Math.min(home.w * 4, Math.max(home.w / 20, view.w * f)); var k = w / view.w;
      view.x = cx - (cx - view.x) * k; view.y = cy - (cy - view.y) * k; view.w = w; view.h = view.h * k; apply();
    }
    function pan(dx, dy) { view.x += dx * view.w; view.y += dy * view.h; apply(); }
    function reset() { view = { x: home.x, y: home.y, w: home.w, h: home.h }; apply(); }
    $('zoom-in').addEventListener('click', function () { zoom(0.8); });
    $('zoom-out').addEventListener('click', function () { zoom(1.25); });
    $('zoom-reset').addEventListener('click', reset);
    var box = $('diagram');
    box.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      var r = svg.getBoundingClientRect();
      zoom(ev.deltaY < 0 ? 0.85 : 1.18, view.x + (ev.clientX - r.left) / r.width * view.w, view.y + (ev.clientY - r.top) / r.height * view.h);
    }, { passive: false });
    var drag = null;
    box.addEventListener('pointerdown', function (ev) { drag = { x: ev.clientX, y: ev.clientY, moved: false }; });
    box.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var r = svg.getBoundingClientRect(); var dx = ev.clientX - drag.x; var dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) { view.x -= dx / r.width * view.w; view.y -= dy / r.height * view.h; apply(); drag.x = ev.clientX; drag.y = ev.clientY; }
    });
    box.addEventListener('pointerup', function () { setTimeout(function () { drag = null; }, 0); });
    box.addEventListener('keydown', function (ev) {
      var keys = { '+': function () { zoom(0.8); }, '=': function () { zoom(0.8); }, '-': function () { zoom(1.25); }, '0': reset,
        ArrowLeft: function () { pan(-0.1, 0); }, ArrowRight: function () { pan(0.1, 0); }, ArrowUp: function () { pan(0, -0.1); }, ArrowDown: function () { pan(0, 0.1); } };
      if (ev.target === box && keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
    });
    Object.keys(data.svgMap).forEach(function (sid) {
      var g = document.getElementById(sid); if (!g) return;
      var target = data.svgMap[sid];
      g.setAttribute('tabindex', '0'); g.setAttribute('role', 'button'); g.classList.add('clickable');
      g.setAttribute('aria-label', (target.component ? 'component ' : 'zone ') + target.label);
      function open(ev) { if (drag && drag.moved) return; ev.stopPropagation(); if (target.component) showPanel('component', target.component); else showPanel('zone', target.zone); }
      g.addEventListener('click', open);
      g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open(ev); } });
    });
  }

  // ---- zone table (the first 200 rows; a large cluster's namespaces on request) ----
  var ZONE_ROWS = 200;
  function zoneTable(all) {
    var zones = data.zones.filter(function (z) { return z.kind !== 'node'; });
    var box = $('zones-table'); clear(box);
    box.appendChild(table(['Zone', 'Kind', 'C', 'I', 'A', 'Owner', 'Findings', ''], (all ? zones : zones.slice(0, ZONE_ROWS)).map(function (z) {
      var b = el('button', { type: 'button', class: 'link', text: 'details' });
      b.addEventListener('click', function () { showPanel('zone', z.id); $('panel').scrollIntoView(); });
      var name = el('span', { text: '\u00a0\u00a0'.repeat(z.path.length - 1) + short(z.name, 80) });
      return [name, z.kind, z.rating ? level(z.rating.c.level) : '-', z.rating ? level(z.rating.i.level) : '-', z.rating ? level(z.rating.a.level) : '-', z.owner || '', String(z.findingCount), b];
    })));
    if (!all && zones.length > ZONE_ROWS) {
      var more = el('button', { type: 'button', id: 'zones-all', text: 'Show all ' + zones.length + ' zones' });
      more.addEventListener('click', function () { zoneTable(true); });
      box.appendChild(more);
    }
  }
  zoneTable(false);

  // ---- findings: filters and pages ----
  var page = 0;
  function options(id, values, labels) {
    var s = $(id);
    values.forEach(function (v, i) { s.appendChild(el('option', { value: v, text: labels ? labels[i] : v })); });
  }
  function uniq(xs) { var seen = {}; return xs.filter(function (x) { if (x == null || seen[x]) return false; seen[x] = 1; return true; }).sort(); }
  var zoneIds = uniq([].concat.apply([], data.findings.map(function (f) { return f.zonePath; })));
  options('f-zone', zoneIds, zoneIds.map(function (id) { var z = data.zones[zoneIndex[id]]; return z ? short(z.path.join(' › '), 80) : id; }));
  options('f-severity', SEV.filter(function (s) { return data.findings.some(function (f) { return f.severity === s; }); }));
  options('f-rule', uniq(data.findings.map(function (f) { return f.rule; })));
  options('f-status', ['fail', 'unverifiable']);
  var owners = uniq(data.findings.map(function (f) { return f.owner; }));
  options('f-owner', owners, owners.map(function (o) { return short(o, 60); }));
  function setFilter(id, v) { $(id).value = v; page = 0; renderFindings(); }
  function filtered() {
    var zone = $('f-zone').value, sev = $('f-severity').value, rule = $('f-rule').value, st = $('f-status').value, owner = $('f-owner').value;
    var q = $('f-text').value.toLowerCase();
    return data.findings.filter(function (f) {
      return (!zone || f.zonePath.indexOf(zone) >= 0) && (!sev || f.severity === sev) && (!rule || f.rule === rule) &&
        (!st || f.status === st) && (!owner || f.owner === owner) && (!q || (f.title + ' ' + f.subject + ' ' + f.message).toLowerCase().indexOf(q) >= 0);
    });
  }
  function findingCard(f) {
    var d = el('details', { class: 'finding', 'data-rule': f.rule });
    d.appendChild(el('summary', null, [badge(f.severity), f.status === 'unverifiable' ? el('span', { class: 'tag', text: 'unverifiable' }) : null, ' ', el('strong', { text: f.title }), ' ', el('span', { class: 'subject', text: short(f.subject) }), el('span', { class: 'muted', text: ' · ' + short(f.zoneName, 60) })]));
    d.appendChild(el('p', { text: f.message }));
    d.appendChild(el('p', { class: 'muted', text: 'rule ' + f.rule + ' · zone ' + f.zoneName + ' · owner ' + (f.owner || 'not declared') }));
    if (f.raise) d.appendChild(el('p', { class: 'muted', text: 'severity raised from ' + f.raise }));
    if (f.missing) d.appendChild(el('p', null, [el('strong', { text: 'Missing: ' }), f.missing]));
    d.appendChild(el('h4', { text: 'Evidence' })); d.appendChild(evidenceList(f.evidence));
    d.appendChild(el('h4', { text: 'Remediation' }));
    d.appendChild(el('p', null, [el('strong', { text: 'Short term: ' }), f.shortTerm]));
    d.appendChild(el('p', null, [el('strong', { text: 'Long term: ' }), f.longTerm]));
    if (f.references.length) d.appendChild(el('ul', { class: 'refs' }, f.references.map(function (r) { return el('li', { text: r }); })));
    return d;
  }
  function renderFindings(all) {
    var list = filtered(); var pages = Math.max(1, Math.ceil(list.length / PAGE)); if (page >= pages) page = pages - 1;
    var out = $('findings-list'); clear(out);
    (all ? list : list.slice(page * PAGE, (page + 1) * PAGE)).forEach(function (f) { out.appendChild(findingCard(f)); });
    $('findings-count').textContent = list.length + ' of ' + data.findings.length + ' findings' + (pages > 1 ? '; page ' + (page + 1) + ' of ' + pages : '');
    $('prev-page').disabled = page === 0; $('next-page').disabled = page >= pages - 1;
  }
  ['f-zone', 'f-severity', 'f-rule', 'f-status', 'f-owner'].forEach(function (id) { $(id).addEventListener('change', function () { page = 0; renderFindings(); }); });
  $('f-text').addEventListener('input', function () { page = 0; renderFindings(); });
  $('f-clear').addEventListener('click', function () { ['f-zone', 'f-severity', 'f-rule', 'f-status', 'f-owner', 'f-text'].forEach(function (id) { $(id).value = ''; }); page = 0; renderFindings(); });
  $('prev-page').addEventListener('click', function () { page--; renderFindings(); });
  $('next-page').addEventListener('click', function () { page++; renderFindings(); });
  window.addEventListener('beforeprint', function () { renderFindings(true); document.querySelectorAll('details').forEach(function (d) { d.open = true; }); });
  window.addEventListener('afterprint', function () { renderFindings(); });
  renderFindings();

  // ---- attack paths ----
  var pathList = $('paths-list');
  if (data.paths.length === 0) pathList.appendChild(el('p', { text: 'No path from an entry point to a crown jewel.' }));
  $('paths-count').textContent = data.pathsLine;
  data.paths.forEach(function (p, i) {
    var b = el('button', { type: 'button', class: 'path-button', 'aria-pressed': 'false', 'data-path': String(i) }, [
      el('strong', { text: (i + 1) + '. ' }), p.entry + ' → ' + p.target, el('span', { class: 'muted', text: ' (' + p.jewel + ', ' + p.steps.length + ' steps)' })]);
    b.addEventListener('click', function () { showPath(i); });
    pathList.appendChild(el('li', null, [b]));
  });
  function showPath(i) {
    var p = data.paths[i]; var box = $('path-steps'); clear(box);
    document.querySelectorAll('.path-button').forEach(function (b) { b.setAttribute('aria-pressed', b.getAttribute('data-path') === String(i) ? 'true' : 'false'); });
    box.appendChild(el('h3', { id: 'path-title', tabindex: '-1', text: 'Path ' + (i + 1) + ': ' + p.entry + ' → ' + p.target }));
    var ol = el('ol', { class: 'steps' });
    p.steps.forEach(function (s) {
      ol.appendChild(el('li', { class: 'step' }, [
        el('div', null, [el('code', { text: s.from }), ' → ', el('code', { text: s.to })]),
        el('div', { class: 'technique', text: s.technique }),
        el('div', { class: 'cut' }, [el('strong', { text: 'Cut by: ' }), s.control]),
        s.assumption ? el('div', { class: 'muted', text: 'assumes ' + s.assumption }) : null,
        evidenceList(s.evidence),
      ]));
    });
    box.appendChild(ol); $('path-title').focus();
  }

  // ---- assumptions board, drift, RRA, issue drafts ----
  var board = $('assumptions');
  if (data.assumptions.length === 0) board.appendChild(el('p', { text: 'No threat model given: run ktm init, declare owners and assumptions, then ktm assess --model threatmodel.yaml.' }));
  uniq(data.assumptions.map(function (a) { return a.owner || 'no owner declared'; })).forEach(function (owner) {
    var team = el('section', { class: 'team' }, [el('h3', { text: owner })]);
    var cols = el('div', { class: 'columns' });
    ['contradicted', 'unverifiable', 'confirmed'].forEach(function (r) {
      var items = data.assumptions.filter(function (a) { return (a.owner || 'no owner declared') === owner && a.result === r; });
      cols.appendChild(el('div', { class: 'column' }, [el('h4', { class: 'result-' + r, text: r + ' (' + items.length + ')' })].concat(items.map(function (a) {
        return el('div', { class: 'assumption' }, [el('p', { text: a.text }), el('p', { class: 'muted', text: a.message }), a.missing ? el('p', { text: 'missing: ' + a.missing }) : null]);
      }))));
    });
    team.appendChild(cols); board.appendChild(team);
  });
  if (data.drift.length === 0) $('drift').appendChild(el('p', { text: data.assumptions.length === 0 ? 'No threat model given.' : 'Declared and observed agree.' }));
  else $('drift').appendChild(table(['Kind', 'Zone', 'Declared', 'Observed', 'Difference'], data.drift.map(function (d) { return [d.kind, d.zone, d.declared || '', d.observed || '', d.message]; })));
  if (data.rra.length === 0) $('rra').appendChild(el('p', { text: 'Not included (ktm rra writes it).' }));
  data.rra.forEach(function (r) { $('rra').appendChild(el('details', null, [el('summary', { text: r.subject }), el('pre', { text: r.markdown })])); });
  if (data.drafts.length === 0) $('drafts').appendChild(el('p', { text: 'No discrepancy at or above high.' }));
  $('drafts-count').textContent = data.drafts.length + ' issue drafts (discrepancies at or above high; ktm issues files them)';
  data.drafts.slice(0, 200).forEach(function (d) {
    $('drafts').appendChild(el('details', null, [el('summary', null, [badge(d.severity), ' ' + d.title, el('span', { class: 'muted', text: ' · ' + (d.owner || 'no owner') })]), el('pre', { text: d.body })]));
  });
})();
`;
