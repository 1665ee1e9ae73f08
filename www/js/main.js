//# allFunctionsCalledOnLoad
// The playground page: wires the engine, the scenario, the forms and the views.

import { h, replaceChildren } from './dom.js';
import { INLINE, readable, startEngine, startTabsEngine } from './engine.js';
import { clearRunErrors, engineFacts, markRunError, renderForm } from './forms.js';
import { DEFAULT_PRESET_ID, loadPreset, PRESET_LIST } from './presets.js';
import { createRunner, scenarioModule } from './runner.js';
import { applyPatch, clone, decodeScenario, hasScript, readLocation, setPath, shareUrl } from './scenario.js';
import { buildModel, createTranscriptView, plainTranscript } from './transcript.js';

const $ = (id) => document.getElementById(id);

// Every element the page touches, looked up once.
const els = {
  preset: $('preset'),
  presetExplanation: $('preset-explanation'),
  run: $('run'),
  stop: $('stop'),
  copyLink: $('copy-link'),
  copyTranscript: $('copy-transcript'),
  toursButton: $('tours-button'),
  toursDialog: $('tours-dialog'),
  tourPanel: $('tour-panel'),
  reset: $('reset'),
  embedOpen: $('embed-open'),
  status: $('status'),
  error: $('error'),
  clientForm: $('client-form'),
  serverForm: $('server-form'),
  runForm: $('run-form'),
  tabs: Array.from(document.querySelectorAll('[role="tab"]')),
  transcript: $('transcript'),
  lineDetails: $('line-details'),
  showControl: $('show-control'),
  showTime: $('show-time'),
  transcriptSummary: $('transcript-summary'),
  transcriptMore: $('transcript-more'),
  transcriptView: $('view-transcript'),
  tlsPanel: $('tls-panel'),
  staleNote: $('stale-note'),
  negotiation: $('view-negotiation'),
  sasl: $('view-sasl'),
  version: $('engine-version'),
};

const app = {
  engine: null,
  defaults: null,
  scenario: null,
  // The preset on screen in full (js/presets.js loadPreset), null for a custom scenario.
  preset: null,
  timeline: null,
  model: null,
  view: null,
  selectedLine: -1,
  facts: null,
  generation: 0,
  renderGeneration: 0,
  runner: null,
  // Embed mode (js/embed-mode.js `setupEmbed`) on an embed (`embed=1`), else null.
  embed: null,
  stickyError: null,
  // 1-based transcript line numbers highlighted after the last render (for the sequence view).
  highlightedLines: [],
  params: null,
  // The lines to highlight after each render: `{lines: "3,7-9"}` from a link's `lines=`,
  // `{names: selector}` from a preset's or a tour step's `highlight`; null once edited.
  highlight: null,
  // js/tls-view.js once a run has had TLS; `wire`: the transcript as an eavesdropper sees it.
  tls: null,
  wire: false,
};

let debounceTimer = 0;
let renderCount = 0;

/** Shows a problem. A sticky one (a bad link) stays until the user changes something. */
function showError(error, { sticky = false } = {}) {
  const message = error?.message || String(error);
  if (sticky) app.stickyError = error;
  els.error.hidden = false;
  replaceChildren(els.error, [h('strong', { text: 'Problem: ' }), message]);
}

function clearError() {
  if (app.stickyError) {
    showError(app.stickyError);
    return;
  }
  els.error.hidden = true;
  replaceChildren(els.error);
}

function setStatus(text) {
  els.status.textContent = text;
}

// ---- scenario and presets ------------------------------------------------------------

function renderPresetOptions() {
  replaceChildren(els.preset, [
    h('option', { value: '', text: 'Custom scenario' }),
    h(
      'optgroup',
      { label: 'Presets' },
      PRESET_LIST.map((p) => h('option', { value: p.id, text: p.title })),
    ),
  ]);
  els.preset.value = app.preset?.id || '';
}

/**
 * Shows the preset's explanation. Once a field is edited the scenario is custom, but
 * the explanation of the preset it started from stays, marked as edited, so the layout
 * does not jump under the pointer.
 */
