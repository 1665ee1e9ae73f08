// Highlighted transcript lines: what `lines=12-14` in a link, a preset's default lines and
// a tour step point at. Line numbers are the ones the transcript's gutter shows (the first
// line is 1). A preset or a tour step names its lines by what they say, resolved against
// the lines of the run the engine recorded, so they stay right when a run gains or loses
// a line; a link names them by number, since its author saw the numbers.
//
// Everything but `highlightLines` is plain data in, plain data out (node tests import it).

/** At most this many ranges are read from a link, so a hostile `lines=` stays cheap. */
const MAX_RANGES = 50;

/**
 * Reads `lines=` ("12-14", "3,7-9", "5") into ranges `[{from, to}]` of 1-based line
 * numbers, in the order given. A part that is not a number or a range is skipped; a range
 * written backwards ("9-7") is turned round.
 */
export function parseLineRanges(text) {
  const ranges = [];
  for (const part of String(text ?? '').split(',')) {
    const match = /^\s*(\d{1,7})\s*(?:-\s*(\d{1,7})\s*)?$/.exec(part);
    if (!match) continue;
    const a = Number(match[1]);
    const b = match[2] === undefined ? a : Number(match[2]);
    if (a < 1 || b < 1) continue;
    ranges.push({ from: Math.min(a, b), to: Math.max(a, b) });
    if (ranges.length === MAX_RANGES) break;
  }
  return ranges;
}

/** Ranges back to the `lines=` form: `[{from: 3, to: 3}, {from: 7, to: 9}]` → "3,7-9". */
export function formatLineRanges(ranges) {
  return ranges.map(({ from, to }) => (from === to ? String(from) : `${from}-${to}`)).join(',');
}

/** Ranges cut to a transcript of `count` lines; ranges wholly past its end go. */
export function clampRanges(ranges, count) {
  return ranges.filter((range) => range.from <= count).map((range) => ({ from: range.from, to: Math.min(range.to, count) }));
}

/** The 1-based line numbers the ranges cover, each once, ascending. */
export function lineNumbers(ranges) {
  const numbers = new Set();
  for (const { from, to } of ranges) for (let n = from; n <= to; n += 1) numbers.add(n);
  return [...numbers].sort((a, b) => a - b);
}

/**
 * True when transcript line `line` (`{direction: 'C'|'S', text, event?}`) is what
 * `selector` names: `text` (the line starts with it), `contains` (anywhere in the line)
 * or, in the World's timeline, `event` (a world event's type, e.g. "queueTaken"); and
 * `side` ('C' or 'S') when given.
 */
export function lineMatches(line, selector) {
  if (!line || !selector) return false;
  if (selector.side && selector.side !== line.direction) return false;
  if (typeof selector.event === 'string') return line.event === selector.event;
  if (typeof selector.text === 'string') return line.text.startsWith(selector.text);
  if (typeof selector.contains === 'string') return line.text.includes(selector.contains);
  return false;
}

function indexFrom(lines, selector, start) {
  for (let i = start; i < lines.length; i += 1) if (lineMatches(lines[i], selector)) return i;
  return -1;
}

/** The ranges one selector names, 0-based indexes turned into line numbers. */
function resolveSelector(lines, selector) {
  const ranges = [];
  let start = 0;
  while (start < lines.length) {
    const first = indexFrom(lines, selector, start);
    if (first === -1) break;
    const last = selector.through ? indexFrom(lines, selector.through, first) : first;
    if (last === -1) break;
    ranges.push({ from: first + 1, to: last + 1 });
    if (!selector.every) break;
    start = last + 1;
  }
  return ranges;
}

/**
 * The lines a preset's or a tour step's `highlight` names, as ranges in transcript order.
 * `highlight` is one selector or a list of them; a selector is
 * `{text | contains | event, side?, through?, every?}`: the first line that starts with `text`
 * (or contains `contains`), on the client (`side: 'C'`) or server (`'S'`) side if given;
 * with `through` (another selector), every line from there down to the first line at or
 * after it that `through` names; with `every: true`, each such match instead of the first.
 * `lines` are the transcript's lines (`buildModel(...).lines`). A selector that names
 * nothing adds nothing.
 */
