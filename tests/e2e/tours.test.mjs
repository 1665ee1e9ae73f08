// Guided tours in the browser: every tour walked to its end (each step's tab open, its
// highlighted lines there and on screen below the panel, its heading in sight, its text shown), a deep link to a step, a step
// embedded in a sandboxed iframe, keyboard operation, axe in light, dark and 375 px, and
// a screenshot of a tour step. Needs www/pkg/ built. Run: node --test tests/e2e/tours.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { stepTab } from '../../www/js/tours.js';
import { DESKTOP, PHONE, ROOT, SHOTS, usePlayground, WWW, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();
const readTour = (id) => JSON.parse(fs.readFileSync(path.join(WWW, 'tours', `${id}.json`), 'utf8'));
const TOUR_IDS = JSON.parse(fs.readFileSync(path.join(WWW, 'tours', 'index.json'), 'utf8')).tours;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

async function openPage(query, contextOptions = {}) {
  const context = await playground.browser.newContext({ viewport: DESKTOP, ...contextOptions });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/${query}`);
  await page.waitForSelector('body[data-ready]', { timeout: 60000 });
  return { context, page, watch };
}

/** Waits until step `number` of the open tour is shown (its run done, its lines marked). */
function stepShown(frame, number) {
  return frame.waitForSelector(`#tour-panel[data-shown="${number}"]`, { state: 'attached', timeout: 60000 });
}

/**
 * What the page shows for the current step: the panel's text, the selected tab, and the
 * marked lines (transcript lines, World timeline rows or Negotiation rows) of the visible
 * view, each with whether it is inside the viewport and inside its scroll box.
 */
function shownStep(frame) {
  return frame.evaluate(() => {
    const panel = document.getElementById('tour-panel');
    const onScreen = (node) => {
      const r = node.getBoundingClientRect();
      let inBox = true;
      for (let el = node.parentElement; el; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (['auto', 'scroll'].includes(style.overflowY) && el.scrollHeight > el.clientHeight) {
          const b = el.getBoundingClientRect();
          inBox = inBox && r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
        }
      }
      return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && inBox;
    };
    const marked = Array.from(document.querySelectorAll('[role="tabpanel"]:not([hidden]) .highlighted'));
    return {
      hidden: panel.hidden,
      position: document.getElementById('tour-position')?.textContent,
      heading: document.getElementById('tour-heading')?.textContent,
      text: panel.querySelector('.tour-text')?.textContent,
      textVisible: Boolean(panel.querySelector('.tour-text')?.checkVisibility()),
      link: document.getElementById('tour-link')?.href,
      tab: document.querySelector('[role="tab"][aria-selected="true"]')?.id,
      marked: marked.map((node) => ({ text: node.textContent, onScreen: onScreen(node), top: node.getBoundingClientRect().top })),
      headingOnScreen: onScreen(document.getElementById('tour-heading')),
      // A sticky panel covers the top of the page: marked lines must show below it.
      coveredTop: getComputedStyle(panel).position === 'sticky' ? panel.getBoundingClientRect().bottom : 0,
      nextDisabled: document.getElementById('tour-next')?.disabled,
    };
  });
}

/** Checks the shown step against step `index` of `tour`. */
async function checkStep(frame, tour, index, where) {
  const step = tour.steps[index];
  await stepShown(frame, index + 1);
  const shown = await shownStep(frame);
  assert.equal(shown.hidden, false, where);
  assert.equal(shown.position, `step ${index + 1} of ${tour.steps.length}`, where);
  assert.equal(shown.heading, step.title, where);
  assert.equal(shown.text, step.text, where);
  assert.ok(shown.textVisible, `${where}: the step text is shown`);
  assert.equal(shown.tab, `tab-${stepTab(step)}`, `${where}: its tab is open`);
  assert.match(shown.link, new RegExp(`[?&]tour=${tour.id}&step=${index + 1}$`), `${where}: a link to the step`);
  if (step.highlight || step.rows) {
    assert.ok(shown.marked.length > 0, `${where}: the lines that matter are marked`);
    assert.ok(shown.marked[0].onScreen, `${where}: the first marked line (${shown.marked[0].text.trim()}) is on screen`);
    assert.ok(shown.marked[0].top >= shown.coveredTop - 1, `${where}: the first marked line is not under the tour panel`);
  }
  assert.ok(shown.headingOnScreen, `${where}: the step's heading is on screen while its lines are`);
  return shown;
}

test('every tour can be walked to its end with Next, each step showing its tab, text and highlighted lines', async () => {
  const { context, page, watch } = await openPage('');
  for (const id of TOUR_IDS) {
    const tour = readTour(id);
    // The World tab folds the toolbar away; the Tours button is back on any other tab.
    await page.click('#tab-transcript');
    await page.click('#tours-button');
    await page.click(`#tours-dialog [data-tour="${id}"]`);
    for (let i = 0; i < tour.steps.length; i += 1) {
      const shown = await checkStep(page, tour, i, `${id} step ${i + 1}`);
      assert.equal(shown.nextDisabled, i === tour.steps.length - 1);
      if (i < tour.steps.length - 1) await page.click('#tour-next');
    }
    assert.match(page.url(), new RegExp(`tour=${id}&step=${tour.steps.length}`));
  }
  await page.click('#tour-end');
  assert.equal(await page.isHidden('#tour-panel'), true);
  assert.doesNotMatch(page.url(), /tour=/);
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('?tour=NAME&step=N opens that step; Back goes to the one before; a bad name says so and shows the default run', async () => {
  const tour = readTour('relay-auth');
  const { context, page } = await openPage('?tour=relay-auth&step=4');
  await checkStep(page, tour, 3, 'deep link');
  const lines = await page.$$eval('#transcript .line.highlighted .text', (nodes) => nodes.map((n) => n.textContent));
  assert.match(lines[0], /^AUTH PLAIN /);
  assert.ok(lines.some((line) => line.startsWith('250 2.1.5')));
  assert.match(await page.textContent('#line-details .details-title'), /AUTH PLAIN/, 'the first highlighted line is selected');
  await page.click('#tour-back');
  await checkStep(page, tour, 2, 'back');
  await context.close();

  const bad = await openPage('?tour=no-such-tour');
  await bad.page.waitForSelector('#error:not([hidden])');
  assert.match(await bad.page.textContent('#error'), /no tour “no-such-tour”/);
  await bad.page.waitForSelector('body[data-renders]');
  assert.equal(await bad.page.isHidden('#tour-panel'), true);
  await bad.context.close();
});

test('an embedded tour step (?embed=1&tour=…&step=…) in a sandboxed 700×450 frame shows the step, its lines, Back and Next', async () => {
  const tour = readTour('sasl-eavesdropper');
  const context = await playground.browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  await page.setContent(
    `<!doctype html><title>Host</title><iframe id="embed" title="Tour" sandbox="allow-scripts allow-same-origin" width="700" height="450" src="${playground.server.origin}/?embed=1&tour=sasl-eavesdropper&step=3"></iframe>`,
  );
  const frame = await (await page.$('#embed')).contentFrame();
  await checkStep(frame, tour, 2, 'embedded step 3');
  assert.equal(await frame.isVisible('#tour-back'), true);
  assert.equal(await frame.isVisible('#tour-next'), true);
  assert.match(await frame.getAttribute('#tour-link', 'href'), /embed=1&tour=sasl-eavesdropper&step=3$/);
  await frame.click('#tour-next');
  await checkStep(frame, tour, 3, 'embedded step 4');
  await frame.click('#tour-next');
  await checkStep(frame, tour, 4, 'embedded step 5 (the SASL tab)');
  assert.equal(await frame.isVisible('#view-sasl'), true);
  await context.close();
});

test('keyboard: open the menu, choose a tour, step with Enter, close the menu with Escape', async () => {
  const tour = readTour('ehlo');
  const { context, page } = await openPage('');
  await page.focus('#tours-button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#tours-dialog[open] [data-tour]');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.tour), TOUR_IDS[0]);
  await page.keyboard.press('Escape');
  assert.equal(await page.$eval('#tours-dialog', (d) => d.open), false);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#tours-dialog[open] [data-tour]');
  while ((await page.evaluate(() => document.activeElement.dataset.tour)) !== 'ehlo') await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await checkStep(page, tour, 0, 'chosen by keyboard');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tour-heading', 'focus moves to the step');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tour-next', 'Back is disabled on the first step');
  await page.keyboard.press('Enter');
  await checkStep(page, tour, 1, 'Next by keyboard');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tour-next', 'focus stays on Next');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await checkStep(page, tour, 0, 'Back by keyboard');
  await context.close();
});

