// A selected transcript line's details: the engine's notes on it, the event that wrote
// it, the events that read it and its write in hex. Loaded the first time a line is
// selected, so the first transcript paints without it (scripts/lib/first-load.txt).

import { hexRows } from './bytes.js';
import { h, replaceChildren } from './dom.js';
import { eventCard } from './events.js';
import { negotiationRowId, relativeTime, sideMark } from './transcript.js';

/** The event of entry `index` as `{side, event}`, or null. */
function eventAt(timeline, index) {
  const entry = index === null || index === undefined ? null : (timeline.entries || [])[index];
  return entry?.event ? { side: entry.type, event: entry.event } : null;
}

/**
 * For a timeline recorded without links (a scripted run built in JavaScript, which
 * records each server step's events just before the octets of that step): the events
 * recorded between the previous write and this one.
 */
function recordedWith(timeline, entryIndex) {
  const out = [];
  const entries = timeline.entries || [];
  for (let i = entryIndex - 1; i >= 0 && entries[i].type !== 'bytes'; i -= 1) out.unshift(eventAt(timeline, i));
  return out.filter(Boolean);
}

/** Opens the Negotiation tab on the row of `keyword`. */
function showNegotiationRow(keyword) {
  const tab = document.getElementById('tab-negotiation');
  if (!tab) return;
  tab.click();
  let tries = 0;
  const find = () => {
    const row = document.getElementById(negotiationRowId(keyword));
    if (row) {
      row.scrollIntoView({ block: 'center' });
      row.classList.add('flash');
      row.focus?.();
    } else if (tries < 100) {
      tries += 1;
      requestAnimationFrame(find);
    }
  };
  find();
}

function negotiationLink(keyword) {
  const link = h('a', { class: 'to-negotiation', href: '#view-negotiation', text: `${keyword} in the Negotiation tab` });
  link.addEventListener('click', (event) => {
    event.preventDefault();
    showNegotiationRow(keyword);
  });
  return link;
}

/** A line's notes: what it is and why now, each with its RFC and, for an offered extension, a link to its row. */
function notesView(notes) {
  return h(
    'ul',
    { class: 'line-notes' },
    notes.map((note) =>
      h('li', {}, [
        note.text,
        ' ',
        h('span', { class: 'rfc', text: note.rfc }),
        note.extension ? ' · ' : '',
        note.extension ? negotiationLink(note.extension) : '',
      ]),
    ),
  );
}

/** Fills the details pane for one line: its notes, the event that wrote it, the events that read it, its write in hex. */
export function renderLineDetails(pane, model, timeline, index) {
  const line = model.lines[index];
  if (!line) return;
  const chunk = model.chunks[line.chunk];
  const writer = eventAt(timeline, line.event);
  const readers = line.readBy.map((i) => eventAt(timeline, i)).filter(Boolean);
  const arrival = line.direction === 'S' ? chunk.arrival.map((i) => eventAt(timeline, i)).filter(Boolean) : [];
  const unlinked = Array.isArray(timeline.writes) ? [] : recordedWith(timeline, chunk.index);
  const whoSent = line.direction === 'C' ? 'client → server' : 'server → client';
  const receiver = line.direction === 'C' ? 'server' : 'client';
  const narrow = pane.clientWidth > 0 && pane.clientWidth < 560;
  const dump = hexRows(chunk.bytes, 4096, narrow ? 8 : 16);
  replaceChildren(pane, [
    h('h3', { class: 'details-title' }, [
      h('span', { class: `dir ${line.direction === 'C' ? 'c' : 's'}`, text: `${sideMark(line)} ` }),
      line.text || '(empty line)',
    ]),
    h('p', {
      class: 'muted',
      text: `${whoSent}${line.encrypted ? ' inside TLS' : ''} at ${relativeTime(model, line.at)} s · this line ${line.bytes.length} octets · its write ${chunk.bytes.length} octets${chunk.label ? ` (${chunk.label})` : ''}`,
    }),
    line.notes.length ? notesView(line.notes) : '',
    writer
      ? h('div', { class: 'events' }, [h('h4', { text: 'Written by' }), eventCard(writer.side, writer.event, { highlight: true })])
      : h('p', { class: 'muted', text: 'No engine event wrote this line (a scripted run sends octets as they are).' }),
    unlinked.length
      ? h('div', { class: 'events' }, [h('h4', { text: 'Recorded with this write' }), ...unlinked.map((r) => eventCard(r.side, r.event))])
      : '',
    readers.length
      ? h('div', { class: 'events' }, [
          h('h4', { text: `How the ${receiver} handled it` }),
          ...readers.map((r) => eventCard(r.side, r.event)),
        ])
      : '',
    arrival.length
      ? h('details', { class: 'more-events' }, [
          h('summary', { text: `What the ${receiver} did when this write arrived (${arrival.length})` }),
          ...arrival.map((r) => eventCard(r.side, r.event)),
        ])
      : '',
    h('details', { class: 'hex', open: true }, [
      h('summary', { text: `Hex of this write (${chunk.bytes.length} octets)` }),
      h('pre', {
        class: 'hexdump',
        tabindex: 0,
        'aria-label': 'Hex dump',
        text: dump.rows.join('\n') + (dump.truncated ? `\n… first 4096 of ${chunk.bytes.length} octets shown` : ''),
      }),
    ]),
  ]);
}
