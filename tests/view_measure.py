"""What a reader sees in the HTML view, measured in the browser (shared by tests and benchmarks).

``MEASURE_JS`` reads vis-network's own drawing state after the page settles:
each visible node's label box (canvas coordinates, turned into screen pixels
with ``canvasToDOM``), the font size on screen (font size times the view's
scale), the drawing's bounding box against the canvas, and the (colour,
shape, fill) that each node is drawn with.
"""

from __future__ import annotations

MEASURE_JS = """() => {
  const net = window.graphkitNetwork;
  const scale = net.getScale();
  const canvas = document.querySelector('#gk-network canvas');
  const width = canvas.clientWidth, height = canvas.clientHeight;
  const toScreen = (x, y) => net.canvasToDOM({x: x, y: y});
  const labels = [], drawn = [];
  let minPx = Infinity, hiddenLabels = 0;
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
  for (const id of net.body.nodeIndices) {
    const node = net.body.nodes[id];
    if (node.options.hidden) continue;
    const box = node.shape.boundingBox;
    const a = toScreen(box.left, box.top), b = toScreen(box.right, box.bottom);
    left = Math.min(left, a.x); top = Math.min(top, a.y);
    right = Math.max(right, b.x); bottom = Math.max(bottom, b.y);
    const fill = node.options.color.background;
    drawn.push([fill === '#ffffff' ? node.options.color.border : fill, node.options.shape,
                fill === '#ffffff' ? 'hollow' : 'filled']);
    const lm = node.labelModule;
    if (!node.options.label) continue;
    if (!lm.visible()) { hiddenLabels++; continue; }
    minPx = Math.min(minPx, lm.fontOptions.size * scale);
    const p = toScreen(lm.size.left, lm.size.top);
    const q = toScreen(lm.size.left + lm.size.width, lm.size.top + lm.size.height);
    labels.push({id: id, x0: p.x, y0: p.y, x1: q.x, y1: q.y});
  }
  const overlaps = [];
  const sorted = labels.slice().sort((m, n) => m.x0 - n.x0);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].x0 < sorted[i].x1 - 0.5; j++) {
      const m = sorted[i], n = sorted[j];
      if (Math.min(m.x1, n.x1) - Math.max(m.x0, n.x0) > 0.5 && Math.min(m.y1, n.y1) - Math.max(m.y0, n.y0) > 0.5)
        overlaps.push([m.id, n.id]);
    }
  }
  const legend = Array.from(document.querySelectorAll('#gk-types [data-color]')).map(
    g => [g.getAttribute('data-color'), g.getAttribute('data-shape'), g.getAttribute('data-fill')]);
  return {
    scale: scale, minLabelPx: minPx === Infinity ? null : minPx, labels: labels.length, labels_drawn: labels,
    hiddenLabels: hiddenLabels, overlaps: overlaps,
    fillWidth: (Math.min(right, width) - Math.max(left, 0)) / width,
    fillHeight: (Math.min(bottom, height) - Math.max(top, 0)) / height,
    canvas: [width, height], drawn: drawn, legend: legend,
  };
}"""


def measure(page) -> dict:
    """Run :data:`MEASURE_JS` on a Playwright page that shows a graphkit view."""
    return page.evaluate(MEASURE_JS)
