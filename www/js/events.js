// Generic views of engine events: any kind renders as type + explanation + RFC + fields,
// so kinds added by newer engines show up without page changes.

import { h } from './dom.js';

/** All events of a timeline as `{side, index, event}` in order. */
export function eventsOf(timeline) {
  const out = [];
  (timeline.entries || []).forEach((entry, index) => {
    if (entry.type !== 'bytes' && entry.event) out.push({ side: entry.type, index, event: entry.event });
  });
  return out;
}

/** "commandSent" → "command sent". */
export function kindName(event) {
  const type = event && event.kind && (event.kind.type || (typeof event.kind === 'string' ? event.kind : ''));
  return String(type || 'event').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** `<local@domain>` for the engine's path shapes (`{type, mailbox: {local_part, domain}}`). */
function pathText(path) {
  if (!path || typeof path !== 'object') return null;
  if (path.type === 'Null') return '<>';
  const mailbox = path.mailbox || path;
  if (mailbox && typeof mailbox.local_part === 'string') {
    const domain = mailbox.domain && typeof mailbox.domain === 'object' ? mailbox.domain.value : mailbox.domain;
    return `<${mailbox.local_part}@${domain}>`;
  }
  if (typeof path.type === 'string' && !('mailbox' in path)) return `<${path.type}>`;
  return null;
}

/** Richer text for known shapes: replies, commands, paths, parameters. */
function knownShape(value) {
  if (Array.isArray(value.lines) && typeof value.code === 'number') {
    return `${value.code}${value.enhanced ? ` ${value.enhanced}` : ''} ${value.lines.join(' ⏎ ')}`;
  }
  if (typeof value.verb === 'string') {
    const rest = Object.entries(value).filter(([key]) => key !== 'verb').map(([key, v]) => {
      if (Array.isArray(v) && v.every((p) => p && typeof p.keyword === 'string')) return v.map((p) => (p.value == null ? p.keyword : `${p.keyword}=${p.value}`)).join(' ');
      return pathText(v) || (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : `${key}=${v}`);
    }).filter(Boolean);
    return [value.verb.toUpperCase(), ...rest].join(' ');
  }
  return pathText(value);
}

/** A short, readable rendering of a field value. */
export function summarise(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object' && !Array.isArray(value)) {
    const known = knownShape(value);
    if (known) return known;
  }
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'number') && value.length > 24) {
    return `${value.length} octets`;
  }
  const text = JSON.stringify(value);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

/** One event as a card: side, kind, explanation, RFC, and its fields. */
export function eventCard(side, event, { highlight = false } = {}) {
  const fields = Object.entries((event && event.kind) || {}).filter(([key]) => key !== 'type');
  return h('div', { class: `event ${side}${highlight ? ' best' : ''}` }, [
    h('p', { class: 'event-head' }, [
      h('span', { class: `badge ${side}`, text: side }),
      ' ',
      h('span', { class: 'kind', text: kindName(event) }),
      event && event.rfc ? h('span', { class: 'rfc', text: event.rfc }) : '',
    ]),
    h('p', { class: 'explanation', text: (event && event.explanation) || '' }),
    fields.length
      ? h('dl', { class: 'fields' }, fields.flatMap(([key, value]) => [h('dt', { text: key }), h('dd', { text: summarise(value) })]))
      : '',
  ]);
}
