// SASL calculator. It calls the engine's calculator and lays out what comes back:
//   saslDecode({input, password?, challenge?})
//     → {source, base64, octets, mechanism, fields: [{label, value}], problems,
//        verdict: {outcome, text}, trace, …}
//     (input may be a whole pasted SCRAM exchange, one message per line: the engine
//     then recomputes every value and its fields and trace list them)
//   saslEncode({mechanism, user, password, authzid?, challenge?, cnonce?})
//     → {mechanism, clientLines, exchange: [{from, line, decoded}], trace, …}
// Every sentence, label and value shown comes from the engine; this file only places
// them. The verdict goes into a role="status" paragraph that stays in the page, so a
// screen reader announces each new one.

import { h, replaceChildren } from './dom.js';
import { octetsView, traceView } from './sasl.js';

/**
 * A fresh client nonce: the engine says how many random octets it needs, the page draws
 * them (the engine takes randomness only as input) and the engine makes the nonce.
 */
function freshCnonce(engine, random = globalThis.crypto) {
  const octets = random.getRandomValues(new Uint8Array(engine.call('saslCnonceOctets')));
  return engine.call('saslCnonce', octets);
}

/** A result area: a status paragraph for the verdict and a box for the details. */
function resultArea(container) {
  const verdict = h('p', { class: 'verdict', role: 'status' });
  const details = h('div', { class: 'calc-details' });
  replaceChildren(container, [verdict, details]);
  return {
    show(outcome, text, children) {
      verdict.className = `verdict ${outcome}`;
      verdict.textContent = text;
      replaceChildren(details, children);
    },
    fail(message) {
      verdict.className = 'verdict malformed';
      verdict.textContent = `✗ ${message}`;
      replaceChildren(details, []);
    },
  };
}

function labelled(rows) {
  return h(
    'dl',
    { class: 'fields result' },
    rows.flatMap(([label, value]) => [
      h('dt', { text: label }),
      h('dd', {}, [typeof value === 'string' ? h('code', { text: value }) : value]),
    ]),
  );
}

function stepByStep(trace) {
  if (!Array.isArray(trace) || !trace.length) return [];
  return [h('h4', { text: 'Step by step' }), traceView(trace)];
}

/** The engine's result as `esmtp-playground sasl --json` prints it (octets as latin1 strings). */
function rawData(result) {
  return h('details', { class: 'raw-data' }, [
    h('summary', { text: 'Raw data' }),
    h('pre', { class: 'code', text: JSON.stringify(result, null, 2) }),
  ]);
}

function wireLines(exchange) {
  return h(
    'ol',
    { class: 'wire-lines' },
    exchange.map((item) => {
      const client = String(item.from).toLowerCase() === 'client';
      return h('li', { class: client ? 'c' : 's' }, [
        h('span', { class: 'dir', text: client ? 'C: ' : 'S: ' }),
        h('code', { text: item.line }),
        item.decoded ? octetsView(item.decoded) : '',
      ]);
    }),
  );
}

export function decodeView(result) {
  const rows = [['Recognised as', result.source]];
  if (result.mechanism) rows.push(['Mechanism', result.mechanism]);
  for (const field of result.fields || []) rows.push([field.label, field.value]);
  rows.push(['Decoded octets', octetsView(result.octets)]);
  const problems = result.problems || [];
  return [
    labelled(rows),
    problems.length > 1
      ? h(
          'ul',
          { class: 'problems' },
          problems.map((p) => h('li', { text: p })),
        )
      : '',
    ...stepByStep(result.trace),
    rawData(result),
  ];
}

export function encodeView(result) {
  return [
    h('h4', { text: 'Lines the client sends' }),
    h('pre', { class: 'code client-lines', text: result.clientLines.join('\n') }),
    h('h4', { text: 'The exchange' }),
    wireLines(result.exchange),
    ...stepByStep(result.trace),
    rawData(result),
  ];
}

/** The mechanism choices, as the engine registers them (the server's list: every mechanism it can run). */
function fillMechanisms(select, engine) {
  const choices = engine.call('formOptions')['server.auth.mechanisms'] || [];
  const chosen = select.value;
  replaceChildren(
    select,
    choices.map((choice) => h('option', { value: choice.value, text: choice.label })),
  );
  if (choices.some((choice) => choice.value === chosen)) select.value = chosen;
}

/** One labelled field: `control` with its label (a string, or nodes with code in them). */
function field(control, label) {
  return h('div', { class: 'field' }, [h('label', { for: control.id }, label), control]);
}

/** A text input of the calculator's forms. */
function textInput(id, value) {
  return h('input', { id, value, autocomplete: 'off' });
}