function showPresetExplanation(editedFrom = null) {
  const preset = editedFrom || app.preset;
  els.presetExplanation.textContent = preset ? preset.explanation : '';
  els.presetExplanation.hidden = !preset;
  els.presetExplanation.classList.toggle('edited', Boolean(editedFrom));
  if (editedFrom) els.presetExplanation.title = 'You changed this scenario after picking the preset.';
  else els.presetExplanation.removeAttribute('title');
}

function renderForms() {
  const topKeys = Object.keys(app.scenario).filter((key) => key !== 'client' && key !== 'server');
  renderForm(els.clientForm, app.scenario, 'client', handleFieldChange, app.facts);
  if (hasScript(app.scenario)) {
    els.clientForm.prepend(
      h('p', {
        class: 'note',
        role: 'note',
        text: 'Not used in this run: the scenario has a script (see Run settings), whose octets go to the server engine as they are. Pick another preset, or set the script to null, to run the client engine again.',
      }),
    );
  }
  renderForm(els.serverForm, app.scenario, 'server', handleFieldChange, app.facts);
  renderForm(els.runForm, app.scenario, '', handleFieldChange, app.facts, topKeys);
}

/** Shows `scenario` in the forms; `preset`: the preset it is (in full), or null. */
function loadScenario(scenario, preset, { keepNotice = false } = {}) {
  if (!keepNotice) app.stickyError = null;
  app.scenario = scenario;
  app.preset = preset || null;
  els.preset.value = app.preset?.id || '';
  showPresetExplanation();
  renderForms();
}

function handleFieldChange(path, value) {
  app.stickyError = null;
  app.highlight = null;
  setPath(app.scenario, path, value);
  if (app.preset) {
    const editedFrom = app.preset;
    app.preset = null;
    els.preset.value = '';
    showPresetExplanation(editedFrom);
  }
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(run, 300);
}

/** Loads the picked preset (its details are fetched the first time one is picked) and runs it. */
async function handlePresetChange() {
  app.highlight = null;
  const id = els.preset.value;
  let preset;
  try {
    preset = await loadPreset(id);
  } catch (error) {
    showError(readable(error));
    els.preset.value = app.preset?.id || '';
    return;
  }
  if (els.preset.value !== id) return; // picked again meanwhile: the later pick loads
  loadScenario(applyPatch(app.defaults, preset ? preset.patch : {}), preset);
  run();
}

function handleResetClick() {
  app.highlight = null;
  loadScenario(clone(app.defaults), null);
  run();
}

// ---- running -------------------------------------------------------------------------

/** Runs the scenario (in the worker when there is one); a newer run drops older results. */
async function run() {
  clearTimeout(debounceTimer);
  const generation = ++app.generation;
  const scenario = clone(app.scenario);
  const slow = setTimeout(() => {
    if (generation !== app.generation) return;
    els.stop.hidden = false;
    setStatus('Running…');
  }, 250);
  let timeline;
  try {
    timeline = await app.runner.run(scenario);
  } catch (error) {
    if (generation !== app.generation) return;
    const problem = readable(error);
    showError(problem);
    markRunError([els.clientForm, els.serverForm, els.runForm], problem.message || String(problem));
    markStale(true);
    setStatus('The scenario did not run; the previous result stays on screen, greyed out.');
    return;
  } finally {
    clearTimeout(slow);
    if (generation === app.generation) els.stop.hidden = true;
  }
  if (timeline.tls && !app.tls) app.tls = await loadTlsView();
  if (generation !== app.generation) return;
  clearError();
  clearRunErrors([els.clientForm, els.serverForm, els.runForm]);
  markStale(false);
  app.timeline = timeline;
  app.model = transcriptModel(timeline, scenario);
  renderTlsPanel();
  app.selectedLine = -1;
  updateUrl();
  const deliveries = (timeline.deliveries || []).length;
  const writes = app.model.chunks.length;
  setStatus(
    `Ran: ${app.model.lines.length} lines in ${writes} write${writes === 1 ? '' : 's'}, ${deliveries} cop${deliveries === 1 ? 'y' : 'ies'} delivered${timeline.truncated ? ' (stopped at a safety bound)' : ''}.${timeline.scripted ? ' Scripted client: the script’s octets went to the server engine as they are; the Client panel is not used.' : ''}`,
  );
  const seconds = Math.round((timeline.endTime - app.model.start) / 10) / 100;
  els.transcriptSummary.textContent = `${writes} write${writes === 1 ? '' : 's'}, ${seconds} s of simulated time`;
  renderDetailsPlaceholder();
  app.embed?.afterRun(timeline);
  return renderAllViews();
}

