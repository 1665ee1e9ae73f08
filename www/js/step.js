// Step mode: walk the timeline entry by entry; the server's state machine is drawn from
// the engine's own transition table with the current state and last transition marked.

import { h, replaceChildren } from './dom.js';
import { toBytes, splitLines, lineText } from './bytes.js';
import { eventCard } from './events.js';
import { stateDiagram } from './diagram.js';

/** The server state after entry `index`, and the last state change up to it. */
export function stateAt(timeline, index, initial) {
  let state = initial;
  let change = null;
  (timeline.entries || []).slice(0, index + 1).forEach((entry) => {
    const kind = entry.type === 'server' && entry.event?.kind;
    if (kind && kind.type === 'stateChanged') {
      state = kind.to;
      change = kind;
    }
  });
  return { state, change };
}

/** `states` and `transitions` as the engine lists them (`serverStates`, `serverTransitions`). */
export function renderStateDiagram(container, states, transitions, current, change) {
  const taken = change ? transitions.find((row) => row.to === change.to && row.from.includes(change.from)) : null;
  const next = transitions.filter((row) => row.from.includes(current));
  replaceChildren(container, [
    h('p', { class: 'current-state' }, [
      'Server state: ', h('strong', { text: current }),
      change ? ` (after ${taken ? taken.trigger : 'a change'}: ${change.from} → ${change.to})` : ' (start)',
    ]),
    h('p', { class: 'muted', text: next.length ? `Allowed next: ${next.map((row) => `${row.trigger} → ${row.to}`).join(', ')}. Anything else earns 503 (RFC 5321 §4.1.4).` : 'Nothing more is read.' }),
    h('div', { class: 'diagram-wrap', tabindex: 0, role: 'region', 'aria-label': 'State diagram (scrolls sideways on small screens)' }, [stateDiagram(states, transitions, current, change)]),
    h('details', { class: 'table-details' }, [h('summary', { text: 'Transition table (the rows the engine runs)' }), h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Transition table' }, [h('table', { class: 'transitions' }, [
      h('thead', {}, [h('tr', {}, ['From', 'Trigger', 'To', 'RFC'].map((t) => h('th', { scope: 'col', text: t })))]),
      h('tbody', {}, transitions.map((row) => h('tr', { class: row === taken ? 'taken' : (row.from.includes(current) ? 'possible' : '') }, [
        h('td', { text: row.from.join(', ') }),
        h('td', { text: row.trigger }),
        h('td', { text: row.to }),
        h('td', { text: row.rfc }),
      ]))),
    ])])]),
  ]);
}

export function renderStepEntry(container, miniTranscript, timeline, index, start) {
  const entries = timeline.entries || [];
  const entry = entries[index];
  if (!entry) {
    replaceChildren(container, [h('p', { class: 'muted', text: 'Run a scenario to step through it.' })]);
    replaceChildren(miniTranscript);
    return;
  }
  if (entry.type === 'bytes') {
    const dir = entry.direction === 'ClientToServer' ? 'C' : 'S';
    replaceChildren(container, [
      h('p', { class: 'event-head' }, [h('span', { class: `badge ${dir === 'C' ? 'client' : 'server'}`, text: dir === 'C' ? 'client → server' : 'server → client' }), ` ${toBytes(entry.octets).length} octets at +${((entry.at - start) / 1000).toFixed(3)} s`]),
    ]);
  } else {
    replaceChildren(container, [eventCard(entry.type, entry.event, { highlight: true })]);
  }
  const lines = [];
  entries.slice(0, index + 1).forEach((e, i) => {
    if (e.type !== 'bytes') return;
    const dir = e.direction === 'ClientToServer' ? 'C' : 'S';
    for (const line of splitLines(toBytes(e.octets))) lines.push({ dir, text: lineText(line), current: i === index });
  });
  const shown = lines.slice(-14);
  if (!shown.length) {
    replaceChildren(miniTranscript, [h('li', { class: 'muted', text: 'No bytes on the wire yet.' })]);
    return;
  }
  replaceChildren(miniTranscript, shown.map((line) => h('li', { class: `line ${line.dir === 'C' ? 'c' : 's'}${line.current ? ' now' : ''}` }, [
    h('span', { class: 'dir', text: `${line.dir}:` }), h('span', { class: 'text', text: line.text }),
  ])));
}
