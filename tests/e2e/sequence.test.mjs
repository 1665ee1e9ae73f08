// End-to-end tests of the Sequence tab: the engine's diagram in the page, arrows that
// explain themselves on click and from the keyboard, the SVG download and the text copy
// (byte for byte the reviewed files of tests/fixtures/sequence/, which the Rust test
// tests/sequence.rs renders natively), the embed's `view=`, axe and screenshots.
// Needs www/pkg/ built. Run: node --test tests/e2e/sequence.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { afterRender, DESKTOP, openTab, PHONE, ROOT, SHOTS, usePlayground, watchedPage } from './playground-helpers.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'sequence');

const playground = usePlayground();

/** The page on `query`, its first run rendered, with the Sequence tab open and drawn. */
async function openSequence(query, { viewport = DESKTOP, colorScheme = 'light', permissions = [] } = {}) {
  const context = await playground.browser.newContext({ viewport, colorScheme, permissions });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/${query}`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  if ((await page.getAttribute('#tab-sequence', 'aria-selected')) !== 'true') await openTab(page, '#tab-sequence');
  await page.waitForSelector('#view-sequence [data-arrow]', { timeout: 60000 });
  return { page, context, watch };
}

/** How many writes the run had, from the status line ("Ran: 17 lines in 13 writes, …"). */
async function writesOfRun(page) {
  // An embed's status says when it ran and keeps the summary in its tooltip.
  const status = (await page.getAttribute('#status', 'title')) || (await page.textContent('#status'));
  return Number(/in (\d+) writes?/.exec(status)?.[1]);
}

test('the tab draws one arrow per write, the AUTH and DATA phases bracketed', async () => {
  const { page, context, watch } = await openSequence('?preset=cram-md5');
  const arrows = await page.$$eval('#view-sequence [data-arrow]', (nodes) =>
    nodes.map((n) => ({ role: n.getAttribute('role'), label: n.getAttribute('aria-label') })),
  );
  assert.equal(arrows.length, await writesOfRun(page));
  assert.ok(arrows.every((a) => a.role === 'button'));
  assert.match(arrows[0].label, /^220 .*\. Server to Client at \+0\.000 s$/);
  assert.match(arrows[1].label, /^EHLO client\.example\.net: .*\. Client to Server at \+0\.040 s$/);
  assert.equal(await page.locator('#view-sequence rect.sequence-phase-auth').count(), 1);
  assert.equal(await page.locator('#view-sequence rect.sequence-phase-message').count(), 1);
  assert.match(await page.textContent('#view-sequence text.sequence-phase-auth'), /^AUTH CRAM-MD5: alice authenticated/);
  assert.match(await page.textContent('#view-sequence .sequence-text'), /C ── AUTH CRAM-MD5 ─+▶ S/);
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('a BDAT run brackets its chunks as the message phase', async () => {
  const { page, context, watch } = await openSequence('?preset=chunking');
  assert.equal(await page.locator('#view-sequence rect.sequence-phase-message').count(), 1);
  assert.match(
    await page.textContent('#view-sequence text.sequence-phase-message'),
    /^BDAT: the message in 3 chunks of 150 \+ 150 \+ \d+ octets, LAST ends it$/,
  );
  assert.match(await page.textContent('#view-sequence .sequence-text'), /┌─ BDAT: the message in 3 chunks/);
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('an arrow explains itself on click, as its transcript line does', async () => {
  const { page, context } = await openSequence('?preset=cram-md5');
  const challenge = page.locator('#view-sequence [data-arrow="4"]');
  assert.match(await challenge.getAttribute('aria-label'), /^334 /);
  await challenge.click();
  await page.waitForSelector('#view-sequence .sequence-details .details-title');
  assert.match(await page.textContent('#view-sequence .sequence-details .details-title'), /^S: 334 /);
  const details = await page.textContent('#view-sequence .sequence-details');
  assert.match(details, /RFC 4954/);
  assert.match(details, /Hex of this write/);
  assert.equal(await challenge.getAttribute('class'), 'sequence-arrow sequence-server selected');
  await context.close();
});

test('the keyboard moves from arrow to arrow and each one explains itself', async () => {
  const { page, context } = await openSequence('?preset=esmtp');
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.arrow ?? null);
  await page.focus('#view-sequence [data-arrow="0"]');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), '1');
  assert.match(await page.textContent('#view-sequence .details-title'), /^C: EHLO client\.example\.net/);
  await page.keyboard.press('End');
  const last = String((await writesOfRun(page)) - 1);
  assert.equal(await focused(), last);
  assert.match(await page.textContent('#view-sequence .details-title'), /^S: 221 /);
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(), String(Number(last) - 1));
  await page.keyboard.press('Home');
  assert.equal(await focused(), '0');
  // One tab stop for the whole diagram: the selected arrow.
  assert.deepEqual(await page.$$eval('#view-sequence [data-arrow][tabindex="0"]', (nodes) => nodes.map((n) => n.dataset.arrow)), ['0']);
  await context.close();
});

test('Download SVG and Copy as text give the reviewed files', async () => {
  const { page, context } = await openSequence('?preset=cram-md5', { permissions: ['clipboard-read', 'clipboard-write'] });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download SVG')]);
  assert.equal(download.suggestedFilename(), 'smtp-sequence.svg');
  const svg = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.equal(svg, fs.readFileSync(path.join(FIXTURES, 'cram-md5.svg'), 'utf8'));
  await page.click('text=Copy as text');
  await page.waitForFunction(() => /copied/.test(document.querySelector('#view-sequence [role="status"]').textContent));
  const text = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(text, fs.readFileSync(path.join(FIXTURES, 'cram-md5.txt'), 'utf8'));
  await context.close();
});

test('embed view=sequence opens on the diagram; view=sasl and view=negotiation on theirs', async () => {
  const { page, context, watch } = await openSequence('?embed=1&preset=lock-step&view=sequence');
  assert.equal(await page.getAttribute('#tab-sequence', 'aria-selected'), 'true');
  assert.ok(await page.isVisible('#view-sequence .sequence-svg'));
  assert.ok(await page.isHidden('#view-transcript'));
  assert.equal(await page.locator('#view-sequence [data-arrow]').count(), await writesOfRun(page));
  for (const [view, tab] of [
    ['sasl', '#tab-sasl'],
    ['negotiation', '#tab-negotiation'],
    ['transcript', '#tab-transcript'],
    ['nonsense', '#tab-transcript'],
  ]) {
    await page.goto(`${playground.server.origin}/?embed=1&preset=auth-plain&view=${view}`);
    await page.waitForSelector('body[data-renders]', { timeout: 60000 });
    assert.equal(await page.getAttribute(tab, 'aria-selected'), 'true', view);
    assert.ok(await page.isVisible(tab), view);
  }
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('an embed on the sequence view marks the arrows of the highlighted lines, in view at 700 × 450', async () => {
  const blog = { width: 700, height: 450 };
  // The AUTH LOGIN preset's default lines are its 334 prompts; lines= names others.
  for (const [query, pattern] of [
    ['?embed=1&preset=auth-login&view=sequence', /^334 VXNlcm5hbWU6/],
    ['?embed=1&preset=auth-login&view=sequence&lines=2', /^EHLO /],
  ]) {
    const { page, context, watch } = await openSequence(query, { viewport: blog });
    await page.waitForSelector('#view-sequence [data-arrow].highlighted', { timeout: 60000 });
    const marked = await page.$$eval('#view-sequence [data-arrow].highlighted', (nodes) =>
      nodes.map((node) => {
        const r = node.getBoundingClientRect();
        return { label: node.getAttribute('aria-label'), selected: node.classList.contains('selected'), top: r.top, bottom: r.bottom };
      }),
    );
    assert.ok(marked.length >= 1, query);
    assert.match(marked[0].label, pattern, query);
    assert.ok(marked[0].selected, `the first marked arrow is selected (${query})`);
    assert.ok(marked[0].top >= 0 && marked[0].bottom <= blog.height, `the first marked arrow is in view (${query})`);
    assert.deepEqual(watch.errors, []);
    await context.close();
  }
});

test('a run made while the tab is hidden is drawn when the tab opens again', async () => {
  const { page, context } = await openSequence('?preset=cram-md5');
  await page.click('#tab-transcript');
  await afterRender(page, () => page.selectOption('#preset', 'esmtp'));
  await page.click('#tab-sequence');
  const writes = await writesOfRun(page);
  await page.waitForFunction((n) => document.querySelectorAll('#view-sequence [data-arrow]').length === n, writes);
  assert.equal(await page.locator('#view-sequence rect.sequence-phase-auth').count(), 0);
  await context.close();
});

test('protocol text in the diagram stays text and never runs (XSS)', async () => {
  const payload = '<img src=x onerror="window.__xss=1">';
  const patch = { script: [{ send: `EHLO ${payload}\r\n` }, { send: 'QUIT\r\n' }] };
  const { page, context, watch } = await openSequence(`#s=${Buffer.from(JSON.stringify(patch)).toString('base64url')}`);
  const labels = await page.$$eval('#view-sequence text.sequence-label', (nodes) => nodes.map((n) => n.textContent));
  assert.ok(labels.includes(`EHLO ${payload}`), labels.join('\n'));
  await page.click('#view-sequence [data-arrow="1"]');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$$eval('img, #view-sequence script, #view-sequence foreignObject', (n) => n.length), 0);
  assert.ok(!watch.requests.some((url) => new URL(url).pathname === '/x'), 'no image request was made');
  await context.close();
});

test('accessibility: axe-core finds no violations in the Sequence tab (light, dark, phone); screenshots', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const [name, scheme, viewport] of [
    ['sequence-desktop', 'light', DESKTOP],
    ['sequence-desktop-dark', 'dark', DESKTOP],
    ['sequence-phone', 'light', PHONE],
  ]) {
    const { page, context } = await openSequence('?preset=cram-md5', { colorScheme: scheme, viewport });
    await page.click('#view-sequence [data-arrow="5"]');
    await page.click('#view-sequence .sequence-text-wrap summary');
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
    await page.evaluate(() => document.getElementById('tab-sequence').scrollIntoView());
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: viewport === PHONE });
    await context.close();
  }
});
