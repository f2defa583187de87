// Draws a definition's graph as SVG, laid out by dagre (a WebJar): nodes, ports on edges, loop bodies below.
const NS = 'http://www.w3.org/2000/svg';
const W = 176, H = 50, PORT_GAP = 18;

function heightOf(ports) { return Math.max(H, (ports ? ports.length : 0) * PORT_GAP + 14); }

function el(name, attrs = {}, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + '…' : s; }

/**
 * Renders {nodes, edges} into container and returns {setStatus(id, status), select(id)}.
 * opts.onSelect(id) is called when a node is clicked or chosen with Enter/Space.
 */
export function drawGraph(container, graph, opts = {}) {
  const g = new window.dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const nodes = graph.nodes || [];
  const portsOf = id => (opts.ports ? opts.ports(id) : null);
  for (const n of nodes) g.setNode(n.id, { width: W, height: heightOf(portsOf(n.id)) });
  for (const e of graph.edges || []) {
    if (!g.hasNode(e.from) || !g.hasNode(e.to)) continue;
    const port = e.port || 'main';
    // A named port is the edge's label: dagre leaves room for it beside the edge.
    const label = port === 'main' ? {} : { width: port.length * 6.5 + 6, height: 14, labelpos: 'c' };
    g.setEdge(e.from, e.to, { port, ...label }, `${e.from}|${port}|${e.to}`);
  }
  window.dagre.layout(g);
  const size = g.graph();
  const svg = el('svg', { class: 'graph', role: 'group', 'aria-label': opts.label || 'Workflow graph',
    viewBox: `0 0 ${Math.max(size.width, 200)} ${Math.max(size.height, 80)}` });
  svg.style.maxHeight = `${Math.max(size.height, 80) + 40}px`;
  const defs = el('defs', {}, svg);
  const marker = el('marker', { id: `arrow-${opts.idPrefix || 'g'}`, viewBox: '0 0 10 10', refX: 9, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#8c959f' }, marker);
  for (const ek of g.edges()) {
    const e = g.edge(ek);
    const d = e.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x} ${p.y}`).join(' ');
    el('path', { class: 'edge', d, 'marker-end': `url(#arrow-${opts.idPrefix || 'g'})` }, svg);
    if (e.port && e.port !== 'main') {
      const t = el('text', { class: 'port', x: e.x, y: e.y + 4, 'text-anchor': 'middle' }, svg);
      t.textContent = e.port;
    }
  }
  const groups = new Map();
  for (const n of nodes) {
    const p = g.node(n.id);
    const nh = p.height;
    const invalid = opts.invalid && opts.invalid.has(n.id);
    const grp = el('g', { class: `node pending${invalid ? ' invalid' : ''}`, tabindex: 0, role: 'button', 'data-node': n.id,
      'aria-label': `${n.id} (${n.type})${invalid ? ', has errors' : ''}`, transform: `translate(${p.x - W / 2}, ${p.y - nh / 2})` }, svg);
    el('rect', { width: W, height: nh, rx: 6 }, grp);
    if (invalid) {
      const badge = el('text', { class: 'badge', x: 4, y: 16 }, grp);
      badge.textContent = '!';
    }
    const ports = portsOf(n.id);
    if (ports && opts.onConnect) {
      ports.forEach((port, i) => {
        const cy = (nh - (ports.length - 1) * PORT_GAP) / 2 + i * PORT_GAP;
        const handle = el('circle', { class: 'port-handle', cx: W, cy, r: 6, 'data-port': port }, grp);
        const tip = el('title', {}, handle);
        tip.textContent = `port ${port}: drag to a node to connect`;
        if (port !== 'main') {
          const lbl = el('text', { class: 'port', x: W - 10, y: cy + 3, 'text-anchor': 'end' }, grp);
          lbl.textContent = port;
        }
        handle.addEventListener('pointerdown', ev => startDrag(ev, n.id, port, p.x + W / 2, p.y - nh / 2 + cy));
      });
    }
    const name = el('text', { x: 10, y: 20 }, grp);
    name.textContent = clip(n.name || n.id, 24);
    const type = el('text', { class: 'type', x: 10, y: 38 }, grp);
    type.textContent = clip(n.type, 26);
    const title = el('title', {}, grp);
    title.textContent = `${n.id} · ${n.type}`;
    const choose = () => opts.onSelect && opts.onSelect(n.id);
    grp.addEventListener('click', choose);
    grp.addEventListener('keydown', ev => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); choose(); } });
    groups.set(n.id, grp);
  }
  // Dragging from a port handle to another node connects them.
  let drag = null;
  function toSvg(ev) {
    const pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }
  function startDrag(ev, from, port, x, y) {
    ev.preventDefault();
    ev.stopPropagation();
    const line = el('line', { class: 'drag-line', x1: x, y1: y, x2: x, y2: y }, svg);
    drag = { from, port, line };
    svg.dataset.dragging = 'true';
  }
  svg.addEventListener('pointermove', ev => {
    if (!drag) return;
    const p = toSvg(ev);
    drag.line.setAttribute('x2', p.x);
    drag.line.setAttribute('y2', p.y);
  });
  const endDrag = ev => {
    if (!drag) return;
    const { from, port, line } = drag;
    drag = null;
    delete svg.dataset.dragging;
    line.remove();
    const target = document.elementFromPoint(ev.clientX, ev.clientY)?.closest('g.node');
    if (target && target.dataset.node !== from) opts.onConnect(from, port, target.dataset.node);
    else if (opts.onDragEnd) opts.onDragEnd();
  };
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointerleave', () => {
    if (!drag) return;
    drag.line.remove();
    drag = null;
    delete svg.dataset.dragging;
    if (opts.onDragEnd) opts.onDragEnd();
  });
  container.appendChild(svg);
  // Loop bodies: each drawn below, under its loop's name.
  for (const n of nodes) {
    const body = n.config && n.config.body;
    if (n.type === 'loop' && body && Array.isArray(body.nodes) && !opts.onConnect) {
      const h = document.createElement('h4');
      h.textContent = `Body of loop ${n.id}`;
      container.appendChild(h);
      drawGraph(container, body, { label: `Body of loop ${n.id}`, idPrefix: `${opts.idPrefix || 'g'}-${n.id}` });
    }
  }
  return {
    setStatus(id, status) {
      const grp = groups.get(id);
      if (!grp) return;
      const selected = grp.classList.contains('selected');
      grp.setAttribute('class', `node ${String(status || 'pending').toLowerCase()}${selected ? ' selected' : ''}`);
      grp.setAttribute('data-status', String(status || 'pending').toLowerCase());
      grp.setAttribute('aria-label', `${id}: ${String(status || 'pending').toLowerCase()}`);
    },
    select(id) {
      for (const [k, grp] of groups) grp.classList.toggle('selected', k === id);
    },
  };
}
