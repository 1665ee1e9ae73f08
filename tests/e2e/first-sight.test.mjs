// The page as a newcomer meets it, in headless Chromium against the real engine: the
// SASL tab's way to the Calculator, a bad address marked at its field with the stale
// transcript labelled, the C:/S: legend and people words for the run's size, readable
// group labels, a preset explanation that stays while editing, the phone layout, and no
// code identifiers in the visible text of the main tabs.
// Run: node --test tests/e2e/first-sight.test.mjs (after building www/pkg).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { afterRender, DESKTOP, openTab, PHONE, ROOT, SHOTS, usePlayground, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();

async function openPage(query = '', viewport = DESKTOP, colorScheme = 'light') {
  const context = await playground.browser.newContext({ viewport, colorScheme });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/${query}`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  return { page, context, watch };
}

/** WCAG contrast of two computed `rgb(…)` colours. */
function contrast(a, b) {
  const luminance = (color) => {
    const [r, g, bl] = color
      .match(/[\d.]+/g)
      .slice(0, 3)
      .map(Number);
    const lin = (c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(bl);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The visible text of `selector`, leaving out the "raw data" disclosures: `text`, all
 * of it, and `labels`, the texts of field labels, headers and disclosure titles.
 */
function visibleWords(page, selector) {
  return page.$eval(selector, (root) => {
    const shown = (node) => node && !node.closest('.raw-data') && node.checkVisibility();
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // Wire data (base64, escaped octets) is shown as code, not as words.
      if (shown(node.parentElement) && !node.parentElement.closest('code, pre, .b64group')) out.push(node.textContent);
    }
    const labels = Array.from(root.querySelectorAll('dt, th, summary, label, legend'))
      .filter(shown)
      .map((node) => node.textContent.trim());
    return { text: out.join(' '), labels };
  });
}

/** Code identifiers a person should not meet: camelCase words anywhere, field names as labels. */
function codeIdentifiers({ text, labels }) {
  const camel = text.match(/\b[a-z]+[A-Z][A-Za-z]*\b/g) || [];
  const fieldNames = labels.filter((label) => /^(kind|command|pipelined|mailstore|type|octets|direction)$/.test(label));
  return [...camel, ...fieldNames];
}

async function clickLine(page, pattern) {
  const index = await page.$$eval(
    '#transcript [role="option"] .text',
    (nodes, source) => nodes.findIndex((node) => new RegExp(source).test(node.textContent)),
    pattern.source,
  );
  assert.ok(index >= 0, `a transcript line matches ${pattern}`);
  await page.click(`#line-${index}`);
  await page.waitForSelector('#line-details .details-title');
}

test('the SASL tab without AUTH points to the Calculator, and the link opens it', async () => {
  const { page, context } = await openPage('?preset=esmtp');
  await openTab(page, '#tab-sasl');
  const text = await page.textContent('#view-sasl');
  assert.match(text, /No AUTH exchange in this run/);
  assert.match(text, /Checking a line from a log\? Use the Calculator/);
  await page.click('#view-sasl a:text("Use the Calculator")');
  await page.waitForSelector('#view-calculator[data-loaded]', { state: 'attached', timeout: 60000 });
  assert.equal(await page.getAttribute('#tab-calculator', 'aria-selected'), 'true');
  assert.equal(await page.isVisible('#calc-input'), true);
  await context.close();
});

test('bob@@example marks the To field in plain words and greys the transcript as not re-run', async () => {
  const { page, context } = await openPage('?preset=esmtp');
  assert.equal(await page.isVisible('#stale-note'), false);
  await page.fill('#f-client-message-to', 'bob@@example');
  await page.waitForSelector('#f-client-message-to[aria-invalid="true"]', { timeout: 60000 });
  const message = await page.textContent('#f-client-message-to-error');
  assert.match(message, /two @ signs; expected name@domain/i);
  assert.equal(await page.isVisible('#f-client-message-to-error'), true);
  assert.match(await page.getAttribute('#view-transcript', 'class'), /\bstale\b/);
  assert.equal(await page.isVisible('#stale-note'), true);
  assert.match(await page.$eval('#view-transcript .transcript-wrap', (node) => getComputedStyle(node).filter), /grayscale/);
  assert.match(await page.textContent('#stale-note'), /Not re-run/);
  await page.screenshot({ path: path.join(SHOTS, 'first-sight-bad-address.png') });
  await afterRender(page, () => page.fill('#f-client-message-to', 'bob@example.org'));
  assert.equal(await page.getAttribute('#f-client-message-to', 'aria-invalid'), 'false');
  assert.equal(await page.textContent('#f-client-message-to-error'), '');
  assert.doesNotMatch(await page.getAttribute('#view-transcript', 'class'), /\bstale\b/);
  assert.equal(await page.isVisible('#stale-note'), false);
  await context.close();
});

