// SASL inspector and calculator. Both read the SASL engine's trace entries:
//   {side: "client"|"server", label, explanation, rfc,
//    octets: null | {raw: [u8], visible, hex, base64, groups: [{visible, hex, base64}]}}
// The inspector finds them in any timeline event field that holds an array of such
// entries (e.g. an `authStep` event with `trace: [...]`), so it needs no exact event
// name. The calculator calls
//   saslEncode({mechanism, user, password, authzid?, challenge?})
//     → {mechanism, clientLines, exchange: [{from, line, decoded}], digest, trace}
//   saslDecode({input, password?, challenge?})
//     → {source, base64, octets, mechanism, interpretation: {kind, …}, problems, trace}
// and lays out whatever fields come back: strings, string lists, octet views, wire
// lines, nested objects, and the trace last.

import { h, replaceChildren } from './dom.js';
import { summarise } from './events.js';

function isTraceEntry(value) {
  return value && typeof value === 'object' && typeof value.label === 'string' && 'explanation' in value;
}

function traceIn(value) {
  if (Array.isArray(value) && value.length && value.every(isTraceEntry)) return value;
  if (value && typeof value === 'object') {
    for (const key of ['trace', 'entries', 'steps']) if (Array.isArray(value[key]) && value[key].every(isTraceEntry)) return value[key];
  }
  return null;
}

/** Every event in the timeline that carries a SASL trace: `{side, type, mechanism, explanation, rfc, at, entries}`. */
export function traceEventsOf(timeline) {
  const out = [];
  for (const entry of timeline.entries || []) {
    const kind = entry.event?.kind;
    if (!kind) continue;
    for (const [key, value] of Object.entries(kind)) {
      const trace = traceIn(value);
      if (trace) out.push({ side: entry.type, type: kind.type, key, mechanism: kind.mechanism, explanation: entry.event.explanation, rfc: entry.event.rfc, at: entry.event.at, entries: trace });
    }
  }
  return out;
}

/**
 * The AUTH exchanges of a timeline: each starts at the client's mechanism choice (or the
 * first trace after an exchange ended) and ends with `authenticated` or a failure reply.
 * `{mechanism, steps: [traceEvent], outcome}`.
 */
export function exchangesOf(timeline) {
  const exchanges = [];
  let current = null;
  for (const entry of timeline.entries || []) {
    const kind = entry.event?.kind;
    if (!kind) continue;
    const traces = traceEventsOf({ entries: [entry] });
    for (const trace of traces) {
      const starts = !current || (trace.side === 'client' && trace.entries.some((e) => e.label === 'mechanism choice'));
      if (starts) {
        current = { mechanism: trace.mechanism || '', steps: [], outcome: null };
        exchanges.push(current);
      }
      current.steps.push(trace);
    }
    if (current && kind.type === 'authenticated' && entry.type === 'server') current.outcome = { ok: true, text: `${kind.authcid || 'the user'} authenticated with ${kind.mechanism}${kind.authzid ? `, acting as ${kind.authzid}` : ''}` };
    if (current && !current.outcome && entry.type === 'client' && kind.type === 'replyReceived' && kind.answers && /auth/i.test(kind.answers) && kind.reply && kind.reply.code >= 400) {
      current.outcome = { ok: false, text: `${kind.reply.code}${kind.reply.enhanced ? ` ${kind.reply.enhanced}` : ''} ${(kind.reply.lines || []).join(' ')}` };
    }
  }
  return exchanges;
}

