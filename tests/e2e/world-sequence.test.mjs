// End-to-end tests of the World tab's sequence diagram: one lifeline per host and one
// bar per connection, arrows that move the virtual clock on click and from the keyboard,
// the clock's line highlighted in the diagram, a new run redrawn, the SVG download and the
// text copy (byte for byte the reviewed files of tests/fixtures/sequence/, which the Rust
// test tests/sequence.rs renders natively), and axe.
// Needs www/pkg/ built. Run: node --test tests/e2e/world-sequence.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DESKTOP, PHONE, ROOT, SHOTS, usePlayground, watchedPage } from './playground-helpers.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'sequence');
const DIAGRAM = '#world-sequence-diagram';

const playground = usePlayground();

/** The page on `?world=etrn`, its run shown, with the sequence diagram opened and drawn. */
async function openWorldSequence({ viewport = DESKTOP, colorScheme = 'light', permissions = [] } = {}) {
  const context = await playground.browser.newContext({ viewport, colorScheme, permissions });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/?world=etrn`);
  await page.waitForSelector('#view-world[data-ran]', { timeout: 60000 });
  await page.click('#world-sequence > summary');
  await page.waitForSelector(`${DIAGRAM} [data-arrow]`, { timeout: 60000 });
  return { page, context, watch };
}

/** The arrow the clock's line is drawn as, by its `data-arrow` index (null if none). */
function highlighted(page) {
  return page.$$eval(`${DIAGRAM} [data-arrow].selected`, (nodes) => nodes.map((n) => n.dataset.arrow).join(',') || null);
}

test('one lifeline per host, one bar per connection, one arrow per write', async () => {
  const { page, context, watch } = await openWorldSequence();
  const heads = await page.$$eval(`${DIAGRAM} g.sequence-lifeline > text[font-weight="700"]`, (nodes) => nodes.map((n) => n.textContent));
  const hosts = await page.$$eval('#world-hosts > li', (nodes) => nodes.map((n) => n.dataset.host));
  assert.deepEqual(heads, ['mail.example.net', 'mx.isp.example', 'mail.dialup.example']);
  assert.deepEqual(heads, hosts);
  // Connections #1 to #3 join two hosts each; #4 too: eight bars in all.
  assert.equal(await page.locator(`${DIAGRAM} .sequence-lane`).count(), 8);
  const title = await page.textContent(`${DIAGRAM} svg > title`);
  assert.equal(title, 'etrn: 4 connections, 38 writes');
  const arrows = await page.$$eval(`${DIAGRAM} [data-arrow]`, (nodes) =>
    nodes.map((n) => ({ role: n.getAttribute('role'), label: n.getAttribute('aria-label'), tabindex: n.getAttribute('tabindex') })),
  );
  assert.equal(arrows.length, 38);
  assert.equal(await page.getAttribute(DIAGRAM, 'data-arrows'), '38');
  assert.ok(arrows.every((a) => a.role === 'button'));
  assert.match(arrows[1].label, /^EHLO mail\.example\.net.*\. mail\.example\.net #1 to mx\.isp\.example #1 at \+0\.040 s$/);
  assert.ok(arrows.some((a) => /^ETRN dialup\.example.*\. mail\.dialup\.example #3 to mx\.isp\.example #3 at /.test(a.label)));
  assert.equal(arrows.filter((a) => a.tabindex === '0').length, 1, 'one tab stop for the whole diagram');
  assert.match(await page.textContent('#world-sequence-text'), /mail\.example\.net #1 ── EHLO mail\.example\.net ─+▶ mx\.isp\.example #1/);
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('the clock and the diagram follow each other: stepping highlights, clicks and keys step', async () => {
  const { page, context } = await openWorldSequence();
  // The first item is the world event that opens connection #1: no arrow for it.
  assert.equal(await highlighted(page), null);
  await page.click('#world-next');
  assert.equal(await highlighted(page), '0');
  await page.click('#world-next');
  assert.equal(await highlighted(page), '1');
  assert.equal(await page.getAttribute(`${DIAGRAM} [data-arrow="1"]`, 'aria-current'), 'step');
  // A click on an arrow moves the clock to its first line.
  await page.click(`${DIAGRAM} [data-arrow="3"]`);
  assert.match(
    await page.textContent('#world-current'),
    /^#1 mail\.example\.net → mx\.isp\.example: MAIL FROM:<alice@example\.net> SIZE=318$/,
  );
  assert.equal(await highlighted(page), '3');
  // The keyboard moves from arrow to arrow, and the clock with it.
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.arrow ?? null);
  await page.focus(`${DIAGRAM} [data-arrow="3"]`);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), '4');
  assert.match(await page.textContent('#world-current'), /^#1 mx\.isp\.example → mail\.example\.net: 250 2\.1\.0 Ok$/);
  await page.keyboard.press('End');
  assert.equal(await focused(), '37');
  assert.equal(await highlighted(page), '37');
  assert.match(await page.textContent('#world-current'), /^#4 mail\.dialup\.example → mx\.isp\.example: 221 /);
  await page.keyboard.press('Home');
  assert.equal(await focused(), '0');
  // Moving the clock to the last line brings the last arrow into the diagram's box.
  await page.locator('#world-timeline > li.wline .wtext').last().click();
  assert.equal(await highlighted(page), '37');
  const inside = await page.evaluate(() => {
    const view = document.getElementById('world-sequence-diagram').getBoundingClientRect();
    const arrow = document.querySelector('#world-sequence-diagram [data-arrow="37"] .sequence-hit').getBoundingClientRect();
    return arrow.top >= view.top && arrow.bottom <= view.bottom;
  });
  assert.ok(inside, 'the last arrow is scrolled into the diagram box');
  // One tab stop for the whole diagram: the clock's arrow.
  assert.deepEqual(await page.$$eval(`${DIAGRAM} [data-arrow][tabindex="0"]`, (nodes) => nodes.map((n) => n.dataset.arrow)), ['37']);
  await context.close();
});

test('a new world run redraws the diagram', async () => {
  const { page, context } = await openWorldSequence();
  const before = Number(await page.getAttribute('#view-world', 'data-ran'));
  await page.selectOption('#world-preset', 'etrn-nothing-waiting');
  await page.waitForFunction((n) => Number(document.getElementById('view-world').dataset.ran) > n, before);
  await page.waitForFunction(() =>
    /^etrn-nothing-waiting: 1 connection/.test(document.querySelector('#world-sequence-diagram svg > title')?.textContent),
  );
  const heads = await page.$$eval(`${DIAGRAM} g.sequence-lifeline > text[font-weight="700"]`, (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(heads, await page.$$eval('#world-hosts > li', (nodes) => nodes.map((n) => n.dataset.host)));
  assert.match(await page.textContent('#world-sequence-text'), /251 /);
  await context.close();
});

test('Download SVG and Copy as text give the reviewed files of the ETRN world', async () => {
  const { page, context } = await openWorldSequence({ permissions: ['clipboard-read', 'clipboard-write'] });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#world-sequence-download')]);
  assert.equal(download.suggestedFilename(), 'world-etrn-sequence.svg');
  const svg = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(svg, fs.readFileSync(path.join(FIXTURES, 'world-etrn.svg'), 'utf8'));
  await page.click('#world-sequence-copy');
  await page.waitForFunction(() => /copied/.test(document.getElementById('world-sequence-status').textContent));
  const text = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(text, fs.readFileSync(path.join(FIXTURES, 'world-etrn.txt'), 'utf8'));
  await context.close();
});

test('accessibility: axe-core finds no violations with the world sequence diagram open (light, dark, phone); screenshots', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const [name, scheme, viewport] of [
    ['world-sequence-desktop', 'light', DESKTOP],
    ['world-sequence-desktop-dark', 'dark', DESKTOP],
    ['world-sequence-phone', 'light', PHONE],
  ]) {
    const { page, context } = await openWorldSequence({ colorScheme: scheme, viewport });
    await page.click(`${DIAGRAM} [data-arrow="5"]`);
    await page.click('#world-sequence .sequence-text-wrap summary');
    await page.evaluate(axeSource); // evaluated over CDP: the page's CSP does not apply
    const results = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
    assert.deepEqual(
      results.violations.map(
        (v) =>
          `${v.impact} ${v.id}: ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      ),
      [],
      `${scheme} ${viewport.width}px`,
    );
    await page.locator('#world-sequence').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
    await context.close();
  }
});
