// Guided tours: short paths through the playground's topics. A tour is data, one JSON file
// under www/tours/ (listed in www/tours/index.json), so adding one needs no code. Each
// step loads a preset, a scenario or a World preset, opens a tab, highlights the lines
// that matter (named by what they say, js/line-highlight.js) and says why in a few
// sentences with the RFC behind it. The page's own machinery does the work: this module
// asks main.js (through `services`) to run and show, and reads the World's timeline
// through js/world.js, so every fact shown still comes from the engine.
//
// A tour file: {id, title, summary, steps: [step]}; a step:
//   {title, text, rfc, preset | scenario | world, tab?, highlight?, rows?}
// `preset`: a js/presets.js id; `scenario`: a patch on the default scenario; `world`: a
// World preset name. `tab`: transcript (the default), negotiation, mailboxes, sasl or world
// (a `world` step is always on the World tab). `highlight`: selectors naming transcript
// lines, or World timeline items for a `world` step; `rows`: extension keywords whose rows
// the Negotiation tab marks.

import { h, replaceChildren } from './dom.js';
import { mergeRanges, resolveHighlight, reveal } from './line-highlight.js';
import { negotiationRowId } from './transcript.js';

/** The tabs a step may open. */
export const TOUR_TABS = ['transcript', 'negotiation', 'mailboxes', 'sasl', 'world'];

const TOUR_KEYS = new Set(['id', 'title', 'summary', 'steps']);
const STEP_KEYS = new Set(['title', 'text', 'rfc', 'preset', 'scenario', 'world', 'tab', 'highlight', 'rows']);
const SELECTOR_KEYS = new Set(['text', 'contains', 'event', 'side', 'through', 'every']);

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function selectorProblems(selector, where) {
  if (!isPlainObject(selector)) return [`${where}: a highlight selector is an object`];
  const problems = Object.keys(selector)
    .filter((key) => !SELECTOR_KEYS.has(key))
    .map((key) => `${where}: unknown selector key “${key}”`);
  const named = ['text', 'contains', 'event'].filter((key) => typeof selector[key] === 'string' && selector[key]);
  if (named.length !== 1) problems.push(`${where}: a selector names its line by exactly one of text, contains or event`);
  if (selector.side !== undefined && !['C', 'S'].includes(selector.side)) problems.push(`${where}: side is "C" or "S"`);
  if (selector.through !== undefined) problems.push(...selectorProblems(selector.through, `${where} (through)`));
  return problems;
}

/** How many sentences `text` holds (ends of sentences followed by a space or the end). */
function sentences(text) {
  return (String(text).match(/[.!?](?=\s|$)/g) || []).length;
}

function stepProblems(step, where, presetIds) {
  if (!isPlainObject(step)) return [`${where}: a step is an object`];
  const problems = Object.keys(step)
    .filter((key) => !STEP_KEYS.has(key))
    .map((key) => `${where}: unknown key “${key}”`);
  for (const key of ['title', 'text', 'rfc']) {
    if (typeof step[key] !== 'string' || !step[key].trim()) problems.push(`${where}: ${key} is missing`);
  }
  const count = sentences(step.text || '');
  if (count < 1 || count > 4) problems.push(`${where}: the text says why in one to four sentences, not ${count}`);
  if (typeof step.rfc === 'string' && !/\bRFC \d+|draft-/.test(step.rfc)) problems.push(`${where}: rfc names an RFC`);
  const sources = ['preset', 'scenario', 'world'].filter((key) => step[key] !== undefined);
  if (sources.length !== 1) problems.push(`${where}: a step loads exactly one of preset, scenario or world`);
  if (step.preset !== undefined && !presetIds.includes(step.preset)) problems.push(`${where}: there is no preset “${step.preset}”`);
  if (step.scenario !== undefined && !isPlainObject(step.scenario)) problems.push(`${where}: scenario is a patch object`);
  if (step.world !== undefined && typeof step.world !== 'string') problems.push(`${where}: world is a World preset name`);
  const tab = stepTab(step);
  if (!TOUR_TABS.includes(tab)) problems.push(`${where}: there is no tab “${tab}”`);
  if ((step.world !== undefined) !== (tab === 'world')) problems.push(`${where}: a world step, and only a world step, is on the World tab`);
  if (step.highlight !== undefined) {
    if (!['transcript', 'world'].includes(tab)) problems.push(`${where}: highlight applies to the Transcript or the World tab`);
    const selectors = Array.isArray(step.highlight) ? step.highlight : [step.highlight];
    selectors.forEach((selector, i) => {
      problems.push(...selectorProblems(selector, `${where}, highlight ${i + 1}`));
    });
  }
  if (step.rows !== undefined) {
    if (tab !== 'negotiation') problems.push(`${where}: rows apply to the Negotiation tab`);
    if (!Array.isArray(step.rows) || !step.rows.every((row) => typeof row === 'string'))
      problems.push(`${where}: rows is a list of keywords`);
  }
  return problems;
}