test('first sight: a C:/S: legend, writes and simulated seconds, readable group labels', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage('?preset=pipelining', DESKTOP, colorScheme);
    const legend = await page.textContent('#view-transcript .legend');
    assert.match(legend, /C:\s*the client sends/);
    assert.match(legend, /S:\s*the server replies/);
    const summary = await page.textContent('#transcript-summary');
    assert.match(summary, /^\d+ writes?, \d+(\.\d+)? s of simulated time$/);
    assert.doesNotMatch(await page.textContent('#status'), /timeline entries/);
    const label = await page.$eval('#transcript .group-label', (node) => {
      const style = getComputedStyle(node);
      let back = node;
      while (back && getComputedStyle(back).backgroundColor === 'rgba(0, 0, 0, 0)') back = back.parentElement;
      return {
        size: Number.parseFloat(style.fontSize),
        color: style.color,
        background: back ? getComputedStyle(back).backgroundColor : 'rgb(255, 255, 255)',
      };
    });
    assert.ok(label.size >= 12, `group label is ${label.size}px`);
    assert.ok(contrast(label.color, label.background) >= 4.5, `${colorScheme}: group label contrast`);
    await context.close();
  }
});

test('the pipelined group and the 250-PIPELINING line explain themselves', async () => {
  const { page, context } = await openPage('?preset=pipelining');
  await clickLine(page, /^250-PIPELINING$/);
  const details = await page.textContent('#line-details');
  assert.match(details, /RFC 2920/);
  assert.match(details, /without waiting/);
  await clickLine(page, /^MAIL FROM:/);
  assert.match(await page.textContent('#line-details'), /first command of a pipelined group/i);
  await context.close();
});

test('editing a field keeps the preset explanation in place', async () => {
  const { page, context } = await openPage('?preset=esmtp');
  const before = await page.$eval('#preset-explanation', (node) => ({
    text: node.textContent,
    top: node.nextElementSibling.getBoundingClientRect().top,
  }));
  const outputTop = await page.$eval('#output', (node) => node.getBoundingClientRect().top);
  await afterRender(page, () => page.fill('#f-client-message-subject', 'Edited subject'));
  assert.equal(await page.inputValue('#preset'), '');
  assert.equal(await page.isVisible('#preset-explanation'), true);
  const after = await page.$eval('#preset-explanation', (node) => ({
    text: node.textContent,
    top: node.nextElementSibling.getBoundingClientRect().top,
  }));
  assert.equal(after.text, before.text);
  assert.equal(after.top, before.top);
  assert.equal(await page.$eval('#output', (node) => node.getBoundingClientRect().top), outputTop);
  await context.close();
});

test('phone (375 px): the transcript comes first, the tabs stay on one row, wide things scroll with a cue', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context } = await openPage('?preset=esmtp', PHONE, colorScheme);
    const firstLine = await page.$eval('#line-0', (node) => node.getBoundingClientRect().top);
    assert.ok(firstLine < PHONE.height, `the first transcript line is at ${firstLine}px`);
    const tabTops = await page.$$eval('[role="tab"]', (tabs) => tabs.map((tab) => tab.offsetTop));
    assert.equal(new Set(tabTops).size, 1, 'the tabs are one row');
    const tabs = await page.$eval('.tabs', (node) => ({
      overflow: getComputedStyle(node).overflowX,
      width: node.getBoundingClientRect().right,
    }));
    assert.equal(tabs.overflow, 'auto');
    assert.ok(tabs.width <= PHONE.width);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways page scroll');
    await page.screenshot({ path: path.join(SHOTS, `first-sight-phone-transcript-${colorScheme}.png`) });

    await openTab(page, '#tab-step');
    const diagram = await page.$eval('.diagram-wrap', (node) => ({
      right: node.getBoundingClientRect().right,
      overflow: getComputedStyle(node).overflowX,
      scrolls: node.scrollWidth > node.clientWidth,
      cue: getComputedStyle(node).backgroundImage,
    }));
    assert.ok(diagram.right <= PHONE.width, 'the diagram box fits the screen');
    assert.equal(diagram.overflow, 'auto');
    if (diagram.scrolls) assert.match(diagram.cue, /gradient/, 'a scrolling diagram shows a cue');
    await page.screenshot({ path: path.join(SHOTS, `first-sight-phone-step-${colorScheme}.png`), fullPage: true });

    await openTab(page, '#tab-negotiation');
    // The Negotiation tables turn into one card per row: nothing to scroll sideways.
    const wraps = await page.$$eval('#view-negotiation .table-wrap', (nodes) =>
      nodes.map((node) => ({ cue: getComputedStyle(node).backgroundImage, fits: node.scrollWidth <= node.clientWidth })),
    );
    assert.ok(wraps.length > 0);
    for (const wrap of wraps) {
      assert.match(wrap.cue, /gradient/);
      assert.ok(wrap.fits, 'a Negotiation table fits the phone');
    }
    await page.screenshot({ path: path.join(SHOTS, `first-sight-phone-negotiation-${colorScheme}.png`), fullPage: true });
    await context.close();
  }
});

