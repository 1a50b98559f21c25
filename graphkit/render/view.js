/* graphkit view: legend, filters, search and details for a vis-network graph.
 * Every string from the data reaches the page through textContent or a DOM
 * property, never parsed as markup. Links are made only for http(s) URLs. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graphkit-data").textContent);
  var GLYPHS = { dot: "\u25CF", circle: "\u25CF", square: "\u25A0", diamond: "\u25C6", triangle: "\u25B2",
    triangleDown: "\u25BC", star: "\u2605", hexagon: "\u2B22", ellipse: "\u2B2C", box: "\u25AC",
    database: "\u26C1", text: "T" };
  var HEX = /^#[0-9a-fA-F]{6}$/;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function isWebUrl(url) {
    return typeof url === "string" && /^https?:\/\/\S/i.test(url.trim());
  }
  function normalise(text) {
    return String(text).normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });

  var container = document.getElementById("gk-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var status = document.getElementById("gk-status");
  var details = document.getElementById("gk-details");
  window.graphkitNetwork = network;
  window.graphkitView = { network: network, nodes: nodes, edges: edges, data: data, ready: false };

  function markReady() {
    if (window.graphkitView.ready) return;
    window.graphkitView.ready = true;
    document.body.setAttribute("data-ready", "true");
  }
  function fitAll() {  // fit, with a margin so that labels at the edge stay visible
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.92, animation: false });
  }
  if (data.layout === "physics" && data.nodes.length > 0) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      fitAll();
      markReady();
    });
  } else {
    network.once("afterDrawing", markReady);
    fitAll();
    if (data.nodes.length === 0) markReady();
  }

  /* ---- details panel ---------------------------------------------------- */
  function clearDetails() {
    while (details.firstChild) details.removeChild(details.firstChild);
  }
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
  function showNode(id) {
    var n = byId[id];
    if (!n) return;
    clearDetails();
    details.appendChild(el("h2", "Entity"));
    details.appendChild(el("h3", n.label));
    var dl = el("dl");
    addRow(dl, "Type", n.types && n.types.length > 1 ? n.type + " (" + n.types.join(", ") + ")" : n.type);
    addRow(dl, "Also known as", n.aliases);
    addRow(dl, "Description", n.description);
    addRow(dl, "Connections", String(n.degree));
    addRow(dl, "Identifier", n.id);
    details.appendChild(dl);
    var all = network.getConnectedEdges(id), connected = all.slice(0, 200);
    if (connected.length) {
      details.appendChild(el("h2", all.length > connected.length ? "Relationships (first 200)" : "Relationships"));
      var ul = el("ul");
      connected.forEach(function (eid) {
        var e = edgeById[eid];
        if (!e) return;
        var out = e.from === id;
        var other = byId[out ? e.to : e.from];
        var text = (out ? e.relation + " \u2192 " : "\u2190 " + e.relation + " \u2014 ") + (other ? other.label : "");
        var li = el("li");
        li.appendChild(linkButton(text + (e.date ? " (" + e.date + ")" : ""), function () { selectEdge(eid); }));
        ul.appendChild(li);
      });
      details.appendChild(ul);
    }
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
    var a = byId[e.from], b = byId[e.to];
    clearDetails();
    details.appendChild(el("h2", "Relationship"));
    details.appendChild(el("h3", (a ? a.label : e.from) + (e.symmetric ? " \u2014 " : " \u2192 ") +
      e.relation + (e.symmetric ? " \u2014 " : " \u2192 ") + (b ? b.label : e.to)));
    var dl = el("dl");
    addRow(dl, "Relation", e.relation);
    addRow(dl, "Date", e.date || "not given by the source");
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
    if (a) nav.appendChild(linkButton(a.label, function () { selectNode(a.id, false); }));
    if (a && b) nav.appendChild(document.createTextNode(" \u00B7 "));
    if (b) nav.appendChild(linkButton(b.label, function () { selectNode(b.id, false); }));
    details.appendChild(nav);
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
  });
  window.graphkitView.showNode = showNode;
  window.graphkitView.showEdge = showEdge;

  /* ---- filters ---------------------------------------------------------- */
  var hiddenTypes = {}, hiddenRelations = {};
  function applyFilters() {
    var nodeChanges = [], edgeChanges = [], hiddenNode = {};
    data.nodes.forEach(function (n) {
      var hide = !!hiddenTypes[n.type];
      hiddenNode[n.id] = hide;
      if (!!n.hidden !== hide) { n.hidden = hide; nodeChanges.push({ id: n.id, hidden: hide }); }
    });
    data.edges.forEach(function (e) {
      var hide = !!hiddenRelations[e.relation] || hiddenNode[e.from] || hiddenNode[e.to];
      if (!!e.hidden !== hide) { e.hidden = hide; edgeChanges.push({ id: e.id, hidden: hide }); }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    var shown = data.nodes.length - data.nodes.filter(function (n) { return n.hidden; }).length;
    status.textContent = shown === data.nodes.length ? "" : shown + " of " + data.nodes.length + " entities shown";
  }
  function filterList(listId, items, key, hidden, glyph) {
    var list = document.getElementById(listId);
    items.forEach(function (item) {
      var li = el("li"), label = el("label"), box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = item[key];
      box.addEventListener("change", function () {
        hidden[item[key]] = !box.checked;
        applyFilters();
      });
      label.appendChild(box);
      if (glyph) {
        var g = el("span", GLYPHS[item.shape] || GLYPHS.dot, "gk-glyph");
        if (HEX.test(item.color)) g.style.color = item.color;
        g.setAttribute("aria-hidden", "true");
        label.appendChild(g);
      }
      label.appendChild(el("span", item[key]));
      label.appendChild(el("span", item.count, "gk-count"));
      li.appendChild(label);
      list.appendChild(li);
    });
  }
  filterList("gk-types", data.types, "type", hiddenTypes, true);
  filterList("gk-relations", data.relations, "relation", hiddenRelations, false);
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

  /* ---- search ----------------------------------------------------------- */
  var names = [];
  var datalist = document.getElementById("gk-names");
  var seen = {};
  data.nodes.forEach(function (n) {
    [n.label].concat(n.aliases || []).forEach(function (name, i) {
      names.push({ key: normalise(name), id: n.id, alias: i > 0 });
      if (!seen[name]) {
        seen[name] = true;
        var option = el("option");
        option.value = name;
        datalist.appendChild(option);
      }
    });
  });
  function find(query) {
    var q = normalise(query);
    if (!q) return null;
    var tests = [
      function (x) { return x.key === q && !x.alias; },
      function (x) { return x.key === q; },
      function (x) { return x.key.indexOf(q) === 0; },
      function (x) { return x.key.indexOf(q) >= 0; },
    ];
    for (var i = 0; i < tests.length; i++) {
      var hit = names.filter(tests[i]);
      if (hit.length) return hit[0].id;
    }
    return null;
  }
  document.getElementById("gk-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var query = document.getElementById("gk-search-input").value;
    var id = find(query);
    if (id === null) {
      status.textContent = query.trim() ? "No entity matches \u201C" + query.trim() + "\u201D" : "";
      return;
    }
    var n = byId[id];
    if (n.hidden) {
      hiddenTypes[n.type] = false;
      Array.prototype.forEach.call(document.querySelectorAll("#gk-types input"), function (box) {
        if (box.value === n.type) box.checked = true;
      });
      applyFilters();
    }
    status.textContent = "";
    selectNode(id, true);
  });
  document.getElementById("gk-fit").addEventListener("click", function () {
    fitAll();
  });
})();