/**
 * What is wrong with a tour file's shape, in words: an empty list when nothing is.
 * `presetIds`: the ids of js/presets.js. Whether highlights name real lines depends on
 * the runs; tests/js/tours.test.mjs checks that against the engine.
 */
export function tourProblems(tour, presetIds) {
  if (!isPlainObject(tour)) return ['a tour file holds one object'];
  const problems = Object.keys(tour)
    .filter((key) => !TOUR_KEYS.has(key))
    .map((key) => `unknown key “${key}”`);
  for (const key of ['id', 'title', 'summary']) {
    if (typeof tour[key] !== 'string' || !tour[key].trim()) problems.push(`${key} is missing`);
  }
  if (!Array.isArray(tour.steps) || tour.steps.length < 2) return [...problems, 'a tour has at least two steps'];
  tour.steps.forEach((step, i) => {
    problems.push(...stepProblems(step, `step ${i + 1}`, presetIds));
  });
  return problems;
}

/** The tab a step opens. */
export function stepTab(step) {
  return step.tab || (step.world !== undefined ? 'world' : 'transcript');
}

/** World timeline items (js/world.js `worldItems`) as lines a highlight selector can name. */
export function worldLines(items) {
  return items.map((item) => ({
    direction: '',
    text: item.kind === 'line' ? item.text : '',
    event: item.kind === 'world' ? item.event?.type || '' : '',
  }));
}

/** The link to step `number` (1-based) of tour `id`, from the page at `href` (keeps `embed`). */
export function stepUrl(href, id, number) {
  const url = new URL(href);
  const embed = url.searchParams.get('embed');
  url.search = '';
  url.hash = '';
  if (embed) url.searchParams.set('embed', embed);
  url.searchParams.set('tour', id);
  url.searchParams.set('step', String(number));
  return url.toString();
}

// ---- the page ------------------------------------------------------------------------

/**
 * A file under www/tours/. The single-file build has no files to fetch: it defines
 * `ESMTP_INLINE_TOURS` ({name: text}) with every tour file instead.
 */
