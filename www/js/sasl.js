// SASL inspector. It shows the AUTH exchanges the engine delimited (`timeline.authExchanges`),
// each step being one side's SASL trace event, whose entries are
//   {side: "client"|"server", label, explanation, rfc,
//    octets: null | {raw, visible, hex, base64, groups: [{visible, hex, base64}]}}
// (`raw` is the octets as a latin1 string, one character per octet; the views show the
// engine's visible, hex and base64 forms, and the calculator in calculator.js the same
// entries).

import { h, replaceChildren } from './dom.js';

/**
 * The AUTH exchanges of a timeline as the engine delimited them (`timeline.authExchanges`:
 * from the first SASL step to the server's final reply), each step being a SASL trace
 * event of either side: `{mechanism, steps: [{side, mechanism, explanation, rfc, at, entries}], outcome}`.
 */
export function exchangesOf(timeline) {
  const entries = timeline.entries || [];
  return (timeline.authExchanges || []).map((exchange) => ({
    mechanism: exchange.mechanism || '',
    outcome: exchange.outcome,
    agreements: exchange.agreements || [],
    steps: exchange.steps
      .map((index) => entries[index])
      .filter((entry) => entry?.event)
      .map((entry) => ({
        side: entry.type,
        mechanism: entry.event.kind.mechanism,
        explanation: entry.event.explanation,
        rfc: entry.event.rfc,
        at: entry.event.at,
        entries: entry.event.kind.entries || [],
      })),
  }));
}

/**
 * The values both sides computed, as the engine paired them (`exchange.agreements`:
 * `{label, client: {step, entry}, server: {step, entry}, same}`), with their octets.
 */
function bothSides(exchange) {
  const octetsAt = ({ step, entry }) => exchange.steps[step]?.entries[entry]?.octets;
  return exchange.agreements
    .map((agreement) => ({ ...agreement, client: octetsAt(agreement.client), server: octetsAt(agreement.server) }))
    .filter(({ client, server }) => client && server);
}

