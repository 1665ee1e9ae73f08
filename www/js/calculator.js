// SASL calculator. It calls
//   saslEncode({mechanism, user, password, authzid?, challenge?})
//     → {mechanism, clientLines, exchange: [{from, line, decoded}], digest, trace}
//   saslDecode({input, password?, challenge?})
//     → {source, base64, octets, mechanism, interpretation: {kind, …}, problems, trace}
// and lays out whatever fields come back: strings, string lists, octet views, wire
// lines, nested objects, and the trace last.

import { h, replaceChildren } from './dom.js';
import { summarise } from './events.js';
import { octetsView, traceView } from './sasl.js';

/** The result's trace: the SASL engine's entries, shown last as "Step by step". */
function traceOf(result) {
  return Array.isArray(result?.trace) ? result.trace : null;
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
  const trace = traceOf(result);
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
