// The page in a real browser (Debian's Chromium driven by playwright-core): it loads the
// wasm engine, runs the default session, re-runs with an edited envelope, shows bad input
// as a readable error, talks to nobody but its own origin, and passes axe's checks.
// Screenshots go to artifacts/screenshots/ (git-ignored). Needs www/pkg built first:
// scripts/test does that.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WWW = join(ROOT, 'www');
const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const GREETING = 'S: 220 mx.example.org ESMTP Playground';
const EHLO_FIRST = 'S: 250-mx.example.org Hello client.example.net';
const GOODBYE = 'S: 221 2.0.0 mx.example.org closing connection';

let server;
let browser;

before(async () => {
  assert.ok(
    existsSync(join(WWW, 'pkg', 'esmtp_playground_bg.wasm')),
    'www/pkg is not built: run scripts/test (or scripts/serve) first',
  );
  await mkdir(SCREENSHOTS, { recursive: true });
  server = await serveStatic(WWW);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Opens the page in a fresh context and records what a test must check afterwards:
 * console errors, uncaught exceptions, and every URL the page asked for.
 */
async function openPage({ viewport = { width: 1280, height: 900 }, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const problems = [];
  const requested = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  context.on('request', (request) => requested.push(request.url()));
  await page.goto(`${server.origin}/`);
  return { context, page, problems, requested };
}

/** Waits until the page has finished run number `n` (counted by the page itself). */
async function waitForRun(page, n) {
  await page.locator(`#transcript[data-runs="${n}"]`).waitFor({ state: 'attached' });
}

/** The transcript as the user reads it: `C: ...` / `S: ...` lines. */
async function transcript(page) {
  return page.locator('#transcript li').evaluateAll((items) =>
    items.map((item) => `${item.querySelector('.dir').textContent} ${item.querySelector('.text').textContent}`),
  );
}

/**
 * The server's reply to EHLO: the S: lines after `C: EHLO ...` up to the first `250 ` line
 * (RFC 5321 §4.2.1: `250-` on every line but the last). Empty when there is no EHLO.
 */
function ehloReply(lines) {
  const start = lines.findIndex((line) => line.startsWith('C: EHLO '));
  if (start < 0) return [];
  const reply = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('S: ')) break;
    reply.push(line);
    if (!line.startsWith('S: 250-')) break;
  }
  return reply;
}

function assertOnlyOwnOrigin(requested) {
  const foreign = requested.filter((url) => new URL(url).origin !== server.origin);
  assert.deepEqual(foreign, [], 'the page must not contact anything but its own origin');
}

describe('the playground page', () => {
  test('runs the default session on load', async () => {
    const { context, page, problems, requested } = await openPage();
    await waitForRun(page, 1);
    const lines = await transcript(page);
    assert.equal(lines[0], GREETING);
    assert.ok(lines.includes('C: EHLO client.example.net'), lines.join('\n'));
    const ehlo = ehloReply(lines);
    assert.equal(ehlo[0], EHLO_FIRST, lines.join('\n'));
    assert.match(ehlo.at(-1), /^S: 250 /, 'the EHLO reply ends with a "250 " line');
    assert.ok(ehlo.some((line) => /^S: 250[- ]PIPELINING$/.test(line)), ehlo.join('\n'));
    assert.ok(ehlo.some((line) => /^S: 250[- ]8BITMIME$/.test(line)), ehlo.join('\n'));
    assert.ok(lines.includes('C: RCPT TO:<bob@example.org>'), lines.join('\n'));
    assert.equal(lines.at(-1), GOODBYE);
    assert.match(await page.locator('#status').textContent(), /1 message accepted/);
    assert.equal(await page.locator('#error').isHidden(), true);
    assert.match(await page.locator('#engine-version').textContent(), /^\d+\.\d+\.\d+/);
    // The page works under its strict CSP (a violation would be a console error below).
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /default-src 'none'/);
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop.png'), fullPage: true });

    assert.deepEqual(problems, []);
    assertOnlyOwnOrigin(requested);
    assert.ok(requested.some((url) => url.endsWith('.wasm')), 'the wasm module was fetched');
    await context.close();
  });

  test('re-runs with an edited envelope', async () => {
    const { context, page, problems, requested } = await openPage();
    await waitForRun(page, 1);
    await page.getByLabel('Sender').fill('carol@example.net');
    await page.getByLabel('Recipients').fill('dave@example.org\nerin@example.org');
    await page.getByRole('button', { name: 'Run' }).click();
    await waitForRun(page, 2);
    const lines = await transcript(page);
    // The client may add parameters (SIZE=, BODY=) after the path.
    assert.ok(lines.some((line) => line.startsWith('C: MAIL FROM:<carol@example.net>')), lines.join('\n'));
    assert.ok(lines.includes('C: RCPT TO:<dave@example.org>'), lines.join('\n'));
    assert.ok(lines.includes('C: RCPT TO:<erin@example.org>'), lines.join('\n'));
    assert.ok(!lines.includes('C: RCPT TO:<bob@example.org>'), lines.join('\n'));
    assert.equal(lines.at(-1), GOODBYE);
    assert.deepEqual(problems, []);
    assertOnlyOwnOrigin(requested);
    await context.close();
  });

  test('shows bad input as a readable error, and recovers', async () => {
    const { context, page, problems } = await openPage();
    await waitForRun(page, 1);
    const sender = page.getByLabel('Sender');
    await sender.fill('not an address');
    await sender.press('Enter'); // Enter in a field submits the form: keyboard users can run.
    const error = page.getByRole('alert');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.textContent(), /From address 'not an address'/);
    assert.equal(await page.locator('#transcript li').count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'error.png') });

    await page.getByRole('button', { name: 'Reset to default' }).click();
    await waitForRun(page, 2);
    assert.equal(await error.isHidden(), true);
    assert.equal((await transcript(page)).at(-1), GOODBYE);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('says so in the page when the engine cannot load', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(`${server.origin}/`);
    await page.locator('html[data-engine="failed"]').waitFor({ state: 'attached' });
    assert.match(await page.getByRole('alert').textContent(), /engine could not be loaded/);
    assert.equal(await page.getByRole('button', { name: 'Run' }).isDisabled(), true);
    await context.close();
  });

  test('is usable 375 px wide', async () => {
    const { context, page, problems } = await openPage({ viewport: { width: 375, height: 812 } });
    await waitForRun(page, 1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
    await page.screenshot({ path: join(SCREENSHOTS, 'mobile-375.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`passes axe-core checks in the ${colorScheme} theme`, async () => {
      const { context, page } = await openPage({ colorScheme });
      await waitForRun(page, 1);
      if (colorScheme === 'dark') {
        await page.screenshot({ path: join(SCREENSHOTS, 'desktop-dark.png'), fullPage: true });
      }
      // Evaluated through the DevTools protocol, so the page's CSP does not apply to it.
      const axeSource = await readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        });
        return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      });
      assert.deepEqual(violations, []);
      await context.close();
    });
  }
});
