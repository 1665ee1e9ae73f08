// The Analyze view: paste a real transcript or drop a capture, and see every line
// judged by the engine (src/analyze/): the format it recognised, the session in the
// same transcript view as a run, each line's meaning and RFC section, and the
// findings. The engine does all the reading and judging (analyzeForPage), builds the
// scenario for "Open in playground" (analysisScenario) and decides what a share link
// masks (shareableTranscript); this module only renders and moves data. The calls run
// in a worker (js/analyze-worker.js) so a long transcript never freezes the page; the
// single-file build, which cannot start one, calls the engine on the main thread.

import { hexRows } from './bytes.js';
import { decodeView } from './calculator.js';
import { h, replaceChildren } from './dom.js';
import { INLINE } from './engine.js';
import { createTranscriptView } from './transcript.js';

/** The full engine module's name (pkg/<name>.js): the one with the analyzer. */
const FULL_MODULE = 'esmtp_playground';
/** The wire terminator each line's `ending` stands for, for the hex and "Show CRLF". */
const ENDINGS = { crLf: '\r\n', bareLf: '\n', missing: '', unknown: '' };
const DIRECTION = { client: 'C', server: 'S' };
/** Most findings listed; the rest are counted. */
const MAX_LISTED = 1000;
/** Longest share link offered: browsers and servers refuse far shorter URLs than this. */
const MAX_LINK = 2_000_000;

let els = null;
let services = null;
let facts = null;
let analyst = null;
const state = {
  /**
   * Input held outside the text area, `{data, size}`: a dropped or chosen file's octets,
   * or a paste too large to show; null when the text area is the input.
   */
  held: null,
  view: null,
  model: null,
  transcript: null,
  selected: -1,
  generation: 0,
  renders: 0,
  analyses: 0,
};

// ---- engine calls --------------------------------------------------------------------

/** Engine calls in a worker when one can start, else on the main thread; each returns a promise. */
function createAnalyst(engine) {
  let worker = null;
  let nextId = 1;
  const pending = new Map();
  const direct = (name, args) => Promise.resolve().then(() => engine.call(name, ...args));
  const fallBack = () => {
    worker?.terminate();
    worker = null;
    for (const [id, call] of pending) {
      pending.delete(id);
      direct(call.name, call.args).then(call.resolve, call.reject);
    }
  };
  if (!INLINE && engine.module && typeof Worker === 'function') {
    try {
      worker = new Worker(new URL('./analyze-worker.js', import.meta.url), { type: 'module' });
      worker.addEventListener('message', ({ data }) => {
        if (data.type === 'failed') fallBack();
        if (data.type !== 'result') return;
        const call = pending.get(data.id);
        pending.delete(data.id);
        if (!call) return;
        if (data.error) call.reject(new Error(data.error));
        else call.resolve(data.result);
        document.body.dataset.analyzeMs = String(data.ms ?? '');
      });
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        fallBack();
      });
      worker.postMessage({ type: 'init', module: engine.module, name: FULL_MODULE });
    } catch {
      worker = null;
    }
  }
  return {
    call(name, ...args) {
      if (!worker) return direct(name, args);
      return new Promise((resolve, reject) => {
        const id = nextId;
        nextId += 1;
        pending.set(id, { name, args, resolve, reject });
        worker.postMessage({ type: 'call', id, name, args });
      });
    },
  };
}

// ---- the panel -----------------------------------------------------------------------

function field(label, control, hint = '') {
  return h('div', { class: 'field' }, [
    h('label', { for: control.id, text: label }),
    hint ? h('span', { class: 'muted', text: hint }) : '',
    control,
  ]);
}