test('accessibility: axe finds no violations with a tour step and the tours menu (light, dark, 375 px); screenshot of a step', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const violations = async (page) =>
    (await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS)).violations.map(
      (v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
    );
  for (const [name, options] of [
    ['light', { colorScheme: 'light' }],
    ['dark', { colorScheme: 'dark' }],
    ['phone', { colorScheme: 'light', viewport: PHONE }],
  ]) {
    const { context, page } = await openPage('?tour=dial-up&step=7', options);
    await stepShown(page, 7);
    await page.evaluate(axeSource); // evaluated over CDP: the page's CSP does not apply
    assert.deepEqual(await violations(page), [], `${name}: a World step`);
    await page.click('#tour-back');
    await stepShown(page, 6);
    await page.click('#tab-transcript');
    await page.click('#tours-button');
    await page.waitForSelector('#tours-dialog[open] [data-tour]');
    assert.deepEqual(await violations(page), [], `${name}: the tours menu`);
    await page.keyboard.press('Escape');
    await page.goto(`${playground.server.origin}/?tour=ehlo&step=3`);
    await stepShown(page, 3);
    await page.evaluate(axeSource);
    assert.deepEqual(await violations(page), [], `${name}: a Negotiation step`);
    await page.click('#tour-next');
    await stepShown(page, 4);
    assert.deepEqual(await violations(page), [], `${name}: a transcript step`);
    await page.screenshot({ path: path.join(SHOTS, `tour-step-${name}.png`) });
    await context.close();
  }
});
