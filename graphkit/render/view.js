/* graphkit view: legend, filters, search, details and timeline for a vis-network graph.
 * Every string from the data reaches the page through textContent or a DOM
 * property, never parsed as markup. Links are made only for http(s) URLs. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graphkit-data").textContent);
  var HEX = /^#[0-9a-fA-F]{6}$/;
  var SVG = "http://www.w3.org/2000/svg";
  var SHAPES = {  // legend glyphs drawn like vis-network's shapes, in a 16x16 box
    dot: "circle", square: "M2.5 2.5h11v11h-11z", diamond: "M8 1.5l6.5 6.5-6.5 6.5-6.5-6.5z",
    triangle: "M8 2l6.5 11.5h-13z", triangleDown: "M8 14l6.5-11.5h-13z",
    star: "M8 1l1.9 4.6 4.9.4-3.7 3.2 1.2 4.8-4.3-2.6-4.3 2.6 1.2-4.8-3.7-3.2 4.9-.4z",
    hexagon: "M8 1.5l5.6 3.25v6.5l-5.6 3.25-5.6-3.25v-6.5z" };

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function isWebUrl(url) { return typeof url === "string" && /^https?:\/\/\S/i.test(url.trim()); }
  function normalise(text) {
    return String(text).normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  function short(text, n) { text = String(text); return text.length > n ? text.slice(0, n - 1) + "\u2026" : text; }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var byId = {}, edgeById = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  data.edges.forEach(function (e) { edgeById[e.id] = e; });

  var container = document.getElementById("gk-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var status = document.getElementById("gk-status");
  var panel = document.getElementById("gk-details");
  var details = document.getElementById("gk-details-body");
  var view = { network: network, nodes: nodes, edges: edges, data: data, ready: false, byId: byId, edgeById: edgeById };
  window.graphkitNetwork = network;
  window.graphkitView = view;

  /* ---- first drawing: settle labels, fit, ready -------------------------- */
  function fitAll(ids) {
    /* vis-network's fit leaves 10% of the canvas empty; the boxes it fits already include the
       labels, so a 2% margin is enough */
    network.fit(ids ? { nodes: ids, animation: false } : { animation: false });
    network.moveTo({ scale: network.getScale() * 1.09, animation: false });
  }
  view.fit = fitAll;
  function separateLabels() {
    /* The page's fonts decide how wide a label really is: push apart any two nodes whose
       drawn boxes (shape and label) still overlap. A grid keeps each round linear. */
    var ids = network.body.nodeIndices, boxes = [], cell = 1;
    ids.forEach(function (id) {
      var node = network.body.nodes[id], b = node.shape.boundingBox;
      var box = { id: id, x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2,
        w: b.right - b.left + 6, h: b.bottom - b.top + 6, dx: node.x - (b.left + b.right) / 2,
        dy: node.y - (b.top + b.bottom) / 2 };
      cell = Math.max(cell, box.w, box.h);
      boxes.push(box);
    });
    var moved = false;
    for (var round = 0; round < 200; round++) {
      var grid = {}, overlaps = 0;
      boxes.forEach(function (b, i) {
        var key = Math.floor(b.x / cell) + "," + Math.floor(b.y / cell);
        (grid[key] = grid[key] || []).push(i);
      });
      boxes.forEach(function (a, i) {
        var gx = Math.floor(a.x / cell), gy = Math.floor(a.y / cell);
        for (var dx = -1; dx <= 1; dx++) for (var dy = -1; dy <= 1; dy++) {
          (grid[(gx + dx) + "," + (gy + dy)] || []).forEach(function (j) {
            if (j <= i) return;
            var b = boxes[j], ddx = b.x - a.x, ddy = b.y - a.y;
            var ox = (a.w + b.w) / 2 - Math.abs(ddx), oy = (a.h + b.h) / 2 - Math.abs(ddy);
            if (ox <= 0 || oy <= 0) return;
            overlaps++;
            if (ox < oy) { var sx = (ddx >= 0 ? 1 : -1) * (ox / 2 + 0.01); a.x -= sx; b.x += sx; }
            else { var sy = (ddy >= 0 ? 1 : -1) * (oy / 2 + 0.01); a.y -= sy; b.y += sy; }
          });
        }
      });
      if (!overlaps) break;
      moved = true;
    }
    if (moved) boxes.forEach(function (b) { network.moveNode(b.id, b.x + b.dx, b.y + b.dy); });
  }
  var waiting = [];
  view.onReady = function (fn) { if (view.ready) fn(); else waiting.push(fn); };
  function markReady() {
    if (view.ready) return;
    waiting.splice(0).forEach(function (fn) { fn(); });
    view.ready = true;
    document.body.setAttribute("data-ready", "true");
  }
  if (data.layout === "physics" && data.nodes.length > 0) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      fitAll();
      markReady();
    });
  } else if (data.nodes.length > 0) {
    network.once("afterDrawing", function () {
      if (!data.large) { separateLabels(); }
      fitAll();
      network.redraw();
      markReady();
    });
    fitAll();
  } else {
    markReady();
  }

  /* ---- hover: an edge's label shows at a readable size ------------------- */
  network.on("hoverEdge", function (params) {
    var e = edgeById[params.edge];
    if (e) edges.update({ id: e.id, font: { size: Math.max(14, 15 / network.getScale()) } });
  });
  network.on("blurEdge", function (params) {
    if (edgeById[params.edge]) edges.update({ id: params.edge, font: { size: data.options.edges.font.size } });
  });

  /* ---- details panel ---------------------------------------------------- */
  function clearDetails() { while (details.firstChild) details.removeChild(details.firstChild); }
  function openPanel() { panel.hidden = false; }
  document.getElementById("gk-details-close").addEventListener("click", function () {
    panel.hidden = true;
    network.unselectAll();
    undim();
  });
  function addRow(list, term, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
    list.appendChild(el("dt", term));
    list.appendChild(el("dd", Array.isArray(value) ? value.join("; ") : value));
  }
  function linkButton(text, onClick) {
    var b = el("button", text, "gk-link-button");
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function dateText(e) { return e.date ? (e.approximate ? e.date + " (approximate)" : e.date) : ""; }
  function showNode(id) {
    var n = byId[id];
    if (!n) return;
    clearDetails();
    openPanel();
    details.appendChild(el("h2", "Entity"));
    details.appendChild(el("h3", n.name));
    var dl = el("dl");
    addRow(dl, "Type", n.type_label + " \u00B7 " + n.family);
    addRow(dl, "Also known as", n.aliases);
    addRow(dl, "Description", n.description);
    addRow(dl, "Identifier", n.id);
    details.appendChild(dl);
    var all = network.getConnectedEdges(id), groups = {}, order = [];
    all.forEach(function (eid) {
      var e = edgeById[eid];
      if (!e) return;
      var out = e.from === id, key = (out ? "" : "\u2190 ") + e.relation + (out && !e.symmetric ? " \u2192" : "");
      if (!groups[key]) { groups[key] = []; order.push(key); }
      groups[key].push({ edge: e, other: byId[out ? e.to : e.from] });
    });
    if (!order.length) return;
    details.appendChild(el("h2", "Relationships (" + all.length + ")"));
    order.sort();
    order.forEach(function (key) {
      var section = el("details"), list = el("ul"), items = groups[key];
      section.open = all.length <= 12 || order.length === 1;
      section.appendChild(el("summary", key + " (" + items.length + ")"));
      items.slice(0, 200).forEach(function (item) {
        var li = el("li"), e = item.edge;
        var text = short(item.other ? item.other.name : "", 120) + (e.date ? " (" + e.date + ")" : "");
        li.appendChild(linkButton(text, function () { selectEdge(e.id); }));
        list.appendChild(li);
      });
      if (items.length > 200) list.appendChild(el("li", "\u2026 and " + (items.length - 200) + " more", "gk-hint"));
      section.appendChild(list);
      details.appendChild(section);
    });
  }
  function sourceItem(s) {
    var li = el("li");
    var title = s.title || s.iri || "untitled source";
    if (isWebUrl(s.url)) {
      var a = el("a", title);
      a.href = s.url.trim();
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      li.appendChild(a);
    } else {
      li.appendChild(el("span", title));
    }
    var meta = [s.publisher, s.date].filter(Boolean).join(", ");
    if (meta) li.appendChild(el("div", meta, "gk-source-meta"));
    if (s.url && !isWebUrl(s.url)) li.appendChild(el("div", s.url, "gk-source-meta"));
    return li;
  }
  function showEdge(id) {
    var e = edgeById[id];
    if (!e) return;
    var a = byId[e.from], b = byId[e.to], arrow = e.symmetric ? " \u2014 " : " \u2192 ";
    clearDetails();
    openPanel();
    details.appendChild(el("h2", "Relationship"));
    details.appendChild(el("h3", (a ? a.name : e.from) + arrow + e.relation + arrow + (b ? b.name : e.to)));
    var dl = el("dl");
    addRow(dl, "Relation", e.relation);
    addRow(dl, "Date", dateText(e) || "not given by the source");
    addRow(dl, "Description", e.description);
    addRow(dl, "Quote", e.quote);
    addRow(dl, "Grounds", e.grounds);
    addRow(dl, "According to", e.according_to);
    addRow(dl, "Statement", e.statement);
    details.appendChild(dl);
    details.appendChild(el("h2", "Sources"));
    if (e.sources && e.sources.length) {
      var ol = el("ol", null, "gk-sources");
      e.sources.forEach(function (s) { ol.appendChild(sourceItem(s)); });
      details.appendChild(ol);
    } else {
      details.appendChild(el("p", "No source is recorded for this relationship.", "gk-hint"));
    }
    var nav = el("p");
    if (a) nav.appendChild(linkButton(short(a.name, 80), function () { selectNode(a.id, false); }));
    if (a && b) nav.appendChild(document.createTextNode(" \u00B7 "));
    if (b) nav.appendChild(linkButton(short(b.name, 80), function () { selectNode(b.id, false); }));
    details.appendChild(nav);
  }
  /* the match and its neighbourhood stand out; the rest fades */
  var dimmed = false;
  function dim(keep) {
    var nodeChanges = [], edgeChanges = [];
    data.nodes.forEach(function (n) { nodeChanges.push({ id: n.id, opacity: keep[n.id] ? 1 : 0.2 }); });
    data.edges.forEach(function (e) {
      var on = keep[e.from] && keep[e.to];
      edgeChanges.push({ id: e.id, color: { color: on ? "#5f6368" : "#e4e6e8", inherit: false } });
    });
    nodes.update(nodeChanges);
    edges.update(edgeChanges);
    dimmed = true;
  }
  function undim() {
    if (!dimmed) return;
    nodes.update(data.nodes.map(function (n) { return { id: n.id, opacity: 1 }; }));
    edges.update(data.edges.map(function (e) { return { id: e.id, color: data.options.edges.color }; }));
    dimmed = false;
  }
  function neighbourhood(id) {
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (other) { keep[other] = true; });
    return keep;
  }
  function selectNode(id, zoom) {
    network.selectNodes([id]);
    network.focus(id, { scale: zoom ? Math.max(network.getScale(), 1.0) : network.getScale(), animation: { duration: 250 } });
    showNode(id);
  }
  function selectEdge(id) {
    network.selectEdges([id]);
    showEdge(id);
  }
  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
    else { panel.hidden = true; undim(); }
  });
  view.showNode = showNode;
  view.showEdge = showEdge;
  view.sourceItem = sourceItem;
  view.el = el;
  view.selectNode = selectNode;
  view.dim = dim;
  view.undim = undim;

  /* ---- filters, timeline and story all decide what is hidden ------------- */
  var hiddenTypes = {}, hiddenRelations = {};
  var time = { on: false, lo: null, hi: null, hideUndated: false };
  view.only = null;  // a story step: {nodes: {id: true}, edges: {id: true}} or null for everything
  function edgeShown(e, hiddenNode) {
    if (hiddenRelations[e.relation] || hiddenNode[e.from] || hiddenNode[e.to]) return false;
    if (view.only && !view.only.edges[e.id]) return false;
    if (!time.on) return true;
    if (!e.period) return !time.hideUndated;
    return (e.period[0] === null || e.period[0] <= time.hi) && (e.period[1] === null || time.lo <= e.period[1]);
  }
  function applyFilters() {
    var nodeChanges = [], edgeChanges = [], hiddenNode = {}, shownEdges = 0;
    data.nodes.forEach(function (n) {
      var hide = !!hiddenTypes[n.type] || !!(view.only && !view.only.nodes[n.id]);
      hiddenNode[n.id] = hide;
      if (!!n.hidden !== hide) { n.hidden = hide; nodeChanges.push({ id: n.id, hidden: hide }); }
    });
    data.edges.forEach(function (e) {
      var hide = !edgeShown(e, hiddenNode), dashed = time.on && !e.period;
      if (!hide) shownEdges++;
      if (!!e.hidden !== hide || !!e.dashes !== dashed) {
        e.hidden = hide;
        e.dashes = dashed;
        edgeChanges.push({ id: e.id, hidden: hide, dashes: dashed });
      }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    view.visibleEdges = shownEdges;
    var shown = data.nodes.filter(function (n) { return !n.hidden; }).length;
    if (!view.only) {
      status.textContent = shown === data.nodes.length && shownEdges === data.edges.length ? "" :
        shown + " of " + data.nodes.length + " entities, " + shownEdges + " of " + data.edges.length + " relationships shown";
    }
  }
  view.applyFilters = applyFilters;
  view.visibleEdges = data.edges.length;

  function glyph(item) {
    var svg = document.createElementNS(SVG, "svg"), color = HEX.test(item.color) ? item.color : "#999999";
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("class", "gk-glyph");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("data-color", color);
    svg.setAttribute("data-shape", item.shape);
    svg.setAttribute("data-fill", item.filled ? "filled" : "hollow");
    var path = SHAPES[item.shape] || "circle", shape;
    if (path === "circle") {
      shape = document.createElementNS(SVG, "circle");
      shape.setAttribute("cx", "8"); shape.setAttribute("cy", "8"); shape.setAttribute("r", "6");
    } else {
      shape = document.createElementNS(SVG, "path");
      shape.setAttribute("d", path);
    }
    shape.setAttribute("fill", item.filled ? color : "#ffffff");
    shape.setAttribute("stroke", color);
    shape.setAttribute("stroke-width", item.filled ? "1" : "2.2");
    svg.appendChild(shape);
    return svg;
  }
  function checkbox(value, hidden) {
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = value;
    box.addEventListener("change", function () { hidden[value] = !box.checked; applyFilters(); });
    return box;
  }
  (function legend() {
    var root = document.getElementById("gk-types"), family = null, list = null;
    data.types.forEach(function (item) {
      if (item.family !== family) {
        family = item.family;
        root.appendChild(el("h3", family));
        list = el("ul");
        root.appendChild(list);
      }
      var li = el("li"), label = el("label");
      label.appendChild(checkbox(item.type, hiddenTypes));
      label.appendChild(glyph(item));
      label.appendChild(el("span", item.label));
      label.appendChild(el("span", item.count, "gk-count"));
      li.appendChild(label);
      list.appendChild(li);
    });
    var relations = document.getElementById("gk-relations");
    data.relations.forEach(function (item) {
      var li = el("li"), label = el("label");
      label.appendChild(checkbox(item.relation, hiddenRelations));
      label.appendChild(el("span", item.relation));
      label.appendChild(el("span", item.count, "gk-count"));
      li.appendChild(label);
      relations.appendChild(li);
    });
  })();
  Array.prototype.forEach.call(document.querySelectorAll("[data-bulk]"), function (button) {
    button.addEventListener("click", function () {
      var on = button.getAttribute("data-on") === "1";
      var which = button.getAttribute("data-bulk");
      var hidden = which === "types" ? hiddenTypes : hiddenRelations;
      var boxes = document.querySelectorAll("#gk-" + which + " input[type=checkbox]");
      Array.prototype.forEach.call(boxes, function (box) { box.checked = on; hidden[box.value] = !on; });
      applyFilters();
    });
  });

  /* ---- timeline ---------------------------------------------------------- */
  (function timeline() {
    var span = data.timeline;
    if (!span) return;
    var strip = document.getElementById("gk-timeline"), slider = document.getElementById("gk-time");
    var toggle = document.getElementById("gk-time-on"), undated = document.getElementById("gk-time-undated");
    var output = document.getElementById("gk-time-label"), marks = document.getElementById("gk-time-marks");
    var months = [], y = +span.first.slice(0, 4), m = +span.first.slice(5, 7);
    var endY = +span.last.slice(0, 4), endM = +span.last.slice(5, 7);
    while ((y < endY || (y === endY && m <= endM)) && months.length < 6000) {
      months.push(y + "-" + (m < 10 ? "0" : "") + m);
      if (++m > 12) { m = 1; y++; }
    }
    var NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
      "October", "November", "December"];
    strip.hidden = false;
    slider.max = String(months.length - 1);
    slider.value = String(months.length - 1);
    function lastDay(month) {
      var d = new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0));
      return month + "-" + (d.getUTCDate() < 10 ? "0" : "") + d.getUTCDate();
    }
    function update() {
      var month = months[+slider.value];
      time.on = toggle.checked;
      time.lo = month + "-01";
      time.hi = lastDay(month);
      time.hideUndated = undated.checked;
      slider.disabled = !toggle.checked;
      output.textContent = NAMES[+month.slice(5, 7) - 1] + " " + month.slice(0, 4);
      applyFilters();
    }
    view.setTime = function (month, hideUndated) {  // for readers' scripts and tests
      var i = months.indexOf(month);
      if (i < 0) return false;
      toggle.checked = true; slider.value = String(i); undated.checked = !!hideUndated;
      update();
      return true;
    };
    [slider, toggle, undated].forEach(function (input) { input.addEventListener("input", update); input.addEventListener("change", update); });
    var seenMark = {};
    data.edges.forEach(function (e) {  // one mark per month that starts a dated relationship
      if (!e.period || !e.period[0]) return;
      var i = months.indexOf(e.period[0].slice(0, 7)), key = i + (e.approximate ? "~" : "");
      if (i < 0 || seenMark[key]) return;
      seenMark[key] = true;
      var mark = el("span", null, e.approximate ? "gk-approx-mark" : "");
      mark.style.left = (months.length > 1 ? (100 * i) / (months.length - 1) : 0) + "%";
      mark.title = (e.approximate ? "about " : "") + e.period[0].slice(0, 7);
      marks.appendChild(mark);
    });
    output.textContent = "(all dates)";
    toggle.addEventListener("change", function () { if (!toggle.checked) output.textContent = "(all dates)"; });
  })();

  /* ---- search: labels and aliases, with suggestions for near misses ------ */
  var names = [], datalist = document.getElementById("gk-names"), seen = {};
  data.nodes.forEach(function (n) {
    [n.name].concat(n.aliases || []).forEach(function (name, i) {
      names.push({ key: normalise(short(name, 500)), id: n.id, alias: i > 0, name: name });
      if (!seen[name] && names.length < 20000) {
        seen[name] = true;
        var option = el("option");
        option.value = short(name, 200);
        datalist.appendChild(option);
      }
    });
  });
  function similarity(a, b) {  // Ratcliff/Obershelp, as Python's difflib.SequenceMatcher.ratio()
    function matches(a0, a1, b0, b1) {
      var best = 0, bi = 0, bj = 0;
      for (var i = a0; i < a1; i++) {
        for (var j = b0; j < b1; j++) {
          var k = 0;
          while (i + k < a1 && j + k < b1 && a[i + k] === b[j + k]) k++;
          if (k > best) { best = k; bi = i; bj = j; }
        }
      }
      if (!best) return 0;
      return best + matches(a0, bi, b0, bj) + matches(bi + best, a1, bj + best, b1);
    }
    return a.length + b.length ? (2 * matches(0, a.length, 0, b.length)) / (a.length + b.length) : 0;
  }
  function find(query) {
    var q = normalise(query);
    if (!q) return { ids: [] };
    var exact = names.filter(function (x) { return x.key === q; });
    var ids = [];
    exact.forEach(function (x) { if (ids.indexOf(x.id) < 0) ids.push(x.id); });
    if (ids.length) return { ids: ids };
    // no exact name: the closest names, substring matches first (as `graphkit show` suggests)
    var ranked = [], picked = {};
    names.forEach(function (x) { if (x.key.indexOf(q) >= 0 && !picked[x.id]) { picked[x.id] = true; ranked.push(x); } });
    if (ranked.length === 1) return { ids: [ranked[0].id] };
    var scored = names.filter(function (x) { return !picked[x.id] && x.key.length < 200; })
      .map(function (x) { return { x: x, r: similarity(q, x.key) }; })
      .filter(function (s) { return s.r >= 0.5; })
      .sort(function (s, t) { return t.r - s.r; });
    scored.forEach(function (s) { if (!picked[s.x.id]) { picked[s.x.id] = true; ranked.push(s.x); } });
    return { ids: [], suggestions: ranked.slice(0, 5) };
  }
  function reveal(id) {
    var n = byId[id];
    if (n.hidden && hiddenTypes[n.type]) {
      hiddenTypes[n.type] = false;
      Array.prototype.forEach.call(document.querySelectorAll("#gk-types input"), function (box) {
        if (box.value === n.type) box.checked = true;
      });
      applyFilters();
    }
  }
  function go(id) {
    if (view.only && !view.only.nodes[id] && view.story) view.story.show(view.story.count - 1);  // whole map
    reveal(id);
    while (status.firstChild) status.removeChild(status.firstChild);
    dim(neighbourhood(id));
    selectNode(id, true);
  }
  view.go = go;
  document.getElementById("gk-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var query = document.getElementById("gk-search-input").value.trim();
    while (status.firstChild) status.removeChild(status.firstChild);
    if (!query) return;
    var found = find(query);
    if (found.ids.length === 1) { go(found.ids[0]); return; }
    var choices = found.ids.length ? found.ids.map(function (id) { return { id: id, name: byId[id].name }; }) : found.suggestions;
    status.appendChild(document.createTextNode(found.ids.length ?
      "\u201C" + short(query, 80) + "\u201D matches " + found.ids.length + " entities: " :
      "No entity is called \u201C" + short(query, 80) + "\u201D" + (choices.length ? "; did you mean " : ".")));
    choices.forEach(function (c) {
      var n = byId[c.id];
      status.appendChild(linkButton(short(n.name, 60) + " (" + n.type_label + ")", function () { go(c.id); }));
    });
  });
  document.getElementById("gk-fit").addEventListener("click", function () {
    undim();
    fitAll(view.only ? Object.keys(view.only.nodes) : undefined);
  });
})();
