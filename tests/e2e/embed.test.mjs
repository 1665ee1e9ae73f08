// The embed builder, the embed itself and the embedding guide, in headless Chromium
// against the real engine: the dialog's options reach the link, the snippet and the live
// preview; the link reproduces the scenario and opens the chosen view in a sandboxed
// frame; an embed fits 700 × 450 with a clicked line's details inside the frame; theme=
// wins over the system scheme; the guide page reads as UTF-8 and lists every preset; axe
// finds nothing in light, dark and at 375 px.
// Run: node --test tests/e2e/embed.test.mjs (after building www/pkg).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PRESET_LIST } from '../../www/js/presets.js';
import { afterRender, DESKTOP, openTab, PHONE, ROOT, SHOTS, transcriptLines, usePlayground, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();
const BLOG = { width: 700, height: 450 };
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

async function openPage(query = '', { viewport = DESKTOP, colorScheme = 'light' } = {}) {
  const context = await playground.browser.newContext({ viewport, colorScheme });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/${query}`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  return { page, context, watch };
}

async function openDialog(page) {
  await page.focus('#embed-open');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#embed-dialog[open]');
}

/** axe's violations on the page (the preview frame is checked as an embed of its own). */
async function axeViolations(page) {
  await page.evaluate(fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, iframes: false }),
    AXE_TAGS,
  );
  return results.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/** The snippet's <iframe> attributes, entities decoded (parsed here: the page's CSP refuses its style attribute). */
async function snippetAttributes(page) {
  const html = await page.inputValue('#embed-snippet');
  assert.match(html, /^<iframe [^<>]*><\/iframe>$/);
  const decode = (text) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
  return Object.fromEntries([...html.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, name, value]) => [name, decode(value)]));
}

test('the dialog builds a link and a snippet from its options; the link opens the chosen view', async () => {
  const { page, context, watch } = await openPage('?preset=auth-login');
  assert.ok(!watch.requests.some((url) => url.endsWith('/js/embed.js')), 'embed.js loads only when the dialog opens');
  const original = await transcriptLines(page);
  await openDialog(page);
  assert.equal(await page.evaluate(() => document.activeElement.closest('dialog')?.id), 'embed-dialog', 'focus moves into the dialog');
  // AUTH runs embed with the SASL tab by default: no panels= for the defaults.
  assert.doesNotMatch(await page.inputValue('#embed-link'), /panels=/);
  await page.selectOption('#embed-view', 'sasl');
  assert.ok(await page.isDisabled('#embed-panels input[value="sasl"]'), 'the main view cannot be unticked');
  await page.uncheck('#embed-panels input[value="mailboxes"]');
  await page.check('input[name="theme"][value="dark"]');
  await page.fill('#embed-height', '520');
  await page.fill('#embed-lines', '12-14');
  const link = await page.inputValue('#embed-link');
  const url = new URL(link);
  assert.equal(url.origin, playground.server.origin);
  assert.equal(url.searchParams.get('embed'), '1');
  assert.equal(url.searchParams.get('view'), 'sasl');
  assert.deepEqual(url.searchParams.get('panels').split(',').sort(), ['negotiation', 'transcript']);
  assert.equal(url.searchParams.get('theme'), 'dark');
  assert.equal(url.searchParams.get('lines'), '12-14');
  assert.match(url.hash, /^#preset=auth-login&s=[\w-]+$/);
  const snippet = await snippetAttributes(page);
  assert.equal(snippet.src, link, 'the snippet frames exactly the link');
  assert.equal(snippet.height, '520');
  assert.match(snippet.sandbox, /allow-scripts/);
  // The live preview follows the options.
  await page.waitForFunction((expected) => document.querySelector('#embed-preview').src === expected, link);
  assert.equal(await page.getAttribute('#embed-preview', 'height'), '520');
  assert.equal(await page.getAttribute('#embed-preview', 'sandbox'), 'allow-scripts allow-same-origin');
  const preview = page.frameLocator('#embed-preview');
  await preview.locator('body[data-renders]').waitFor({ state: 'attached', timeout: 60000 });
  assert.equal(await preview.locator('#tab-sasl').getAttribute('aria-selected'), 'true');
  await page.screenshot({ path: path.join(SHOTS, 'embed-dialog.png') });
  // A bad line list is marked and left out of the link.
  await page.fill('#embed-lines', '12-');
  assert.equal(await page.getAttribute('#embed-lines', 'aria-invalid'), 'true');
  assert.equal(new URL(await page.inputValue('#embed-link')).searchParams.get('lines'), null);
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.querySelector('#embed-dialog').open), false);
  // The dialog's close event is queued as a task (HTML § dialog close steps), so wait for it.
  await page.waitForFunction(() => !document.querySelector('#embed-preview').hasAttribute('src'));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'embed-open', 'focus returns to the button');
  assert.equal(await page.getAttribute('#embed-preview', 'src'), null, 'the closed dialog unloads its preview');

  // The link in a sandboxed frame of another page, at a blog column's size.
  const host = await context.newPage();
  await host.setContent(
    `<iframe id="post" sandbox="allow-scripts allow-same-origin" width="700" height="450" title="embed" src="${link.replace(/&/g, '&amp;')}"></iframe>`,
  );
  const frame = host.frameLocator('#post');
  await frame.locator('body[data-renders]').waitFor({ state: 'attached', timeout: 60000 });
  assert.equal(await frame.locator('#tab-sasl').getAttribute('aria-selected'), 'true', 'the chosen view');
  assert.ok(await frame.locator('#tab-mailboxes').isHidden(), 'an unticked tab');
  assert.ok(await frame.locator('#tab-transcript').isVisible());
  assert.match(await frame.locator('html').getAttribute('class'), /\btheme-dark\b/);
  assert.match(await frame.locator('#view-sasl').textContent(), /LOGIN/);
  await frame.locator('#tab-transcript').click();
  const framed = await frame
    .locator('#transcript [role="option"]')
    .evaluateAll((nodes) => nodes.map((node) => `${node.querySelector('.dir').textContent} ${node.querySelector('.text').textContent}`));
  assert.deepEqual(framed, original, 'the embed reproduces the scenario byte for byte');
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('an edited scenario embeds as edited', async () => {
  const { page, context } = await openPage('?preset=esmtp');
  await afterRender(page, () => page.fill('#f-server-hostname', 'mx.tutorial.example'));
  await openDialog(page);
  const link = await page.inputValue('#embed-link');
  assert.doesNotMatch(link, /preset=/, 'an edited preset is a custom scenario');
  const embed = await context.newPage();
  await embed.setViewportSize(BLOG);
  await embed.goto(link);
  await embed.waitForSelector('body[data-renders]', { timeout: 60000 });
  assert.equal((await transcriptLines(embed))[0], 'S: 220 mx.tutorial.example ESMTP Playground');
  await context.close();
});

test('an embed fits 700 × 450: one header line, a dozen lines, details inside the frame', async () => {
  const { page, context } = await openPage('?embed=1&preset=dot-stuffing', { viewport: BLOG });
  const header = await page.$eval('.top', (node) => node.getBoundingClientRect().height);
  assert.ok(header < 50, `the header is one line (${header} px)`);
  assert.ok(await page.isHidden('#preset-explanation'), 'the explanation starts folded');
  assert.equal(await page.textContent('.about-preset'), 'Dot-stuffing');
  const fullyVisible = () =>
    page.$$eval('#transcript [role="option"]', (nodes) => {
      const box = document.querySelector('#transcript').getBoundingClientRect();
      return nodes.filter((node) => {
        const r = node.getBoundingClientRect();
        return r.top >= box.top && r.bottom <= Math.min(box.bottom, innerHeight);
      }).length;
    });
  // The preset's default lines (the stuffed `..` line) are highlighted and the first one
  // explained beside the lines; closed, the transcript takes the frame's width again.
  await page.waitForSelector('#transcript[data-highlighted]', { timeout: 60000 });
  assert.ok(await page.isVisible('#line-details'), "the highlighted line's details show");
  await page.click('.details-close');
  assert.ok((await fullyVisible()) >= 12, `at least 12 transcript lines show (${await fullyVisible()})`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollHeight), BLOG.height, 'the frame itself never scrolls');
  await page.click('#line-5');
  const details = await page.$eval('#line-details', (node) => {
    const r = node.getBoundingClientRect();
    return { top: r.top, left: r.left, bottom: r.bottom, text: node.textContent };
  });
  assert.ok(details.top < BLOG.height && details.left > BLOG.width / 3, 'the details open beside the lines');
  assert.match(details.text, /RFC/);
  await page.click('.details-close');
  assert.ok(await page.isHidden('#line-details'), 'Close closes the details');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'line-5', 'focus stays on the line');
  await page.keyboard.press('Enter');
  assert.ok(await page.isVisible('#line-details'));
  await page.keyboard.press('Escape');
  assert.ok(await page.isHidden('#line-details'), 'Escape closes the details');
  await page.click('#line-5');
  await page.click('.about-preset');
  assert.equal(await page.getAttribute('.about-preset', 'aria-expanded'), 'true');
  assert.match(await page.textContent('#preset-explanation'), /RFC 5321 §4\.5\.2/);
  await page.screenshot({ path: path.join(SHOTS, 'embed-700x450.png') });
  // Run re-renders the lines (they slide in again) and says so in the header.
  await page.evaluate(() => {
    document.querySelector('#status').textContent = '';
  });
  await afterRender(page, () => page.click('#run'));
  assert.match(await page.textContent('#status'), /^Ran at \d\d:\d\d:\d\d$/);
  assert.match(await page.getAttribute('#status', 'title'), /33 lines in 9 writes/);
  await context.close();
});

test('every preset’s embed header is one line at 700 px', async () => {
  const context = await playground.browser.newContext({ viewport: BLOG });
  const page = await context.newPage();
  for (const preset of PRESET_LIST) {
    await page.goto(`${playground.server.origin}/?embed=1&preset=${preset.id}`);
    await page.waitForSelector('body[data-renders]', { timeout: 60000 });
    const header = await page.$eval('.top', (node) => node.getBoundingClientRect().height);
    assert.ok(header < 50, `${preset.id}: the header is ${header} px high`);
  }
  await context.close();
});

test('an AUTH preset embeds with the SASL tab; panels= and view= choose the tabs', async () => {
  const { page, context } = await openPage('?embed=1&preset=cram-md5', { viewport: BLOG });
  assert.ok(await page.isVisible('#tab-sasl'));
  assert.ok(await page.isVisible('#tab-negotiation'));
  await page.click('#tab-sasl');
  await page.waitForSelector('#view-sasl[data-loaded]', { state: 'attached', timeout: 60000 });
  assert.match(await page.textContent('#view-sasl'), /CRAM-MD5/);
  await context.close();

  const alone = await openPage('?embed=1&preset=esmtp&view=negotiation&panels=', { viewport: BLOG });
  assert.ok(await alone.page.isHidden('.tabs'), 'one view, no tab row');
  assert.ok(await alone.page.isVisible('#view-negotiation'));
  await alone.page.waitForSelector('#view-negotiation[data-loaded]', { state: 'attached', timeout: 60000 });
  assert.match(await alone.page.textContent('#view-negotiation'), /PIPELINING/);
  await alone.context.close();
});

test('theme= wins over the system colour scheme, in the embed and the full page (World tab too)', async () => {
  const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const dark = await openPage('?embed=1&preset=esmtp&theme=dark', { viewport: BLOG, colorScheme: 'light' });
  assert.equal(await background(dark.page), 'rgb(13, 17, 23)');
  assert.equal(await dark.page.evaluate(() => getComputedStyle(document.documentElement).colorScheme), 'dark');
  await dark.page.screenshot({ path: path.join(SHOTS, 'embed-dark.png') });
  await dark.context.close();
  const world = await openPage('?preset=esmtp&theme=dark', { colorScheme: 'light' });
  await openTab(world.page, '#tab-world');
  assert.equal(await world.page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--w0').trim()), '#79c0ff');
  await world.context.close();
  const light = await openPage('?preset=esmtp&theme=light', { colorScheme: 'dark' });
  assert.equal(await background(light.page), 'rgb(255, 255, 255)');
  await light.context.close();
  const auto = await openPage('?preset=esmtp&theme=auto', { colorScheme: 'dark' });
  assert.equal(await background(auto.page), 'rgb(13, 17, 23)');
  await auto.context.close();
});

test('the embedding guide is a UTF-8 page linked from the footer and the dialog, listing every preset', async () => {
  const { page, context, watch } = await openPage('?preset=esmtp');
  assert.equal(await page.getAttribute('.foot a[href="embed.html"]', 'href'), 'embed.html');
  // The dialog is built the first time it opens.
  await page.click('#embed-open');
  await page.waitForSelector('#embed-dialog[open]');
  assert.equal(await page.getAttribute('#embed-dialog a[href="embed.html"]', 'href'), 'embed.html');
  await page.goto(`${playground.server.origin}/embed.html`);
  await page.waitForSelector('#preset-list tr');
  assert.equal(await page.evaluate(() => document.characterSet), 'UTF-8');
  const text = await page.textContent('main');
  assert.ok(text.includes('the playground’s own files'), 'a typographic apostrophe reads as itself');
  assert.ok(text.includes('700 × 450'), 'a multiplication sign reads as itself');
  assert.ok(text.includes('eyJzZXJ2ZXIiOn…'), 'an ellipsis reads as itself');
  assert.doesNotMatch(text, /â€|Ã/, 'no UTF-8 read as Latin-1');
  for (const name of ['embed=1', 'preset=', 's=', 'view=', 'panels=', 'theme=', 'lines=', 'tour=', 'step=']) {
    assert.ok(text.includes(name), `documents ${name}`);
  }
  const listed = await page.$$eval('#preset-list th code', (nodes) => nodes.map((node) => node.textContent));
  assert.deepEqual(
    listed,
    PRESET_LIST.map((preset) => preset.id),
  );
  assert.deepEqual(await axeViolations(page), [], 'guide');
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('accessibility: the dialog and the embed have no axe violations in light, dark and at 375 px', async () => {
  for (const [viewport, colorScheme] of [
    [DESKTOP, 'light'],
    [DESKTOP, 'dark'],
    [PHONE, 'light'],
  ]) {
    const full = await openPage('?preset=auth-plain', { viewport, colorScheme });
    await openDialog(full.page);
    assert.deepEqual(await axeViolations(full.page), [], `dialog ${colorScheme} ${viewport.width}`);
    if (viewport === PHONE) await full.page.screenshot({ path: path.join(SHOTS, 'embed-dialog-phone.png') });
    await full.context.close();

    const embed = await openPage('?embed=1&preset=auth-plain', { viewport: viewport === PHONE ? viewport : BLOG, colorScheme });
    await embed.page.click('#line-3');
    await embed.page.click('.about-preset');
    assert.deepEqual(await axeViolations(embed.page), [], `embed ${colorScheme} ${viewport.width}`);
    await embed.page.click('#tab-sasl');
    await embed.page.waitForSelector('#view-sasl[data-loaded]', { state: 'attached', timeout: 60000 });
    assert.deepEqual(await axeViolations(embed.page), [], `embed SASL ${colorScheme} ${viewport.width}`);
    await embed.context.close();
  }
});
