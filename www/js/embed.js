// The embed builder: a dialog that turns the current scenario into an embed link and an
// <iframe> snippet, with a live preview. Loaded the first time its toolbar button is
// pressed. The link carries the scenario through scenario.js's shareUrl, so the embed
// reproduces the exact bytes; the embed page itself reads the parameters (main.js).

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

function setup() {
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
