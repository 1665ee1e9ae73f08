// The transcript: timeline bytes as C:/S: lines with virtual timestamps, grouped by
// write, rendered in slices so even 10,000 lines keep the page responsive.

import { h, replaceChildren } from './dom.js';
import { toBytes, splitLines, lineText, visibleSegments, hexRows } from './bytes.js';
import { eventCard } from './events.js';

const SLICE = 500;
const BATCH = 2000;

/** Lines and chunks of a timeline. */
export function buildModel(timeline, scenario) {
  const entries = timeline.entries || [];
  const firstAt = entries.find((entry) => typeof (entry.at ?? entry.event?.at) === 'number');
  const start = typeof scenario.startTime === 'number' ? scenario.startTime : (firstAt ? (firstAt.at ?? firstAt.event.at) : 0);
  const chunks = [];
  const lines = [];
  let lastServerCode = null;
  entries.forEach((entry, index) => {
    if (entry.type !== 'bytes') return;
    const direction = entry.direction === 'clientToServer' ? 'C' : 'S';
    const bytes = toBytes(entry.octets);
    const parts = splitLines(bytes);
    const data = direction === 'C' && lastServerCode === 354;
    const replies = direction === 'S' ? parts.filter((part) => { const text = lineText(part); return text.length <= 3 || text[3] !== '-'; }).length : 0;
    const chunk = { index, at: entry.at, direction, bytes, firstLine: lines.length, count: parts.length, data, replies };
    chunk.label = groupLabel(chunk);
    chunks.push(chunk);
    for (const part of parts) {
      lines.push({ chunk: chunks.length - 1, direction, at: entry.at, bytes: part, text: lineText(part) });
    }
    if (direction === 'S') {
      const last = parts.length ? lineText(parts[parts.length - 1]) : '';
      const code = Number(last.slice(0, 3));
      lastServerCode = Number.isInteger(code) && code > 0 ? code : lastServerCode;
    }
  });
  return { start, chunks, lines, latency: scenario.latencyMs ?? 0 };
}

function groupLabel(chunk) {
  if (chunk.count < 2) return '';
  if (chunk.direction === 'C' && !chunk.data) return `pipelined: ${chunk.count} commands in one write`;
  if (chunk.direction === 'C') return `message text: ${chunk.count} lines in one write`;
  return chunk.replies > 1 ? `${chunk.replies} replies in one write` : `one reply: ${chunk.count} lines`;
}

/** Plain text, swaks style. */
export function plainTranscript(model) {
  return model.lines.map((line) => `${line.direction}: ${line.text}`).join('\n') + (model.lines.length ? '\n' : '');
}

/** Seconds since the start, e.g. "+0.040". */
export function relativeTime(model, at) {
  return `+${((at - model.start) / 1000).toFixed(3)}`;
}

function lineNode(model, index, options) {
  const line = model.lines[index];
  const text = h('span', { class: 'text' });
  if (options.showControl) {
    for (const segment of visibleSegments(line.bytes)) {
      text.append(segment.control ? h('span', { class: 'ctl', text: segment.text }) : document.createTextNode(segment.text));
    }
  } else {
    text.textContent = line.text;
  }
  return h('div', {
    role: 'option',
    class: `line ${line.direction === 'C' ? 'c' : 's'}`,
    id: `line-${index}`,
    'data-line': index,
    tabindex: index === 0 ? 0 : -1,
    'aria-selected': 'false',
  }, [
    options.showTime ? h('span', { class: 'time', text: relativeTime(model, line.at) }) : '',
    h('span', { class: 'dir', text: `${line.direction}:` }),
    text,
  ]);
}

/**
 * A transcript view that renders lazily: the first BATCH lines at once (in slices of
 * SLICE lines, yielding between slices), more whenever the last rendered line scrolls
 * into view, and everything up to a line on demand (`ensure`). The DOM therefore stays
 * small for huge transcripts and the page stays responsive. `isCurrent()` turns false
 * when a newer view replaces this one, which stops it.
 */
