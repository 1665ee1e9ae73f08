// The World tab's diagram: the hosts stacked top to bottom, an arrow for each "who
// connected to whom" edge. Downward edges curve on the right, upward ones on the left,
// so ETRN's two directions (customer → ISP, then ISP → customer) never overlap.
// When hosts looked names up (MX routing), a DNS box on the left is joined by a
// dashed line to each host that asked.
// Built with createElementNS; every name is set as text, never parsed.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 520;
const BOX = { left: 160, width: 200, height: 50, gap: 46 };
const DNS_BOX = { left: 8, width: 92, height: 44 };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function boxTop(index) {
  return 10 + index * (BOX.height + BOX.gap);
}

/** Shortens a long name so it fits its box; the full name is in the list beside. */
function fit(text, max) {
  const value = String(text);
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function hostBox(host, index) {
  const top = boxTop(index);
  const group = svg('g', { class: 'wd-host', 'data-host': host.name });
  group.append(
    svg('rect', { x: BOX.left, y: top, width: BOX.width, height: BOX.height, rx: 8 }),
    svg('text', { x: BOX.left + BOX.width / 2, y: top + 21, class: 'wd-name', 'text-anchor': 'middle' }, fit(host.name, 26)),
    svg(
      'text',
      { x: BOX.left + BOX.width / 2, y: top + 39, class: 'wd-address', 'text-anchor': 'middle' },
      [host.address, ...(host.services || [])].join(' · '),
    ),
  );
  return group;
}

/**
 * The label for an edge: its connection numbers, three to a line. After TURN/ATRN the
 * engine adds an edge the other way for the same connection (the mail flowed back on
 * it): marked ⇄.
 */
function edgeLabel(edge, connections, attrs) {
  const names = edge.connections.map((id) => {
    const connection = connections.find((c) => c.id === id);
    return connection && connection.from !== edge.from ? `#${id} ⇄` : `#${id}`;
  });
  const lines = [];
  for (let i = 0; i < names.length; i += 3) lines.push(names.slice(i, i + 3).join(' '));
  const text = svg('text', { ...attrs, y: attrs.y - (lines.length - 1) * 7, class: 'wd-label' });
  lines.forEach((line, i) => {
    text.append(svg('tspan', { x: attrs.x, dy: i ? 14 : 0 }, line));
  });
  return text;
}

function edgePath(edge, index, from, to, connections) {
  const down = to > from;
  const span = Math.abs(to - from);
  const x = down ? BOX.left + BOX.width : BOX.left;
  const bend = (down ? 1 : -1) * (38 + 26 * span + 6 * (index % 2));
  const y1 = boxTop(from) + BOX.height / 2 + (down ? 6 : -6);
  const y2 = boxTop(to) + BOX.height / 2 + (down ? -6 : 6);
  const group = svg('g', { class: 'wd-edge' });
  group.append(
    svg('path', {
      d: `M ${x} ${y1} C ${x + bend} ${y1}, ${x + bend} ${y2}, ${x + 4 * Math.sign(bend)} ${y2}`,
      'marker-end': 'url(#wd-arrow)',
    }),
    edgeLabel(edge, connections, { x: x + bend * 0.78 + (down ? 6 : -6), y: (y1 + y2) / 2 + 4, 'text-anchor': down ? 'start' : 'end' }),
  );
  return group;
}

function arrowMarker() {
  const defs = svg('defs');
  const marker = svg('marker', {
    id: 'wd-arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 8,
    markerHeight: 8,
    orient: 'auto-start-reverse',
  });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'wd-arrowhead' }));
  defs.append(marker);
  return defs;
}

/** How many DNS lookups each host made, in the order they first asked. */
function lookupsByHost(timeline) {
  const counts = new Map();
  for (const entry of timeline.entries || []) {
    if (entry.type === 'world' && entry.event?.type === 'dnsLookup') {
      counts.set(entry.event.host, (counts.get(entry.event.host) || 0) + 1);
    }
  }
  return counts;
}

/** The DNS box, centred beside the host stack, and a dashed line to each host that asked. */
function dnsBox(lookups, index, height) {
  const top = Math.max(10, height / 2 - DNS_BOX.height / 2);
  const group = svg('g', { class: 'wd-dns' });
  for (const host of lookups.keys()) {
    const i = index.get(host);
    if (i === undefined) continue;
    const y = boxTop(i) + BOX.height / 2;
    group.append(
      svg('line', { x1: DNS_BOX.left + DNS_BOX.width, y1: top + DNS_BOX.height / 2, x2: BOX.left, y2: y, class: 'wd-dns-edge' }),
    );
  }
  const total = Array.from(lookups.values()).reduce((sum, n) => sum + n, 0);
  group.append(
    svg('rect', { x: DNS_BOX.left, y: top, width: DNS_BOX.width, height: DNS_BOX.height, rx: 8, class: 'wd-dns-box' }),
    svg('text', { x: DNS_BOX.left + DNS_BOX.width / 2, y: top + 19, class: 'wd-name', 'text-anchor': 'middle' }, 'DNS'),
    svg(
      'text',
      { x: DNS_BOX.left + DNS_BOX.width / 2, y: top + 35, class: 'wd-address', 'text-anchor': 'middle' },
      `${total} lookup${total === 1 ? '' : 's'}`,
    ),
  );
  return group;
}

/** One sentence per edge, for the SVG's accessible name. */
function describe(timeline, lookups) {
  const edges = timeline.graph.map((edge) => `${edge.from} connected to ${edge.to} (connection ${edge.connections.join(', ')})`);
  const asked = Array.from(lookups, ([host, n]) => `${host} made ${n} DNS lookup${n === 1 ? '' : 's'}`);
  return `Hosts ${timeline.hosts.map((host) => host.name).join(', ')}. ${[...edges, ...asked].join('; ')}.`;
}

/** The diagram of `timeline.hosts` and `timeline.graph` as an SVG element. */
export function worldDiagram(timeline) {
  const hosts = timeline.hosts || [];
  const height = boxTop(hosts.length) - BOX.gap + 10;
  const lookups = lookupsByHost(timeline);
  const root = svg('svg', {
    class: 'world-diagram-svg',
    viewBox: `0 0 ${WIDTH} ${Math.max(height, 70)}`,
    role: 'img',
    'aria-label': describe(timeline, lookups),
  });
  root.append(arrowMarker());
  const index = new Map(hosts.map((host, i) => [host.name, i]));
  if (lookups.size) root.append(dnsBox(lookups, index, height));
  (timeline.graph || []).forEach((edge, i) => {
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined || to === undefined || from === to) return;
    root.append(edgePath(edge, i, from, to, timeline.connections || []));
  });
  hosts.forEach((host, i) => {
    root.append(hostBox(host, i));
  });
  return root;
}