/** Labels each side computed with octets, paired: what both sides must agree on. */
function bothSides(exchange) {
  const bySide = { client: new Map(), server: new Map() };
  for (const step of exchange.steps) {
    for (const entry of step.entries) {
      if (entry.octets && bySide[entry.side] && !bySide[entry.side].has(entry.label)) bySide[entry.side].set(entry.label, entry.octets);
    }
  }
  const seen = new Set();
  return [...bySide.client.keys()].filter((label) => bySide.server.has(label)).map((label) => ({ label, client: bySide.client.get(label), server: bySide.server.get(label) }))
    .filter(({ client, server }) => {
      // The same octets under a second name (e.g. "334 challenge" and "challenge") once is enough.
      const key = `${client.hex}|${server.hex}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function comparisonTable(pairs) {
  return h('table', { class: 'both-sides' }, [
    h('caption', { text: 'Computed by both sides: the exchange succeeds only if they agree' }),
    h('thead', {}, [h('tr', {}, [h('th', { scope: 'col', text: 'Value' }), h('th', { scope: 'col', text: 'Client' }), h('th', { scope: 'col', text: 'Server' }), h('th', { scope: 'col', text: 'Same?' })])]),
    h('tbody', {}, pairs.map(({ label, client, server }) => {
      const same = client.hex === server.hex;
      return h('tr', { class: same ? 'same' : 'differs' }, [
        h('th', { scope: 'row', text: label }),
        h('td', { 'data-label': 'Client' }, [visibleCode(client.visible)]),
        h('td', { 'data-label': 'Server' }, [visibleCode(server.visible)]),
        h('td', { 'data-label': 'Match', text: same ? '✓ same' : '✗ differs' }),
      ]);
    })),
  ]);
}

/**
 * The engine's visible form of octets with each NUL (drawn by the engine as ␀) shown as
 * a "NUL" mark: U+2400 is missing from many fonts and would show as an empty box.
 */
function visibleCode(text) {
  const parts = String(text).split('␀');
  const children = [];
  parts.forEach((part, i) => {
    if (i > 0) children.push(h('span', { class: 'ctl', title: 'NUL: octet 00 (␀)', text: 'NUL' }));
    if (part) children.push(part);
  });
  return h('code', { class: 'visible' }, children);
}

function octetsView(octets) {
  const groups = Array.isArray(octets.groups) ? octets.groups : [];
  return h('div', { class: 'octets' }, [
    h('dl', { class: 'octet-forms' }, [
      h('dt', { text: 'ASCII' }), h('dd', {}, [visibleCode(octets.visible ?? '')]),
      h('dt', { text: 'Hex' }), h('dd', {}, [h('code', { text: octets.hex ?? '' })]),
      h('dt', { text: 'Base64' }), h('dd', {}, [h('code', { text: octets.base64 ?? '' })]),
    ]),
    groups.length ? h('details', { class: 'groups', open: groups.length <= 8 }, [
      h('summary', { text: `Base64 grouping: ${groups.length} × (3 octets → 4 characters)` }),
      h('div', { class: 'group-grid' }, groups.map((g) => h('div', { class: 'b64group' }, [
        visibleCode(g.visible), h('code', { class: 'muted', text: g.hex }), h('code', { class: 'b64', text: g.base64 }),
      ]))),
    ]) : '',
  ]);
}

export function traceView(entries) {
  return h('ol', { class: 'trace' }, entries.map((entry) => h('li', { class: `trace-entry ${String(entry.side).toLowerCase()}` }, [
    h('p', { class: 'event-head' }, [
      h('span', { class: `badge ${String(entry.side).toLowerCase()}`, text: String(entry.side) }), ' ',
      h('strong', { text: entry.label }),
      entry.rfc ? h('span', { class: 'rfc', text: entry.rfc }) : '',
    ]),
    h('p', { class: 'explanation', text: entry.explanation }),
    entry.octets ? octetsView(entry.octets) : '',
  ])));
}

function stepLabel(step, index) {
  const labels = step.entries.map((e) => e.label);
  return `Step ${index + 1} · ${labels.slice(0, 4).join(', ')}${labels.length > 4 ? `, … (${labels.length} values)` : ''}`;
}

function exchangeView(exchange, index) {
  const pairs = bothSides(exchange);
  return h('section', { class: 'exchange', 'aria-labelledby': `exchange-${index}` }, [
    h('h3', { id: `exchange-${index}`, text: `AUTH ${exchange.mechanism} exchange${index ? ` ${index + 1}` : ''}` }),
    exchange.outcome ? h('p', { class: `outcome ${exchange.outcome.ok ? 'ok' : 'failed'}`, text: `${exchange.outcome.ok ? '✓' : '✗'} ${exchange.outcome.text}` }) : '',
    pairs.length ? comparisonTable(pairs) : '',
    ...exchange.steps.map((step, i) => h('details', { class: `sasl-step ${step.side}`, open: true }, [
      h('summary', {}, [h('span', { class: `badge ${step.side}`, text: step.side }), ' ', stepLabel(step, i)]),
      traceView(step.entries),
    ])),
  ]);
}

export function renderSaslInspector(container, timeline, scenario) {
  const exchanges = exchangesOf(timeline);
  if (exchanges.length) {
    replaceChildren(container, [
      h('p', { class: 'muted' }, ['Every value each side computed and every octet string it sent, in order. Control octets are drawn visibly (', h('code', {}, [h('span', { class: 'ctl', text: 'NUL' })]), ' is the octet 00, ', h('code', { text: '\\xfe' }), ' an octet that is not printable ASCII); "Base64 grouping" shows each 3 octets become 4 characters.']),
      ...exchanges.map(exchangeView),
    ]);
    return;
  }
  replaceChildren(container, [h('p', { class: 'note', text: 'No AUTH exchange in this run. Pick an AUTH preset (AUTH PLAIN, AUTH LOGIN, CRAM-MD5, DIGEST-MD5) or set the client’s AUTH mechanism in the Client panel.' })]);
}

function isOctets(value) {
  return value && typeof value === 'object' && 'hex' in value && 'base64' in value && 'visible' in value;
}

/** One field of a calculator result, laid out by its shape. */
function fieldValue(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted', text: '—' });
  if (typeof value !== 'object') return h('code', { text: String(value) });
  if (isOctets(value)) return octetsView(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.length ? h('ul', { class: 'plain-list' }, value.map((item) => h('li', {}, [h('code', { text: item })]))) : h('span', { class: 'muted', text: 'none' });
  }
  if (Array.isArray(value) && value.every((item) => item && typeof item.line === 'string')) {
    return h('ol', { class: 'wire-lines' }, value.map((item) => h('li', { class: String(item.from).toLowerCase() === 'client' ? 'c' : 's' }, [
      h('span', { class: 'dir', text: String(item.from).toLowerCase() === 'client' ? 'C: ' : 'S: ' }), h('code', { text: item.line }),
      isOctets(item.decoded) ? octetsView(item.decoded) : '',
    ])));
  }
  if (!Array.isArray(value)) {
    return h('dl', { class: 'fields nested' }, Object.entries(value).flatMap(([key, inner]) => [h('dt', { text: key }), h('dd', {}, [fieldValue(inner)])]));
  }
  return h('code', { text: summarise(value) });
}

function resultView(result) {
  const trace = traceIn(result);
  if (Array.isArray(result)) return [trace ? traceView(trace) : h('pre', { class: 'code', text: summarise(result) })];
  if (!result || typeof result !== 'object') return [h('pre', { class: 'code', text: summarise(result) })];
  const entries = Object.entries(result).filter(([key]) => !['trace', 'entries', 'steps'].includes(key));
  const problems = Array.isArray(result.problems) && result.problems.length ? result.problems : null;
  return [
    problems ? h('div', { class: 'note', role: 'status' }, [h('strong', { text: 'Problems: ' }), problems.join(' · ')]) : '',
    h('dl', { class: 'fields result' }, entries.filter(([key]) => key !== 'problems').flatMap(([key, value]) => [h('dt', { text: key }), h('dd', {}, [fieldValue(value)])])),
    trace ? h('h4', { text: 'Step by step' }) : '',
    trace ? traceView(trace) : '',
  ];
}

export function setupCalculator(els, engine) {

  function show(target, run) {
    try {
      replaceChildren(target, resultView(run()));
    } catch (error) {
      replaceChildren(target, [h('p', { class: 'error-inline', role: 'alert', text: error.message })]);
    }
  }

  function handleEncodeSubmit(event) {
    event.preventDefault();
    show(els.encodeResult, () => engine.call('saslEncode', {
      mechanism: els.mechanism.value,
      user: els.user.value,
      password: els.password.value,
      authzid: els.authzid.value || null,
      challenge: els.challenge.value || null,
    }));
  }

  function handleDecodeSubmit(event) {
    event.preventDefault();
    show(els.decodeResult, () => engine.call('saslDecode', {
      input: els.input.value,
      password: els.decodePassword.value || null,
      challenge: els.decodeChallenge.value || null,
    }));
  }

  els.encodeForm.addEventListener('submit', handleEncodeSubmit);
  els.decodeForm.addEventListener('submit', handleDecodeSubmit);
}
