// The Sequence tab: the run as a sequence diagram. The engine lays it out and draws it
// (`sequenceDiagram` returns the diagram, the SVG file and the text rendering, all from
// src/sequence/); this module shows that very SVG, makes each arrow a focusable button
// whose details are the transcript's for the same write, and offers both renderings for
// download and copy. The SVG is parsed as XML and every element and attribute checked
// against a short list before it enters the page, so protocol text stays text. The World
// tab draws its own run's diagram with the helpers exported here.

import { h, replaceChildren } from './dom.js';
import { renderLineDetails } from './line-details.js';
import { buildModel } from './transcript.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** What the engine's SVG may hold (src/sequence/svg.rs writes nothing else). */
const ELEMENTS = new Set(['svg', 'title', 'desc', 'g', 'rect', 'line', 'path', 'text', 'tspan']);
const ATTRIBUTES = new Set([
  'xmlns',
  'width',
  'height',
  'viewBox',
  'role',
  'aria-labelledby',
  'id',
  'class',
  'font-family',
  'font-size',
  'font-weight',
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linejoin',
  'paint-order',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'rx',
  'd',
  'text-anchor',
  'data-arrow',
]);

let els = null;
let engine = null;
/** The engine to ask about a scenario: the TLS module's for a scenario with TLS (main.js). */
let engineFor = () => engine;
let panel = null;
/** A run not drawn yet because the tab was hidden: drawn by `show()`. */
let pending = null;
/** The diagram on screen: `{diagram, svg, text, transcript, timeline, arrows: [g]}`. */
let current = null;
let selected = -1;
/** The transcript lines (1-based) the page highlights (`lines=`, a preset's default, a tour step). */
let highlighted = [];

/** Builds the tab's controls once. */
export function setup(root, services) {
  panel = root;
  engine = services.engine;
  if (services.engineFor) engineFor = services.engineFor;
  els = {
    download: h('button', { type: 'button', text: 'Download SVG' }),
    copy: h('button', { type: 'button', text: 'Copy as text' }),
    status: h('span', { class: 'muted', role: 'status', 'aria-live': 'polite' }),
    diagram: h('div', { class: 'sequence-diagram' }),
    details: h('aside', { class: 'line-details sequence-details', 'aria-live': 'polite', 'aria-label': 'Arrow details' }),
    text: h('pre', { class: 'sequence-text', tabindex: 0, 'aria-label': 'The sequence diagram as text' }),
  };
  els.download.addEventListener('click', handleDownloadClick);
  els.copy.addEventListener('click', handleCopyClick);
  els.diagram.addEventListener('click', handleDiagramClick);
  els.diagram.addEventListener('keydown', handleDiagramKeydown);
  replaceChildren(panel, [
    h('div', { class: 'view-options' }, [
      h('span', {
        class: 'muted',
        text: 'One arrow per write, top to bottom; AUTH and the message text are bracketed. Click an arrow, or Tab to it and use the arrow keys, to explain it.',
      }),
      els.download,
      els.copy,
      els.status,
    ]),
    h('div', { class: 'sequence-wrap' }, [els.diagram, els.details]),
    h('details', { class: 'sequence-text-wrap' }, [h('summary', { text: 'Text version (what Copy as text copies)' }), els.text]),
  ]);
}

/**
 * Draws the run of `{timeline, scenario}`. The engine runs the scenario again to lay it
 * out (on this thread), so a run that arrives while the tab is hidden waits for `show()`.
 */
export function render(model) {
  if (!els || !model.timeline) return;
  pending = model;
  highlighted = model.highlight || [];
  if (!panel.hidden) draw();
}

/** The tab was opened: draws the run it missed while hidden. */
export function show() {
  if (pending) draw();
}

function draw() {
  const model = pending;
  pending = null;
  const result = engineFor(model.scenario).call('sequenceDiagram', model.scenario);
  const svg = importSvg(result.svg);
  const transcript = buildModel(model.timeline, model.scenario);
  current = { ...result, transcript, timeline: model.timeline, arrows: decorateArrows(svg, result.diagram) };
  selected = -1;
  replaceChildren(els.diagram, [svg]);
  els.text.textContent = result.text;
  els.status.textContent = '';
  showPlaceholder();
  els.diagram.dataset.arrows = String(current.arrows.length);
  markHighlighted();
}

/**
 * Marks the arrows that carry the page's highlighted transcript lines (`numbers`, 1-based,
 * as the transcript shows them), selects the first so its explanation shows, and scrolls it
 * into view; an arrow carries a line when the line belongs to the arrow's write.
 */
export function highlight(numbers) {
  highlighted = numbers || [];
  if (current) markHighlighted();
}