export function createTranscriptView(list, model, options, isCurrent) {
  replaceChildren(list);
  const nodes = [];
  let chunkIndex = 0;
  let lineIndex = 0;
  let holder = null;
  let target = Math.min(BATCH, model.lines.length);
  let running = null;
  const observer = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver((records) => {
      if (records.some((record) => record.isIntersecting)) grow(BATCH);
    }, { root: list, rootMargin: '0px 0px 400px 0px' })
    : null;

  function renderSlice() {
    const fragment = document.createDocumentFragment();
    let rendered = 0;
    while (nodes.length < target && rendered < SLICE && chunkIndex < model.chunks.length) {
      const chunk = model.chunks[chunkIndex];
      if (lineIndex === chunk.firstLine && chunk.label) {
        holder = h('div', { role: 'group', class: `group ${chunk.direction === 'C' ? 'c' : 's'}${chunk.data ? ' data' : ''}`, 'aria-label': chunk.label }, [
          h('div', { class: 'group-label', 'aria-hidden': 'true', text: chunk.label }),
        ]);
        fragment.append(holder);
      } else if (lineIndex === chunk.firstLine) {
        holder = null;
      }
      const node = lineNode(model, lineIndex, options);
      nodes.push(node);
      (holder || fragment).append(node);
      lineIndex += 1;
      rendered += 1;
      if (lineIndex >= chunk.firstLine + chunk.count) chunkIndex += 1;
    }
    list.append(fragment);
  }

  function pump() {
    if (running) return running;
    let finish;
    const promise = new Promise((resolve) => { finish = resolve; });
    running = promise;
    const done = (value) => {
      running = null;
      finish(value);
    };
    const step = () => {
      if (!isCurrent()) {
        observer?.disconnect();
        done(false);
        return;
      }
      renderSlice();
      if (nodes.length < target) {
        setTimeout(step, 0);
        return;
      }
      if (observer && nodes.length < model.lines.length) {
        observer.disconnect();
        observer.observe(nodes[nodes.length - 1]);
      }
      options.onProgress?.(nodes.length, model.lines.length);
      done(true);
    };
    step();
    return promise;
  }

  function grow(count) {
    target = Math.min(model.lines.length, Math.max(target, nodes.length + count));
    return pump();
  }

  return {
    nodes,
    /** Renders up to line `index` (and at least one batch); resolves when done. */
    async ensure(index) {
      target = Math.min(model.lines.length, Math.max(target, index + 1));
      while (nodes.length <= index && nodes.length < model.lines.length) {
        target = Math.min(model.lines.length, Math.max(target, index + 1));
        if (!await pump()) break;
      }
      return nodes[index] || null;
    },
    /** The first batch. */
    ready: pump(),
  };
}

/** Events that explain a chunk: the sender's at send time, the receiver's on arrival. */
export function eventsForChunk(timeline, model, chunk) {
  const sender = chunk.direction === 'C' ? 'client' : 'server';
  const receiver = chunk.direction === 'C' ? 'server' : 'client';
  const arrival = chunk.at + model.latency;
  const out = { sender: [], receiver: [] };
  for (const entry of timeline.entries || []) {
    if (!entry.event) continue;
    if (entry.type === sender && entry.event.at === chunk.at) out.sender.push(entry.event);
    else if (entry.type === receiver && entry.event.at === arrival) out.receiver.push(entry.event);
  }
  return out;
}

const VERB_NAMES = { startTls: 'STARTTLS', obsolete: null };

function commandWord(event) {
  const command = event.kind && event.kind.command;
  if (!command || !command.verb) return null;
  if (command.verb === 'obsolete') return String(command.which || '').toUpperCase();
  return VERB_NAMES[command.verb] || command.verb.toUpperCase();
}

/**
 * Where a line sits in its write: the n-th command of a pipelined group, or the line of
 * the n-th reply (multi-line replies "250-…" continue until "250 …").
 */