function comparisonTable(pairs) {
  return h('table', { class: 'both-sides' }, [
    h('caption', { text: 'Computed by both sides: the exchange succeeds only if they agree' }),
    h('thead', {}, [
      h('tr', {}, [
        h('th', { scope: 'col', text: 'Value' }),
        h('th', { scope: 'col', text: 'Client' }),
        h('th', { scope: 'col', text: 'Server' }),
        h('th', { scope: 'col', text: 'Same?' }),
      ]),
    ]),
    h(
      'tbody',
      {},
      pairs.map(({ label, client, server, same }) =>
        h('tr', { class: same ? 'same' : 'differs' }, [
          h('th', { scope: 'row', text: label }),
          h('td', { 'data-label': 'Client' }, [visibleCode(client.visible)]),
          h('td', { 'data-label': 'Server' }, [visibleCode(server.visible)]),
          h('td', { 'data-label': 'Match', text: same ? '✓ same' : '✗ differs' }),
        ]),
      ),
    ),
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

export function octetsView(octets) {
  const groups = Array.isArray(octets.groups) ? octets.groups : [];
  return h('div', { class: 'octets' }, [
    h('dl', { class: 'octet-forms' }, [
      h('dt', { text: 'ASCII' }),
      h('dd', {}, [visibleCode(octets.visible ?? '')]),
      h('dt', { text: 'Hex' }),
      h('dd', {}, [h('code', { text: octets.hex ?? '' })]),
      h('dt', { text: 'Base64' }),
      h('dd', {}, [h('code', { text: octets.base64 ?? '' })]),
    ]),
    groups.length
      ? h('details', { class: 'groups', open: groups.length <= 8 }, [
          h('summary', { text: `Base64 grouping: ${groups.length} × (3 octets → 4 characters)` }),
          h(
            'div',
            { class: 'group-grid' },
            groups.map((g) =>
              h('div', { class: 'b64group' }, [
                visibleCode(g.visible),
                h('code', { class: 'muted', text: g.hex }),
                h('code', { class: 'b64', text: g.base64 }),
              ]),
            ),
          ),
        ])
      : '',
  ]);
}

export function traceView(entries) {
  return h(
    'ol',
    { class: 'trace' },
    entries.map((entry) =>
      h('li', { class: `trace-entry ${String(entry.side).toLowerCase()}` }, [
        h('p', { class: 'event-head' }, [
          h('span', { class: `badge ${String(entry.side).toLowerCase()}`, text: String(entry.side) }),
          ' ',
          h('strong', { text: entry.label }),
          entry.rfc ? h('span', { class: 'rfc', text: entry.rfc }) : '',
        ]),
        h('p', { class: 'explanation', text: entry.explanation }),
        entry.octets ? octetsView(entry.octets) : '',
      ]),
    ),
  );
}

function stepLabel(step, index) {
  const labels = step.entries.map((e) => e.label);
  return `Step ${index + 1} · ${labels.slice(0, 4).join(', ')}${labels.length > 4 ? `, … (${labels.length} values)` : ''}`;
}

function exchangeView(exchange, index) {
  const pairs = bothSides(exchange);
  return h('section', { class: 'exchange', 'aria-labelledby': `exchange-${index}` }, [
    h('h3', { id: `exchange-${index}`, text: `AUTH ${exchange.mechanism} exchange${index ? ` ${index + 1}` : ''}` }),
    exchange.outcome
      ? h('p', {
          class: `outcome ${exchange.outcome.ok ? 'ok' : 'failed'}`,
          text: `${exchange.outcome.ok ? '✓' : '✗'} ${exchange.outcome.text}`,
        })
      : '',
    pairs.length ? comparisonTable(pairs) : '',
    ...exchange.steps.map((step, i) =>
      h('details', { class: `sasl-step ${step.side}`, open: true }, [
        h('summary', {}, [h('span', { class: `badge ${step.side}`, text: step.side }), ' ', stepLabel(step, i)]),
        traceView(step.entries),
      ]),
    ),
  ]);
}

let inspectorRoot = null;
let inspectorGeneration = 0;

/** Finds the tab's container once. */
export function setup(container) {
  inspectorRoot = container;
}

/** Draws the inspector for `{timeline, scenario}`; a newer render replaces an older one. */
export function render(model) {
  inspectorGeneration += 1;
  const mine = inspectorGeneration;
  if (inspectorRoot && mine === inspectorGeneration) renderSaslInspector(inspectorRoot, model.timeline || {}, model.scenario);
}

export function renderSaslInspector(container, timeline, _scenario) {
  const exchanges = exchangesOf(timeline);
  if (exchanges.length) {
    replaceChildren(container, [
      h('p', { class: 'muted' }, [
        'Every value each side computed and every octet string it sent, in order. Control octets are drawn visibly (',
        h('code', {}, [h('span', { class: 'ctl', text: 'NUL' })]),
        ' is the octet 00, ',
        h('code', { text: '\\xfe' }),
        ' an octet that is not printable ASCII); "Base64 grouping" shows each 3 octets become 4 characters.',
      ]),
      ...exchanges.map(exchangeView),
    ]);
    return;
  }
  replaceChildren(container, [
    h('p', {
      class: 'note',
      text: 'No AUTH exchange in this run. Pick an AUTH preset (AUTH PLAIN, AUTH LOGIN, CRAM-MD5, DIGEST-MD5) or set the client’s AUTH mechanism in the Client panel.',
    }),
    h('p', { class: 'to-calculator' }, ['Checking a line from a log? ', calculatorLink()]),
  ]);
}

/** A link that opens the Calculator tab, where a logged AUTH line can be decoded and checked. */
function calculatorLink() {
  const link = h('a', { href: '#view-calculator', text: 'Use the Calculator' });
  link.addEventListener('click', (event) => {
    const tab = document.getElementById('tab-calculator');
    if (!tab) return;
    event.preventDefault();
    tab.click();
    tab.focus();
  });
  return link;
}
