// The World tab: several hosts on one virtual clock. Runs a world preset (ETRN,
// TURN, ATRN, POP-before-SMTP, MX routing) or an edited scenario on the main thread (world runs are
// small), then shows the host diagram, the connections, one timeline of every line and
// world event coloured by connection, a steppable virtual clock, the whole run as a
// sequence diagram (drawn by the engine, checked by sequence.js's sanitiser) and each
// host's mail. All protocol text goes in as text nodes.

import { lineText, splitLines, toBytes } from './bytes.js';
import { h, replaceChildren } from './dom.js';
import { arrowForKey, copyText, decorateArrows, downloadSvg, importSvg } from './sequence.js';
import { worldDiagram } from './world-diagram.js';

const COLOURS = 6;

const $ = (id) => document.getElementById(id);

/** "09:00:00.040" (UTC) for a virtual time in milliseconds. */
export function clockText(ms) {
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toISOString().slice(11, 23) : String(ms);
}

/** "Sat, 28 Nov 2026" (UTC). */
function dayText(ms) {
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toUTCString().slice(0, 16) : '';
}

/** "+0.040 s", "+31 min 00.720 s", "+2 h 00 min 01.000 s". */
export function elapsedText(ms) {
  const total = Math.max(0, ms);
  const hours = Math.floor(total / 3600000);
  const minutes = Math.floor((total % 3600000) / 60000);
  const seconds = ((total % 60000) / 1000).toFixed(3);
  if (hours) return `+${hours} h ${String(minutes).padStart(2, '0')} min ${seconds.padStart(6, '0')} s`;
  if (minutes) return `+${minutes} min ${seconds.padStart(6, '0')} s`;
  return `+${seconds} s`;
}

// ---- the model: one flat list of items the clock steps through ------------------------

/**
 * What each engine noted, keyed by connection, host and moment. An engine's events and
 * the octets it sends in answer share one virtual time, so a line's notes are the
 * sending host's events on that connection at that time.
 */
function engineNotes(entries) {
  const notes = new Map();
  for (const entry of entries) {
    if (!['smtpServer', 'smtpClient', 'pop3Server'].includes(entry.type) || !entry.event) continue;
    const key = `${entry.connection}|${entry.host}|${entry.event.at}`;
    if (!notes.has(key)) notes.set(key, []);
    notes.get(key).push({ explanation: entry.event.explanation || '', rfc: entry.event.rfc || '' });
  }
  return notes;
}

/** Turns the timeline's entries into display items: one per line sent, one per world event. */
export function worldItems(timeline) {
  const items = [];
  const notes = engineNotes(timeline.entries || []);
  for (const [index, entry] of (timeline.entries || []).entries()) {
    if (entry.type === 'bytes') {
      const said = notes.get(`${entry.connection}|${entry.from}|${entry.at}`) || [];
      for (const line of splitLines(toBytes(entry.octets))) {
        items.push({
          kind: 'line',
          entry: index,
          at: entry.at,
          connection: entry.connection,
          from: entry.from,
          to: entry.to,
          text: lineText(line),
          notes: said,
        });
      }
    } else if (entry.type === 'world') {
      items.push({
        kind: 'world',
        entry: index,
        at: entry.at,
        connection: entry.connection,
        event: entry.event || {},
        title: entry.title || '',
        detail: entry.detail || '',
        explanation: entry.explanation || '',
        rfc: entry.rfc || '',
      });
    }
  }
  return items;
}

function colourClass(connection) {
  return connection ? `wconn-${(connection - 1) % COLOURS}` : 'wconn-none';
}

// ---- rendering ---------------------------------------------------------------------------

function connectionBadge(id) {
  return h('span', { class: `wbadge ${colourClass(id)}`, text: id ? `#${id}` : 'world' });
}

function renderHosts(list, timeline) {
  replaceChildren(
    list,
    (timeline.hosts || []).map((host) =>
      h('li', { 'data-host': host.name }, [
        h('strong', { text: host.name }),
        ` ${host.address}`,
        host.services?.length ? ` (runs ${host.services.join(', ')})` : ' (no server)',
        h('br'),
        h('span', { class: 'muted', text: host.label }),
      ]),
    ),
  );
}

