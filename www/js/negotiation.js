// The negotiation: what the server offered (from the client's capabilitiesLearned event),
// what the client used, and why.

import { h, replaceChildren } from './dom.js';
import { eventsOf, eventCard, summarise } from './events.js';

const KEYWORDS = {
  pipelining: ['PIPELINING', 'RFC 2920'],
  size: ['SIZE', 'RFC 1870'],
  vrfy: ['VRFY', 'RFC 5321 §3.5'],
  etrn: ['ETRN', 'RFC 1985'],
  startTls: ['STARTTLS', 'RFC 3207'],
  auth: ['AUTH', 'RFC 4954'],
  enhancedStatusCodes: ['ENHANCEDSTATUSCODES', 'RFC 2034'],
  eightBitMime: ['8BITMIME', 'RFC 6152'],
  dsn: ['DSN', 'RFC 3461'],
  smtpUtf8: ['SMTPUTF8', 'RFC 6531'],
  chunking: ['CHUNKING', 'RFC 3030'],
  atrn: ['ATRN', 'RFC 2645'],
};

/** Client event kinds the base view already covers; any other kind is a "decision". */
const ROUTINE = new Set(['commandSent', 'replyReceived', 'messageSent', 'capabilitiesLearned', 'closed']);

function describe(extension) {
  const [keyword, rfc] = KEYWORDS[extension.keyword] || [extension.value?.keyword || extension.keyword, 'RFC 5321 §4.1.1.1'];
  let value = '';
  if (Array.isArray(extension.value)) value = extension.value.join(' ');
  else if (extension.value && typeof extension.value === 'object') value = (extension.value.parameters || []).join(' ');
  else if (extension.value !== undefined && extension.value !== null) value = String(extension.value);
  return { key: extension.keyword, keyword: extension.keyword === 'other' ? extension.value?.keyword : keyword, value, rfc };
}

function commandsSent(events) {
  return events.filter((e) => e.side === 'client' && e.event.kind?.type === 'commandSent').map((e) => e.event);
}

function parameter(command, keyword) {
  return (command?.kind?.command?.parameters || []).find((p) => p.keyword === keyword);
}

/** Evidence in the timeline that the client used an extension. */
function usage(key, offered, timeline, events) {
  const sent = commandsSent(events);
  const mail = sent.find((e) => e.kind.command.verb === 'mail');
  switch (key) {
    case 'size': {
      const p = parameter(mail, 'SIZE');
      return p ? `SIZE=${p.value} on MAIL FROM, because the server offered SIZE${offered.value ? ` ${offered.value}` : ''}: it can refuse a too-large message before the data is sent.` : 'Not declared on MAIL FROM.';
    }
    case 'eightBitMime': {
      const p = parameter(mail, 'BODY');
      return p ? `BODY=${p.value} on MAIL FROM.` : 'No BODY= parameter: the message was sent as 7-bit (or the client did not need 8-bit).';
    }
    case 'pipelining': {
      const writes = (timeline.entries || []).filter((e) => e.type === 'bytes' && e.direction === 'clientToServer');
      const ahead = writes.some((e) => {
        const text = String.fromCharCode(...e.octets.slice(0, 200));
        return (text.match(/\r\n/g) || []).length > 1 && /^(MAIL|RCPT|RSET|NOOP|EHLO|HELO) /i.test(text);
      });
      return ahead ? 'Yes: several commands went in one write (see the grouped lines in the transcript).' : 'No: one command, one reply (lock-step).';
    }
    case 'enhancedStatusCodes': {
      const enhanced = events.some((e) => e.side === 'client' && e.event.kind?.reply?.enhanced);
      return enhanced ? 'Replies carry codes like 2.1.0, which the client reads for a precise reason.' : 'No enhanced codes seen.';
    }
    case 'auth': {
      const auth = sent.find((e) => e.kind.command.verb === 'auth');
      return auth ? `AUTH ${auth.kind.command.mechanism}: ${auth.explanation}` : 'Not used.';
    }
    default:
      return sent.some((e) => e.kind.command.verb.toUpperCase() === String(offered.keyword).toUpperCase()) ? 'Used.' : 'Not used.';
  }
}

/** The client engine's decision shape: `{topic, choice, offered, used, why, rfc}`. */
function isDecision(value) {
  return value && typeof value === 'object' && 'offered' in value && 'used' in value && 'why' in value;
}