// ---- TLS: the handshake summary and the eavesdropper's view (js/tls-view.js) ------------

/** The TLS view's code and styles, loaded the first time a run has TLS. */
async function loadTlsView() {
  try {
    const [module] = await Promise.all([import('./tls-view.js'), loadStyle('views.css')]);
    return module;
  } catch (error) {
    showError(readable(error));
    return null;
  }
}

/** The transcript's model: as the engines saw it, or as the wire carried it when the switch says so. */
function transcriptModel(timeline, scenario) {
  const plain = buildModel(timeline, scenario);
  if (!app.tls || !timeline.tls) return plain;
  app.tls.markTampered(timeline, plain);
  return app.wire ? app.tls.wireModel(timeline, plain) : plain;
}

/** Shows the TLS panel (view switch, handshake summary) for a run with TLS, hides it otherwise. */
function renderTlsPanel() {
  const shown = Boolean(app.tls && app.timeline.tls);
  els.tlsPanel.hidden = !shown;
  if (shown) app.tls.renderTlsPanel(els.tlsPanel, app.timeline, { wire: app.wire, onWireChange: handleWireChange });
}

function handleWireChange(wire) {
  app.wire = wire;
  updateUrl();
  app.model = transcriptModel(app.timeline, { startTime: app.model.start, latencyMs: app.model.latency });
  app.selectedLine = -1;
  renderDetailsPlaceholder();
  renderTranscriptNow();
}

/**
 * The engine module a tab asks about `scenario`: the one its run used when that is not the
 * first view's (the TLS module for a scenario with TLS, the full one for SCRAM or OAuth:
 * loaded once such a run has shown), else the tab's own.
 */
function engineFor(scenario, own) {
  const which = scenarioModule(own, scenario);
  return (which !== 'first' && app.runner.loadedModule(which)) || own;
}

/** Greys the transcript and labels it "not re-run" while the scenario on screen does not run. */
function markStale(stale) {
  els.transcriptView.classList.toggle('stale', stale);
  els.staleNote.hidden = !stale;
}

function handleStopClick() {
  if (app.runner.stop()) {
    app.generation += 1;
    els.stop.hidden = true;
    setStatus('Stopped. The previous result stays on screen.');
  }
}

/** Renders every tab view whose code is loaded, then the transcript. */
function renderAllViews() {
  for (const view of Object.values(TAB_VIEWS)) {
    if (view.module) renderView(view);
  }
  return renderTranscriptNow();
}

/** What every tab's `render(model)` gets: the run and the scenario it came from. */
function viewModel() {
  return { timeline: app.timeline, scenario: app.scenario, start: app.model.start, highlight: app.highlightedLines };
}

function renderView(view) {
  if (!app.timeline) return;
  try {
    if (view.render) view.render(view.module);
    else if (view.module.render) view.module.render(viewModel());
  } catch (error) {
    showError(readable(error));
  }
}