function renderConnections(list, timeline) {
  replaceChildren(
    list,
    (timeline.connections || []).map((c) =>
      h('li', { class: `wconn ${colourClass(c.id)}`, 'data-connection': c.id }, [
        connectionBadge(c.id),
        ' ',
        h('strong', { text: `${c.from} → ${c.to}` }),
        ` ${c.kindLabel}`,
        ` · ${elapsedText(c.openedAt - timeline.startTime)} to ${elapsedText(c.closedAt - timeline.startTime)}`,
        c.reversedAt !== null && c.reversedAt !== undefined
          ? h('span', { class: 'wflag', text: ` · roles reversed at ${elapsedText(c.reversedAt - timeline.startTime)}` })
          : '',
        c.triggeredBy ? ` · opened because of #${c.triggeredBy}` : '',
        h('br'),
        h('span', { class: 'muted', text: c.purpose }),
      ]),
    ),
  );
}

function lineRow(item, index, start) {
  return h(
    'li',
    {
      class: `wrow wline ${colourClass(item.connection)}`,
      id: `world-item-${index}`,
      'data-index': index,
      'data-connection': item.connection,
    },
    [
      h('span', { class: 'wtime', text: elapsedText(item.at - start) }),
      connectionBadge(item.connection),
      h('span', { class: 'wfrom', text: `${item.from}:` }),
      h('span', { class: 'wtext', text: item.text }),
    ],
  );
}

function worldRow(item, index, start) {
  const type = item.event.type || 'world';
  return h(
    'li',
    {
      class: `wrow wevent wevent-${type} ${colourClass(item.connection)}`,
      id: `world-item-${index}`,
      'data-index': index,
      'data-event': type,
    },
    [
      h('span', { class: 'wtime', text: elapsedText(item.at - start) }),
      connectionBadge(item.connection),
      h('span', { class: 'wtitle', text: item.title }),
      item.detail ? h('span', { class: 'wdetail', text: item.detail }) : '',
      h('span', { class: 'wexplain', text: item.explanation }),
      item.rfc ? h('span', { class: 'wrfc', text: item.rfc }) : '',
    ],
  );
}

function messageDetails(message) {
  return h('details', { class: 'wmessage' }, [
    h('summary', {
      text: `${message.layout?.subject ?? '(no subject)'} · from ${message.envelopeFrom} · ${message.octets} octets · id ${message.id}${message.dsn?.summary ? ` · DSN ${message.dsn.summary}` : ''}`,
    }),
    h('pre', { class: 'wmessage-text', text: message.text || '' }),
  ]);
}

function storeSection(title, groups, [one, many]) {
  const names = Object.keys(groups || {});
  if (!names.length) return h('p', { class: 'muted', text: `${title}: empty.` });
  return h('div', {}, [
    h('h5', { text: title }),
    h(
      'ul',
      { class: 'wstore-list' },
      names.map((name) =>
        h('li', { 'data-box': name }, [
          h('strong', { text: name }),
          ` · ${groups[name].length} ${groups[name].length === 1 ? one : many}`,
          ...groups[name].map(messageDetails),
        ]),
      ),
    ),
  ]);
}

function renderStores(container, timeline) {
  const stores = timeline.mailstores || {};
  const names = (timeline.hosts || []).map((host) => host.name).filter((name) => stores[name]);
  for (const name of Object.keys(stores)) if (!names.includes(name)) names.push(name);
  replaceChildren(
    container,
    names.map((name) =>
      h('section', { class: 'wstore', 'data-host': name, 'aria-label': `Mail at ${name}` }, [
        h('h4', { text: name }),
        storeSection('Mailboxes', stores[name].mailboxes, ['message', 'messages']),
        storeSection('Outbound queue', stores[name].outbound, ['queued copy', 'queued copies']),
      ]),
    ),
  );
}

