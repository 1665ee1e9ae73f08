// Manual mode: the user types client lines; a ManualSession (a server engine held in
// wasm across calls) answers live. Tab contract: `setup(root, services)` finds the DOM
// once; `show()` runs when the tab is opened (a session starts, or a stale one is
// flagged). It draws no run, so it has no `render`.

import { lineText, splitLines, toBytes } from './bytes.js';
import { h, replaceChildren } from './dom.js';

export function createManual(els, engine, getScenario, onError) {
  let session = null;
  let deliveries = 0;
  let startedWith = '';

  function log(direction, text, extra = '') {
    const item = h('li', { class: `line ${direction === 'C' ? 'c' : 's'}` }, [
      h('span', { class: 'dir', text: `${direction}:` }),
      h('span', { class: 'text', text }),
      extra ? h('span', { class: 'note-inline', text: extra }) : '',
    ]);
    els.log.append(item);
    els.log.scrollTop = els.log.scrollHeight;
  }

  function show(step) {
    for (const line of splitLines(toBytes(step.octets))) log('S', lineText(line));
    const last = (step.events || []).filter((e) => e.explanation).pop();
    deliveries += (step.deliveries || []).length;
    els.state.textContent = `Server state: ${step.state}${step.closed ? ' (connection closed: start a new session)' : ''}${last ? ` · ${last.explanation} (${last.rfc})` : ''}${deliveries ? ` · ${deliveries} cop${deliveries === 1 ? 'y' : 'ies'} delivered` : ''}`;
    els.line.disabled = Boolean(step.closed);
    showNextLines(step.nextLines || []);
  }

  /** The engine's suggestions for this state: one chip per line; its reason shows when picked and as the tooltip. */
  function showNextLines(nextLines) {
    els.why.textContent = '';
    replaceChildren(
      els.suggestions,
      nextLines.map(({ line, why }) => {
        const button = h('button', { type: 'button', class: 'chip', text: line === '' ? '(empty line)' : line, title: why });
        button.addEventListener('click', () => {
          els.line.value = line;
          els.why.textContent = `${line === '' ? 'The empty line' : line}: ${why}`;
          els.line.focus();
        });
        return button;
      }),
    );
  }

  function start() {
    replaceChildren(els.log);
    deliveries = 0;
    try {
      if (session?.free) session.free();
      startedWith = JSON.stringify(getScenario().server);
      els.stale.hidden = true;
      session = engine.construct('ManualSession', getScenario());
      show(session.take());
      els.line.disabled = false;
    } catch (error) {
      onError(error);
    }
  }

  function handleManualSubmit(event) {
    event.preventDefault();
    if (!session) start();
    if (!session) return;
    const text = els.line.value;
    log('C', text);
    try {
      show(session.send(new TextEncoder().encode(`${text}\r\n`)));
    } catch (error) {
      onError(error);
    }
    els.line.value = '';
    els.line.focus();
  }

  els.form.addEventListener('submit', handleManualSubmit);
  els.reset.addEventListener('click', () => {
    start();
    els.line.focus();
  });

  /** Says so when the Server panel changed after this session started. */
  function noteIfStale() {
    if (!session) return;
    const stale = JSON.stringify(getScenario().server) !== startedWith;
    els.stale.hidden = !stale;
    if (stale)
      replaceChildren(els.stale, [
        'The Server panel changed since this session started; ',
        h('strong', { text: 'New session' }),
        ' applies it.',
      ]);
  }

  return { start, noteIfStale, isStarted: () => session !== null };
}

let manual = null;

/** The manual panel's controls and areas, built into `root`; returns them by name. */
function buildPanel(root) {
  const els = {
    stale: h('div', { id: 'manual-stale', class: 'note', hidden: true }),
    log: h('ol', { id: 'manual-log', class: 'transcript', 'aria-label': 'Manual session', 'aria-live': 'polite' }),
    line: h('input', { id: 'manual-line', autocomplete: 'off', spellcheck: 'false', placeholder: 'EHLO client.example.net' }),
    reset: h('button', { type: 'button', id: 'manual-reset', text: 'New session' }),
    suggestions: h('div', { id: 'manual-suggestions', class: 'suggestions', 'aria-label': 'Lines this server accepts now' }),
    why: h('p', { id: 'manual-why', class: 'muted', 'aria-live': 'polite' }),
    state: h('p', { id: 'manual-state', class: 'muted' }),
  };
  els.form = h('form', { id: 'manual-form', class: 'manual-form' }, [
    h('label', { for: 'manual-line', text: 'Client line' }),
    els.line,
    h('button', { type: 'submit', class: 'primary', text: 'Send' }),
    els.reset,
  ]);
  replaceChildren(root, [
    h('p', { class: 'muted' }, [
      'Type client lines yourself, as with ',
      h('code', { text: 'telnet mx 25' }),
      '. The server engine (configured by the Server panel) answers live. Each line is sent with CRLF.',
    ]),
    els.stale,
    els.log,
    els.form,
    els.suggestions,
    els.why,
    els.state,
  ]);
  return els;
}

/** Builds the manual-mode controls into `root` and wires them to a live server engine. */
export function setup(root, { engine, getScenario, onError }) {
  manual = createManual(buildPanel(root), engine, getScenario, onError);
}

/** The tab was opened: start a session, or say the running one predates the Server panel. */
export function show() {
  if (manual.isStarted()) manual.noteIfStale();
  else manual.start();
}
