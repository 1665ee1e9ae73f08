// Embed mode (`embed=1`): one header line (title, preset, status, Run, a link to the full
// playground), the preset's explanation folded, a Close button on a line's details, and
// only the tabs `panels=` names (by default the transcript, negotiation and mailboxes,
// plus SASL once a run has AUTH). main.js imports this only for an embed, so the full
// page does not carry it.

import { h } from './dom.js';
import { shareUrl } from './scenario.js';

/**
 * Sets the page up as an embed. `page`: what it works on, from main.js: `app` (the page
 * state: `preset`, `scenario`, `view`, `selectedLine`), `els`, `params`, `views` (tab ids
 * by `view=` name), `defaultPanels`, `hasAuth(timeline)`, `linkExtras()` and
 * `renderDetailsPlaceholder()`. Returns `afterRun(timeline)` and `closeDetails()`.
 */
export function setupEmbed(page) {
  const { app, els, params } = page;
  const panels = params.has('panels') ? params.get('panels').split(',') : null;
  const mainView = params.get('view') || 'transcript';

  /** Shows the embed's tabs: its main view, `panels=` (or the defaults) and `extra`; no tab row for one tab. */
  function showTabs(extra) {
    const names = [...(panels || page.defaultPanels), mainView, ...extra];
    const shown = new Set(names.map((name) => page.views[name]));
    for (const tab of els.tabs) tab.hidden = !shown.has(tab.id);
    els.tabs[0].parentElement.hidden = els.tabs.filter((tab) => !tab.hidden).length < 2;
  }

  /** Unselects the line (the embed's details close), focus staying on it. */
  function closeDetails() {
    const node = app.view?.nodes[app.selectedLine];
    if (!node) return;
    node.setAttribute('aria-selected', 'false');
    node.focus();
    app.selectedLine = -1;
    page.renderDetailsPlaceholder();
  }

  /**
   * After a run: the header says when it ran (the transcript's lines animate in again, see
   * style.css), and a run with AUTH adds the SASL tab unless `panels=` chose.
   */
  function afterRun(timeline) {
    const summary = els.status.textContent;
    els.status.textContent = `Ran at ${new Date().toLocaleTimeString('en-GB')}`;
    els.status.title = summary;
    if (!panels && page.hasAuth(timeline)) showTabs(['sasl']);
  }

  document.body.classList.add('embed');
  showTabs([]);
  if (app.preset) els.run.before(aboutPresetToggle(els, app.preset));
  els.lineDetails.after(detailsClose(closeDetails));
  els.run.after(openFullLink(app, page.linkExtras));
  return { afterRun, closeDetails };
}

/** A Close button on a line's details, which an embed shows beside the lines only while one is selected. */
function detailsClose(onClose) {
  const close = h('button', { type: 'button', class: 'details-close', text: 'Close', title: 'Close the details (Escape)' });
  close.addEventListener('click', onClose);
  return close;
}

/** "Open full playground ↗": the page without `embed`/`panels`, with the scenario as it is when clicked. */
function openFullLink(app, linkExtras) {
  const full = new URL(location.href);
  for (const key of ['embed', 'panels']) full.searchParams.delete(key);
  const link = h('a', { href: full.toString(), target: '_blank', rel: 'noopener', class: 'open-full', text: 'Open full playground ↗' });
  link.addEventListener('click', () => {
    link.href = shareUrl(new URL(full), app.scenario, linkExtras());
  });
  return link;
}

/** The preset's name as a button that unfolds its explanation under the header line. */
function aboutPresetToggle(els, preset) {
  els.presetExplanation.classList.add('folded');
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'about-preset',
      'aria-expanded': 'false',
      'aria-controls': 'preset-explanation',
      title: `${preset.title}: what it shows`,
    },
    [h('span', { class: 'about-title', text: preset.title })],
  );
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    els.presetExplanation.classList.toggle('folded', !open);
  });
  return toggle;
}
