// Step mode: walk the timeline entry by entry; the server's state machine is drawn from
// the engine's own transition table with the current state and last transition marked.
// Tab contract (as every tab module): `setup(root, services)` finds the DOM once and
// asks the engine for its states and table; `render(model)` draws a run. Drawing is
// synchronous, so a render can never be overtaken by an older one.

import { lineText, splitLines, toBytes } from './bytes.js';
import { stateDiagram } from './diagram.js';
import { h, replaceChildren } from './dom.js';
import { eventCard } from './events.js';

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

/** Words for people from the engine (`serverStateLabels`): names shown as the engine labels them. */
export function wordsOf(labels) {
  const states = new Map((labels?.states || []).map((s) => [s.name, s]));
  const triggers = new Map((labels?.triggers || []).map((t) => [t.name, t.label]));
  return {
    state: (name) => states.get(name)?.label ?? name,
    meaning: (name) => states.get(name)?.meaning ?? '',
    trigger: (name) => triggers.get(name) ?? name,
    otherwise: labels?.otherwise ?? '',
  };
}

/**
 * `states` and `transitions` as the engine lists them (`serverStates`, `serverTransitions`);
 * `words` turns their names into the engine's words for people (`wordsOf`).
 */
export function renderStateDiagram(container, states, transitions, current, change, words = wordsOf(null)) {
  const taken = change ? transitions.find((row) => row.to === change.to && row.from.includes(change.from)) : null;
  const next = transitions.filter((row) => row.from.includes(current));
  replaceChildren(container, [
    h('p', { class: 'current-state' }, [
      'Server state: ',
      h('strong', { text: words.state(current) }),
      change
        ? ` (after ${taken ? words.trigger(taken.trigger) : 'a change'}: ${words.state(change.from)} → ${words.state(change.to)})`
        : ' (start)',
      ` ${words.meaning(current)}`,
    ]),
    h('p', {
      class: 'muted',
      text: next.length
        ? `Allowed next: ${next.map((row) => `${words.trigger(row.trigger)} → ${words.state(row.to)}`).join(', ')}. ${words.otherwise}`
        : 'Nothing more is read.',
    }),
    h('div', { class: 'diagram-wrap', tabindex: 0, role: 'region', 'aria-label': 'State diagram (scrolls sideways on small screens)' }, [
      stateDiagram(states, transitions, current, change, words),
    ]),
    h('details', { class: 'table-details' }, [
      h('summary', { text: 'Transition table (the rows the engine runs)' }),
      h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Transition table' }, [
        h('table', { class: 'transitions' }, [
          h('thead', {}, [
            h(
              'tr',
              {},
              ['From', 'Trigger', 'To', 'RFC'].map((t) => h('th', { scope: 'col', text: t })),
            ),
          ]),
          h(
            'tbody',
            {},
            transitions.map((row) =>
              h('tr', { class: row === taken ? 'taken' : row.from.includes(current) ? 'possible' : '' }, [
                h('td', { text: row.from.map(words.state).join(', ') }),
                h('td', { text: words.trigger(row.trigger) }),
                h('td', { text: words.state(row.to) }),
                h('td', { text: row.rfc }),
              ]),
            ),
          ),
        ]),
      ]),
    ]),
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
    const dir = entry.direction === 'clientToServer' ? 'C' : 'S';
    replaceChildren(container, [
      h('p', { class: 'event-head' }, [
        h('span', { class: `badge ${dir === 'C' ? 'client' : 'server'}`, text: dir === 'C' ? 'client → server' : 'server → client' }),
        ` ${toBytes(entry.octets).length} octets at +${((entry.at - start) / 1000).toFixed(3)} s`,
      ]),
    ]);
  } else {
    replaceChildren(container, [eventCard(entry.type, entry.event, { highlight: true })]);
  }
  const lines = [];
  entries.slice(0, index + 1).forEach((e, i) => {
    if (e.type !== 'bytes') return;
    const dir = e.direction === 'clientToServer' ? 'C' : 'S';
    for (const line of splitLines(toBytes(e.octets))) lines.push({ dir, text: lineText(line), current: i === index });
  });
  const shown = lines.slice(-14);
  if (!shown.length) {
    replaceChildren(miniTranscript, [h('li', { class: 'muted', text: 'No bytes on the wire yet.' })]);
    return;
  }
  replaceChildren(
    miniTranscript,
    shown.map((line) =>
      h('li', { class: `line ${line.dir === 'C' ? 'c' : 's'}${line.current ? ' now' : ''}` }, [
        h('span', { class: 'dir', text: `${line.dir}:` }),
        h('span', { class: 'text', text: line.text }),
      ]),
    ),
  );
}