function markHighlighted() {
  const writes = new Set(highlighted.map((n) => current.transcript.lines[n - 1]?.chunk).filter((w) => w !== undefined));
  let first = -1;
  current.diagram.arrows.forEach((arrow, index) => {
    const hit = writes.has(arrow.write);
    current.arrows[index].classList.toggle('highlighted', hit);
    if (hit && first < 0) first = index;
  });
  els.diagram.dataset.highlighted = String(current.arrows.filter((node) => node.classList.contains('highlighted')).length);
  if (first < 0) return;
  select(first, false);
  // reveal() scrolls the diagram's box and the frame, never the page that embeds the frame.
  const node = current.arrows[first];
  import('./line-highlight.js').then(({ reveal }) => reveal(node));
}

function showPlaceholder() {
  replaceChildren(els.details, [
    h('p', { class: 'muted', text: 'Select an arrow to see the line it carries, the RFC section behind it and its bytes in hex.' }),
  ]);
}

/** The engine's SVG as a node of this document, after checking it holds nothing but drawing. */
export function importSvg(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg') throw new Error('The engine’s diagram is not an SVG image.');
  for (const node of [root, ...root.querySelectorAll('*')]) {
    if (node.namespaceURI !== SVG_NS || !ELEMENTS.has(node.localName)) {
      throw new Error(`The engine’s diagram holds an unexpected <${node.localName}> element.`);
    }
    for (const attribute of node.attributes) {
      if (!ATTRIBUTES.has(attribute.name)) throw new Error(`The engine’s diagram holds an unexpected ${attribute.name} attribute.`);
    }
  }
  return document.importNode(root, true);
}

/** The name of the lifeline `lane` belongs to ("Client", "mx.isp.example"). */
function lifelineName(diagram, lane) {
  return diagram.lifelines[diagram.lanes[lane]?.lifeline]?.name || '';
}

/**
 * Makes every arrow a button named by its line, sides and time; returns them in order.
 * `sideName(diagram, lane)` names an arrow's ends (by default its lifeline).
 */
export function decorateArrows(svg, diagram, sideName = lifelineName) {
  svg.setAttribute('role', 'group');
  svg.setAttribute('class', 'sequence-svg');
  const side = (lane) => sideName(diagram, lane);
  return diagram.arrows.map((arrow, index) => {
    const node = svg.querySelector(`[data-arrow="${index}"]`);
    const title = node.querySelector('title')?.textContent || arrow.label;
    node.setAttribute('role', 'button');
    node.setAttribute('tabindex', index === 0 ? '0' : '-1');
    // The name starts with the words the arrow shows (its label), then says who and when.
    node.setAttribute('aria-label', `${title}. ${side(arrow.from)} to ${side(arrow.to)} at ${arrow.time} s`);
    return node;
  });
}

/** Selects arrow `index`: focus, highlight, and the transcript's details of its first line. */
function select(index, focus = true) {
  if (!current) return;
  const node = current.arrows[index];
  if (!node) return;
  current.arrows[selected]?.classList.remove('selected');
  for (const other of current.arrows) other.setAttribute('tabindex', '-1');
  node.setAttribute('tabindex', '0');
  node.classList.add('selected');
  selected = index;
  if (focus) node.focus();
  const chunk = current.transcript.chunks[current.diagram.arrows[index].write];
  if (chunk) renderLineDetails(els.details, current.transcript, current.timeline, chunk.firstLine);
}

function handleDiagramClick(event) {
  const node = event.target.closest('[data-arrow]');
  if (node) select(Number(node.dataset.arrow));
}

/**
 * The arrow a key press on arrow `index` of `count` selects: the arrow keys move by one,
 * Home and End to the ends, Enter and Space select it; `undefined` for any other key.
 */
export function arrowForKey(key, index, count) {
  const last = count - 1;
  const moves = { ArrowDown: index + 1, ArrowRight: index + 1, ArrowUp: index - 1, ArrowLeft: index - 1, Home: 0, End: last };
  if (key in moves) return Math.max(0, Math.min(last, moves[key]));
  if (key === 'Enter' || key === ' ') return index;
  return undefined;
}

function handleDiagramKeydown(event) {
  const node = event.target.closest('[data-arrow]');
  if (!node || !current) return;
  const target = arrowForKey(event.key, Number(node.dataset.arrow), current.arrows.length);
  if (target === undefined) return;
  event.preventDefault();
  select(target);
}

/** Saves `svg` (the engine's file, byte for byte) as `filename` through a download link. */
export function downloadSvg(svg, filename) {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  const link = h('a', { href: url, download: filename, class: 'offscreen' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return 'SVG downloaded.';
}

/** Copies `text` to the clipboard; resolves to the sentence the status line shows. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return 'Text copied to the clipboard.';
  } catch {
    const area = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    const done = document.execCommand?.('copy');
    area.remove();
    return done ? 'Text copied to the clipboard.' : 'Could not copy: the browser refused; the text version is below.';
  }
}

function handleDownloadClick() {
  if (current) els.status.textContent = downloadSvg(current.svg, 'smtp-sequence.svg');
}

async function handleCopyClick() {
  if (current) els.status.textContent = await copyText(current.text);
}
