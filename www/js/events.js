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

/** `<local@domain>` for the engine's path shapes (`{type, mailbox: {localPart, domain}}`). */
function pathText(path) {
  if (!path || typeof path !== 'object') return null;
  if (path.type === 'null') return '<>';
  const mailbox = path.mailbox || path;
  if (mailbox && typeof mailbox.localPart === 'string') {
    const domain = mailbox.domain && typeof mailbox.domain === 'object' ? mailbox.domain.value : mailbox.domain;
    return `<${mailbox.localPart}@${domain}>`;
  }
  if (typeof path.type === 'string' && !('mailbox' in path)) return `<${path.type}>`;
  return null;
}

/** "SIZE 10240000", "AUTH PLAIN LOGIN" for an extension `{keyword, value}`. */
function extensionText(ext) {
  const name = String(ext.keyword).toUpperCase().replace('EIGHTBITMIME', '8BITMIME');
  if (ext.value === undefined || ext.value === null) return name;
  return `${name} ${Array.isArray(ext.value) ? ext.value.join(' ') : ext.value}`;
}

/** Readable text for the newer event fields: decisions, capabilities, SASL traces, reply meanings. */
function newerShape(value) {
  if (typeof value.topic === 'string' && typeof value.used === 'string') {
    return `${value.topic}: ${value.used}${value.offered ? ` (server offered: ${value.offered})` : ''}${value.why ? ` — ${value.why}` : ''}`;
  }
  if (Array.isArray(value.extensions) && value.extensions.every((ext) => ext && typeof ext.keyword === 'string')) {
    return value.extensions.length ? value.extensions.map(extensionText).join(', ') : 'no extensions';
  }
  if (typeof value.classText === 'string') {
    return `${value.classText}${value.enhanced && value.enhanced.detail ? `; ${value.enhanced.code} ${value.enhanced.subject}: ${value.enhanced.detail}` : ''}`;
  }
  if (typeof value.type === 'string' && Object.keys(value).length === 1) return value.type;
  return null;
}

/** Richer text for known shapes: replies, commands, paths, parameters. */
function knownShape(value) {
  const newer = newerShape(value);
  if (newer) return newer;
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
  if (Array.isArray(value) && value.length && value.every((item) => item && typeof item.label === 'string' && 'explanation' in item)) {
    return `${value.length} value${value.length === 1 ? '' : 's'}: ${value.map((item) => item.label).join(', ')} (octet by octet in the SASL tab)`;
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.length ? value.join(', ') : 'none';
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
