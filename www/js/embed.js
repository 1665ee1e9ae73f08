// The embed builder: a dialog that turns the current scenario into an embed link and an
// <iframe> snippet, with a live preview. Loaded the first time its toolbar button is
// pressed. The link carries the scenario through scenario.js's shareUrl, so the embed
// reproduces the exact bytes; the embed page itself reads the parameters (main.js).
// The dialog's markup is built here the first time it opens, so the first view does not
// carry it.

import { h } from './dom.js';
import { shareUrl } from './scenario.js';

const $ = (id) => document.getElementById(id);

/** `lines=`: line numbers and ranges, comma-separated. */
const LINES = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;
/** How long the preview waits after the last change before it reloads. */
const PREVIEW_DELAY_MS = 400;

let els = null;
let current = null;
let previewTimer = 0;

/**
 * Opens the dialog for `scenario` (`presetId`: its preset, if unchanged; `title`: what the
 * snippet's title says; `defaultPanels`: the tabs this scenario's embed shows when the link
 * names none). Focus returns to `opener` when it closes.
 */
export function openEmbedDialog({ scenario, presetId, title, defaultPanels, opener }) {
  if (!els) els = setup();
  current = { scenario, presetId, title, opener, defaults: defaultPanels };
  for (const box of els.panels) box.checked = current.defaults.includes(box.value);
  syncMainView();
  update();
  els.dialog.showModal();
}