export function resolveHighlight(lines, highlight) {
  const selectors = Array.isArray(highlight) ? highlight : highlight ? [highlight] : [];
  return mergeRanges(selectors.flatMap((selector) => resolveSelector(lines, selector)));
}

/** Sorted, with overlapping or touching ranges joined. */
export function mergeRanges(ranges) {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else out.push({ ...range });
  }
  return out;
}

// ---- the page ------------------------------------------------------------------------

/** Lines kept in view above the first highlighted one, so it is read in context. */
const CONTEXT_LINES = 1;

/**
 * Marks the lines of `ranges` in a transcript view (js/transcript.js
 * `createTranscriptView`), rendering up to the last one first; calls `select(index)` with
 * the 0-based index of the first highlighted line (so its explanation shows, which may
 * change the layout), then scrolls the first range (in transcript order) into view
 * (`reveal`). Resolves to that index, or -1 when no range falls inside the transcript.
 */
export async function highlightLines(view, given, { select } = {}) {
  for (const node of view.nodes) unmark(node);
  const ranges = mergeRanges(given);
  const numbers = lineNumbers(ranges);
  if (!numbers.length) return -1;
  await view.ensure(numbers[numbers.length - 1] - 1);
  const marked = numbers.map((n) => view.nodes[n - 1]).filter(Boolean);
  if (!marked.length) return -1;
  for (const node of marked) mark(node);
  const firstRange = ranges.find((range) => view.nodes[range.from - 1]) || ranges[0];
  const first = view.nodes[firstRange.from - 1] || marked[0];
  const end = view.nodes[Math.min(firstRange.to, view.nodes.length) - 1] || first;
  const index = Number(first.dataset.line);
  if (select) await select(index);
  reveal(first, end);
  return index;
}

function mark(node) {
  node.classList.add('highlighted');
  node.dataset.highlighted = 'true';
  if (!node.querySelector('.hl-note')) {
    node.append(Object.assign(document.createElement('span'), { className: 'visually-hidden hl-note', textContent: ' (highlighted)' }));
  }
}

function unmark(node) {
  node.classList.remove('highlighted');
  delete node.dataset.highlighted;
  node.querySelector('.hl-note')?.remove();
}

/** The ancestors that scroll vertically, innermost first. */
function scrollBoxes(node) {
  const boxes = [];
  for (let el = node.parentElement; el; el = el.parentElement) {
    const { overflowY } = getComputedStyle(el);
    if ((overflowY === 'auto' || overflowY === 'scroll') && el.scrollHeight > el.clientHeight) boxes.push(el);
  }
  return boxes;
}

/**
 * Scrolls elements `first`..`end` into view: inside every box that scrolls around them
 * (the transcript's own box, a tab's panel), innermost first, then the page (or the
 * embed's frame). Sets offsets, never calls `scrollIntoView`, which would also scroll
 * the page that embeds the frame.
 */
export function reveal(first, end = first) {
  for (const box of scrollBoxes(first)) revealInBox(box, first, end);
  revealInWindow(first, end);
}

/** Scrolls `box` so `first`..`end` show, `first` near the top with a line of context. */
function revealInBox(box, first, end) {
  const boxTop = box.getBoundingClientRect().top + box.clientTop;
  const top = first.getBoundingClientRect().top - boxTop + box.scrollTop;
  const bottom = end.getBoundingClientRect().bottom - boxTop + box.scrollTop;
  const context = first.offsetHeight * CONTEXT_LINES;
  const wanted = bottom - (top - context) <= box.clientHeight ? top - context : top;
  box.scrollTop = Math.max(0, Math.min(wanted, box.scrollHeight - box.clientHeight));
}

/**
 * Scrolls the page (the frame, when embedded) so elements `first`..`end` are on screen,
 * below whatever the page's `scroll-padding-top` reserves (the tour panel while it
 * sticks to the top).
 */
function revealInWindow(first, end) {
  const covered = Number.parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
  const top = first.getBoundingClientRect().top - covered;
  const bottom = end.getBoundingClientRect().bottom;
  const height = window.innerHeight - covered;
  if (top >= 0 && bottom <= window.innerHeight) return;
  const margin = Math.min(48, height / 6);
  const delta = top < 0 || bottom - covered - top + margin > height ? top - margin : bottom - window.innerHeight + margin;
  window.scrollTo(window.scrollX, Math.max(0, window.scrollY + delta));
}
