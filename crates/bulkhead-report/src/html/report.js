// Draws, filters, sorts, groups and folds the findings table from the JSON block the
// report embeds (`#data`; its layout, one array per field, is described in html/data.rs).
// Only the rows in view are in the DOM: the table is a window onto the filtered, sorted
// list, with two padding bodies standing in for the rows above and below, so a report of
// 100,000 findings draws as fast as one of ten. Everything from the input is set as text,
// never parsed as markup. The state lives in the URL fragment (q, sev, check, ns, supp,
// group, sort, dir, open), so a filtered view can be linked.
(function () {
  'use strict';
  var root = document.documentElement;
  var body = document.body;
  root.classList.add('js');

  function all(selector, scope) {
    return Array.prototype.slice.call((scope || document).querySelectorAll(selector));
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  var table = document.getElementById('findings');
  var dataBlock = document.getElementById('data');
  var D = table && dataBlock ? JSON.parse(dataBlock.textContent) : { sevs: [], c: [], o: [], k: [] };
  var S = D.s;
  var N = D.k.length;
  // Parsed once; the text would only hold memory (and weigh on every DOM serialisation).
  if (dataBlock) dataBlock.textContent = '';
  // What only an unfolded row needs is split out the first time one unfolds.
  var snippets = null, fingerprints = null;
  function snippetOf(i) {
    if (!snippets) snippets = D.sn.split('\n');
    return snippets[i].split(' ');
  }
  function fingerprintOf(i) {
    if (!fingerprints) fingerprints = D.fp.split(' ');
    return fingerprints[i];
  }

  var search = document.getElementById('q');
  var checkSelect = document.getElementById('check');
  var namespaceSelect = document.getElementById('ns');
  var groupSelect = document.getElementById('group');
  var suppressed = document.getElementById('supp');
  var shown = document.getElementById('shown');
  var noMatch = document.getElementById('no-match');
  var padTop = document.getElementById('pad-top');
  var padBottom = document.getElementById('pad-bottom');
  var severityBoxes = all('input[name="sev"]');
  var state = { sort: 'severity', dir: 'desc', group: '' };

  function checkId(i) { return D.c[D.k[i]][0]; }
  function object(i) { return D.o[D.ob[i]]; }
  function objectText(i) { var o = object(i); return S[o[1]] + ' ' + S[o[2]]; }
  function supp(i) { return D.u[i] || null; }

  // The search box looks through what a row shows, the field pointer and the full path;
  // built on the first search, as most views never search.
  var haystack = null;
  function text(i) {
    if (!haystack) {
      haystack = new Array(N);
      for (var k = 0; k < N; k++) {
        var c = D.c[D.k[k]], u = supp(k);
        haystack[k] = (D.sevs[D.r[k]] + ' ' + c[0] + ' ' + c[1] + ' ' + S[D.m[k]] + ' ' +
          (u ? (u[0] === 'baseline' ? 'baselined ' : 'suppressed ') : '') + objectText(k) + ' ' +
          S[D.p[k]] + ':' + D.l[k] + ':' + D.col[k] + ' ' + S[D.t[k]]).toLowerCase();
      }
    }
    return haystack[i];
  }

  var keys = {
    severity: function (i) { return D.r[i]; },
    check: function (i) { return checkId(i); },
    message: function (i) { return S[D.m[i]].toLowerCase(); },
    object: function (i) { return objectText(i).toLowerCase(); },
    location: function (i) { return S[D.p[i]]; }
  };

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // The findings in display order (all of them, filtered or not).
  var order = [];
  function sort() {
    order = new Array(N);
    for (var i = 0; i < N; i++) order[i] = i;
    if (state.sort !== 'severity' || state.dir !== 'desc') {
      var key = keys[state.sort];
      var sign = state.dir === 'asc' ? 1 : -1;
      var values = order.map(key);
      var byLocation = state.sort === 'location';
      order.sort(function (a, b) {
        var d = cmp(values[a], values[b]);
        if (!d && byLocation) d = D.l[a] - D.l[b] || D.col[a] - D.col[b];
        return sign * d || a - b;
      });
    }
    all('th', table).forEach(function (th) {
      var button = th.querySelector('button[data-sort]');
      if (button && button.dataset.sort === state.sort) {
        th.setAttribute('aria-sort', state.dir === 'asc' ? 'ascending' : 'descending');
      } else {
        th.removeAttribute('aria-sort');
      }
    });
  }

  // What is drawn: finding indices (>= 0) and group headers (-1 - group).
  var items = [];
  var groups = [];
  var closedGroups = new Set();
  var open = new Uint8Array(N);
  var count = 0;

  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var ranks = new Set(severityBoxes.filter(function (b) { return b.checked; })
      .map(function (b) { return D.sevs.indexOf(b.value); }));
    var check = checkSelect.value;
    var namespace = namespaceSelect.value;
    var withSuppressed = !suppressed || suppressed.checked;
    var visible = [];
    for (var k = 0; k < N; k++) {
      var i = order[k];
      if (!ranks.has(D.r[i])) continue;
      if (check && checkId(i) !== check) continue;
      if (namespace) {
        var ns = D.o[D.ob[i]][3];
        if (namespace === '-' ? ns >= 0 : ns < 0 || S[ns] !== namespace) continue;
      }
      if (!withSuppressed && supp(i)) continue;
      if (words.length) {
        var t = text(i);
        if (!words.every(function (w) { return t.indexOf(w) !== -1; })) continue;
      }
      visible.push(i);
    }
    count = visible.length;
    groups = [];
    if (!state.group) {
      items = visible;
    } else {
      // Groups in the order of their first finding, so the sort applies to groups too.
      var byKey = new Map();
      visible.forEach(function (i) {
        var key = state.group === 'check' ? checkId(i) : D.ob[i];
        var g = byKey.get(key);
        if (g === undefined) {
          g = groups.length;
          byKey.set(key, g);
          var label = state.group === 'check'
            ? checkId(i) + ' ' + D.c[D.k[i]][1]
            : objectText(i) + ' (' + S[object(i)[0]] + ')';
          groups.push({ key: String(key), label: label, members: [] });
        }
        groups[g].members.push(i);
      });
      items = [];
      groups.forEach(function (g, n) {
        items.push(-1 - n);
        if (!closedGroups.has(state.group + ':' + g.key)) {
          for (var m = 0; m < g.members.length; m++) items.push(g.members[m]);
        }
      });
    }
    shown.textContent = count + ' of ' + N + ' shown';
    body.dataset.shown = String(count);
    noMatch.hidden = count > 0;
    layout();
  }

  // Heights: measured once drawn, estimated until then.
  var rowHeight = 37, detailHeight = 260, headerHeight = 34;
  var measured = new Float32Array(N);
  var offsets = new Float64Array(1);
  function estimate(item) {
    if (item < 0) return headerHeight;
    return measured[item] || (open[item] ? rowHeight + detailHeight : rowHeight);
  }
  function layout() {
    offsets = new Float64Array(items.length + 1);
    for (var k = 0; k < items.length; k++) offsets[k + 1] = offsets[k] + estimate(items[k]);
    draw();
  }

  // The first item whose bottom is below `y`.
  function itemAt(y) {
    var lo = 0, hi = items.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (offsets[mid + 1] <= y) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  var OVERSCAN = 8;
  var drawn = [];
  function draw() {
    drawn.forEach(function (node) { node.remove(); });
    drawn = [];
    var top = padTop.getBoundingClientRect().top;
    var from = Math.max(0, itemAt(-top) - OVERSCAN);
    var to = Math.min(items.length, itemAt(-top + window.innerHeight) + 1 + OVERSCAN);
    var fragment = document.createDocumentFragment();
    for (var k = from; k < to; k++) {
      var node = items[k] < 0 ? header(-1 - items[k]) : finding(items[k]);
      drawn.push(node);
      fragment.appendChild(node);
    }
    table.insertBefore(fragment, padBottom);
    // Measure what was drawn; later rows move, the ones in view do not.
    var changed = false;
    for (var d = 0; d < drawn.length; d++) {
      var item = items[from + d];
      var h = drawn[d].getBoundingClientRect().height;
      if (item < 0) {
        if (h && h !== headerHeight) { headerHeight = h; changed = true; }
      } else if (h && measured[item] !== h) {
        measured[item] = h;
        changed = true;
      }
    }
    if (changed) {
      for (var k2 = 0; k2 < items.length; k2++) offsets[k2 + 1] = offsets[k2] + estimate(items[k2]);
    }
    padTop.rows[0].cells[0].style.height = offsets[from] + 'px';
    padBottom.rows[0].cells[0].style.height = (offsets[items.length] - offsets[to]) + 'px';
  }

  var pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  }

  function header(g) {
    var group = groups[g];
    var tb = el('tbody', 'group');
    var closed = closedGroups.has(state.group + ':' + group.key);
    if (closed) tb.classList.add('closed');
    tb.dataset.group = group.key;
    var tr = tb.appendChild(el('tr', 'group-row'));
    var toggle = tr.appendChild(el('td', 'tog-col')).appendChild(el('button', 'tog'));
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', String(!closed));
    toggle.setAttribute('aria-label', 'Fold group');
    var td = tr.appendChild(el('td'));
    td.colSpan = 5;
    td.appendChild(el('b', null, group.label));
    td.appendChild(el('span', 'count', String(group.members.length)));
    return tb;
  }

  function finding(i) {
    var c = D.c[D.k[i]], o = object(i), u = supp(i);
    var sev = D.sevs[D.r[i]], path = S[D.p[i]], line = D.l[i], col = D.col[i];
    var tb = el('tbody', 'finding sev-' + sev + (u ? ' suppressed' : '') + (open[i] ? ' open' : ''));
    tb.id = 'f' + i;
    tb.dataset.index = i;
    tb.dataset.severity = sev;
    tb.dataset.rank = D.r[i];
    tb.dataset.check = c[0];
    tb.dataset.path = path;
    tb.dataset.line = line;
    tb.dataset.column = col;
    if (u) tb.dataset.suppressed = u[0];
    var tr = tb.appendChild(el('tr', 'row'));
    var tog = tr.appendChild(el('td', 'tog-col')).appendChild(el('button', 'tog'));
    tog.type = 'button';
    tog.setAttribute('aria-expanded', String(!!open[i]));
    tog.setAttribute('aria-label', 'Details');
    tr.appendChild(el('td')).appendChild(el('span', 'sev sev-' + sev, sev));
    var check = tr.appendChild(el('td', 'check'));
    check.appendChild(el('code', null, c[0]));
    check.appendChild(el('span', 'slug', c[1]));
    var msg = tr.appendChild(el('td', 'msg', S[D.m[i]]));
    if (u) {
      msg.appendChild(document.createTextNode(' '));
      msg.appendChild(el('span', 'badge supp', u[0] === 'baseline' ? 'baselined' : 'suppressed'));
    }
    var obj = tr.appendChild(el('td', 'obj'));
    obj.appendChild(el('span', 'kind', S[o[1]]));
    obj.appendChild(document.createTextNode(' ' + S[o[2]]));
    var loc = tr.appendChild(el('td', 'loc'));
    loc.title = path + ':' + line + ':' + col;
    loc.appendChild(el('span', 'path', path));
    loc.appendChild(el('span', 'pos', ':' + line + ':' + col));
    if (open[i]) tb.appendChild(detail(i));
    return tb;
  }

  function detail(i) {
    var c = D.c[D.k[i]], o = object(i), u = supp(i), notes = D.no[i] || [], template = D.h[i];
    var tr = el('tr', 'detail');
    tr.appendChild(el('td', 'tog-col'));
    var td = tr.appendChild(el('td'));
    td.colSpan = 5;
    var box = td.appendChild(el('div', 'detail-body'));
    box.appendChild(snippet(i));
    var dl = box.appendChild(el('dl', 'facts'));
    function fact(name, value) {
      dl.appendChild(el('dt', null, name));
      var dd = dl.appendChild(el('dd'));
      if (typeof value === 'string') dd.textContent = value;
      return dd;
    }
    fact('Fix', c[2]);
    var field = fact('Field');
    field.appendChild(el('code', null, S[D.t[i]]));
    if (!D.x[i]) {
      field.appendChild(document.createTextNode(' '));
      field.appendChild(el('span', 'quiet', 'not set; shown at its nearest parent'));
    }
    var objectFact = fact('Object');
    objectFact.appendChild(el('code', null, S[o[0]]));
    objectFact.appendChild(document.createTextNode(' ' + S[o[1]] + ' '));
    objectFact.appendChild(el('code', null, S[o[2]]));
    if (template) fact('Template').appendChild(el('code', null, template));
    var lists = [['cis', c[3]], ['pss', D.pl[D.ps[i]].map(function (s) { return S[s]; })],
      ['nsa', c[4]], ['mitre', c[5]]];
    if (lists.some(function (l) { return l[1].length; })) {
      var tags = fact('Compliance');
      tags.className = 'tags';
      lists.forEach(function (l) {
        l[1].forEach(function (id) {
          var tag = tags.appendChild(el('span', 'tag'));
          tag.appendChild(el('b', null, l[0]));
          tag.appendChild(document.createTextNode(' ' + id));
        });
      });
    }
    if (u) {
      var what = { annotation: 'by an annotation at', comment: 'by a comment at', baseline: 'in the baseline' };
      var s = fact('Suppressed');
      s.appendChild(document.createTextNode(what[u[0]] + ' '));
      s.appendChild(el('code', null, u[1]));
      var rest = (u[2] ? ' until ' + u[2] : '') + (u[3] ? ': ' + u[3] : '');
      if (rest) s.appendChild(document.createTextNode(rest));
    }
    notes.forEach(function (note) { fact('Note', note); });
    fact('Docs').appendChild(el('code', null, 'bulkhead explain ' + c[0]));
    fact('Fingerprint').appendChild(el('code', null, fingerprintOf(i)));
    return tr;
  }

  function snippet(i) {
    var sn = snippetOf(i), from = +sn[0], elided = +sn[1];
    var box = el('div', 'snippet');
    box.setAttribute('role', 'figure');
    box.setAttribute('aria-label', S[D.p[i]] + ', line ' + D.l[i]);
    sn.slice(2).forEach(function (entry, k) {
      var line = entry.split(':').map(Number);
      if (line.length === 1) line = [line[0], -1, -1, 0, 0];
      var t = S[line[0]];
      var div = box.appendChild(el('div', line[1] >= 0 ? 'line hit' : 'line'));
      div.appendChild(el('span', 'ln', String(from + k)));
      var code = div.appendChild(el('code'));
      if (line[3]) code.appendChild(el('span', 'cut', '…'));
      if (line[1] >= 0) {
        code.appendChild(document.createTextNode(t.slice(0, line[1])));
        code.appendChild(el('mark', line[1] === line[2] ? 'point' : null, t.slice(line[1], line[2])));
        code.appendChild(document.createTextNode(t.slice(line[2])));
      } else {
        code.appendChild(document.createTextNode(t));
      }
      if (line[4]) code.appendChild(el('span', 'cut', '…'));
    });
    if (elided > 0) {
      var more = box.appendChild(el('div', 'line elided'));
      more.appendChild(el('span', 'ln', '⋮'));
      more.appendChild(el('code', null, elided + ' more line' + (elided === 1 ? '' : 's') + ' of the same span'));
    }
    return box;
  }

  function setOpen(i, value) {
    open[i] = value ? 1 : 0;
    measured[i] = 0;
  }

  // Selects `value`, adding it when no finding has it, so a linked view shows none rather
  // than all.
  function choose(select, value) {
    select.value = value;
    if (select.value !== value) {
      var option = select.appendChild(el('option', null, value + ' (0)'));
      option.value = value;
      select.value = value;
    }
  }

  function readFragment() {
    var p = new URLSearchParams(location.hash.slice(1));
    if (p.has('q')) search.value = p.get('q');
    if (p.has('sev')) {
      var wanted = new Set(p.get('sev').split(','));
      severityBoxes.forEach(function (b) { b.checked = wanted.has(b.value); });
    }
    if (p.has('check')) choose(checkSelect, p.get('check'));
    if (p.has('ns')) choose(namespaceSelect, p.get('ns'));
    if (suppressed && p.has('supp')) suppressed.checked = p.get('supp') !== '0';
    if (p.get('group') === 'check' || p.get('group') === 'object') state.group = p.get('group');
    groupSelect.value = state.group;
    if (Object.prototype.hasOwnProperty.call(keys, p.get('sort'))) state.sort = p.get('sort');
    if (p.get('dir') === 'asc' || p.get('dir') === 'desc') state.dir = p.get('dir');
    return p.get('open');
  }

  function writeFragment() {
    var p = new URLSearchParams();
    if (search.value) p.set('q', search.value);
    if (severityBoxes.some(function (b) { return !b.checked; })) {
      p.set('sev', severityBoxes.filter(function (b) { return b.checked; })
        .map(function (b) { return b.value; }).join(','));
    }
    if (checkSelect.value) p.set('check', checkSelect.value);
    if (namespaceSelect.value) p.set('ns', namespaceSelect.value);
    if (suppressed && !suppressed.checked) p.set('supp', '0');
    if (state.group) p.set('group', state.group);
    if (state.sort !== 'severity' || state.dir !== 'desc') {
      p.set('sort', state.sort);
      p.set('dir', state.dir);
    }
    var fragment = p.toString();
    if (fragment === location.hash.slice(1)) return;
    try {
      history.replaceState(null, '', fragment ? '#' + fragment : location.pathname + location.search);
    } catch (e) {
      // Some browsers refuse history changes on file: pages; the view still works.
    }
  }

  // Typing in the search box filters once the typing pauses.
  var typing = 0;
  function update(e) {
    clearTimeout(typing);
    if (e && e.target === search && N > 5000) {
      typing = setTimeout(update, 150);
      return;
    }
    state.group = groupSelect.value;
    filter();
    writeFragment();
  }

  function only(box) {
    severityBoxes.forEach(function (b) { b.checked = b === box; });
  }

  // The distance from the top of the document to item `k`.
  function scrollToItem(k) {
    var top = padTop.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top + offsets[k]);
    draw();
  }

  // A click on a chart bar narrows the table to that severity or check.
  function activate(bar) {
    if (!table) return;
    if (bar.dataset.filterSev) {
      only(severityBoxes.filter(function (b) { return b.value === bar.dataset.filterSev; })[0]);
    }
    if (bar.dataset.filterCheck) {
      checkSelect.value = bar.dataset.filterCheck;
      severityBoxes.forEach(function (b) { b.checked = true; });
    }
    update();
    document.getElementById('findings-section').scrollIntoView({ behavior: 'smooth' });
  }
  all('[data-filter-sev], [data-filter-check]').forEach(function (bar) {
    bar.addEventListener('click', function () { activate(bar); });
  });

  if (table) {
    var wanted = readFragment();
    var form = document.getElementById('filters');
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    form.addEventListener('reset', function () {
      // The form resets its fields after this event; filter once it has.
      setTimeout(update, 0);
    });
    // Double-clicking a severity chip keeps only that severity.
    severityBoxes.forEach(function (b) {
      b.parentElement.addEventListener('dblclick', function (e) {
        e.preventDefault();
        only(b);
        update();
      });
    });
    document.getElementById('expand').addEventListener('click', function () {
      items.forEach(function (i) { if (i >= 0) setOpen(i, true); });
      layout();
    });
    document.getElementById('collapse').addEventListener('click', function () {
      for (var i = 0; i < N; i++) if (open[i]) setOpen(i, false);
      layout();
    });
    table.addEventListener('click', function (e) {
      var button = e.target.closest('button[data-sort]');
      if (button) {
        var key = button.dataset.sort;
        if (key === state.sort) {
          state.dir = state.dir === 'asc' ? 'desc' : 'asc';
        } else {
          state.sort = key;
          state.dir = key === 'severity' ? 'desc' : 'asc';
        }
        sort();
        filter();
        writeFragment();
        return;
      }
      // Selecting text in a row should not fold it.
      if (String(window.getSelection()) !== '') return;
      var group = e.target.closest('tbody.group');
      if (group) {
        var id = state.group + ':' + group.dataset.group;
        if (closedGroups.has(id)) closedGroups.delete(id); else closedGroups.add(id);
        filter();
        return;
      }
      var row = e.target.closest('tr.row');
      if (!row) return;
      var i = +row.parentElement.dataset.index;
      setOpen(i, !open[i]);
      layout();
    });
    window.addEventListener('scroll', redraw, { passive: true });
    window.addEventListener('resize', function () {
      measured = new Float32Array(N);
      layout();
    });
    sort();
    filter();
    if (wanted === 'all') {
      items.forEach(function (i) { if (i >= 0) setOpen(i, true); });
      layout();
    } else if (wanted && /^f[0-9]+$/.test(wanted)) {
      var target = +wanted.slice(1);
      var at = items.indexOf(target);
      if (target < N && at !== -1) {
        setOpen(target, true);
        layout();
        scrollToItem(at);
      }
    }
  }

  body.dataset.rows = String(N);
  body.dataset.shown = String(count);
  body.dataset.readyMs = String(Math.round(performance.now()));
  body.dataset.ok = '1';
})();
