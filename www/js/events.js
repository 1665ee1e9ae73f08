// Engine events as people read them: who (client or server), what kind of step, the
// engine's own explanation and RFC section, and the typed data behind it only inside a
// "raw data" disclosure. Every word of explanation comes from the engine.

import { h } from './dom.js';

/** All events of a timeline as `{side, index, event}` in order. */
export function eventsOf(timeline) {
  const out = [];
  (timeline.entries || []).forEach((entry, index) => {
    if (entry.type !== 'bytes' && entry.event) out.push({ side: entry.type, index, event: entry.event });
  });
  return out;
}

/** The kind of step in words: "commandSent" → "command sent". */
export function kindName(event) {
  const type = event?.kind && (event.kind.type || (typeof event.kind === 'string' ? event.kind : ''));
  return String(type || 'event')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** A short text for a value: strings and numbers as they are, lists joined, anything else as JSON. */
export function summarise(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.length ? value.join(', ') : 'none';
  const text = JSON.stringify(value);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

/** The typed data behind an event, for readers who want it: closed by default. */
function rawData(event) {
  const kind = event?.kind;
  if (!kind || typeof kind !== 'object' || Object.keys(kind).length <= 1) return '';
  return h('details', { class: 'raw-data' }, [
    h('summary', { text: 'raw data' }),
    h('pre', { class: 'code', text: JSON.stringify(kind, null, 2) }),
  ]);
}

/** One event as a card: side, kind of step, the engine's explanation and RFC, raw data on request. */
export function eventCard(side, event, { highlight = false } = {}) {
  return h('div', { class: `event ${side}${highlight ? ' best' : ''}` }, [
    h('p', { class: 'event-head' }, [
      h('span', { class: `badge ${side}`, text: side }),
      ' ',
      h('span', { class: 'kind', text: kindName(event) }),
      event?.rfc ? h('span', { class: 'rfc', text: event.rfc }) : '',
    ]),
    h('p', { class: 'explanation', text: event?.explanation || '' }),
    rawData(event),
  ]);
}