async function fetchJson(name) {
  const inline = globalThis.ESMTP_INLINE_TOURS?.[name];
  if (typeof inline === 'string') return JSON.parse(inline);
  const response = await fetch(new URL(`../tours/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`The tour file tours/${name} could not be loaded (HTTP ${response.status}).`);
  return response.json();
}

/**
 * The tours' dialog and panel. `els`: `{button, dialog, panel}` (main.js wires the button
 * to `menu`).
 * `services` (from main.js): `presetIds`, `engine()` (the full engine),
 * `openTab(name)`, `showScenario({preset, scenario, highlight})` (resolves once the run is
 * shown and highlighted), `onError(error)`. Returns `{menu(), open(id, step)}`.
 */
export function setupTours(els, services) {
  const state = { ids: null, tours: new Map(), tour: null, index: 0, generation: 0 };

  async function tourById(id) {
    if (!state.tours.has(id)) {
      const ids = await listIds();
      if (!ids.includes(id)) throw new Error(`There is no tour “${id}”. The tours: ${ids.join(', ')}.`);
      const tour = await fetchJson(`${id}.json`);
      const problems = tourProblems(tour, services.presetIds);
      if (problems.length) throw new Error(`The tour “${id}” is broken: ${problems.join('; ')}.`);
      state.tours.set(id, tour);
    }
    return state.tours.get(id);
  }

  async function listIds() {
    if (!state.ids) state.ids = (await fetchJson('index.json')).tours;
    return state.ids;
  }

  /** Opens the dialog listing every tour. */
  async function menu() {
    const list = h('ul', { class: 'tour-list' });
    replaceChildren(els.dialog, [
      h('h2', { id: 'tours-dialog-title', text: 'Guided tours' }),
      h('p', { class: 'muted', text: 'Each tour loads examples, highlights the lines that matter and says why, with the RFC behind it.' }),
      list,
      h('form', { method: 'dialog', class: 'tour-close' }, [h('button', { type: 'submit', text: 'Close' })]),
    ]);
    els.dialog.setAttribute('aria-labelledby', 'tours-dialog-title');
    if (!els.dialog.open) els.dialog.showModal();
    try {
      const tours = await Promise.all((await listIds()).map(tourById));
      replaceChildren(
        list,
        tours.map((tour) => {
          const button = h('button', { type: 'button', class: 'tour-choice', 'data-tour': tour.id }, [
            h('strong', { text: tour.title }),
            h('span', { class: 'muted', text: `${tour.summary} · ${tour.steps.length} steps` }),
          ]);
          button.addEventListener('click', () => {
            els.dialog.close();
            open(tour.id, 1, { focus: true });
          });
          return h('li', {}, [button]);
        }),
      );
      list.querySelector('button')?.focus();
    } catch (error) {
      replaceChildren(list, [h('li', { class: 'error-inline', text: error.message })]);
    }
  }

  /** Starts tour `id` at step `number` (1-based, clamped to the tour). */
  async function open(id, number = 1, { focus = false } = {}) {
    const tour = await tourById(id);
    state.tour = tour;
    document.body.classList.add('touring');
    await go(Math.max(0, Math.min(tour.steps.length - 1, Math.trunc(Number(number) || 1) - 1)), { focus: focus ? 'heading' : null });
  }

  function end() {
    state.tour = null;
    state.generation += 1;
    els.panel.hidden = true;
    document.body.classList.remove('touring');
    document.documentElement.style.scrollPaddingTop = '';
    const url = new URL(location.href);
    url.searchParams.delete('tour');
    url.searchParams.delete('step');
    replaceUrl(url.toString());
    els.button.focus();
  }

  function replaceUrl(href) {
    try {
      history.replaceState(null, '', href);
    } catch {
      // file:// pages may refuse replaceState; the step links still work.
    }
  }

  async function go(index, { focus = null } = {}) {
    const generation = ++state.generation;
    state.index = index;
    const step = state.tour.steps[index];
    renderPanel(step, focus);
    replaceUrl(stepUrl(location.href, state.tour.id, index + 1));
    els.panel.dataset.shown = '';
    try {
      await showStep(step, () => generation === state.generation);
    } catch (error) {
      services.onError(error);
    }
    if (generation === state.generation) els.panel.dataset.shown = String(index + 1);
  }

  function renderPanel(step, focus) {
    const { tour, index } = state;
    const count = tour.steps.length;
    const back = h('button', { type: 'button', id: 'tour-back', disabled: index === 0 }, [
      h('span', { 'aria-hidden': 'true', text: '◀ ' }),
      'Back',
    ]);
    const next = h('button', { type: 'button', id: 'tour-next', class: 'primary', disabled: index === count - 1 }, [
      'Next',
      h('span', { 'aria-hidden': 'true', text: ' ▶' }),
    ]);
    const close = h('button', { type: 'button', id: 'tour-end', text: 'End tour' });
    back.addEventListener('click', () => go(index - 1, { focus: index - 1 === 0 ? 'next' : 'back' }));
    next.addEventListener('click', () => go(index + 1, { focus: index + 1 === count - 1 ? 'back' : 'next' }));
    close.addEventListener('click', end);
    replaceChildren(els.panel, [
      h('p', { class: 'tour-progress' }, [
        h('span', { text: `Tour: ${tour.title}` }),
        ' · ',
        h('span', { id: 'tour-position', text: `step ${index + 1} of ${count}` }),
      ]),
      h('div', { class: 'tour-body', 'aria-live': 'polite' }, [
        h('h2', { id: 'tour-heading', tabindex: '-1', text: step.title }),
        h('p', { class: 'tour-text', text: step.text }),
        h('p', { class: 'tour-rfc muted', text: step.rfc }),
      ]),
      h('div', { class: 'tour-nav' }, [
        back,
        next,
        h('a', { id: 'tour-link', href: stepUrl(location.href, tour.id, index + 1), text: 'Link to this step' }),
        close,
      ]),
    ]);
    els.panel.setAttribute('aria-labelledby', 'tour-heading');
    els.panel.hidden = false;
    reserveRoomForPanel();
    if (focus === 'heading') els.panel.querySelector('#tour-heading').focus({ preventScroll: true });
    else if (focus) els.panel.querySelector(`#tour-${focus}`).focus({ preventScroll: true });
  }

  /**
   * The panel sticks to the top of the page while the step's lines are revealed further
   * down (the World tab's timeline is long), so the page keeps its height free: lines
   * scrolled into view land below the panel, not under it.
   */
  function reserveRoomForPanel() {
    const sticky = getComputedStyle(els.panel).position === 'sticky';
    document.documentElement.style.scrollPaddingTop = sticky ? `${els.panel.offsetHeight + 8}px` : '';
  }

  /** Loads what the step shows, opens its tab and marks what matters. */
  async function showStep(step, isCurrent) {
    const tab = stepTab(step);
    await services.openTab(tab);
    if (!isCurrent()) return;
    if (step.world !== undefined) {
      await showWorld(step, isCurrent);
      return;
    }
    await services.showScenario({ preset: step.preset, scenario: step.scenario, highlight: tab === 'transcript' ? step.highlight : null });
    if (isCurrent() && step.rows) markRows(step.rows);
  }

  function markRows(keywords) {
    const rows = keywords.map((keyword) => document.getElementById(negotiationRowId(keyword))).filter(Boolean);
    for (const row of rows) row.classList.add('highlighted');
    if (rows.length) reveal(rows[0], rows[rows.length - 1]);
  }

  /** Runs the World preset in its tab, then marks and steps the clock to the items the step names. */
  async function showWorld(step, isCurrent) {
    const select = document.getElementById('world-preset');
    if (!select) throw new Error('The World tab did not load.');
    select.value = step.world;
    select.dispatchEvent(new Event('change'));
    if (!step.highlight) return;
    const [world, engine] = await Promise.all([import('./world.js'), services.engine()]);
    if (!isCurrent()) return;
    const items = world.worldItems(engine.call('runWorld', step.world));
    const ranges = mergeRanges(resolveHighlight(worldLines(items), step.highlight));
    const rows = ranges.flatMap(({ from, to }) =>
      Array.from({ length: to - from + 1 }, (_, i) => document.getElementById(`world-item-${from - 1 + i}`)).filter(Boolean),
    );
    if (!rows.length) return;
    rows[0].click();
    for (const row of rows) row.classList.add('highlighted');
    const firstRange = ranges[0];
    reveal(rows[0], document.getElementById(`world-item-${firstRange.to - 1}`) || rows[0]);
  }

  return { menu, open };
}