test('no code identifiers in the visible text of Transcript, Negotiation, SASL and Calculator', async () => {
  const { page, context } = await openPage('?preset=cram-md5');
  for (const pattern of [/^250-PIPELINING$/, /^MAIL FROM:/, /^AUTH CRAM-MD5/, /^250 .*queued/i]) {
    const found = await page.$$eval(
      '#transcript [role="option"] .text',
      (nodes, source) => nodes.some((node) => new RegExp(source, 'i').test(node.textContent)),
      pattern.source,
    );
    if (!found) continue;
    await clickLine(page, pattern);
    const words = codeIdentifiers(await visibleWords(page, '#view-transcript'));
    assert.deepEqual(words, [], `transcript with ${pattern} selected`);
  }
  for (const tab of ['negotiation', 'sasl']) {
    await openTab(page, `#tab-${tab}`);
    assert.deepEqual(codeIdentifiers(await visibleWords(page, `#view-${tab}`)), [], tab);
  }
  await openTab(page, '#tab-calculator');
  await page.fill('#calc-input', 'AUTH PLAIN AGFsaWNlAHdyb25n');
  await page.click('#calc-decode-form button[type=submit]');
  await page.waitForSelector('#calc-decode-result [role="status"]');
  await page.click('#calc-encode-form button[type=submit]');
  await page.waitForSelector('#calc-encode-result *');
  assert.deepEqual(codeIdentifiers(await visibleWords(page, '#view-calculator')), [], 'calculator');
  await context.close();
});

test('screenshots of the four tabs at desktop and phone, light and dark', async () => {
  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    for (const colorScheme of ['light', 'dark']) {
      const { page, context, watch } = await openPage('?preset=cram-md5', viewport, colorScheme);
      await clickLine(page, /^250-PIPELINING$/);
      await page.screenshot({ path: path.join(SHOTS, `first-sight-${name}-${colorScheme}-transcript.png`), fullPage: true });
      for (const tab of ['negotiation', 'sasl', 'calculator']) {
        await openTab(page, `#tab-${tab}`);
        await page.screenshot({ path: path.join(SHOTS, `first-sight-${name}-${colorScheme}-${tab}.png`), fullPage: true });
      }
      assert.deepEqual(watch.errors, []);
      await context.close();
    }
  }
});

test('accessibility: the SASL empty state and a marked bad address have no axe violations', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
  for (const [viewport, colorScheme] of [
    [DESKTOP, 'light'],
    [PHONE, 'dark'],
  ]) {
    const { page, context } = await openPage('?preset=esmtp', viewport, colorScheme);
    await page.evaluate(axeSource); // evaluated over CDP: the page's CSP does not apply
    const violations = async () =>
      (await page.evaluate((t) => window.axe.run(document, { runOnly: { type: 'tag', values: t } }), tags)).violations.map(
        (v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
      );
    await page.evaluate(() => {
      for (const panel of document.querySelectorAll('.config-panel')) panel.open = true;
    });
    await page.fill('#f-client-message-to', 'bob@@example');
    await page.waitForSelector('#f-client-message-to[aria-invalid="true"]', { timeout: 60000 });
    assert.deepEqual(await violations(), [], `${colorScheme}: bad address`);
    await openTab(page, '#tab-sasl');
    assert.deepEqual(await violations(), [], `${colorScheme}: SASL empty state`);
    await context.close();
  }
});
