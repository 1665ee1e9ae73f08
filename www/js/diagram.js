// The server state machine as an SVG drawing, built from the engine's transition table:
// states left to right in table order, forward moves as arcs above, backward moves
// below, self-loops as small loops, each label moved clear of every node and other label.
// The current state and the last move are marked.
// Built with createElementNS only (no markup parsing).

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 168;
const NODE_H = 36;
const GAP = 44;
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

/** Monospace 13px (style.css `.diagram`): the width of one character, and a line's height. */
const CHAR_W = 8;
const LINE_H = 16;

/** A label's box `{x1, y1, x2, y2}` around its centre point (text-anchor middle, baseline y). */
function labelBox(text, x, y) {
  const half = (text.length * CHAR_W) / 2 + 3;
  return { x1: x - half, y1: y - LINE_H + 3, x2: x + half, y2: y + 5 };
}

function overlaps(a, b) {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

/**
 * Moves each edge label up (labels above the nodes) or down (below) until its box meets
 * no node and no label already placed, so no two texts overlap however long the engine's
 * words are. Returns the boxes, for the drawing's height.
 */
function placeLabels(labels, nodeBoxes) {
  const placed = [...nodeBoxes];
  for (const label of labels) {
    const step = label.below ? LINE_H : -LINE_H;
    let box = labelBox(label.text, label.x, label.y);
    while (placed.some((other) => overlaps(box, other))) {
      label.y += step;
      box = labelBox(label.text, label.x, label.y);
    }
    label.box = box;
    placed.push(box);
  }
  return placed;
}

/** The path of one edge and where its label wants to sit. */
function edgeGeometry(edge, states, x, levels) {
  const i = states.indexOf(edge.from);
  const j = states.indexOf(edge.to);
  if (i === j) {
    const cx = x(edge.from) + NODE_W / 2;
    const top = MID - NODE_H / 2;
    return {
      path: `M${cx - 16},${top} C${cx - 40},${top - 50} ${cx + 40},${top - 50} ${cx + 16},${top}`,
      lx: cx,
      ly: top - 44,
      below: false,
    };
  }
  if (j === i + 1) {
    const y = MID - 6;
    return {
      path: `M${x(edge.from) + NODE_W},${y} L${x(edge.to)},${y}`,
      lx: (x(edge.from) + NODE_W + x(edge.to)) / 2,
      ly: y - 8,
      below: false,
    };
  }
  if (j > i) {
    const level = (levels.forward.get(j) || 0) + 1;
    levels.forward.set(j, level);
    const x1 = x(edge.from) + NODE_W / 2 + 20;
    const x2 = x(edge.to) + NODE_W / 2 - 20 - level * 6;
    const top = MID - NODE_H / 2;
    const lift = 50 + level * 24;
    return {
      path: `M${x1},${top} C${x1},${top - lift} ${x2},${top - lift} ${x2},${top}`,
      lx: (x1 + x2) / 2,
      ly: top - lift * 0.75 - 4,
      below: false,
    };
  }
  const level = (levels.backward.get(j) || 0) + 1;
  levels.backward.set(j, level);
  const x1 = x(edge.from) + NODE_W / 2 - 20;
  const x2 = x(edge.to) + NODE_W / 2 + 20 + level * 6;
  const bottom = MID + NODE_H / 2;
  const drop = 40 + level * 22;
  return {
    path: `M${x1},${bottom} C${x1},${bottom + drop} ${x2},${bottom + drop} ${x2},${bottom}`,
    lx: (x1 + x2) / 2,
    ly: bottom + drop * 0.75 + 12,
    below: true,
  };
}

function arrowDefs() {
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
  return defs;
}

/**
 * The diagram. `words` gives the engine's names for people (`state(name)`,
 * `trigger(name)`); without it the engine's names are shown as they are.
 */
export function stateDiagram(states, transitions, current, change, words = { state: (s) => s, trigger: (t) => t }) {
  const x = (state) => states.indexOf(state) * (NODE_W + GAP) + 10;
  const width = states.length * (NODE_W + GAP) - GAP + 20;
  const levels = { forward: new Map(), backward: new Map() };
  const edges = edgesOf(transitions).map((edge) => {
    const taken = Boolean(change && change.from === edge.from && change.to === edge.to);
    const geometry = edgeGeometry(edge, states, x, levels);
    return { ...geometry, taken, text: edge.triggers.map(words.trigger).join(' / '), x: geometry.lx, y: geometry.ly };
  });
  const nodeBoxes = states.map((state) => ({ x1: x(state), y1: MID - NODE_H / 2, x2: x(state) + NODE_W, y2: MID + NODE_H / 2 }));
  const boxes = placeLabels(edges, nodeBoxes);
  const top = Math.min(...boxes.map((b) => b.y1)) - 8;
  const bottom = Math.max(...boxes.map((b) => b.y2)) + 8;
  const svg = el('svg', {
    viewBox: `0 ${top} ${width} ${bottom - top}`,
    class: 'diagram',
    role: 'img',
    'aria-label': `State diagram; current state ${words.state(current)}`,
  });
  // Drawn at its natural size (13px text stays 13px); the wrapper scrolls sideways.
  svg.style.minWidth = `${width}px`;
  svg.append(arrowDefs());
  for (const edge of edges) {
    const marker = `url(#${edge.taken ? 'arrow-taken' : 'arrow'})`;
    svg.append(el('path', { d: edge.path, class: `edge${edge.taken ? ' taken' : ''}`, 'marker-end': marker, fill: 'none' }));
    svg.append(el('text', { x: edge.x, y: edge.y, class: `edge-label${edge.taken ? ' taken' : ''}`, 'text-anchor': 'middle' }, edge.text));
  }
  for (const state of states) {
    const g = el('g', { class: `node${state === current ? ' current' : ''}`, 'data-state': state });
    g.append(el('rect', { x: x(state), y: MID - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 18 }));
    g.append(el('text', { x: x(state) + NODE_W / 2, y: MID + 5, 'text-anchor': 'middle' }, words.state(state)));
    svg.append(g);
  }
  return svg;
}
