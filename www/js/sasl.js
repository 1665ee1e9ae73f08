// SASL inspector and calculator. Both read the SASL engine's trace entries:
//   {side: "Client"|"Server", label, explanation, rfc,
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

import { h, replaceChildren, unavailableNote } from './dom.js';
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

/** Every AUTH exchange in the timeline: `{title, entries}` per event carrying a trace. */
export function exchangesOf(timeline) {
  const out = [];
  for (const entry of timeline.entries || []) {
    const kind = entry.event?.kind;
    if (!kind) continue;
    for (const [key, value] of Object.entries(kind)) {
      const trace = traceIn(value);
      if (trace) out.push({ title: `${entry.type} · ${kind.type} · ${key}`, explanation: entry.event.explanation, rfc: entry.event.rfc, entries: trace });
    }
  }
  return out;
}

function octetsView(octets) {
  const groups = Array.isArray(octets.groups) ? octets.groups : [];
  return h('div', { class: 'octets' }, [
    h('dl', { class: 'octet-forms' }, [
      h('dt', { text: 'ASCII' }), h('dd', {}, [h('code', { class: 'visible', text: octets.visible ?? '' })]),
      h('dt', { text: 'Hex' }), h('dd', {}, [h('code', { text: octets.hex ?? '' })]),
      h('dt', { text: 'Base64' }), h('dd', {}, [h('code', { text: octets.base64 ?? '' })]),
    ]),
    groups.length ? h('details', { class: 'groups' }, [
      h('summary', { text: `Base64 grouping: ${groups.length} × (3 octets → 4 characters)` }),
      h('div', { class: 'group-grid' }, groups.map((g) => h('div', { class: 'b64group' }, [
        h('code', { class: 'visible', text: g.visible }), h('code', { class: 'muted', text: g.hex }), h('code', { class: 'b64', text: g.base64 }),
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

export function renderSaslInspector(container, timeline, scenario) {
  const exchanges = exchangesOf(timeline);
  if (exchanges.length) {
    replaceChildren(container, exchanges.map((x) => h('section', { class: 'exchange' }, [
      h('h3', { text: x.title }), h('p', { class: 'muted', text: `${x.explanation || ''} ${x.rfc || ''}` }), traceView(x.entries),
    ])));
    return;
  }
  const knowsAuth = scenario && scenario.client && Object.prototype.hasOwnProperty.call(scenario.client, 'auth');
  replaceChildren(container, [knowsAuth
    ? h('p', { class: 'note', text: 'No AUTH exchange in this run. Pick an AUTH preset or set the client’s AUTH mechanism.' })
    : unavailableNote('SASL inspector', 'AUTH arrives with the SASL engine; then every exchange shows here octet by octet.')]);
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
  const hasEncode = engine.has('saslEncode');
  const hasDecode = engine.has('saslDecode');
  if (!hasEncode || !hasDecode) {
    els.unavailable.hidden = false;
    replaceChildren(els.unavailable, [h('strong', { text: 'Calculator: not available in this engine build.' }), ' It arrives with the SASL engine (saslEncode / saslDecode).']);
  }
  els.encodeForm.hidden = !hasEncode;
  els.decodeForm.hidden = !hasDecode;

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