/** The tab's controls and result areas; index.html holds only the empty panel. */
function buildPanel(panel) {
  const arrow = (text) => h('span', { 'aria-hidden': 'true', text });
  const button = (id, ...children) => h('button', { type: 'button', id }, children);
  const els = {
    panel,
    tab: $('tab-world'),
    preset: h('select', { id: 'world-preset' }),
    run: h('button', { type: 'button', id: 'world-run', class: 'primary', text: 'Run world' }),
    explanation: h('p', { id: 'world-explanation', class: 'preset-explanation' }),
    json: h('textarea', { id: 'world-json', rows: '14', spellcheck: 'false' }),
    status: h('p', { id: 'world-status', class: 'status', role: 'status' }),
    error: h('div', { id: 'world-error', class: 'error', role: 'alert', hidden: true }),
    hosts: h('ul', { id: 'world-hosts', class: 'world-hosts' }),
    diagram: h('div', { id: 'world-diagram', class: 'world-diagram' }),
    connections: h('ul', { id: 'world-connections', class: 'world-connections' }),
    timeline: h('ol', {
      id: 'world-timeline',
      class: 'world-timeline',
      tabindex: '0',
      'aria-label': 'World timeline: every line sent and every world event; arrow keys or a click move the clock',
    }),
    stores: h('div', { id: 'world-stores', class: 'world-stores' }),
    first: button('world-first', 'First'),
    prev: button('world-prev', arrow('◀ '), 'Previous'),
    next: button('world-next', 'Next ', arrow('▶')),
    nextWorld: button('world-next-event', 'Next world event ', arrow('▶▶')),
    last: button('world-last', 'Last'),
    range: h('input', { type: 'range', id: 'world-range', min: '0', max: '0', value: '0' }),
    clock: h('time', { id: 'world-clock', class: 'world-clock-time' }),
    elapsed: h('span', { id: 'world-elapsed', class: 'muted' }),
    position: h('span', { id: 'world-position', class: 'muted' }),
    current: h('p', { id: 'world-current', class: 'world-current' }),
    windows: h('ul', { id: 'world-windows', class: 'world-windows' }),
    notes: h('ul', { id: 'world-notes', class: 'world-notes' }),
    sequenceBox: h('details', { id: 'world-sequence', class: 'world-sequence' }),
    sequenceDiagram: h('div', { id: 'world-sequence-diagram', class: 'sequence-diagram world-sequence-diagram' }),
    sequenceText: h('pre', {
      id: 'world-sequence-text',
      class: 'sequence-text',
      tabindex: '0',
      'aria-label': 'The world sequence diagram as text',
    }),
    sequenceDownload: h('button', { type: 'button', id: 'world-sequence-download', text: 'Download SVG' }),
    sequenceCopy: h('button', { type: 'button', id: 'world-sequence-copy', text: 'Copy as text' }),
    sequenceStatus: h('span', { id: 'world-sequence-status', class: 'muted', role: 'status', 'aria-live': 'polite' }),
  };
  replaceChildren(els.sequenceBox, [
    h('summary', { text: 'Show the whole run as a sequence diagram' }),
    h('div', { class: 'view-options' }, [
      h('span', {
        class: 'muted',
        text: 'One lifeline per host, one bar per connection under it, one arrow per write. The diagram shows the whole run; the arrow of the line the clock is on is highlighted. Click an arrow, or Tab to it and use the arrow keys, to move the clock there.',
      }),
      els.sequenceDownload,
      els.sequenceCopy,
      els.sequenceStatus,
    ]),
    els.sequenceDiagram,
    h('details', { class: 'sequence-text-wrap' }, [h('summary', { text: 'Text version (what Copy as text copies)' }), els.sequenceText]),
  ]);
  els.result = h('div', { id: 'world-result', hidden: true }, [
    h('div', { class: 'world-top' }, [
      h('section', { class: 'world-map', 'aria-labelledby': 'world-hosts-heading' }, [
        h('h3', { id: 'world-hosts-heading', text: 'Hosts and who connects to whom' }),
        els.diagram,
        els.hosts,
      ]),
      h('section', { 'aria-labelledby': 'world-connections-heading' }, [
        h('h3', { id: 'world-connections-heading', text: 'Connections' }),
        els.connections,
      ]),
    ]),
    h('section', { class: 'world-clock', 'aria-labelledby': 'world-clock-heading' }, [
      h('h3', { id: 'world-clock-heading', text: 'Virtual clock' }),
      h('p', { class: 'world-clock-line' }, [els.clock, ' ', els.elapsed]),
      h('div', { class: 'step-controls world-steps' }, [
        els.first,
        els.prev,
        els.next,
        els.nextWorld,
        els.last,
        h('label', { for: 'world-range', class: 'visually-hidden', text: 'Position in the world timeline' }),
        els.range,
        els.position,
      ]),
      h('div', { 'aria-live': 'polite' }, [els.current, els.windows]),
      h('details', { class: 'world-notes-box' }, [h('summary', { text: 'What the sending engine noted at this moment' }), els.notes]),
    ]),
    h('section', { 'aria-labelledby': 'world-sequence-heading' }, [
      h('h3', { id: 'world-sequence-heading', text: 'Sequence diagram' }),
      els.sequenceBox,
    ]),
    h('section', { 'aria-labelledby': 'world-timeline-heading' }, [
      h('h3', { id: 'world-timeline-heading', text: 'Timeline' }),
      els.timeline,
    ]),
    h('section', { 'aria-labelledby': 'world-stores-heading' }, [
      h('h3', { id: 'world-stores-heading', text: 'Mail at the end, per host' }),
      els.stores,
    ]),
  ]);
  replaceChildren(panel, [
    h('h2', { class: 'visually-hidden', text: 'World: several hosts on one virtual clock' }),
    h('div', { class: 'toolbar' }, [h('label', { for: 'world-preset', text: 'World preset' }), els.preset, els.run]),
    els.explanation,
    h('details', { class: 'panel world-edit' }, [
      h('summary', { text: 'Edit the scenario (JSON: hosts, steps, clock)' }),
      h('label', { for: 'world-json', class: 'visually-hidden', text: 'World scenario as JSON' }),
      els.json,
      h('p', { class: 'muted', text: 'Run world runs this text when you have changed it, otherwise the preset.' }),
    ]),
    els.status,
    els.error,
    els.result,
  ]);
  return els;
}

