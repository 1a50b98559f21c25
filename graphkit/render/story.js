/* graphkit story: step through captioned views of the map with buttons or the arrow keys.
 * Captions arrive as a tree (see graphkit/render/markdown.py) and are built with
 * createElement and textContent only; links are made only for http(s) URLs. */
(function () {
  "use strict";
  var story = JSON.parse(document.getElementById("graphkit-story").textContent);
  var view = window.graphkitView, el = view.el, box = document.getElementById("gk-story");
  var current = -1;

  function build(parent, items) {
    items.forEach(function (item) {
      if (typeof item === "string") { parent.appendChild(document.createTextNode(item)); return; }
      var tag = item[0], node;
      if (tag === "a") {
        if (typeof item[1] === "string" && /^https?:\/\/\S/i.test(item[1])) {
          node = el("a");
          node.href = item[1];
          node.target = "_blank";
          node.rel = "noopener noreferrer";
        } else {
          node = el("span");
        }
        build(node, item[2] || []);
      } else {
        node = el(["p", "ul", "li", "strong", "em", "code"].indexOf(tag) >= 0 ? tag : "span");
        build(node, item[1] || []);
      }
      parent.appendChild(node);
    });
  }
  function sourcesOf(step) {
    var seen = {}, list = [];
    (step.edges || view.data.edges.map(function (e) { return e.id; })).forEach(function (id) {
      var e = view.edgeById[id];
      (e && e.sources || []).forEach(function (s) {
        var key = s.iri || s.url || s.title;
        if (!seen[key]) { seen[key] = true; list.push(s); }
      });
    });
    return list;
  }
  var labelled = [];
  function labelEdges(ids) {  // a short step names its relations on the lines, at a readable size
    var base = view.data.options.edges.font.size, size = Math.max(base, 15 / view.network.getScale());
    view.edges.update(labelled.map(function (id) { return { id: id, font: { size: base } }; })
      .concat(ids.map(function (id) { return { id: id, font: { size: size } }; })));
    labelled = ids.slice();
  }
  function button(text, label, onClick) {
    var b = el("button", text);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }
  function show(index) {
    index = Math.max(0, Math.min(story.steps.length - 1, index));
    var step = story.steps[index];
    current = index;
    while (box.firstChild) box.removeChild(box.firstChild);
    box.appendChild(el("h2", story.title));
    if (story.byline) box.appendChild(el("p", story.byline, "gk-story-byline"));
    if (step.title) box.appendChild(el("h3", step.title));
    var caption = el("div", null, "gk-story-caption");
    build(caption, step.caption);
    box.appendChild(caption);
    var sources = sourcesOf(step);
    if (sources.length) {
      var more = el("details"), list = el("ol", null, "gk-sources");
      more.appendChild(el("summary", "Sources (" + sources.length + ")"));
      sources.forEach(function (s) { list.appendChild(view.sourceItem(s)); });
      more.appendChild(list);
      box.appendChild(more);
    }
    var nav = el("nav");
    var back = button("\u2190 Back", "Previous step", function () { show(current - 1); });
    var next = button("Next \u2192", "Next step", function () { show(current + 1); });
    back.disabled = index === 0;
    next.disabled = index === story.steps.length - 1;
    nav.appendChild(back);
    nav.appendChild(el("span", "Step " + (index + 1) + " of " + story.steps.length, "gk-story-count"));
    nav.appendChild(next);
    box.appendChild(nav);
    if (step.nodes) {
      var only = { nodes: {}, edges: {} };
      step.nodes.forEach(function (id) { only.nodes[id] = true; });
      step.edges.forEach(function (id) { only.edges[id] = true; });
      view.only = only;
    } else {
      view.only = null;
    }
    view.undim();
    view.applyFilters();
    view.fit(step.nodes || undefined);
    labelEdges(step.edges && step.edges.length <= 15 ? step.edges : []);
    if (step.focus) view.network.selectNodes([step.focus]); else view.network.unselectAll();
    view.step = index;
    document.body.setAttribute("data-step", String(index));
  }
  view.story = { show: show, count: story.steps.length, current: function () { return current; } };
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    if (event.key === "ArrowRight" || event.key === "PageDown") { show(current + 1); event.preventDefault(); }
    else if (event.key === "ArrowLeft" || event.key === "PageUp") { show(current - 1); event.preventDefault(); }
  });
  /* the story takes the top of the side column, so that it never hides the map */
  var sidebar = document.getElementById("gk-sidebar");
  sidebar.insertBefore(box, sidebar.firstChild);
  document.body.classList.add("gk-story-mode");
  box.hidden = false;
  view.onReady(function () { show(0); });
})();