async function renderTranscriptNow() {
  const generation = ++app.renderGeneration;
  els.transcript.setAttribute('aria-busy', 'true');
  const total = app.model.lines.length;
  const view = createTranscriptView(
    els.transcript,
    app.model,
    {
      showControl: els.showControl.checked,
      showTime: els.showTime.checked,
      onProgress: (shown) => {
        els.transcriptMore.textContent =
          shown < total
            ? `Showing ${shown.toLocaleString('en')} of ${total.toLocaleString('en')} lines; more load as you scroll (End loads all).`
            : '';
      },
    },
    () => generation === app.renderGeneration,
  );
  app.view = view;
  if (!(await view.ready)) return;
  els.transcript.setAttribute('aria-busy', 'false');
  renderCount += 1;
  // scripts/bench-page reads this mark: navigation to the first finished transcript.
  if (renderCount === 1) performance.mark('first-transcript');
  document.body.dataset.renders = String(renderCount);
  els.transcript.dataset.runs = String(renderCount);
  if (app.highlight) await showHighlight(view);
  else clearHighlight();
  if (app.selectedLine >= 0) selectLine(app.selectedLine, false);
}

/**
 * Highlights `app.highlight` in the view, scrolls to it and selects its first line so its
 * explanation shows. Its code loads only for a page that highlights (a `lines=` link, an
 * embed, a tour).
 */
async function showHighlight(view) {
  const { clampRanges, highlightLines, lineNumbers, parseLineRanges, resolveHighlight } = await import('./line-highlight.js');
  const { lines } = app.model;
  const ranges = app.highlight.lines
    ? clampRanges(parseLineRanges(app.highlight.lines), lines.length)
    : resolveHighlight(lines, app.highlight.names);
  if (view !== app.view) return;
  // The first line is selected before it is scrolled to: its explanation may narrow the transcript.
  const select = (index) => (app.selectedLine < 0 ? selectLine(index, false) : undefined);
  await highlightLines(view, ranges, { select });
  if (view !== app.view) return;
  els.transcript.dataset.highlighted = String(ranges.length);
  // The sequence diagram marks the arrows that carry these lines (now, or when it draws).
  app.highlightedLines = lineNumbers(ranges);
  TAB_VIEWS['tab-sequence'].module?.highlight(app.highlightedLines);
}

/** No line is highlighted: neither in the transcript nor on the sequence diagram's arrows. */
function clearHighlight() {
  delete els.transcript.dataset.highlighted;
  app.highlightedLines = [];
  TAB_VIEWS['tab-sequence'].module?.highlight([]);
}

function renderDetailsPlaceholder() {
  replaceChildren(els.lineDetails, [
    h('p', { class: 'muted', text: 'Select a line to see what it means, the RFC section behind it and its bytes in hex.' }),
  ]);
}

/** What a link keeps besides the scenario: the preset's name and the transcript's TLS view. */
function linkExtras() {
  return { preset: app.preset?.id || '', wire: app.wire ? '1' : '' };
}

function updateUrl() {
  try {
    const url = new URL(shareUrl(location, app.scenario, linkExtras()));
    if (!app.highlight?.lines) url.searchParams.delete('lines');
    keepAnalyzeLink(url);
    history.replaceState(null, '', url.toString());
  } catch {
    // file:// pages may refuse replaceState; the link button still works.
  }
}

/**
 * A shared Analyze link (`#analyze=…`) stays in the address bar when a run rewrites the
 * hash with its scenario, so reloading the page reopens the shared transcript.
 */