const view = { els: null, states: [], transitions: [], words: wordsOf(null), timeline: null, start: 0, index: 0 };

/** The step panel's controls and areas, built into `root`; returns them by name. */
function buildPanel(root) {
  const button = (id, children) => h('button', { type: 'button', id }, children);
  const arrow = (text) => h('span', { 'aria-hidden': 'true', text });
  const els = {
    first: button('step-first', 'First'),
    prev: button('step-prev', [arrow('◀'), ' Previous']),
    next: button('step-next', ['Next ', arrow('▶')]),
    last: button('step-last', 'Last'),
    range: h('input', { type: 'range', id: 'step-range', min: 0, max: 0, value: 0 }),
    position: h('span', { id: 'step-position', class: 'muted' }),
    entry: h('div', { id: 'step-entry', class: 'step-entry', 'aria-live': 'polite' }),
    diagram: h('div', { id: 'state-diagram', class: 'state-diagram', role: 'group', 'aria-label': 'Server state machine' }),
    transcript: h('ol', { id: 'step-transcript', class: 'transcript mini', 'aria-label': 'Bytes so far' }),
  };
  replaceChildren(root, [
    h('div', { class: 'step-controls' }, [
      els.first,
      els.prev,
      els.next,
      els.last,
      h('label', { for: 'step-range', class: 'visually-hidden', text: 'Step' }),
      els.range,
      els.position,
    ]),
    els.entry,
    els.diagram,
    h('h3', { class: 'mini-heading', text: 'Bytes so far' }),
    els.transcript,
  ]);
  return els;
}

/** Builds the step controls into `root`, reads the engine's state list and table, wires the buttons. */
export function setup(root, { engine }) {
  view.els = buildPanel(root);
  view.states = engine.call('serverStates');
  view.words = wordsOf(engine.call('serverStateLabels'));
  view.transitions = engine.call('serverTransitions');
  view.els.first.addEventListener('click', () => stepTo(0));
  view.els.prev.addEventListener('click', () => stepTo(view.index - 1));
  view.els.next.addEventListener('click', () => stepTo(view.index + 1));
  view.els.last.addEventListener('click', () => stepTo(Number.MAX_SAFE_INTEGER));
  view.els.range.addEventListener('input', () => stepTo(Number(view.els.range.value)));
}

/** A new run: back to its first entry. `model`: `{timeline, start}`. */
export function render({ timeline, start }) {
  view.timeline = timeline;
  view.start = start;
  view.index = 0;
  draw();
}

function stepTo(index) {
  view.index = index;
  draw();
}

function draw() {
  const { els } = view;
  const timeline = view.timeline || {};
  const entries = timeline.entries || [];
  const max = Math.max(0, entries.length - 1);
  view.index = Math.max(0, Math.min(view.index, max));
  els.range.max = String(max);
  els.range.value = String(view.index);
  els.position.textContent = entries.length ? `entry ${view.index + 1} of ${entries.length}` : '';
  // Every session starts in the engine's first state.
  const { state, change } = stateAt(timeline, view.index, view.states[0]);
  renderStateDiagram(els.diagram, view.states, view.transitions, state, change, view.words);
  renderStepEntry(els.entry, els.transcript, timeline, view.index, view.start);
}