function ordinalInChunk(model, chunk, index) {
  let ordinal = 0;
  for (let i = chunk.firstLine; i < index; i += 1) {
    const text = model.lines[i].text;
    if (chunk.direction === 'C' || text.length <= 3 || text[3] !== '-') ordinal += 1;
  }
  return ordinal;
}

/** The old way, by content: same verb or same reply code. */
function byContent(events, line, chunk) {
  const word = line.text.split(/[ :]/)[0].toUpperCase();
  const code = Number(line.text.slice(0, 3));
  return events.filter((event) => {
    const kind = event.kind || {};
    if (chunk.data) return kind.type === 'messageSent' || kind.type === 'messageAccepted';
    if (kind.command) return commandWord(event) === word;
    if (kind.reply) return kind.reply.code === code;
    if (kind.type === 'commandRejected') return String(kind.line || '').toUpperCase().startsWith(word);
    return false;
  });
}

const SENDER_KINDS = { C: ['commandSent'], S: ['replySent'] };
const RECEIVER_KINDS = { C: ['commandReceived', 'commandRejected'], S: ['replyReceived', 'malformedReply'] };

/** Picks, among a chunk's events, the ones about this very line: by position, else by content. */
function matching(events, kinds, line, chunk, ordinal) {
  if (chunk.data) return byContent(events, line, chunk);
  const candidates = events.filter((event) => kinds.includes(event.kind?.type));
  const positional = candidates[ordinal];
  return positional ? [positional] : byContent(events, line, chunk);
}

/** Fills the details pane for one line. */
export function renderLineDetails(pane, model, timeline, index) {
  const line = model.lines[index];
  if (!line) return;
  const chunk = model.chunks[line.chunk];
  const { sender, receiver } = eventsForChunk(timeline, model, chunk);
  const ordinal = ordinalInChunk(model, chunk, index);
  const best = [
    ...matching(sender, SENDER_KINDS[line.direction], line, chunk, ordinal),
    ...matching(receiver, RECEIVER_KINDS[line.direction], line, chunk, ordinal),
  ];
  const others = [...sender, ...receiver].filter((event) => !best.includes(event));
  const whoSent = line.direction === 'C' ? 'client → server' : 'server → client';
  const narrow = pane.clientWidth > 0 && pane.clientWidth < 560;
  const dump = hexRows(chunk.bytes, 4096, narrow ? 8 : 16);
  replaceChildren(pane, [
    h('h3', { class: 'details-title' }, [h('span', { class: `dir ${line.direction === 'C' ? 'c' : 's'}`, text: `${line.direction}: ` }), line.text || '(empty line)']),
    h('p', { class: 'muted', text: `${whoSent} at ${relativeTime(model, line.at)} s · this line ${line.bytes.length} octets · its write ${chunk.bytes.length} octets${chunk.label ? ` (${chunk.label})` : ''}` }),
    best.length
      ? h('div', { class: 'events' }, best.map((event) => eventCard(sender.includes(event) ? (line.direction === 'C' ? 'client' : 'server') : (line.direction === 'C' ? 'server' : 'client'), event, { highlight: true })))
      : h('p', { class: 'muted', text: chunk.data ? 'Part of the message text.' : 'No event names this line directly; see the events of its write below.' }),
    others.length
      ? h('details', { class: 'more-events' }, [
        h('summary', { text: `Other events at this moment (${others.length})` }),
        ...others.map((event) => eventCard(sender.includes(event) ? (line.direction === 'C' ? 'client' : 'server') : (line.direction === 'C' ? 'server' : 'client'), event)),
      ])
      : '',
    h('details', { class: 'hex', open: true }, [
      h('summary', { text: `Hex of this write (${chunk.bytes.length} octets)` }),
      h('pre', { class: 'hexdump', tabindex: 0, 'aria-label': 'Hex dump', text: dump.rows.join('\n') + (dump.truncated ? `\n… first 4096 of ${chunk.bytes.length} octets shown` : '') }),
    ]),
  ]);
}
