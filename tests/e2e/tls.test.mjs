// TLS in the page, in headless Debian Chromium: the first view never fetches the TLS
// module; each TLS preset runs; the transcript marks lines inside TLS (C~/S~) and its
// switch shows them as an eavesdropper sees them (TLS records in place of the text, the
// cleartext before STARTTLS as it was); the handshake summary shows what the engine
// negotiated; the stripped presets show a required client stopping and an opportunistic
// one's password in the clear; axe finds nothing. Needs www/pkg/ and www/pkg/tls/ built.
// Run: node --test tests/e2e/tls.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { afterRender, DESKTOP, openTab, PHONE, ROOT, SHOTS, transcriptLines, usePlayground, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** A fresh page at `query`, ready after its first run. */
async function open(query = '', { viewport = DESKTOP, colorScheme = 'light' } = {}) {
  const context = await playground.browser.newContext({ viewport, colorScheme });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/${query}`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  return { page, context, watch };
}

/** The TLS files the page fetched (the TLS engine module and the TLS view's code). */
function tlsRequests(watch) {
  return watch.requests.map((url) => new URL(url).pathname).filter((file) => file.startsWith('/pkg/tls/') || file === '/js/tls-view.js');
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

/** Flips the transcript switch with the keyboard (radio buttons: arrow keys) and waits for the render. */
async function showWire(page, wire) {
  await afterRender(page, async () => {
    await page.focus(wire ? '#transcript-engines' : '#transcript-wire');
    await page.keyboard.press(wire ? 'ArrowRight' : 'ArrowLeft');
  });
  assert.equal(await page.isChecked(wire ? '#transcript-wire' : '#transcript-engines'), true);
}

async function pick(page, preset) {
  await afterRender(page, () => page.selectOption('#preset', preset));
  await page.waitForSelector('#tls-panel:not([hidden])');
}

test('the first view fetches no TLS code; the first TLS preset loads it once and says so', async () => {
  const { page, context, watch } = await open();
  await page.waitForTimeout(300);
  assert.deepEqual(tlsRequests(watch), [], 'nothing of TLS before a TLS scenario');
  assert.ok(await page.isHidden('#tls-panel'));
  // The forms offer every TLS setting, in the engine's words.
  for (const [id, label] of [
    ['f-server-starttls', /STARTTLS \(RFC 3207\)/],
    ['f-server-authRequiresTls', /AUTH only after TLS/],
    ['f-client-tls', /STARTTLS \(RFC 3207\)/],
    ['f-implicitTls', /Implicit TLS \(RFC 8314, port 465\)/],
    ['f-middlebox', /Tampering middlebox/],
  ]) {
    assert.match(await page.$eval(`#${id}`, (el) => el.labels[0].textContent), label, id);
  }
  assert.deepEqual(await page.$$eval('#f-middlebox option', (options) => options.map((o) => o.value)), ['none', 'stripStarttls']);
  const statuses = [];
  await page.exposeFunction('recordStatus', (text) => statuses.push(text));
  await page.evaluate(() => {
    const status = document.getElementById('status');
    new MutationObserver(() => window.recordStatus(status.textContent)).observe(status, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await pick(page, 'starttls-auth-plain');
  assert.ok(
    statuses.some((text) => /Loading TLS/.test(text)),
    `a loading state was shown: ${statuses.join(' | ')}`,
  );
  const fetched = tlsRequests(watch);
  assert.ok(fetched.includes('/js/tls-view.js'), fetched.join());
  assert.ok(
    fetched.some((file) => file.endsWith('.wasm')),
    fetched.join(),
  );
  await pick(page, 'implicit-tls');
  assert.deepEqual(tlsRequests(watch), fetched, 'loaded once');
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('STARTTLS then AUTH PLAIN: C~ inside TLS, the eavesdropper sees records, the summary names what was negotiated', async () => {
  const { page, context } = await open('?preset=starttls-auth-plain');
  await page.waitForSelector('#tls-panel:not([hidden])');
  const engines = await transcriptLines(page);
  assert.ok(engines.includes('C: STARTTLS'), engines.join('\n'));
  assert.ok(engines.some((line) => /^S: 220 2\.0\.0 /.test(line)));
  assert.ok(engines.some((line) => /^C~ AUTH PLAIN /.test(line)));
  assert.ok(engines.some((line) => /^S~ 235 /.test(line)));
  const summary = await page.textContent('#tls-panel');
  for (const field of [
    /Protocol version\s*TLSv1\.3/,
    /Cipher suite\s*TLS13_/,
    /Key exchange group\s*X25519/,
    /Certificate subject/,
    /Issuer/,
    /Valid from/,
    /Valid until/,
  ]) {
    assert.match(summary, field);
  }
  assert.match(summary, /verified against/i);
  assert.match(summary, /test CA/i, 'the certificate is named as the playground’s test CA');
  assert.match(await page.textContent('#tls-panel .tls-note'), /seed/i, 'the note on reproducible records');
  await shot(page, 'desktop-tls-engines');
  await page.click('#tls-panel .tls-summary > summary');
  await shot(page, 'desktop-tls-summary');

  await showWire(page, true);
  const wire = await transcriptLines(page);
  assert.ok(wire.includes('C: EHLO client.example.net'), 'the cleartext EHLO before STARTTLS stays text');
  assert.ok(wire.includes('C: STARTTLS'));
  assert.ok(
    wire.some((line) => /^C: TLS handshake \(ClientHello\) · /.test(line)),
    wire.join('\n'),
  );
  assert.ok(wire.some((line) => /^C: TLS application data · 0x0303 · length \d+ · 17 03 03 /.test(line)));
  assert.ok(!wire.some((line) => /AUTH PLAIN|^C~|^S~/.test(line)), 'nothing of what went inside TLS as text');
  // The record that carries AUTH names it in its details, with its octets.
  const index = await page.$$eval('#transcript [role="option"]', (nodes) =>
    nodes.findIndex((n) => /^TLS application data/.test(n.querySelector('.text').textContent)),
  );
  await page.click(`#line-${index}`);
  const details = await page.textContent('#line-details');
  assert.match(details, /Content type\s*applicationData/);
  assert.match(details, /Octets of this record/);
  await shot(page, 'desktop-tls-eavesdropper');

  await showWire(page, false);
  assert.deepEqual(await transcriptLines(page), engines, 'back as the engines see it');
  // The Sequence tab asks the TLS module for the diagram (the tabs' module refuses TLS).
  await openTab(page, '#tab-sequence');
  await page.waitForSelector('#view-sequence [data-arrows]', { timeout: 60000 });
  assert.match(await page.textContent('#view-sequence'), /TLS handshake/);
  assert.ok(await page.isHidden('#error'), await page.textContent('#error'));
  await context.close();
});

test('a link keeps the eavesdropper view: the URL says wire=1 and a reload opens the records', async () => {
  const { page, context } = await open('?preset=starttls-auth-plain');
  await page.waitForSelector('#tls-panel:not([hidden])');
  assert.equal(new URL(page.url()).hash.includes('wire=1'), false, 'the engines view is the default');
  await showWire(page, true);
  const url = page.url();
  assert.match(new URL(url).hash, /(^#|&)wire=1(&|$)/);
  const wire = await transcriptLines(page);
  await context.close();

  const reopened = await open(url.slice(playground.server.origin.length + 1));
  await reopened.page.waitForSelector('#tls-panel:not([hidden])');
  assert.equal(await reopened.page.isChecked('#transcript-wire'), true);
  assert.deepEqual(await transcriptLines(reopened.page), wire, 'the same records as before the reload');
  await showWire(reopened.page, false);
  assert.equal(new URL(reopened.page.url()).hash.includes('wire=1'), false, 'back to the engines view, the link drops it');
  await reopened.context.close();
});

test('STARTTLS stripped: the required client stops, the opportunistic one sends AUTH PLAIN in the clear', async () => {
  const { page, context } = await open('?preset=starttls-stripped-required');
  await page.waitForSelector('#transcript [role="option"]');
  const required = await transcriptLines(page);
  assert.ok(!required.some((line) => /^C: (STARTTLS|AUTH|MAIL)/.test(line)), required.join('\n'));
  assert.equal(required.at(-2), 'C: QUIT');
  // The server wrote STARTTLS; the box deleted it: the line is struck through and says so.
  const struck = await page.$$eval('#transcript .line.tampered .text', (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(struck, ['250-STARTTLS']);
  assert.match(await page.textContent('#tls-panel'), /Removed on the way: “250-STARTTLS”/);
  await page.click('#transcript .line.tampered');
  await page.waitForSelector('#line-details .details-title');
  assert.match(await page.textContent('#line-details'), /RFC 3207 §6/);
  await openTab(page, '#tab-negotiation');
  assert.match(await page.textContent('#view-negotiation'), /STARTTLS/);
  await openTab(page, '#tab-transcript');
  await shot(page, 'desktop-tls-stripped-required');

  await afterRender(page, () => page.selectOption('#preset', 'starttls-stripped-opportunistic'));
  const opportunistic = await transcriptLines(page);
  assert.ok(
    opportunistic.some((line) => /^C: AUTH PLAIN /.test(line)),
    opportunistic.join('\n'),
  );
  await showWire(page, true);
  assert.ok(
    (await transcriptLines(page)).some((line) => /^C: AUTH PLAIN /.test(line)),
    'the eavesdropper reads it',
  );
  assert.match(await page.textContent('#tls-panel'), /no handshake/i);
  await shot(page, 'desktop-tls-stripped-opportunistic');
  await context.close();
});

test('STARTTLS command injection: the RSET sent behind STARTTLS never runs', async () => {
  const { page, context } = await open('?preset=starttls-injection');
  const lines = await transcriptLines(page);
  const rset = lines.indexOf('C: RSET');
  assert.ok(rset > 0 && lines[rset - 1] === 'C: STARTTLS', lines.join('\n'));
  assert.match(lines[rset + 1], /^S: 220 2\.0\.0 /, 'one reply, to STARTTLS');
  assert.match(lines[rset + 2], /^C~ EHLO /, 'then EHLO inside TLS, no reply to RSET in between');
  await context.close();
});

test('implicit TLS: nothing in the clear, not even the greeting', async () => {
  const { page, context } = await open('?preset=implicit-tls');
  await page.waitForSelector('#tls-panel:not([hidden])');
  const engines = await transcriptLines(page);
  assert.match(engines[0], /^S~ 220 /);
  assert.ok(
    engines.every((line) => /^[CS]~ /.test(line)),
    engines.join('\n'),
  );
  await showWire(page, true);
  const wire = await transcriptLines(page);
  assert.match(wire[0], /^C: TLS handshake \(ClientHello\)/);
  assert.ok(!wire.some((line) => /^[CS]: (220|EHLO|AUTH)/.test(line)));
  await context.close();
});

test('accessibility: axe finds nothing on the TLS panel and the eavesdropper view (light desktop, dark phone)', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const [viewport, colorScheme] of [
    [DESKTOP, 'light'],
    [PHONE, 'dark'],
  ]) {
    const { page, context } = await open('?preset=starttls-auth-plain', { viewport, colorScheme });
    await page.waitForSelector('#tls-panel:not([hidden])');
    await showWire(page, true);
    await page.click('#line-3');
    await page.waitForSelector('#line-details .details-title');
    await page.evaluate(axeSource); // over CDP: the page's CSP does not apply
    const results = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
    const violations = results.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
    assert.deepEqual(violations, [], colorScheme);
    if (colorScheme === 'dark') await shot(page, 'phone-tls-eavesdropper-dark');
    await context.close();
  }
});
