// The server state machine as an SVG drawing, built from the engine's transition table:
// states left to right in table order, forward moves as arcs above, backward moves
// below, self-loops as small loops. The current state and the last move are marked.
// Built with createElementNS only (no markup parsing).

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 140;
const NODE_H = 36;
const GAP = 40;
const MID = 170;

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Edges `{from, to, triggers}` merged from the table rows. */
export function edgesOf(transitions) {
  const edges = new Map();
  for (const row of transitions) {
    for (const from of row.from) {
      const key = `${from}→${row.to}`;
      if (!edges.has(key)) edges.set(key, { from, to: row.to, triggers: [] });
      const edge = edges.get(key);
      if (!edge.triggers.includes(row.trigger)) edge.triggers.push(row.trigger);
    }
  }
  return [...edges.values()];
}

export function stateDiagram(states, transitions, current, change) {
  const x = (state) => states.indexOf(state) * (NODE_W + GAP) + 10;
  const width = states.length * (NODE_W + GAP) - GAP + 20;
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${MID * 2}`,
    class: 'diagram',
    role: 'img',
    'aria-label': `State diagram; current state ${current}`,
  });
  const defs = el('defs');
  for (const [id, cls] of [
    ['arrow', 'edge-head'],
    ['arrow-taken', 'edge-head taken'],
  ]) {
    const marker = el('marker', {
      id,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
    defs.append(marker);
  }
  svg.append(defs);
  const edges = edgesOf(transitions);
  const forwardLevel = new Map();
  const backwardLevel = new Map();
  for (const edge of edges) {
    const i = states.indexOf(edge.from);
    const j = states.indexOf(edge.to);
    const taken = change && change.from === edge.from && change.to === edge.to;
    const cls = `edge${taken ? ' taken' : ''}`;
    const marker = `url(#${taken ? 'arrow-taken' : 'arrow'})`;
    const label = edge.triggers.join(' / ');
    let path;
    let lx;
    let ly;
    if (i === j) {
      const cx = x(edge.from) + NODE_W / 2;
      const top = MID - NODE_H / 2;
      path = `M${cx - 16},${top} C${cx - 40},${top - 50} ${cx + 40},${top - 50} ${cx + 16},${top}`;
      lx = cx;
      ly = top - 44;
    } else if (j === i + 1) {
      const y = MID - 6;
      path = `M${x(edge.from) + NODE_W},${y} L${x(edge.to)},${y}`;
      lx = (x(edge.from) + NODE_W + x(edge.to)) / 2;
      ly = y - 8;
    } else if (j > i) {
      const level = (forwardLevel.get(j) || 0) + 1;
      forwardLevel.set(j, level);
      const x1 = x(edge.from) + NODE_W / 2 + 20;
      const x2 = x(edge.to) + NODE_W / 2 - 20 - level * 6;
      const top = MID - NODE_H / 2;
      const lift = 50 + level * 24;
      path = `M${x1},${top} C${x1},${top - lift} ${x2},${top - lift} ${x2},${top}`;
      lx = (x1 + x2) / 2;
      ly = top - lift * 0.75 - 4;
    } else {
      const level = (backwardLevel.get(j) || 0) + 1;
      backwardLevel.set(j, level);
      const x1 = x(edge.from) + NODE_W / 2 - 20;
      const x2 = x(edge.to) + NODE_W / 2 + 20 + level * 6;
      const bottom = MID + NODE_H / 2;
      const drop = 40 + level * 22;
      path = `M${x1},${bottom} C${x1},${bottom + drop} ${x2},${bottom + drop} ${x2},${bottom}`;
      lx = (x1 + x2) / 2;
      ly = bottom + drop * 0.75 + 12;
    }
    svg.append(el('path', { d: path, class: cls, 'marker-end': marker, fill: 'none' }));
    svg.append(el('text', { x: lx, y: ly, class: `edge-label${taken ? ' taken' : ''}`, 'text-anchor': 'middle' }, label));
  }
  for (const state of states) {
    const g = el('g', { class: `node${state === current ? ' current' : ''}` });
    g.append(el('rect', { x: x(state), y: MID - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 18 }));
    g.append(el('text', { x: x(state) + NODE_W / 2, y: MID + 5, 'text-anchor': 'middle' }, state));
    svg.append(g);
  }
  return svg;
}