/** The views an embed can open on or show beside it: `[value, label]`. */
const VIEWS = [
  ['transcript', 'Transcript'],
  ['sequence', 'Sequence diagram'],
  ['negotiation', 'Negotiation'],
  ['mailboxes', 'Mailboxes'],
  ['sasl', 'SASL inspector'],
];
const THEMES = [
  ['auto', "Auto (the reader's system)"],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

/** A labelled field: `<div class="field"><label for=id>…</label>…controls</div>`. */
function field(id, label, controls) {
  return h('div', { class: 'field' }, [h('label', { for: id, text: label }), ...controls]);
}

/** A fieldset of checkboxes or radio buttons named `name`, one per `[value, label]`. */
function choices(legend, type, name, items, attrs = {}) {
  return h('fieldset', { class: 'group', ...attrs }, [
    h('legend', { text: legend }),
    ...items.map(([value, label], index) =>
      h('label', {}, [h('input', { type, name, value, checked: type === 'radio' && index === 0 }), ` ${label}`]),
    ),
  ]);
}

/** The dialog (appended to the page once): options, live preview, snippet and link. */
function buildDialog() {
  const options = h('form', { id: 'embed-form', class: 'form embed-options', novalidate: true }, [
    field('embed-view', 'Main view', [
      h(
        'select',
        { id: 'embed-view' },
        VIEWS.filter(([value]) => value !== 'mailboxes').map(([value, label]) => h('option', { value, text: label })),
      ),
    ]),
    choices('Tabs beside it', 'checkbox', 'panel', VIEWS, { id: 'embed-panels' }),
    choices('Theme', 'radio', 'theme', THEMES),
    field('embed-height', 'Height in pixels', [
      h('input', { id: 'embed-height', type: 'number', min: 250, max: 1200, step: 10, value: 450 }),
    ]),
    field('embed-lines', 'Lines to highlight', [
      h('input', {
        id: 'embed-lines',
        autocomplete: 'off',
        spellcheck: 'false',
        placeholder: '12-14',
        'aria-describedby': 'embed-lines-help',
      }),
      h('span', { id: 'embed-lines-help', class: 'help' }, [
        'Transcript line numbers, e.g. ',
        h('code', { text: '12-14' }),
        ' or ',
        h('code', { text: '3,7-9' }),
        ". Empty: the preset's own.",
      ]),
    ]),
  ]);
  const dialog = h('dialog', { id: 'embed-dialog', class: 'embed-dialog', 'aria-labelledby': 'embed-title' }, [
    h('div', { class: 'embed-dialog-head' }, [
      h('h2', { id: 'embed-title', text: 'Embed this scenario' }),
      h('button', { type: 'button', id: 'embed-close', text: 'Close' }),
    ]),
    h('div', { class: 'embed-builder' }, [
      options,
      h('div', { class: 'embed-preview-col' }, [
        h('p', { class: 'mini-heading', id: 'embed-preview-label', text: 'Live preview' }),
        h('iframe', {
          id: 'embed-preview',
          class: 'embed-preview',
          title: 'Preview of the embed',
          sandbox: 'allow-scripts allow-same-origin',
          width: 700,
          height: 450,
        }),
      ]),
    ]),
    h('div', { class: 'embed-outputs' }, [
      field('embed-snippet', 'HTML for your page', [
        h('textarea', { id: 'embed-snippet', rows: 4, readonly: true, spellcheck: 'false' }),
        h('button', { type: 'button', id: 'embed-copy-snippet', text: 'Copy HTML' }),
      ]),
      field('embed-link', 'Link to the embed', [
        h('input', { id: 'embed-link', readonly: true, spellcheck: 'false' }),
        h('button', { type: 'button', id: 'embed-copy-link', text: 'Copy link' }),
      ]),
      h('p', { id: 'embed-copied', class: 'muted', role: 'status', 'aria-live': 'polite' }),
      h('p', { class: 'muted' }, [
        'Every parameter, with examples: ',
        h('a', { href: 'embed.html', target: '_blank', text: 'the embedding guide' }),
        '.',
      ]),
    ]),
  ]);
  document.body.append(dialog);
}

function setup() {
  buildDialog();
  const found = {
    dialog: $('embed-dialog'),
    form: $('embed-form'),
    view: $('embed-view'),
    panels: Array.from(document.querySelectorAll('#embed-panels input')),
    height: $('embed-height'),
    lines: $('embed-lines'),
    preview: $('embed-preview'),
    snippet: $('embed-snippet'),
    link: $('embed-link'),
    copied: $('embed-copied'),
  };
  found.form.addEventListener('input', handleOptionChange);
  found.form.addEventListener('change', handleOptionChange);
  found.form.addEventListener('submit', (event) => event.preventDefault());
  $('embed-close').addEventListener('click', () => found.dialog.close());
  $('embed-copy-snippet').addEventListener('click', () => copy(found.snippet.value, 'HTML'));
  $('embed-copy-link').addEventListener('click', () => copy(found.link.value, 'Link'));
  found.dialog.addEventListener('close', handleClose);
  return found;
}

function handleOptionChange(event) {
  if (event.target === els.view) syncMainView();
  update();
}

/** The main view always shows, so its own box is ticked and cannot be unticked. */
function syncMainView() {
  for (const box of els.panels) {
    const main = box.value === els.view.value;
    box.disabled = main;
    if (main) box.checked = true;
  }
}

function handleClose() {
  clearTimeout(previewTimer);
  // A hidden preview keeps running its engine: unload it.
  els.preview.removeAttribute('src');
  els.copied.textContent = '';
  current.opener?.focus();
}

/** The chosen options, as `embedUrl` takes them. */
function readOptions() {
  const panels = els.panels.filter((box) => box.checked && box.value !== els.view.value).map((box) => box.value);
  const theme = els.form.elements.theme.value;
  const lines = els.lines.value.replace(/\s+/g, '');
  return { view: els.view.value, panels, theme, height: clampHeight(els.height.value), lines };
}

function clampHeight(value) {
  const height = Math.round(Number(value));
  return Number.isFinite(height) && height > 0 ? Math.min(1200, Math.max(250, height)) : 450;
}

/**
 * The embed's address: `embed=1` and the options that differ from an embed's defaults in
 * the query, the preset and scenario in the hash (shareUrl). `base`: the playground's URL;
 * `defaultPanels`: the tabs the embed shows without `panels=`.
 */
export function embedUrl(base, scenario, presetId, options, defaultPanels) {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set('embed', '1');
  if (options.view !== 'transcript') url.searchParams.set('view', options.view);
  const wanted = defaultPanels.filter((name) => name !== options.view);
  if (!sameSet(options.panels, wanted)) url.searchParams.set('panels', options.panels.join(','));
  if (options.theme !== 'auto') url.searchParams.set('theme', options.theme);
  if (options.lines && LINES.test(options.lines)) url.searchParams.set('lines', options.lines);
  return shareUrl(url, scenario, { preset: presetId });
}

function sameSet(a, b) {
  return a.length === b.length && a.every((item) => b.includes(item));
}

/** The `<iframe>` element a page pastes, as HTML text. */
export function iframeSnippet(src, title, height) {
  const attr = (text) => String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return [
    `<iframe src="${attr(src)}"`,
    `        title="ESMTP Playground: ${attr(title)}" width="100%" height="${height}" loading="lazy"`,
    '        sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"',
    '        style="border: 1px solid #d0d7de; border-radius: 8px"></iframe>',
  ].join('\n');
}

/** Rewrites the link and the snippet at once; the preview follows after a pause in typing. */
function update() {
  const options = readOptions();
  const linesOk = !options.lines || LINES.test(options.lines);
  els.lines.setAttribute('aria-invalid', String(!linesOk));
  const src = embedUrl(location.href, current.scenario, current.presetId, options, current.defaults);
  els.link.value = src;
  els.snippet.value = iframeSnippet(src, current.title, options.height);
  els.preview.height = String(options.height);
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => {
    if (els.preview.getAttribute('src') !== src) els.preview.src = src;
  }, PREVIEW_DELAY_MS);
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    els.copied.textContent = `${what} copied to the clipboard.`;
  } catch {
    els.copied.textContent = `Could not copy: the browser refused clipboard access. Select the ${what.toLowerCase()} and copy it by hand.`;
  }
}