// ---- the tab -------------------------------------------------------------------------------

/**
 * Sets up the World tab in `root` (tab contract: `setup(root, services)`). Runs the
 * chosen preset the first time the tab is shown. The world runs its own scenarios, so
 * the module has no `render` for the page's run.
 */
export function setup(root, { engine }) {
  const els = buildPanel(root);
  const state = { presets: [], presetJson: '', scenario: null, timeline: null, items: [], index: 0, started: false };
  /** The drawn sequence diagram of the run on screen: `{svg, text, diagram, arrows: [g]}`, or null. */
  let sequence = null;

  function showError(message) {
    els.error.hidden = !message;
    els.error.textContent = message ? `Problem: ${message}` : '';
  }

  function loadPresetJson() {
    try {
      state.presetJson = JSON.stringify(engine.call('worldPreset', els.preset.value), null, 2);
      els.json.value = state.presetJson;
    } catch (error) {
      showError(error.message);
    }
    const preset = state.presets.find((p) => p.name === els.preset.value);
    els.explanation.textContent = preset ? preset.explanation : '';
  }

  /** The preset's name when the JSON is untouched, else the edited scenario. */
  function scenarioToRun() {
    if (els.json.value === state.presetJson) return els.preset.value;
    return JSON.parse(els.json.value);
  }

  function run() {
    showError('');
    let timeline;
    let scenario;
    try {
      scenario = scenarioToRun();
      timeline = engine.call('runWorld', scenario);
    } catch (error) {
      showError(error instanceof SyntaxError ? `the scenario is not valid JSON: ${error.message}` : error.message);
      els.status.textContent = 'The world did not run; the previous result stays on screen.';
      return;
    }
    state.scenario = scenario;
    state.timeline = timeline;
    state.items = worldItems(timeline);
    state.index = 0;
    clearSequence();
    render();
    drawSequence();
    const span = elapsedText(timeline.endTime - timeline.startTime);
    els.status.textContent = `Ran “${timeline.name}”: ${timeline.connections.length} connection${timeline.connections.length === 1 ? '' : 's'}, ${state.items.length} timeline items, ${span} of virtual time${timeline.truncated ? ' (cut short by a safety bound)' : ''}.`;
    els.panel.dataset.ran = String(Number(els.panel.dataset.ran || 0) + 1);
  }

  function render() {
    const { timeline } = state;
    els.result.hidden = false;
    renderHosts(els.hosts, timeline);
    const turned = (timeline.connections || []).some((c) => c.reversedAt !== null && c.reversedAt !== undefined);
    replaceChildren(els.diagram, [
      worldDiagram(timeline),
      turned
        ? h('p', {
            class: 'muted',
            text: '⇄: after TURN or ATRN the mail flowed back on that same connection, from the host that was asked to the host that asked.',
          })
        : '',
    ]);
    renderConnections(els.connections, timeline);
    replaceChildren(
      els.timeline,
      state.items.map((item, i) => (item.kind === 'line' ? lineRow(item, i, timeline.startTime) : worldRow(item, i, timeline.startTime))),
    );
    renderStores(els.stores, timeline);
    els.range.max = String(Math.max(0, state.items.length - 1));
    showCursor();
  }

  /** Moves the clock's cursor: highlights the item, shows its virtual time and the relay windows. */
  function showCursor() {
    const { items, timeline } = state;
    if (!timeline || !items.length) return;
    state.index = Math.max(0, Math.min(state.index, items.length - 1));
    const item = items[state.index];
    els.range.value = String(state.index);
    els.range.setAttribute('aria-valuetext', `${clockText(item.at)}, item ${state.index + 1} of ${items.length}`);
    els.clock.textContent = `${clockText(item.at)} UTC`;
    els.clock.dateTime = new Date(item.at).toISOString();
    els.elapsed.textContent = `${dayText(item.at)} · ${elapsedText(item.at - timeline.startTime)} since the start`;
    els.position.textContent = `item ${state.index + 1} of ${items.length}`;
    els.current.textContent =
      item.kind === 'line'
        ? `#${item.connection} ${item.from} → ${item.to}: ${item.text}`
        : `${item.title}: ${item.explanation}${item.rfc ? ` (${item.rfc})` : ''}`;
    const notes = item.kind === 'line' ? item.notes : [];
    replaceChildren(
      els.notes,
      notes.length
        ? notes.map((note) => h('li', {}, [note.explanation, note.rfc ? h('span', { class: 'wrfc', text: ` ${note.rfc}` }) : '']))
        : [
            h('li', {
              class: 'muted',
              text: item.kind === 'line' ? 'No engine event at this moment.' : 'A world event: its explanation is above.',
            }),
          ],
    );
    replaceChildren(
      els.windows,
      (timeline.relayWindowStates?.[item.entry] || []).map(({ open, text }) => h('li', { class: open ? 'wopen' : 'wclosed', text })),
    );
    for (const row of els.timeline.querySelectorAll('[aria-current]')) {
      row.removeAttribute('aria-current');
      row.classList.remove('wcurrent');
    }
    const row = $(`world-item-${state.index}`);
    if (row) {
      row.setAttribute('aria-current', 'step');
      row.classList.add('wcurrent');
      scrollIntoTimeline(row);
    }
    els.first.disabled = els.prev.disabled = state.index === 0;
    els.last.disabled = els.next.disabled = els.nextWorld.disabled = state.index === items.length - 1;
    highlightArrow();
  }

  // ---- the sequence diagram: drawn when its box is first opened for a run ----

  function clearSequence() {
    sequence = null;
    replaceChildren(els.sequenceDiagram, []);
    els.sequenceText.textContent = '';
    els.sequenceStatus.textContent = '';
    delete els.sequenceDiagram.dataset.arrows;
  }

  /** Lays out the run on screen again in the engine (a world run is small) and shows it. */
  function drawSequence() {
    if (sequence || !state.scenario || !els.sequenceBox.open) return;
    let result;
    let svg;
    try {
      result = engine.call('worldSequenceDiagram', state.scenario);
      svg = importSvg(result.svg);
    } catch (error) {
      els.sequenceStatus.textContent = `The diagram could not be drawn: ${error.message}`;
      return;
    }
    const laneName = (diagram, lane) => diagram.lanes[lane]?.name || '';
    const arrows = decorateArrows(svg, result.diagram, laneName);
    // Each arrow's name now starts with its <title>'s words; a <title> left inside the
    // button is taken for visible text by checkers (axe) once this wide diagram is
    // scrolled sideways, so it goes. The download keeps the engine's file as it is.
    for (const node of arrows) node.querySelector('title')?.remove();
    // A DNS lookup has two arrows (question and answer): its entry maps to the question.
    const byEntry = new Map();
    result.diagram.arrows.forEach((arrow, i) => {
      if (!byEntry.has(arrow.write)) byEntry.set(arrow.write, i);
    });
    sequence = { ...result, arrows, byEntry };
    replaceChildren(els.sequenceDiagram, [svg]);
    els.sequenceText.textContent = result.text;
    els.sequenceDiagram.dataset.arrows = String(arrows.length);
    highlightArrow();
  }

  /** Marks the arrow of the line or DNS lookup the clock is on (none for other world events) and makes it the tab stop. */
  function highlightArrow(focus = false, wanted = undefined) {
    if (!sequence) return;
    const item = state.items[state.index];
    const index = wanted ?? (item ? sequence.byEntry.get(item.entry) : undefined);
    for (const node of sequence.arrows) {
      node.classList.remove('selected');
      node.removeAttribute('aria-current');
      node.setAttribute('tabindex', '-1');
    }
    const node = sequence.arrows[index];
    (node || sequence.arrows[0])?.setAttribute('tabindex', '0');
    if (!node) return;
    node.classList.add('selected');
    node.setAttribute('aria-current', 'step');
    if (focus) node.focus();
    else scrollIntoDiagram(node);
  }

  /** Scrolls only the diagram's box (never the page) so the clock's arrow is in sight. */
  function scrollIntoDiagram(node) {
    const box = els.sequenceDiagram;
    if (!els.sequenceBox.open) return;
    const view = box.getBoundingClientRect();
    const arrow = node.getBoundingClientRect();
    if (arrow.top < view.top || arrow.bottom > view.bottom) box.scrollTop += arrow.top - view.top - box.clientHeight / 3;
    if (arrow.left < view.left || arrow.right > view.right) box.scrollLeft += arrow.left - view.left - 16;
  }

  /** Moves the clock to the first line (or the lookup) of arrow `index`'s entry. */
  function stepToArrow(index, focus) {
    const write = sequence?.diagram.arrows[index]?.write;
    const item = state.items.findIndex((it) => it.entry === write);
    if (item === -1) return;
    stepTo(item);
    highlightArrow(focus, index);
  }

  function handleSequenceClick(event) {
    const node = event.target.closest('[data-arrow]');
    if (node) stepToArrow(Number(node.dataset.arrow), false);
  }

  function handleSequenceKeydown(event) {
    const node = event.target.closest('[data-arrow]');
    if (!node || !sequence) return;
    const target = arrowForKey(event.key, Number(node.dataset.arrow), sequence.arrows.length);
    if (target === undefined) return;
    event.preventDefault();
    stepToArrow(target, true);
  }

  function handleSequenceDownloadClick() {
    if (sequence) els.sequenceStatus.textContent = downloadSvg(sequence.svg, `world-${state.timeline.name}-sequence.svg`);
  }

  async function handleSequenceCopyClick() {
    if (sequence) els.sequenceStatus.textContent = await copyText(sequence.text);
  }

  /** Scrolls only the timeline box, never the page. */
  function scrollIntoTimeline(row) {
    const box = els.timeline;
    const top = row.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top + row.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }

  function stepTo(index) {
    state.index = index;
    showCursor();
  }

  function handleNextWorldClick() {
    const next = state.items.findIndex((item, i) => i > state.index && item.kind === 'world');
    stepTo(next === -1 ? state.items.length - 1 : next);
  }

  function handleTimelineClick(event) {
    const row = event.target.closest('[data-index]');
    if (row) stepTo(Number(row.dataset.index));
  }

  /** Arrow keys, Home and End on the focused timeline move the clock like the buttons. */
  function handleTimelineKeydown(event) {
    const target = { ArrowDown: state.index + 1, ArrowUp: state.index - 1, Home: 0, End: state.items.length - 1 }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    stepTo(target);
  }

  function handlePresetChange() {
    loadPresetJson();
    run();
  }

  try {
    state.presets = engine.call('worldPresets');
  } catch (error) {
    showError(error.message);
    return;
  }
  replaceChildren(
    els.preset,
    state.presets.map((p) => h('option', { value: p.name, text: p.title })),
  );
  const wanted = new URLSearchParams(location.search).get('world');
  if (wanted && state.presets.some((p) => p.name === wanted)) els.preset.value = wanted;
  loadPresetJson();

  els.preset.addEventListener('change', handlePresetChange);
  els.run.addEventListener('click', run);
  els.first.addEventListener('click', () => stepTo(0));
  els.prev.addEventListener('click', () => stepTo(state.index - 1));
  els.next.addEventListener('click', () => stepTo(state.index + 1));
  els.nextWorld.addEventListener('click', handleNextWorldClick);
  els.last.addEventListener('click', () => stepTo(state.items.length - 1));
  els.range.addEventListener('input', () => stepTo(Number(els.range.value)));
  els.timeline.addEventListener('click', handleTimelineClick);
  els.timeline.addEventListener('keydown', handleTimelineKeydown);
  els.sequenceBox.addEventListener('toggle', drawSequence);
  els.sequenceDiagram.addEventListener('click', handleSequenceClick);
  els.sequenceDiagram.addEventListener('keydown', handleSequenceKeydown);
  els.sequenceDownload.addEventListener('click', handleSequenceDownloadClick);
  els.sequenceCopy.addEventListener('click', handleSequenceCopyClick);

  // The first run happens when the tab is first shown, so other tabs pay nothing.
  const startWhenShown = () => {
    if (state.started || els.panel.hidden) return;
    state.started = true;
    run();
  };
  new MutationObserver(startWhenShown).observe(els.panel, { attributes: true, attributeFilter: ['hidden'] });
  if (wanted && els.tab) els.tab.click();
  startWhenShown();
}