function buildPanel(panel) {
  const text = h('textarea', {
    id: 'analyze-text',
    rows: 9,
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder: 'Paste swaks, smtplib, curl -v, C:/S:, nodemailer output or a raw dialogue here, or drop a file (text, pcap, pcapng).',
  });
  const file = h('input', { id: 'analyze-file', type: 'file' });
  const format = h('select', { id: 'analyze-format' }, [
    h('option', { value: 'auto', text: 'Recognise it' }),
    ...facts.formats.map((f) => h('option', { value: f.name, text: f.label })),
  ]);
  const password = h('input', { id: 'analyze-password', type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const connection = h('select', { id: 'analyze-connection' });
  const run = h('button', { type: 'submit', id: 'analyze-run', class: 'primary', text: 'Analyze' });
  const form = h('form', { id: 'analyze-form', class: 'form analyze-form', novalidate: true }, [
    field('Transcript, log or capture', text),
    h('p', { id: 'analyze-file-note', class: 'muted', hidden: true }),
    h('div', { class: 'analyze-options' }, [
      field('…or choose a file', file),
      field('Format', format),
      field('Password (optional: checks CRAM-MD5 and DIGEST-MD5 digests, compares PLAIN and LOGIN)', password),
      h('div', { class: 'analyze-connection', hidden: true }, [field('TCP connection in the capture', connection)]),
      run,
    ]),
  ]);
  const secrets = h('input', { id: 'analyze-secrets', type: 'checkbox' });
  const actions = h('div', { class: 'analyze-actions', hidden: true }, [
    h('button', { type: 'button', id: 'analyze-open', text: 'Open in playground' }),
    h('button', { type: 'button', id: 'analyze-share', text: 'Copy share link' }),
    h('label', {}, [secrets, ' Include secrets (AUTH payloads, password) in the link']),
    h('label', { for: 'analyze-link', class: 'visually-hidden', text: 'Share link' }),
    h('input', { id: 'analyze-link', readonly: true, hidden: true, spellcheck: 'false' }),
  ]);
  const showControl = h('input', { id: 'analyze-show-control', type: 'checkbox' });
  const results = h('div', { class: 'analyze-results', hidden: true }, [
    h('p', { id: 'analyze-summary', class: 'analyze-summary' }),
    h('h3', { class: 'mini-heading', text: 'Findings' }),
    h('ol', { id: 'analyze-findings', class: 'analyze-findings', 'aria-label': 'Findings: select one to see its line' }),
    h('details', { class: 'analyze-negotiation' }, [
      h('summary', { text: 'Negotiation: offered by the server, used by the client' }),
      h('div', { id: 'analyze-negotiation' }),
    ]),
    h('details', { class: 'analyze-sasl' }, [
      h('summary', { text: 'SASL: each AUTH exchange, step by step, decoded' }),
      h('div', { id: 'analyze-sasl' }),
    ]),
    h('div', { class: 'view-options' }, [h('label', {}, [showControl, ' Show CRLF and control bytes'])]),
    h('div', { class: 'transcript-wrap' }, [
      h('div', { class: 'transcript-col' }, [
        h('div', {
          id: 'analyze-transcript',
          class: 'transcript',
          role: 'listbox',
          'aria-label': 'Analysed transcript: click or use the arrow keys on a line to explain it',
        }),
        h('p', { id: 'analyze-more', class: 'muted more-note', 'aria-live': 'polite' }),
      ]),
      h('aside', { id: 'analyze-details', class: 'line-details', 'aria-live': 'polite', 'aria-label': 'Analysed line details' }),
    ]),
  ]);
  replaceChildren(panel, [
    h('p', {
      class: 'muted',
      text: 'Bring your own session: the engine reads it, replays it line by line with its own parsers and says where it deviates from the RFCs. Nothing leaves your browser.',
    }),
    form,
    h('p', { id: 'analyze-status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    actions,
    results,
  ]);
  return {
    panel,
    form,
    text,
    file,
    fileNote: panel.querySelector('#analyze-file-note'),
    format,
    password,
    connection,
    connectionField: form.querySelector('.analyze-connection'),
    status: panel.querySelector('#analyze-status'),
    actions,
    open: actions.querySelector('#analyze-open'),
    share: actions.querySelector('#analyze-share'),
    secrets,
    link: actions.querySelector('#analyze-link'),
    results,
    summary: results.querySelector('#analyze-summary'),
    findings: results.querySelector('#analyze-findings'),
    negotiation: results.querySelector('#analyze-negotiation'),
    sasl: results.querySelector('#analyze-sasl'),
    showControl,
    transcript: results.querySelector('#analyze-transcript'),
    more: results.querySelector('#analyze-more'),
    details: results.querySelector('#analyze-details'),
  };
}

function setStatus(text) {
  els.status.textContent = text;
}

// ---- input ---------------------------------------------------------------------------

/** What to analyse: the held input or the text, cut one unit past the engine's limit (so it still says it cut). */
function currentInput() {
  const limit = facts.maxInput + 1;
  if (state.held) return state.held;
  const text = els.text.value;
  if (!text.trim()) return null;
  return { data: text.length > limit ? text.slice(0, limit) : text, size: text.length };
}

function options() {
  return { format: els.format.value, password: els.password.value || null, connection: Number(els.connection.value) || null };
}

/** A capture with several TCP connections gets a chooser; another input starts from the default again. */
function renderConnections(view) {
  const many = view.connections.length > 1;
  els.connectionField.hidden = !many;
  if (!many) {
    replaceChildren(els.connection);
    return;
  }
  const chosen = els.connection.value;
  replaceChildren(els.connection, [
    h('option', { value: '', text: 'The first that carries data' }),
    ...view.connections.map((c) =>
      h('option', { value: c.index, text: `${c.index}: ${c.client} → ${c.server} (${plural(c.packets, 'packet')})` }),
    ),
  ]);
  els.connection.value = chosen;
}

function forgetConnection() {
  replaceChildren(els.connection);
  els.connectionField.hidden = true;
}

function megabytes(size) {
  return `${(size / 1e6).toFixed(1)} MB`;
}

/** Analyses input kept out of the text area, saying what it is. */
function hold(data, size, what) {
  forgetConnection();
  state.held = { data, size };
  els.text.value = '';
  els.fileNote.hidden = false;
  els.fileNote.textContent = `${what} (${size.toLocaleString('en')} ${typeof data === 'string' ? 'characters' : 'octets'}). Type or paste in the box above to analyse other text.`;
  return analyze();
}

async function loadFile(file) {
  if (!file) return;
  // Only the part the engine reads is loaded: a huge file costs no more memory.
  const bytes = new Uint8Array(await file.slice(0, facts.maxInput + 1).arrayBuffer());
  await hold(bytes, file.size, `File: ${file.name}`);
}

/** A paste longer than the engine reads stays out of the text area, which would take seconds to lay it out. */
function handlePaste(event) {
  const text = event.clipboardData?.getData('text/plain') || '';
  if (text.length <= facts.maxInput) return;
  event.preventDefault();
  hold(text.slice(0, facts.maxInput + 1), text.length, 'Pasted text, too long to show');
}

function handleTextInput() {
  forgetConnection();
  if (!state.held) return;
  state.held = null;
  els.file.value = '';
  els.fileNote.hidden = true;
}

function handleDragOver(event) {
  if (!event.dataTransfer?.types?.includes('Files')) return;
  event.preventDefault();
  els.form.classList.add('dropping');
}

function handleDragLeave() {
  els.form.classList.remove('dropping');
}

function handleDrop(event) {
  const file = event.dataTransfer?.files?.[0];
  els.form.classList.remove('dropping');
  if (!file) return;
  event.preventDefault();
  loadFile(file).catch(showProblem);
}

function showProblem(error) {
  setStatus(`Cannot analyse this input: ${error?.message || error}`);
  els.status.classList.add('problem');
}

// ---- analysis ------------------------------------------------------------------------

async function analyze() {
  const input = currentInput();
  if (!input) {
    setStatus('Paste a transcript or choose a file first.');
    return;
  }
  const size = input.size;
  const generation = ++state.generation;
  els.status.classList.remove('problem');
  setStatus('Analysing…');
  let view;
  try {
    view = await analyst.call('analyzeForPage', input.data, options());
  } catch (error) {
    if (generation !== state.generation) return;
    state.view = null;
    els.results.hidden = true;
    els.actions.hidden = true;
    showProblem(error);
    finishAnalysis();
    return;
  }
  if (generation !== state.generation) return;
  // scripts/analyze-speed.mjs --page reads the main thread's share: result to screen.
  performance.mark('analyze-result');
  state.view = view;
  const cut =
    size > facts.maxInput
      ? ` The input is ${megabytes(size)}: only its first ${megabytes(facts.maxInput)} were analysed (the engine's limit, so memory stays bounded).`
      : '';
  const { errors, warnings, notes } = view.counts;
  setStatus(
    `Read as ${view.formatLabel}: ${view.lines.length.toLocaleString('en')} lines, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(notes, 'note')}.${cut}`,
  );
  await render(view, generation);
  performance.measure('analyze-render', 'analyze-result');
  finishAnalysis();
}

/** Marks the panel for tests and tools: how many analyses finished. */
function finishAnalysis() {
  state.analyses += 1;
  els.panel.dataset.analyses = String(state.analyses);
}

function plural(count, word) {
  return `${count.toLocaleString('en')} ${word}${count === 1 ? '' : 's'}`;
}

async function render(view, generation) {
  els.results.hidden = false;
  els.actions.hidden = false;
  els.link.hidden = true;
  els.summary.textContent = `Format: ${view.formatLabel}${view.connections.length > 1 ? ` · ${view.connections.length} TCP connections in the capture` : ''}`;
  renderFindings(view);
  renderNegotiation(view.negotiation);
  renderSasl(view);
  renderConnections(view);
  renderDetailsPlaceholder();
  state.model = transcriptModel(view);
  state.selected = -1;
  await renderTranscript(generation);
}

function renderFindings(view) {
  if (!view.findings.length) {
    replaceChildren(els.findings, [h('li', { class: 'muted', text: 'No findings: every line follows the RFCs.' })]);
    return;
  }
  const items = view.findings
    .slice(0, MAX_LISTED)
    .map((finding, index) =>
      h('li', {}, [
        h('button', { type: 'button', class: `finding ${finding.severity}`, 'data-finding': index }, [
          h('span', { class: 'severity', text: finding.severity }),
          h('span', { class: 'where', text: `${view.format === 'pcap' ? 'packet' : 'line'} ${finding.line}` }),
          h('span', { class: 'message', text: finding.message }),
          h('span', { class: 'rfc', text: finding.rfc }),
        ]),
      ]),
    );
  if (view.findings.length > MAX_LISTED) {
    items.push(h('li', { class: 'muted', text: `…and ${(view.findings.length - MAX_LISTED).toLocaleString('en')} more.` }));
  }
  replaceChildren(els.findings, items);
}

/** The engine's rows: each extension the server offered and what this client did with it. */
function renderNegotiation(rows) {
  if (!rows.length) {
    replaceChildren(els.negotiation, [h('p', { class: 'muted', text: 'The session has no EHLO extension list (HELO, or EHLO failed).' })]);
    return;
  }
  const cells = ['Extension', 'Offered', 'What it allows', 'This client', 'RFC'];
  replaceChildren(els.negotiation, [
    h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Extensions offered and used in the analysed session' }, [
      h('table', { class: 'negotiation' }, [
        h('thead', {}, [
          h(
            'tr',
            {},
            cells.map((text) => h('th', { scope: 'col', text })),
          ),
        ]),
        h(
          'tbody',
          {},
          rows.map((row) =>
            h('tr', {}, [
              h('th', { scope: 'row', text: row.keyword }),
              h('td', { 'data-label': cells[1], text: row.value || 'yes' }),
              h('td', { 'data-label': cells[2], text: row.explanation }),
              h('td', { 'data-label': cells[3], text: row.client }),
              h('td', { 'data-label': cells[4], text: row.rfc }),
            ]),
          ),
        ),
      ]),
    ]),
  ]);
}

/** The engine's AUTH exchanges: each step with its line and the calculator's decoding. */
function renderSasl(view) {
  if (!view.sasl.length) {
    replaceChildren(els.sasl, [h('p', { class: 'muted', text: 'The session has no AUTH exchange.' })]);
    return;
  }
  const where = view.format === 'pcap' ? 'packet' : 'line';
  replaceChildren(
    els.sasl,
    view.sasl.map((exchange) =>
      h('section', { class: 'sasl-exchange' }, [
        h('h4', { text: `AUTH ${exchange.mechanism}` }),
        h(
          'ol',
          { class: 'sasl-steps' },
          exchange.steps.map((step) => saslStep(step, where)),
        ),
      ]),
    ),
  );
}

function saslStep(step, where) {
  const decoded = step.decoded;
  return h('li', { class: `sasl-step sasl-${step.kind}` }, [
    h('p', { class: 'sasl-step-head' }, [
      h('button', { type: 'button', class: 'sasl-line', 'data-select-line': step.index, text: `${where} ${step.n}` }),
      ` ${step.label}: `,
      h('code', { text: step.text }),
    ]),
    decoded ? h('p', { class: `verdict ${decoded.verdict.outcome}`, text: decoded.verdict.text }) : '',
    ...(decoded ? decodeView(decoded) : []),
    step.decodeError ? h('p', { class: 'muted', text: step.decodeError }) : '',
  ]);
}

function handleSaslClick(event) {
  const button = event.target.closest('[data-select-line]');
  if (button) selectLine(Number(button.dataset.selectLine));
}

/** The view's lines as the transcript view's model: one chunk per group or lone line. */
function transcriptModel(view) {
  const encoder = new TextEncoder();
  const groups = new Map(view.groups.map((group) => [group.first, group]));
  const chunks = [];
  const lines = [];
  for (let first = 0; first < view.lines.length; ) {
    const group = groups.get(first);
    const count = group ? group.count : 1;
    chunks.push({
      direction: DIRECTION[view.lines[first].side],
      firstLine: first,
      count,
      data: Boolean(group?.messageText),
      label: group?.label || '',
      arrival: [],
    });
    for (const line of view.lines.slice(first, first + count)) {
      lines.push({
        chunk: chunks.length - 1,
        direction: DIRECTION[line.side],
        at: 0,
        text: line.text,
        // Encoded when shown (hex, "Show CRLF"), not for every line of a long session.
        get bytes() {
          return encoder.encode(line.text + ENDINGS[line.ending]);
        },
        event: null,
        readBy: [],
        notes: [],
      });
    }
    first += count;
  }
  return { start: 0, chunks, lines, latency: 0 };
}

async function renderTranscript(generation = state.generation) {
  const total = state.model.lines.length;
  const render = ++state.renders;
  els.transcript.setAttribute('aria-busy', 'true');
  const view = createTranscriptView(
    els.transcript,
    state.model,
    {
      showControl: els.showControl.checked,
      showTime: false,
      idPrefix: 'analyze-line-',
      onProgress: (shown) => {
        els.more.textContent =
          shown < total ? `Showing ${shown.toLocaleString('en')} of ${total.toLocaleString('en')} lines; more load as you scroll.` : '';
      },
    },
    () => generation === state.generation && render === state.renders,
  );
  state.transcript = view;
  await view.ready;
  els.transcript.setAttribute('aria-busy', 'false');
}

// ---- selection and details -------------------------------------------------------------

async function selectLine(index, focus = true) {
  const view = state.transcript;
  const node = view && (await view.ensure(index));
  if (!node || view !== state.transcript) return;
  const previous = view.nodes[state.selected];
  if (previous && previous !== node) {
    previous.setAttribute('aria-selected', 'false');
    previous.tabIndex = -1;
  }
  const first = view.nodes[0];
  if (first && first !== node) first.tabIndex = -1;
  state.selected = index;
  node.setAttribute('aria-selected', 'true');
  node.tabIndex = 0;
  if (focus) node.focus();
  node.scrollIntoView({ block: 'nearest' });
  renderDetails(index);
}

function renderDetailsPlaceholder() {
  replaceChildren(els.details, [
    h('p', { class: 'muted', text: 'Select a line or a finding to see what the line is, the RFC section behind it and its bytes in hex.' }),
  ]);
}

function findingLine(finding) {
  return h('li', { class: `finding-here ${finding.severity}` }, [
    h('strong', { text: `${finding.severity}: ` }),
    finding.message,
    ' ',
    h('span', { class: 'rfc', text: finding.rfc }),
  ]);
}

function renderDetails(index) {
  const line = state.view.lines[index];
  const note = state.view.notes[line.note];
  const bytes = state.model.lines[index].bytes;
  const direction = DIRECTION[line.side];
  const dump = hexRows(bytes, 4096, els.details.clientWidth > 0 && els.details.clientWidth < 560 ? 8 : 16);
  replaceChildren(els.details, [
    h('h3', { class: 'details-title' }, [
      h('span', { class: `dir ${direction.toLowerCase()}`, text: `${direction}: ` }),
      line.text || '(empty line)',
    ]),
    h('p', {
      class: 'muted',
      text: `${state.view.format === 'pcap' ? 'packet' : 'input line'} ${line.n} · ${line.side === 'client' ? 'client → server' : 'server → client'} · ${bytes.length} octets`,
    }),
    h('ul', { class: 'line-notes' }, [h('li', {}, [note.text, ' ', h('span', { class: 'rfc', text: note.rfc })])]),
    line.findings.length
      ? h('div', { class: 'events' }, [
          h('h4', { text: 'Findings on this line' }),
          h(
            'ul',
            { class: 'line-notes' },
            line.findings.map((at) => findingLine(state.view.findings[at])),
          ),
        ])
      : '',
    h('details', { class: 'hex', open: true }, [
      h('summary', { text: `Hex of this line (${bytes.length} octets)` }),
      h('pre', { class: 'hexdump', tabindex: 0, 'aria-label': 'Hex dump', text: dump.rows.join('\n') }),
    ]),
  ]);
}

function handleTranscriptClick(event) {
  const node = event.target.closest('[data-line]');
  if (node) selectLine(Number(node.dataset.line));
}

function handleTranscriptKeydown(event) {
  const node = event.target.closest('[data-line]');
  if (!node || !state.model) return;
  const index = Number(node.dataset.line);
  const last = state.model.lines.length - 1;
  const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: last, PageDown: index + 20, PageUp: index - 20 };
  if (event.key in moves) {
    event.preventDefault();
    selectLine(Math.max(0, Math.min(last, moves[event.key])));
  }
}

function handleFindingClick(event) {
  const button = event.target.closest('[data-finding]');
  if (!button || !state.view) return;
  const finding = state.view.findings[Number(button.dataset.finding)];
  if (finding) selectLine(finding.index);
}

// ---- open in playground --------------------------------------------------------------

async function handleOpenClick() {
  const input = currentInput();
  if (!input) return;
  try {
    const imported = await analyst.call('analysisScenario', input.data, options());
    services.openScenario(imported.scenario, imported.notes);
  } catch (error) {
    showProblem(error);
  }
}

// ---- share ---------------------------------------------------------------------------

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function through(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `{text, format, password?}` as base64url(deflate-raw(JSON)), for `#analyze=`. */
async function packLink(payload) {
  if (typeof CompressionStream !== 'function') throw new Error('this browser has no CompressionStream, so it cannot make a share link');
  return toBase64Url(await through(new TextEncoder().encode(JSON.stringify(payload)), new CompressionStream('deflate-raw')));
}

async function unpackLink(packed) {
  let json;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(await through(fromBase64Url(packed), new DecompressionStream('deflate-raw')));
  } catch {
    throw new Error('the link’s transcript cannot be read; it may have been cut short');
  }
  const payload = JSON.parse(json);
  if (typeof payload?.text !== 'string') throw new Error('the link holds no transcript');
  return payload;
}

async function handleShareClick() {
  const input = currentInput();
  if (!input) return;
  const include = els.secrets.checked;
  try {
    const shared = await analyst.call('shareableTranscript', input.data, { format: els.format.value }, include);
    const payload = { text: shared.text, format: shared.fromCapture ? 'cs' : els.format.value };
    if (include && els.password.value) payload.password = els.password.value;
    const url = new URL(location.href);
    url.search = '?analyze';
    url.hash = `analyze=${await packLink(payload)}`;
    const link = url.toString();
    if (link.length > MAX_LINK) {
      setStatus(`This session makes a ${link.length.toLocaleString('en')}-character link, too long to share; share the file instead.`);
      return;
    }
    els.link.hidden = false;
    els.link.value = link;
    const what = include ? 'with its secrets' : `with ${plural(shared.masked, 'secret')} masked`;
    const from = shared.fromCapture ? ' The capture travels as its C:/S: lines.' : '';
    const copied = await copy(link);
    setStatus(`${copied ? 'Share link copied' : 'Share link below (the browser refused clipboard access)'}, ${what}.${from}`);
  } catch (error) {
    showProblem(error);
  }
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

async function restoreFromLink(packed) {
  try {
    const payload = await unpackLink(packed);
    els.text.value = payload.text;
    if ([...els.format.options].some((option) => option.value === payload.format)) els.format.value = payload.format;
    if (typeof payload.password === 'string') els.password.value = payload.password;
    await analyze();
  } catch (error) {
    showProblem(error);
  }
}

// ---- tab contract ----------------------------------------------------------------------

/** Builds the view once; `svc`: `{engine, params, openScenario(scenario, notes), onError}`. */
export function setup(panel, svc) {
  services = svc;
  facts = svc.engine.call('analyzeInputFacts');
  analyst = createAnalyst(svc.engine);
  els = buildPanel(panel);
  els.form.addEventListener('submit', (event) => {
    event.preventDefault();
    analyze();
  });
  els.text.addEventListener('input', handleTextInput);
  els.text.addEventListener('paste', handlePaste);
  els.file.addEventListener('change', () => loadFile(els.file.files[0]).catch(showProblem));
  els.form.addEventListener('dragover', handleDragOver);
  els.form.addEventListener('dragleave', handleDragLeave);
  els.form.addEventListener('drop', handleDrop);
  els.findings.addEventListener('click', handleFindingClick);
  els.sasl.addEventListener('click', handleSaslClick);
  els.connection.addEventListener('change', () => analyze());
  els.transcript.addEventListener('click', handleTranscriptClick);
  els.transcript.addEventListener('keydown', handleTranscriptKeydown);
  els.showControl.addEventListener('change', () => state.model && renderTranscript());
  els.open.addEventListener('click', handleOpenClick);
  els.share.addEventListener('click', handleShareClick);
  const packed = svc.params?.get('analyze');
  if (packed) restoreFromLink(packed);
}
