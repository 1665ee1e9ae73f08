// The Negotiation tab: what the server offered and what the client did with each
// extension (the engine's `timeline.negotiation` rows: keyword, value, RFC, what it
// allows, the client's use), then the client's decisions and notes. Nothing here knows
// a keyword or a reply code: every fact and word comes from the engine.

import { h, replaceChildren } from './dom.js';
import { eventCard, eventsOf } from './events.js';
import { negotiationRowId } from './transcript.js';

/** Client event kinds the tables above already cover; any other kind is listed as a note. */
const ROUTINE = new Set([
  'commandSent',
  'replyReceived',
  'messageSent',
  'capabilitiesLearned',
  'decided',
  'saslTrace',
  'authLineSent',
  'closed',
]);

/** A scripted run has no client engine, so nothing was negotiated: say why the server answered as it did. */
function scriptedView(timeline) {
  const wrote = (e) => Boolean(timeline.links?.[e.index]?.wrote);
  const replies = eventsOf(timeline).filter((e) => e.side === 'server' && wrote(e));
  return [
    h('p', {
      class: 'note',
      text: 'Scripted client: no client engine ran, so nothing was negotiated and no client decisions were made. The script’s octets went to the server engine as they are; here is why the server answered each time.',
    }),
    h(
      'ol',
      { class: 'plain-list' },
      replies.map((e) => h('li', {}, [`${e.event.explanation} `, h('span', { class: 'rfc', text: e.event.rfc })])),
    ),
  ];
}

function offeredTable(rows) {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Extensions offered and used' }, [
    h('table', { class: 'negotiation' }, [
      h('thead', {}, [
        h(
          'tr',
          {},
          ['Extension', 'Offered', 'What it allows', 'This client', 'RFC'].map((t) => h('th', { scope: 'col', text: t })),
        ),
      ]),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h('tr', { id: negotiationRowId(row.keyword), tabindex: -1 }, [
            h('th', { scope: 'row', text: row.keyword }),
            h('td', { 'data-label': 'Offered', text: row.value || 'yes' }),
            h('td', { 'data-label': 'What it allows', text: row.explanation }),
            h('td', { 'data-label': 'This client', text: row.client }),
            h('td', { 'data-label': 'RFC', text: row.rfc }),
          ]),
        ),
      ),
    ]),
  ]);
}

function decisionsTable(decisions) {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Client decisions' }, [
    h('table', { class: 'decisions' }, [
      h('thead', {}, [
        h(
          'tr',
          {},
          ['Server offered', 'Client used', 'Why', 'RFC'].map((t) => h('th', { scope: 'col', text: t })),
        ),
      ]),
      h(
        'tbody',
        {},
        decisions.map((d) =>
          h('tr', {}, [
            h('td', { 'data-label': 'Server offered' }, [h('code', { text: String(d.offered ?? '') })]),
            h('th', { scope: 'row', 'data-label': 'Client used' }, [h('code', { text: String(d.used ?? '') })]),
            h('td', { 'data-label': 'Why', text: String(d.why ?? '') }),
            h('td', { 'data-label': 'RFC', text: String(d.rfc ?? '') }),
          ]),
        ),
      ),
    ]),
  ]);
}

function views(timeline) {
  if (timeline.scripted) return scriptedView(timeline);
  const rows = timeline.negotiation || [];
  const events = eventsOf(timeline).filter((e) => e.side === 'client');
  const decisions = events.filter((e) => e.event.kind?.type === 'decided').map((e) => e.event.kind.decision);
  const notes = events.filter((e) => !ROUTINE.has(e.event.kind?.type));
  const parts = [h('h3', { text: 'Offered by the server, used by the client' })];
  const none = timeline.negotiationNote;
  parts.push(rows.length || !none ? offeredTable(rows) : h('p', { class: 'note', text: `${none.text} (${none.rfc})` }));
  if (decisions.length) {
    parts.push(h('h3', { text: 'What the client decided, and why' }));
    parts.push(decisionsTable(decisions));
  }
  parts.push(h('h3', { text: 'Client notes and problems' }));
  parts.push(
    notes.length
      ? h(
          'div',
          { class: 'events' },
          notes.map((e) => eventCard('client', e.event)),
        )
      : h('p', { class: 'muted', text: 'None reported.' }),
  );
  return parts;
}

let root = null;
let generation = 0;

/** Finds the tab's container once. */
export function setup(container) {
  root = container;
}

/** Draws the tab for `{timeline}`; a newer render replaces an older one. */
export function render(model) {
  generation += 1;
  const mine = generation;
  const parts = views(model.timeline || {});
  if (mine === generation && root) replaceChildren(root, parts);
}

/** The page's older entry point: setup and render in one call. */
export function renderNegotiation(container, timeline) {
  setup(container);
  render({ timeline });
}