/** The calculator's two forms and result areas, built into `root`; returns them by name. */
function buildPanel(root) {
  const els = {
    input: h('textarea', {
      id: 'calc-input',
      rows: 2,
      spellcheck: 'false',
      placeholder: 'AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==',
      required: true,
    }),
    decodePassword: textInput('calc-decode-password'),
    decodeChallenge: textInput('calc-decode-challenge'),
    decodeResult: h('div', { id: 'calc-decode-result', class: 'calc-result' }),
    mechanism: h('select', { id: 'calc-mechanism' }, [h('option', { text: 'PLAIN' })]),
    authzid: textInput('calc-authzid'),
    user: textInput('calc-user', 'alice'),
    password: textInput('calc-password', 'S3cret-pw'),
    challenge: textInput('calc-challenge'),
    encodeResult: h('div', { id: 'calc-encode-result', class: 'calc-result' }),
  };
  const cnonce = h('input', { id: 'calc-cnonce', autocomplete: 'off', spellcheck: 'false' });
  const submit = (text) => h('button', { type: 'submit', class: 'primary', text });
  els.decodeForm = h('form', { id: 'calc-decode-form', class: 'form calc' }, [
    h('h3', { text: 'Decode a line from a log' }),
    field(els.input, ['Base64 string or log line (', h('code', { text: 'AUTH PLAIN …' }), ', ', h('code', { text: '334 …' }), ')']),
    field(
      els.decodePassword,
      'Password (optional: compare it with the one a PLAIN or LOGIN line carries, or check a CRAM-MD5 or DIGEST-MD5 response)',
    ),
    field(els.decodeChallenge, 'Challenge the response answered (CRAM-MD5: needed for the check; DIGEST-MD5: optional)'),
    submit('Decode'),
  ]);
  els.encodeForm = h('form', { id: 'calc-encode-form', class: 'form calc' }, [
    h('h3', { text: 'Encode credentials' }),
    field(els.mechanism, 'Mechanism'),
    field(els.authzid, 'Authorization identity (optional)'),
    field(els.user, 'User'),
    field(els.password, 'Password'),
    field(els.challenge, 'Server challenge (CRAM-MD5, DIGEST-MD5, SCRAM server-first; base64 or plain)'),
    h('div', { class: 'field' }, [
      h('label', { for: 'calc-cnonce', text: 'Client nonce (DIGEST-MD5, SCRAM; random, editable)' }),
      h('span', { class: 'inline-field' }, [cnonce, ' ', h('button', { type: 'button', id: 'calc-new-cnonce', text: 'New' })]),
    ]),
    submit('Encode'),
  ]);
  replaceChildren(root, [
    h('p', {
      class: 'muted',
      text: 'Decode a line from a log to see what it carries (and check a password against it), or encode credentials to see the exact lines a client sends.',
    }),
    els.decodeForm,
    els.decodeResult,
    els.encodeForm,
    els.encodeResult,
  ]);
  return els;
}

/** Builds the calculator into `root` and wires its forms to the engine's calculator. */
export function setup(root, { engine }) {
  setupCalculator(buildPanel(root), engine);
}

function setupCalculator(els, engine) {
  fillMechanisms(els.mechanism, engine);
  const decoded = resultArea(els.decodeResult);
  const encoded = resultArea(els.encodeResult);
  const cnonce = els.encodeForm.querySelector('#calc-cnonce');
  const newCnonce = els.encodeForm.querySelector('#calc-new-cnonce');
  if (cnonce && !cnonce.value) cnonce.value = freshCnonce(engine);
  newCnonce?.addEventListener('click', () => {
    cnonce.value = freshCnonce(engine);
  });

  function handleDecodeSubmit(event) {
    event.preventDefault();
    try {
      const result = engine.call('saslDecode', {
        input: els.input.value,
        password: els.decodePassword.value || null,
        challenge: els.decodeChallenge.value || null,
      });
      decoded.show(result.verdict.outcome, result.verdict.text, decodeView(result));
    } catch (error) {
      decoded.fail(error.message);
    }
  }

  function handleEncodeSubmit(event) {
    event.preventDefault();
    try {
      const result = engine.call('saslEncode', {
        mechanism: els.mechanism.value,
        user: els.user.value,
        password: els.password.value,
        authzid: els.authzid.value || null,
        challenge: els.challenge.value || null,
        cnonce: cnonce?.value || null,
      });
      encoded.show('encoded', result.summary, encodeView(result));
    } catch (error) {
      encoded.fail(error.message);
    }
  }

  els.decodeForm.addEventListener('submit', handleDecodeSubmit);
  els.encodeForm.addEventListener('submit', handleEncodeSubmit);
}