function keepAnalyzeLink(url) {
  const packed = new URLSearchParams(location.hash.replace(/^#/, '')).get('analyze');
  if (!packed) return;
  const hash = new URLSearchParams(url.hash.replace(/^#/, ''));
  hash.set('analyze', packed);
  url.hash = hash.toString();
}

// ---- transcript interaction ------------------------------------------------------------

/** The line details' code (js/line-details.js), imported the first time a line is selected. */
let lineDetails = null;
function loadLineDetails() {
  lineDetails ??= import('./line-details.js');
  return lineDetails;
}

async function selectLine(index, focus = true) {
  const view = app.view;
  const node = view && (await view.ensure(index));
  if (!node || view !== app.view) return;
  const previous = view.nodes[app.selectedLine];
  if (previous && previous !== node) {
    previous.setAttribute('aria-selected', 'false');
    previous.tabIndex = -1;
  }
  const first = view.nodes[0];
  if (first && first !== node) first.tabIndex = -1;
  app.selectedLine = index;
  node.setAttribute('aria-selected', 'true');
  node.tabIndex = 0;
  if (focus && document.activeElement !== node) node.focus();
  await showLineDetails(view, index);
}

/** The selected line's details: a TLS record's from the TLS view, any other line's from js/line-details.js. */
async function showLineDetails(view, index) {
  if (app.model.lines[index]?.record) {
    app.tls.renderRecordDetails(els.lineDetails, app.model, index);
    return;
  }
  const { renderLineDetails } = await loadLineDetails();
  // Another line or another run may have been selected while the code loaded.
  if (view !== app.view || app.selectedLine !== index) return;
  renderLineDetails(els.lineDetails, app.model, app.timeline, index);
}

function handleTranscriptClick(event) {
  const node = event.target.closest('[data-line]');
  if (node) selectLine(Number(node.dataset.line));
}

function handleTranscriptKeydown(event) {
  const node = event.target.closest('[data-line]');
  if (!node) return;
  const index = Number(node.dataset.line);
  const last = app.model.lines.length - 1;
  const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: last, PageDown: index + 20, PageUp: index - 20 };
  if (event.key in moves) {
    event.preventDefault();
    selectLine(Math.max(0, Math.min(last, moves[event.key])));
  } else if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    selectLine(index);
  } else if (event.key === 'Escape' && app.embed) {
    app.embed.closeDetails();
  }
}

function handleShowControlChange() {
  if (app.model) renderTranscriptNow();
}

// ---- share ---------------------------------------------------------------------------

async function copyText(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    setStatus(`${what} copied to the clipboard.`);
  } catch {
    const area = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    const done = document.execCommand?.('copy');
    area.remove();
    setStatus(done ? `${what} copied to the clipboard.` : `Could not copy: the browser refused clipboard access.`);
  }
}

function handleCopyLinkClick() {
  copyText(shareUrl(location, app.scenario, linkExtras()), 'Link');
}

function handleCopyTranscriptClick() {
  if (app.model) copyText(plainTranscript(app.model), 'Transcript');
}

/** Opens the embed builder, whose code loads the first time it is opened. */
async function handleEmbedOpenClick() {
  try {
    const [{ openEmbedDialog }] = await Promise.all([import('./embed.js'), loadStyle('views.css')]);
    openEmbedDialog({
      scenario: app.scenario,
      presetId: app.preset?.id || '',
      title: app.preset?.title || 'custom scenario',
      defaultPanels: [...EMBED_DEFAULT_PANELS, ...(hasAuth(app.timeline) ? ['sasl'] : [])],
      opener: els.embedOpen,
    });
  } catch (error) {
    showError(readable(error));
  }
}

// ---- tours ---------------------------------------------------------------------------

let tourController = null;

/**
 * js/tours.js, loaded and set up the first time a tour is asked for. It drives the page
 * through these services only: run a preset or scenario with lines to highlight, open a tab.
 */
function tours() {
  if (!tourController) {
    tourController = Promise.all([import('./tours.js'), loadStyle('views.css')]).then(([module]) =>
      module.setupTours(
        { button: els.toursButton, dialog: els.toursDialog, panel: els.tourPanel },
        {
          presetIds: PRESET_LIST.map((preset) => preset.id),
          engine: startTabsEngine,
          openTab: openTabByName,
          showScenario: showTourScenario,
          onError: showError,
        },
      ),
    );
    tourController.catch(() => {
      tourController = null;
    });
  }
  return tourController;
}

async function handleToursClick() {
  try {
    (await tours()).menu();
  } catch (error) {
    showError(readable(error));
  }
}

/** Loads a tour step's preset (or scenario patch), runs it and resolves once it is shown and highlighted. */
async function showTourScenario({ preset, scenario, highlight }) {
  const found = preset ? await loadPreset(preset) : undefined;
  loadScenario(applyPatch(app.defaults, found ? found.patch : scenario), found);
  app.highlight = highlight ? { names: highlight } : null;
  await run();
}

/** Opens the tab `name` ("negotiation", …), shown even where an embed hides its button. */
async function openTabByName(name) {
  const tab = $(`tab-${name}`);
  if (!tab) return;
  tab.hidden = false;
  selectTab(tab);
  await ensureView(tab);
}

/** `?tour=NAME&step=N`: opens that step; a bad name shows the default scenario and says why. */
async function openTourFromLink(params) {
  try {
    await (await tours()).open(params.get('tour'), params.get('step') || 1);
  } catch (error) {
    showError(readable(error), { sticky: true });
    run();
  }
}

// ---- tabs ----------------------------------------------------------------------------

// Each tab view but the transcript has its code loaded (dynamic import) the first time
// its tab is opened, so the first view fetches only what it shows: `load` returns the
// module. A module that follows the tab contract exports `setup(panel, services)` (run
// once: find its DOM, ask the engine) and `render(model)` (draw the current run, again
// after every run); `setup`/`render` here override that for modules that do not. The
// panel gets `data-loaded` when its view is ready (tests wait on it). `fullEngine`: the
// view calls exports only the full engine module has (js/engine.js, startTabsEngine).
// Keep each import() a plain string literal: scripts/build-single-file inlines them.
const TAB_VIEWS = {
  'tab-negotiation': {
    load: () => import('./negotiation.js'),
    render: (m) => m.renderNegotiation(els.negotiation, app.timeline),
  },
  'tab-sequence': { load: () => import('./sequence.js'), fullEngine: true },
  'tab-mailboxes': { load: () => import('./mailboxes.js') },
  'tab-step': { load: () => import('./step.js'), fullEngine: true },
  'tab-manual': { load: () => import('./manual.js'), fullEngine: true },
  'tab-sasl': {
    load: () => import('./sasl.js'),
    render: (m) => m.renderSaslInspector(els.sasl, app.timeline, app.scenario),
  },
  'tab-calculator': { load: () => import('./calculator.js'), fullEngine: true },
  'tab-world': {
    load: async () => {
      const [module] = await Promise.all([import('./world.js'), loadStyle('world.css')]);
      return module;
    },
    fullEngine: true,
  },
  // Its own panel and worker; `openScenario` loads an analysed session into the forms.
  'tab-analyze': { load: () => import('./analyze.js'), fullEngine: true },
};

/** The stylesheets added so far, by href: each resolves once it applies. */
const styles = new Map();

/**
 * Adds the stylesheet `href` (views.css, the styles of every view but the transcript;
 * world.css) once, and resolves once it applies (a failed load is tried again on the next
 * ask). The single-file build inlines it as `<style data-href="…">`, so nothing is fetched
 * there.
 */
function loadStyle(href) {
  if (document.querySelector(`style[data-href="${href}"]`)) return Promise.resolve();
  if (!styles.has(href)) {
    const added = new Promise((resolve, reject) => {
      const link = h('link', { rel: 'stylesheet', href });
      link.addEventListener('load', () => resolve());
      link.addEventListener('error', () => {
        link.remove();
        styles.delete(href);
        reject(new Error(`The styles (${href}) could not be loaded. Reload the page.`));
      });
      document.head.append(link);
    });
    styles.set(href, added);
  }
  return styles.get(href);
}

/** The Analyze view's "Open in playground": the analysed session becomes the scenario, run at once. */
async function openScenario(scenario, notes = []) {
  loadScenario(applyPatch(app.defaults, scenario), null);
  selectTab(els.tabs[0], true);
  await run();
  const note = [' The scenario comes from the analysed session.', ...notes].join(' ');
  setStatus(`${els.status.textContent}${note}`);
}

/** Loads, sets up and renders the view of `tab` the first time it is opened. */
function ensureView(tab) {
  const view = TAB_VIEWS[tab.id];
  if (!view) return Promise.resolve();
  if (!view.ready) view.ready = loadView(view, $(tab.getAttribute('aria-controls')));
  return view.ready;
}

async function loadView(view, panel) {
  panel.setAttribute('aria-busy', 'true');
  // An empty panel says why it is empty while its code loads.
  const note = panel.firstElementChild ? null : h('p', { class: 'muted', text: 'Loading this view…' });
  if (note) panel.append(note);
  try {
    const [module, engine] = await Promise.all([view.load(), view.fullEngine ? startTabsEngine() : app.engine, loadStyle('views.css')]);
    if (view.setup) view.setup(module, engine);
    else if (module.setup)
      module.setup(panel, {
        engine,
        engineFor: (scenario) => engineFor(scenario, engine),
        getScenario: () => app.scenario,
        onError: showError,
        params: app.params,
        openScenario,
      });
    view.module = module;
    renderView(view);
  } catch (error) {
    view.ready = null;
    showError(readable(error));
  } finally {
    if (note) note.remove();
    panel.setAttribute('aria-busy', 'false');
  }
  panel.dataset.loaded = 'true';
}

function selectTab(tab, focus = false) {
  for (const other of els.tabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
  if (!app.engine) return;
  ensureView(tab).then(() => {
    const view = TAB_VIEWS[tab.id];
    if (view?.module?.show && tab.getAttribute('aria-selected') === 'true') view.module.show();
  });
}

function handleTabClick(event) {
  selectTab(event.currentTarget);
}

function handleTabKeydown(event) {
  const visible = els.tabs.filter((tab) => !tab.hidden);
  const index = visible.indexOf(event.currentTarget);
  const target = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: visible.length - 1 }[event.key];
  if (target === undefined) return;
  event.preventDefault();
  selectTab(visible[(target + visible.length) % visible.length], true);
}

// ---- start -------------------------------------------------------------------------------

function wire() {
  els.run.addEventListener('click', run);
  els.stop.addEventListener('click', handleStopClick);
  els.preset.addEventListener('change', handlePresetChange);
  els.reset.addEventListener('click', handleResetClick);
  els.copyLink.addEventListener('click', handleCopyLinkClick);
  els.copyTranscript.addEventListener('click', handleCopyTranscriptClick);
  els.embedOpen.addEventListener('click', handleEmbedOpenClick);
  els.toursButton.addEventListener('click', handleToursClick);
  els.showControl.addEventListener('change', handleShowControlChange);
  els.showTime.addEventListener('change', handleShowControlChange);
  els.transcript.addEventListener('click', handleTranscriptClick);
  els.transcript.addEventListener('keydown', handleTranscriptKeydown);
  for (const tab of els.tabs) {
    tab.addEventListener('click', handleTabClick);
    tab.addEventListener('keydown', handleTabKeydown);
  }
}

/** The link's scenario (`s=`) and preset (`preset=`, its details fetched unless it is the default). */
async function initialScenario(params) {
  const presetId = params.get('preset') || '';
  let preset;
  try {
    preset = await loadPreset(presetId);
  } catch (error) {
    showError(readable(error), { sticky: true });
  }
  if (params.get('s')) {
    try {
      return { scenario: applyPatch(app.defaults, decodeScenario(params.get('s'))), preset };
    } catch (error) {
      showError(error, { sticky: true });
    }
  }
  if (preset) return { scenario: applyPatch(app.defaults, preset.patch), preset };
  if (presetId && !app.stickyError)
    showError(new Error(`There is no preset “${presetId}”; showing the default scenario.`), { sticky: true });
  return { scenario: clone(app.defaults), preset: params.get('s') ? null : await loadPreset(DEFAULT_PRESET_ID) };
}

// ---- embed mode and theme ---------------------------------------------------------------

/** The tabs an embed can show, by their `view=` and `panels=` names. */
const EMBED_VIEWS = {
  transcript: 'tab-transcript',
  sequence: 'tab-sequence',
  negotiation: 'tab-negotiation',
  mailboxes: 'tab-mailboxes',
  sasl: 'tab-sasl',
};
/** The tabs an embed shows beside its main view when the link has no `panels=`. */
const EMBED_DEFAULT_PANELS = ['transcript', 'negotiation', 'mailboxes'];

/** `theme=light|dark` forces a colour scheme (a class style.css reads); `auto` or none follows the system. */
function applyTheme(params) {
  const theme = params.get('theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.classList.add(`theme-${theme}`);
}

/**
 * The lines to highlight first: the link's `lines=`, else in an embed the preset's
 * default lines (js/presets.js `highlight`).
 */
function initialHighlight(params, preset) {
  if (params.get('lines')) return { lines: params.get('lines') };
  return params.get('embed') === '1' && preset?.highlight ? { names: preset.highlight } : null;
}

/** Opens the view `name` (`view=`: transcript, sequence, negotiation, sasl); the transcript if the page has no such tab. */
function selectEmbedView(name) {
  const tab = (Object.hasOwn(EMBED_VIEWS, name) && $(EMBED_VIEWS[name])) || $('tab-transcript');
  tab.hidden = false;
  selectTab(tab);
}

/** True when the engine delimited an AUTH exchange in the run. */
function hasAuth(timeline) {
  return (timeline?.authExchanges || []).length > 0;
}

/** On a phone the forms start folded so the results are one scroll away. */
function foldPanelsOnSmallScreens() {
  if (window.matchMedia('(max-width: 900px)').matches) {
    for (const panel of document.querySelectorAll('.config-panel')) panel.open = false;
  }
}

/**
 * Embed mode's code (js/embed-mode.js), set up on the page; null when the page is no
 * embed. `loading`: its import, started with the engine so it arrives meanwhile.
 */
async function setupEmbedMode(loading, params) {
  if (!loading) return null;
  try {
    const { setupEmbed } = await loading;
    return setupEmbed({
      app,
      els,
      params,
      views: EMBED_VIEWS,
      defaultPanels: EMBED_DEFAULT_PANELS,
      hasAuth,
      linkExtras,
      renderDetailsPlaceholder,
    });
  } catch (error) {
    showError(readable(error));
    return null;
  }
}

async function start() {
  const early = readLocation(location);
  applyTheme(early);
  const embedMode = early.get('embed') === '1' ? import('./embed-mode.js') : null;
  wire();
  // A file opened from disk has no address another page could frame.
  els.embedOpen.hidden = INLINE;
  foldPanelsOnSmallScreens();
  const enginePromise = startEngine();
  // The first run goes on this thread; the run worker starts with the second (js/runner.js).
  app.runner = createRunner(enginePromise, { loading: setStatus });
  try {
    app.engine = await enginePromise;
  } catch (error) {
    setStatus('The engine could not start.');
    showError(readable(error));
    document.documentElement.dataset.engine = 'failed';
    els.run.disabled = true;
    return;
  }
  performance.mark('engine-ready'); // read by scripts/bench-page, like 'first-transcript'
  document.documentElement.dataset.engine = 'ready';
  try {
    els.version.textContent = `Engine ${app.engine.call('engineVersion')}`;
    app.defaults = app.engine.call('defaultScenario');
    app.facts = engineFacts(app.engine);
  } catch (error) {
    showError(error);
    return;
  }
  const params = readLocation(location);
  app.params = params;
  app.wire = params.get('wire') === '1';
  renderPresetOptions();
  const { scenario, preset } = await initialScenario(params);
  loadScenario(scenario, preset, { keepNotice: true });
  app.embed = await setupEmbedMode(embedMode, params);
  app.highlight = initialHighlight(params, preset);
  $('view-transcript').dataset.loaded = 'true';
  // A tab opened before the engine was ready, or a link to a world preset.
  const world = els.tabs.find((tab) => tab.id === 'tab-world');
  const analyze = els.tabs.find((tab) => tab.id === 'tab-analyze');
  if (params.get('world') && world && !world.hidden) selectTab(world);
  else if (params.get('view')) selectEmbedView(params.get('view'));
  else if (params.has('analyze') && analyze && !analyze.hidden) selectTab(analyze);
  else selectTab(els.tabs.find((tab) => tab.getAttribute('aria-selected') === 'true') || els.tabs[0]);
  if (params.get('tour')) openTourFromLink(params);
  else run();
  document.body.dataset.ready = 'true';
}

window.addEventListener('error', (event) => showError(readable(event.error || new Error(event.message))));
window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  showError(readable(event.reason));
});
start();