/** A scripted run has no client engine, so nothing was negotiated: say what the server did. */
function scriptedView(timeline) {
  const replies = eventsOf(timeline).filter((e) => e.side === 'server' && e.event.kind?.type === 'replySent' && e.event.kind.reply);
  return [
    h('p', { class: 'note', text: 'Scripted client: no client engine ran, so nothing was negotiated and no client decisions were made. The script’s octets went to the server engine as they are; here is each reply the server chose and why.' }),
    h('ol', { class: 'plain-list' }, replies.map((e) => h('li', {}, [
      h('code', { text: `${e.event.kind.reply.code}${e.event.kind.reply.enhanced ? ` ${e.event.kind.reply.enhanced}` : ''}` }), ` — ${e.event.explanation} `, h('span', { class: 'rfc', text: e.event.rfc }),
    ]))),
  ];
}

export function renderNegotiation(container, timeline) {
  if (timeline && timeline.scripted) {
    replaceChildren(container, scriptedView(timeline));
    return;
  }
  const events = eventsOf(timeline);
  const learned = events.find((e) => e.side === 'client' && e.event.kind?.type === 'capabilitiesLearned');
  const hello = commandsSent(events).filter((e) => ['ehlo', 'helo'].includes(e.kind.command.verb));
  const parts = [h('h3', { text: 'Greeting' })];
  parts.push(hello.length
    ? h('ul', {}, hello.map((e) => h('li', {}, [h('code', { text: `${e.kind.command.verb.toUpperCase()} ${e.kind.command.domain}` }), ` — ${e.explanation} `, h('span', { class: 'rfc', text: e.rfc })])))
    : h('p', { class: 'muted', text: 'The client did not greet.' }));
  parts.push(h('h3', { text: 'Offered by the server, used by the client' }));
  if (learned) {
    const offered = (learned.event.kind.capabilities?.extensions || []).map(describe);
    parts.push(h('p', { text: learned.event.explanation }));
    parts.push(h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Extensions offered and used' }, [h('table', { class: 'negotiation' }, [
      h('thead', {}, [h('tr', {}, [h('th', { scope: 'col', text: 'Extension' }), h('th', { scope: 'col', text: 'Offered' }), h('th', { scope: 'col', text: 'Client' }), h('th', { scope: 'col', text: 'RFC' })])]),
      h('tbody', {}, offered.map((o) => h('tr', {}, [
        h('th', { scope: 'row', text: o.keyword }),
        h('td', { text: o.value || 'yes' }),
        h('td', { text: usage(o.key, o, timeline, events) }),
        h('td', { text: o.rfc }),
      ]))),
    ])]));
  } else {
    parts.push(h('p', { class: 'note', text: 'No EHLO extension list was learned: the session used HELO (or EHLO failed), so the client may use no extension at all (RFC 5321 §4.1.1.1).' }));
  }
  const others = events.filter((e) => e.side === 'client' && !ROUTINE.has(e.event.kind?.type));
  const decisions = others.map((e) => e.event.kind.decision).filter(isDecision);
  const rest = others.filter((e) => !isDecision(e.event.kind.decision));
  if (decisions.length) {
    parts.push(h('h3', { text: 'What the client decided, and why' }));
    parts.push(h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Client decisions' }, [h('table', { class: 'decisions' }, [
      h('thead', {}, [h('tr', {}, ['Topic', 'Server offered', 'Client used', 'Why', 'RFC'].map((t) => h('th', { scope: 'col', text: t })))]),
      h('tbody', {}, decisions.map((d) => h('tr', {}, [
        h('th', { scope: 'row', text: String(d.topic ?? '') }),
        h('td', {}, [h('code', { text: String(d.offered ?? '') })]),
        h('td', {}, [h('code', { text: String(d.used ?? '') })]),
        h('td', { text: String(d.why ?? '') }),
        h('td', { text: String(d.rfc ?? '') }),
      ]))),
    ])]));
  }
  parts.push(h('h3', { text: decisions.length ? 'Other client notes and problems' : 'Client decisions and problems' }));
  parts.push(rest.length
    ? h('div', { class: 'events' }, rest.map((e) => eventCard('client', e.event)))
    : h('p', { class: 'muted', text: 'None reported.' }));
  const extra = Object.entries(timeline).filter(([key]) => !['entries', 'deliveries', 'endTime', 'truncated'].includes(key));
  if (extra.length) {
    parts.push(h('h3', { text: 'More from this run' }));
    parts.push(h('dl', { class: 'fields' }, extra.flatMap(([key, value]) => [h('dt', { text: key }), h('dd', { text: summarise(value) })])));
  }
  replaceChildren(container, parts);
}
