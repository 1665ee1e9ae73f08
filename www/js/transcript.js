// Turns a timeline (the engine's output) into transcript lines, and renders them.
// The split of a timeline into lines is pure, so later panels can reuse it.

import { el } from './dom.js';

const DIRECTIONS = {
  ClientToServer: { prefix: 'C:', className: 'client', label: 'client to server' },
  ServerToClient: { prefix: 'S:', className: 'server', label: 'server to client' },
};

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * The bytes entries of a timeline as lines: `{at, direction, text, complete}`, where `at`
 * is milliseconds since `startTime` and `complete` says whether the line ended in CRLF.
 */
export function transcriptLines(timeline, startTime) {
  const lines = [];
  for (const entry of timeline.entries) {
    if (entry.type !== 'bytes') continue;
    const text = decoder.decode(Uint8Array.from(entry.octets));
    const parts = text.split('\r\n');
    const last = parts.pop();
    for (const part of parts) {
      lines.push({ at: entry.at - startTime, direction: entry.direction, text: part, complete: true });
    }
    if (last !== '') {
      lines.push({ at: entry.at - startTime, direction: entry.direction, text: last, complete: false });
    }
  }
  return lines;
}

function formatSeconds(ms) {
  return (ms / 1000).toFixed(3);
}

function renderLine(line) {
  const direction = DIRECTIONS[line.direction] ?? { prefix: '?:', className: 'unknown', label: 'unknown' };
  const time = el('span', { className: 'time' }, formatSeconds(line.at));
  const dir = el('abbr', { className: `dir dir-${direction.className}`, title: direction.label }, direction.prefix);
  const text = el('code', { className: 'text' }, line.text);
  const item = el('li', { className: `line line-${direction.className}` }, time, dir, text);
  if (!line.complete) {
    item.append(el('span', { className: 'no-crlf', title: 'this line did not end with CRLF' }, ' (no CRLF)'));
  }
  return item;
}

/** Replaces the list's content with the timeline's transcript. */
export function renderTranscript(list, timeline, startTime) {
  const lines = transcriptLines(timeline, startTime);
  const fragment = document.createDocumentFragment();
  for (const line of lines) fragment.append(renderLine(line));
  list.replaceChildren(fragment);
  return lines;
}
