// Filters, sorts and folds the findings table that the report rendered. The state lives in
// the URL fragment (q, sev, check, supp, sort, dir, open), so a filtered view can be linked.
(function () {
  'use strict';
  var root = document.documentElement;
  var body = document.body;
  root.classList.add('js');

  function all(selector, scope) {
    return Array.prototype.slice.call((scope || document).querySelectorAll(selector));
  }

  var table = document.getElementById('findings');
  var groups = table ? all('tbody.finding', table) : [];
  var search = document.getElementById('q');
  var checkSelect = document.getElementById('check');
  var suppressed = document.getElementById('supp');
  var shown = document.getElementById('shown');
  var noMatch = document.getElementById('no-match');
  var severityBoxes = all('input[name="sev"]');
  var state = { sort: 'severity', dir: 'desc' };

  // What the search box looks through: the visible row, the field pointer and the full path.
  var haystack = new Map(groups.map(function (g) {
    return [g, (g.rows[0].textContent + ' ' + g.dataset.pointer + ' ' + g.dataset.path).toLowerCase()];
  }));

  var keys = {
    severity: function (g) { return [+g.dataset.rank]; },
    check: function (g) { return [g.dataset.check]; },
    message: function (g) { return [g.rows[0].cells[3].textContent.toLowerCase()]; },
    object: function (g) { return [g.rows[0].cells[4].textContent.toLowerCase()]; },
    location: function (g) { return [g.dataset.path, +g.dataset.line, +g.dataset.column]; }
  };

  function compare(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  function sort() {
    var key = keys[state.sort];
    var sign = state.dir === 'asc' ? 1 : -1;
    var sorted = groups.slice().sort(function (a, b) {
      return sign * compare(key(a), key(b)) || (+a.dataset.index - +b.dataset.index);
    });
    sorted.forEach(function (g) { table.appendChild(g); });
    all('th', table).forEach(function (th) {
      var button = th.querySelector('button[data-sort]');
      if (button && button.dataset.sort === state.sort) {
        th.setAttribute('aria-sort', state.dir === 'asc' ? 'ascending' : 'descending');
      } else {
        th.removeAttribute('aria-sort');
      }
    });
  }

  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var severities = new Set(severityBoxes.filter(function (b) { return b.checked; })
      .map(function (b) { return b.value; }));
    var check = checkSelect.value;
    var withSuppressed = !suppressed || suppressed.checked;
    var count = 0;
    groups.forEach(function (g) {
      var text = haystack.get(g);
      var visible = severities.has(g.dataset.severity) &&
        (!check || g.dataset.check === check) &&
        (withSuppressed || !('suppressed' in g.dataset)) &&
        words.every(function (w) { return text.indexOf(w) !== -1; });
      g.hidden = !visible;
      if (visible) count++;
    });
    shown.textContent = count + ' of ' + groups.length + ' shown';
    noMatch.hidden = count > 0;
  }

  function setOpen(g, open) {
    g.classList.toggle('open', open);
    var button = g.querySelector('button.tog');
    if (button) button.setAttribute('aria-expanded', String(open));
  }

  function readFragment() {
    var p = new URLSearchParams(location.hash.slice(1));
    if (p.has('q')) search.value = p.get('q');
    if (p.has('sev')) {
      var wanted = new Set(p.get('sev').split(','));
      severityBoxes.forEach(function (b) { b.checked = wanted.has(b.value); });
    }
    if (p.has('check')) checkSelect.value = p.get('check');
    if (suppressed && p.has('supp')) suppressed.checked = p.get('supp') !== '0';
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
    if (suppressed && !suppressed.checked) p.set('supp', '0');
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

  function update() {
    filter();
    writeFragment();
  }

  function only(box) {
    severityBoxes.forEach(function (b) { b.checked = b === box; });
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
    var open = readFragment();
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
      groups.forEach(function (g) { if (!g.hidden) setOpen(g, true); });
    });
    document.getElementById('collapse').addEventListener('click', function () {
      groups.forEach(function (g) { setOpen(g, false); });
    });
    table.addEventListener('click', function (e) {
      var header = e.target.closest('button[data-sort]');
      if (header) {
        var key = header.dataset.sort;
        if (key === state.sort) {
          state.dir = state.dir === 'asc' ? 'desc' : 'asc';
        } else {
          state.sort = key;
          state.dir = key === 'severity' ? 'desc' : 'asc';
        }
        sort();
        writeFragment();
        return;
      }
      var row = e.target.closest('tr.row');
      // Selecting text in a row should not fold it.
      if (!row || String(window.getSelection()) !== '') return;
      var g = row.parentElement;
      setOpen(g, !g.classList.contains('open'));
    });
    sort();
    filter();
    if (open === 'all') {
      groups.forEach(function (g) { if (!g.hidden) setOpen(g, true); });
    } else if (open) {
      var target = document.getElementById(open);
      if (target && groups.indexOf(target) !== -1) {
        setOpen(target, true);
        target.scrollIntoView();
      }
    }
  }

  body.dataset.rows = String(groups.length);
  body.dataset.ok = '1';
})();
