// Highlighted lines in an embed: a blog post's iframe (sandboxed, 700×450) with
// `lines=` or a preset's default lines shows those lines without the reader scrolling,
// inside the transcript's box and inside the frame, and selects the first so its
// explanation is there. Needs www/pkg/ built. Run: node --test tests/e2e/embed-lines.test.mjs

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usePlayground } from './playground-helpers.mjs';

const playground = usePlayground();
const FRAME = { width: 700, height: 450 };

/** A host page holding the embed in a sandboxed iframe, as a tutorial would; resolves to the frame. */
async function embedFrame(query) {
  const context = await playground.browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.setContent(
    `<!doctype html><title>Host</title><p>A blog post.</p><iframe id="embed" title="ESMTP Playground" sandbox="allow-scripts allow-same-origin" width="${FRAME.width}" height="${FRAME.height}" src="${playground.server.origin}/?embed=1&${query}"></iframe>`,
  );
  const frame = await (await page.$('#embed')).contentFrame();
  await frame.waitForSelector('#transcript[data-highlighted]', { state: 'attached', timeout: 60000 });
  await frame.waitForSelector('#transcript [aria-selected="true"]', { timeout: 10000 });
  return { context, page, frame, errors };
}

/**
 * The highlighted lines' numbers (from the gutter), and for each whether it lies inside
 * the frame's viewport and inside the transcript's scroll box, without scrolling anything.
 */
function highlightedLines(frame) {
  return frame.$$eval('#transcript .line.highlighted', (nodes) => {
    const box = document.getElementById('transcript').getBoundingClientRect();
    return nodes.map((node) => {
      const r = node.getBoundingClientRect();
      const inFrame = r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
      const inBox = r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
      return { number: Number(node.dataset.num), text: node.querySelector('.text').textContent, visible: inFrame && inBox };
    });
  });
}

/** The numbers of the first contiguous run of `lines`. */
function firstRun(lines) {
  const run = [];
  for (const line of lines) {
    if (run.length && line.number !== run[run.length - 1].number + 1) break;
    run.push(line);
  }
  return run;
}

test('lines=13-15 highlights exactly those lines, visible in a 700×450 sandboxed frame, and selects the first', async () => {
  const { context, frame, errors } = await embedFrame('preset=esmtp&lines=13-15');
  const lines = await highlightedLines(frame);
  assert.deepEqual(
    lines.map((l) => l.number),
    [13, 14, 15],
  );
  for (const line of lines) assert.ok(line.visible, `line ${line.number} (${line.text}) is visible without scrolling`);
  assert.equal(await frame.getAttribute('#transcript [aria-selected="true"]', 'data-num'), '13');
  assert.match(await frame.textContent('#line-details .details-title'), /250 2\.1\.0 Ok/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('lines=3,7-9 and a line far down (27, the stuffed dot) are reached by scrolling the box and the frame', async () => {
  for (const [query, numbers] of [
    ['preset=esmtp&lines=3,7-9', [3, 7, 8, 9]],
    ['preset=esmtp&lines=27', [27]],
    ['preset=esmtp&lines=30-31,2', [2, 30, 31]],
  ]) {
    const { context, frame } = await embedFrame(query);
    const lines = await highlightedLines(frame);
    assert.deepEqual(
      lines.map((l) => l.number),
      numbers,
      query,
    );
    for (const line of firstRun(lines)) assert.ok(line.visible, `${query}: line ${line.number} is visible`);
    await context.close();
  }
});

test('without lines=, an embed highlights its preset’s default lines: the stuffed dots, 334 VXNlcm5hbWU6, the refused relay', async () => {
  for (const [preset, first] of [
    ['dot-stuffing', /^\.\.$/],
    ['auth-login', /^334 VXNlcm5hbWU6$/],
    ['relay-denied', /^RCPT TO:<someone@elsewhere\.test>$/],
    ['too-many-recipients', /^452 4\.5\.3/],
  ]) {
    const { context, frame } = await embedFrame(`preset=${preset}`);
    const lines = await highlightedLines(frame);
    assert.ok(lines.length > 0, `${preset}: lines are highlighted`);
    assert.match(lines[0].text, first, preset);
    for (const line of firstRun(lines)) assert.ok(line.visible, `${preset}: line ${line.number} (${line.text}) is visible`);
    assert.equal(await frame.$eval('#transcript [aria-selected="true"] .text', (n) => n.textContent), lines[0].text);
    await context.close();
  }
});

test('a bad or out-of-range lines= highlights nothing it cannot and breaks nothing', async () => {
  const context = await playground.browser.newContext({ viewport: FRAME });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${playground.server.origin}/?preset=helo-client&lines=x,900-990,2`);
  await page.waitForSelector('#transcript[data-highlighted]', { state: 'attached', timeout: 60000 });
  assert.deepEqual(await page.$$eval('#transcript .line.highlighted', (nodes) => nodes.map((n) => n.dataset.num)), ['2']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Negotiation and SASL views in an embed: a tour step marks its rows or opens its view, on screen in the frame', async () => {
  const context = await playground.browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  await page.setContent(
    `<!doctype html><title>Host</title><iframe id="embed" title="ESMTP Playground" sandbox="allow-scripts allow-same-origin" width="${FRAME.width}" height="${FRAME.height}" src="${playground.server.origin}/?embed=1&tour=eightbit-size&step=6"></iframe>`,
  );
  const frame = await (await page.$('#embed')).contentFrame();
  await frame.waitForSelector('#tour-panel[data-shown="6"]', { state: 'attached', timeout: 60000 });
  const rows = await frame.$$eval('#view-negotiation tr.highlighted', (nodes) =>
    nodes.map((node) => {
      const r = node.getBoundingClientRect();
      // A row may be taller than the frame leaves it: its start must be on screen.
      const box = document.getElementById('view-negotiation').getBoundingClientRect();
      const visible = r.top >= 0 && r.top >= box.top - 1 && r.top + 20 <= Math.min(window.innerHeight, box.bottom);
      return { keyword: node.querySelector('th').textContent, visible };
    }),
  );
  assert.deepEqual(
    rows.map((row) => row.keyword),
    ['SIZE', '8BITMIME'],
  );
  assert.ok(rows[0].visible, 'the first marked row starts on screen without scrolling');
  await frame.goto(`${playground.server.origin}/?embed=1&tour=sasl-eavesdropper&step=2`);
  await frame.waitForSelector('#tour-panel[data-shown="2"]', { state: 'attached', timeout: 60000 });
  await frame.waitForSelector('#view-sasl .exchange');
  assert.equal(await frame.isVisible('#view-sasl'), true);
  await context.close();
});
