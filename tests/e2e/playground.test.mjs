// End-to-end tests of the playground page in headless Debian Chromium.
// Needs www/pkg/ built (scripts/serve or scripts/test do it). Run: node --test tests/e2e/
// Screenshots go to artifacts/screenshots/ (git-ignored).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { afterRender, DESKTOP, openTab, PHONE, ROOT, SHOTS, transcriptLines, usePlayground, watchedPage } from './playground-helpers.mjs';
import { PRESET_EXPECTATIONS } from './preset-expectations.mjs';

const playground = usePlayground();
const allRequests = [];
const allErrors = [];

/** A fresh page at `query` (e.g. "?embed=1"), ready after its first run. */
async function open(query = '', { viewport = DESKTOP, contextOptions = {} } = {}) {
  const context = await playground.browser.newContext({ viewport, ...contextOptions });
  const { page, watch } = await watchedPage(context);
  watch.requests = allRequests;
  page.on('console', (m) => {
    if (m.type() === 'error') allErrors.push(m.text());
  });
  page.on('pageerror', (e) => allErrors.push(String(e)));
  await page.goto(`${playground.server.origin}/${query}`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  return { page, context, watch };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

/** Clicks the first transcript line whose text matches `pattern`. */
async function selectLineMatching(page, pattern) {
  const id = await page.$$eval(
    '#transcript [role="option"]',
    (nodes, source) => nodes.find((n) => new RegExp(source).test(n.querySelector('.text').textContent)).id,
    pattern.source,
  );
  await page.click(`#${id}`);
  // The first selection loads the details' code (js/line-details.js).
  await page.waitForSelector('#line-details .details-title');
}

function assertNoProblem(page) {
  return page.isHidden('#error').then((hidden) => assert.ok(hidden, 'the error box is shown'));
}

test('the default scenario runs on load and shows greeting, EHLO reply and 221', async () => {
  const { page, context } = await open();
  const lines = await transcriptLines(page);
  assert.equal(lines[0], 'S: 220 mx.example.org ESMTP Playground');
  assert.ok(lines.includes('C: EHLO client.example.net'));
  assert.ok(lines.includes('S: 250-PIPELINING'));
  assert.match(lines.at(-1), /^S: 221 2\.0\.0 /);
  assert.equal(await page.inputValue('#preset'), 'esmtp');
  await assertNoProblem(page);
  await page.click('#line-1');
  await page.waitForSelector('#line-details .details-title');
  assert.match(await page.textContent('#line-details'), /RFC 5321 §4\.1\.1\.1/);
  assert.match(await page.textContent('#line-details'), /45 48 4c 4f/, 'hex of EHLO');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'line-2');
  await shot(page, 'desktop-transcript');
  await page.check('#show-control');
  await page.waitForSelector('#transcript .ctl');
  assert.equal(await page.textContent('#line-0 .ctl:nth-of-type(1)'), 'CR');
  await context.close();
});

test('line details come from the engine: EHLO extensions, the pipelined group, why SIZE= is there', async () => {
  const { page, context } = await open();
  await selectLineMatching(page, /^250-PIPELINING$/);
  const pipelining = await page.textContent('#line-details');
  assert.match(pipelining, /RFC 2920/);
  assert.match(pipelining, /several commands .* without waiting for each reply/, 'says what PIPELINING allows');
  await selectLineMatching(page, /^250-SIZE /);
  assert.match(await page.textContent('#line-details .line-notes'), /largest message .*RFC 1870/);
  await selectLineMatching(page, /^MAIL FROM:/);
  const mail = await page.textContent('#line-details .line-notes');
  assert.match(mail, /First command of a pipelined group/);
  assert.match(mail, /SIZE=\d+: .*because the server offered SIZE/);
  await selectLineMatching(page, /^RCPT TO:/);
  assert.match(await page.textContent('#line-details .line-notes'), /Command 2 of \d+ in the pipelined group/);
  const visible = await page.$eval('#line-details', (pane) => {
    const copy = pane.cloneNode(true);
    for (const raw of copy.querySelectorAll('details.raw-data')) raw.remove();
    return copy.textContent;
  });
  for (const name of [/\bkind\b/, /pipelined (true|false)/, /cramResponse/, /sevenBit/, /clientLines/, /\{"/]) {
    assert.doesNotMatch(visible, name, 'no code field names outside the raw data');
  }
  await selectLineMatching(page, /^250-PIPELINING$/);
  await page.click('#line-details a.to-negotiation');
  await page.waitForSelector('#view-negotiation:not([hidden]) #negotiation-row-PIPELINING', { timeout: 60000 });
  assert.match(await page.textContent('#negotiation-row-PIPELINING'), /without waiting.*Used .*RFC 2920/);
  await context.close();
});

test('a HELO session’s Negotiation view says, in the engine’s words, why no extension is listed', async () => {
  const { page, context } = await open('?preset=helo-client');
  assert.ok((await transcriptLines(page)).includes('C: HELO client.example.net'));
  await openTab(page, '#tab-negotiation');
  const note = await page.textContent('#view-negotiation .note');
  assert.match(note, /No EHLO extension list was learned/);
  assert.match(note, /\(RFC 5321 §4\.1\.1\.1\)$/);
  const headers = await page.$$eval('#view-negotiation th', (cells) => cells.map((c) => c.textContent));
  assert.ok(!headers.includes('Offered'), `no table of offers: ${headers}`);
  await context.close();
});

test('every preset runs through the UI against the real engines and shows its key lines', async () => {
  const { page, context } = await open();
  const ids = await page.evaluate(async () =>
    (await (await import('./js/presets.js')).loadPresets()).map((p) => ({ id: p.id, scripted: Boolean(p.patch.script) })),
  );
  assert.deepEqual(
    ids.map((p) => p.id).sort(),
    Object.keys(PRESET_EXPECTATIONS).sort(),
    'every preset has its expectations, and only presets do',
  );
  const presets = ids.map((p) => ({ ...p, expect: [], absent: [], sequence: [], mailbox: [], ...PRESET_EXPECTATIONS[p.id] }));
  const offered = await page.$$eval('#preset option', (options) => options.map((o) => o.value).filter(Boolean));
  assert.deepEqual(
    offered,
    ids.map((p) => p.id),
    'the preset menu lists every preset',
  );
  for (const id of [
    'esmtp',
    'helo-only-server',
    'eight-bit',
    'size-refused',
    'to-cc-bcc',
    'relay-denied',
    'relay-after-auth',
    'auth-plain',
    'auth-login',
    'cram-md5',
    'digest-md5',
    'wrong-password',
    'obsolete',
    'line-too-long',
    'too-many-recipients',
    'pipelining',
    'lock-step',
    'timeout',
    'smuggling',
  ]) {
    assert.ok(offered.includes(id), `the preset ${id} exists`);
  }
  // The Mailboxes view loads on first open; from then on it renders on every run.
  await openTab(page, '#tab-mailboxes');
  await openTab(page, '#tab-transcript');
  for (const preset of presets) {
    await afterRender(page, () => page.selectOption('#preset', preset.id));
    const lines = await transcriptLines(page);
    const dump = `\n${lines.join('\n').slice(0, 4000)}`;
    for (const re of preset.expect) {
      assert.ok(
        lines.some((line) => re.test(line)),
        `${preset.id}: no line matches ${re}${dump}`,
      );
    }
    for (const re of preset.absent) {
      assert.ok(!lines.some((line) => re.test(line)), `${preset.id}: a line matches ${re}${dump}`);
    }
    for (const run of preset.sequence) {
      const found = lines.some((_, i) => run.every((re, j) => i + j < lines.length && re.test(lines[i + j])));
      assert.ok(found, `${preset.id}: no consecutive lines match ${run.join(' | ')}${dump}`);
    }
    if (preset.mailbox.length) {
      const text = await page.textContent('#view-mailboxes');
      for (const re of preset.mailbox) assert.match(text, re, `${preset.id}: mailboxes`);
    }
    assert.ok((await page.textContent('#preset-explanation')).length > 40, `${preset.id}: explanation shown`);
    if (preset.scripted) assert.match(await page.textContent('#status'), /scripted/i, `${preset.id}: says the client is scripted`);
    await assertNoProblem(page);
  }
  await context.close();
});

test('SMTP smuggling: the server answers the hidden data exactly once and delivers nothing', async () => {
  const { page, context } = await open('?preset=smuggling');
  const lines = await transcriptLines(page);
  const dataStart = lines.findIndex((line) => /^S: 354 /.test(line));
  const quit = lines.lastIndexOf('C: QUIT');
  assert.ok(dataStart > 0 && quit > dataStart);
  const repliesToData = lines.slice(dataStart + 1, quit).filter((line) => line.startsWith('S: '));
  assert.deepEqual(repliesToData, ['S: 550 5.5.2 Error: bare <LF> received'], 'one reply for all the octets after DATA');
  assert.ok(lines.includes('C: MAIL FROM:<evil@example.net>'), 'the smuggled command was on the wire, inside the data');
  await openTab(page, '#tab-mailboxes');
  assert.match(await page.textContent('#view-mailboxes'), /No message was accepted in this run/);
  await openTab(page, '#tab-negotiation');
  assert.match(await page.textContent('#view-negotiation'), /Scripted client: no client engine ran/);
  assert.match(await page.textContent('#view-negotiation'), /The message contains a bare LF/);
  await openTab(page, '#tab-transcript');
  assert.match(await page.inputValue('#f-script'), /MAIL FROM:<evil@example\.net>/, 'the script is shown (and editable) in Run settings');
  const shared = await open(page.url().slice(playground.server.origin.length + 1));
  assert.deepEqual(await transcriptLines(shared.page), lines, 'a shared link carries the script');
  await shared.context.close();
  await page.check('#show-control');
  await page.waitForSelector('#transcript .ctl');
  const bareLf = await page.$$eval('#transcript [role="option"]', (nodes) =>
    nodes.filter((n) => /^Hi Bob/.test(n.querySelector('.text').textContent)).map((n) => n.querySelector('.text').textContent),
  );
  assert.deepEqual(bareLf, ['Hi BobLF'], 'the bare LF is drawn visibly (no CR before it)');
  assert.match(await page.textContent('#client-form'), /Not used in this run/);
  await selectLineMatching(page, /^550 5\.5\.2 /);
  assert.match(await page.textContent('#line-details'), /bare LF/);
  await shot(page, 'desktop-smuggling');
  // Normalising bare LF instead: still one reply, one message, nothing smuggled.
  await afterRender(page, () => page.selectOption('#f-server-strictness-bareLf', 'normalise'));
  const normalised = await transcriptLines(page);
  const replies = normalised
    .slice(normalised.findIndex((l) => /^S: 354 /.test(l)) + 1, normalised.lastIndexOf('C: QUIT'))
    .filter((l) => l.startsWith('S: '));
  assert.equal(replies.length, 1);
  assert.match(replies[0], /^S: 250 2\.0\.0 Ok: queued as /);
  await openTab(page, '#tab-mailboxes');
  assert.match(await page.textContent('#view-mailboxes'), /1 copy delivered to 1 recipient/);
  assert.match(await page.textContent('#view-mailboxes'), /MAIL FROM:<evil@example\.net>/, 'the would-be second message is just body text');
  await context.close();
  const phone = await open('?preset=smuggling', { viewport: PHONE });
  await selectLineMatching(phone.page, /^550 5\.5\.2 /);
  await phone.page.evaluate(() => document.querySelector('#transcript [aria-selected="true"]').scrollIntoView({ block: 'center' }));
  await shot(phone.page, 'phone-smuggling');
  await phone.context.close();
});

test('timeout preset: the virtual clock passes the idle timeout and the server says 421', async () => {
  const { page, context } = await open('?preset=timeout');
  await page.check('#show-time');
  const last = await page.$$eval('#transcript [role="option"]', (nodes) => nodes.at(-1).textContent);
  assert.match(last, /^\+30\.\d{3}S:421 4\.4\.2 /);
  await openTab(page, '#tab-step');
  await page.click('#step-last');
  assert.equal(await page.getAttribute('.diagram .node.current', 'data-state'), 'closed');
  await context.close();
});

test('relay denied and relay after AUTH: 550 5.7.1, then ESMTPA in the Received header', async () => {
  const { page, context } = await open('?preset=relay-denied');
  assert.ok((await transcriptLines(page)).includes('S: 550 5.7.1 <someone@elsewhere.test>: Relay access denied'));
  await selectLineMatching(page, /^550 5\.7\.1 /);
  assert.match(await page.textContent('#line-details'), /relay/i);
  await shot(page, 'desktop-relay-denied');
  await afterRender(page, () => page.selectOption('#preset', 'relay-after-auth'));
  await openTab(page, '#tab-mailboxes');
  assert.match(
    await page.textContent('.mailbox .header-field.added'),
    /^Received: from client\.example\.net[\s\S]*by mx\.example\.org with ESMTPA id /,
  );
  await context.close();
  const phone = await open('?preset=relay-denied', { viewport: PHONE });
  await selectLineMatching(phone.page, /^550 5\.7\.1 /);
  await phone.page.evaluate(() => document.querySelector('#transcript [aria-selected="true"]').scrollIntoView({ block: 'center' }));
  await shot(phone.page, 'phone-relay-denied');
  await phone.context.close();
});

test('SASL inspector: a real DIGEST-MD5 run shows HA1, HA2, response and rspauth on both sides; SCRAM pairs the RFC 5802 values', async () => {
  const { page, context } = await open('?preset=digest-md5');
  await openTab(page, '#tab-sasl');
  const text = await page.textContent('#view-sasl');
  assert.match(text, /AUTH DIGEST-MD5 exchange/);
  assert.match(text, /✓ alice authenticated with DIGEST-MD5/);
  for (const label of ['user:realm:password', 'H(user:realm:password)', 'A1', 'HA1', 'A2', 'HA2', 'response', 'rspauth']) {
    const row = await page.$$eval(
      '#view-sasl .both-sides tbody tr',
      (rows, l) => rows.filter((r) => r.querySelector('th').textContent === l).map((r) => r.lastElementChild.textContent),
      label,
    );
    assert.deepEqual(row, ['✓ same'], `${label}: computed by both sides and equal`);
  }
  assert.match(text, /\\xfe\\x849\\x9d/, 'binary H(A1) octets drawn visibly');
  assert.match(text, /client Step 1 · mechanism choice/);
  assert.match(text, /server Step 2 · challenge, 334 challenge/);
  assert.match(text, /Base64 grouping: \d+ × \(3 octets → 4 characters\)/);
  await shot(page, 'desktop-sasl-digest-md5');
  await afterRender(page, () => page.selectOption('#preset', 'cram-md5'));
  const cram = await page.textContent('#view-sasl');
  assert.match(cram, /HMAC-MD5 digest/);
  assert.match(cram, /HMAC-MD5\(key, challenge\) = [0-9a-f]{32}/);
  assert.match(cram, /<\d+\.\d+@mx\.example\.org>/, 'the challenge is the HMAC input');
  await afterRender(page, () => page.selectOption('#preset', 'scram-sha-256'));
  const scramRows = await page.$$eval('#view-sasl .both-sides tbody tr', (rows) =>
    Object.fromEntries(rows.map((r) => [r.querySelector('th').textContent, r.lastElementChild.textContent])),
  );
  for (const label of [
    'SaltedPassword',
    'ClientKey',
    'StoredKey',
    'AuthMessage',
    'ClientSignature',
    'ClientProof',
    'ServerKey',
    'ServerSignature',
  ]) {
    assert.equal(scramRows[label], '✓ same', `SCRAM ${label}: computed by both sides and equal`);
  }
  await afterRender(page, () => page.selectOption('#preset', 'auth-plain'));
  assert.match(await page.textContent('#view-sasl'), /NULaliceNULS3cret-pw/);
  assert.match(await page.textContent('#view-sasl'), /00 61 6c 69 63 65 00/);
  await afterRender(page, () => page.selectOption('#preset', 'wrong-password'));
  assert.match(await page.textContent('#view-sasl'), /✗ 535 5\.7\.8 Authentication credentials invalid/);
  await context.close();
  const phone = await open('?preset=digest-md5', { viewport: PHONE });
  await openTab(phone.page, '#tab-sasl');
  await phone.page.evaluate(() => document.querySelector('.tabs').scrollIntoView());
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the SASL view scrolls sideways by ${overflow}px at 375 px`);
  await shot(phone.page, 'phone-sasl-digest-md5');
  await phone.context.close();
});

test('the panels expose the server policy and the client AUTH as real fields', async () => {
  const { page, context } = await open();
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('.config-panel')) d.open = true;
  });
  for (const id of [
    'f-server-hostname',
    'f-server-localDomains',
    'f-server-auth-users',
    'f-server-role',
    'f-server-extensions-pipelining',
    'f-server-extensions-size',
    'f-server-extensions-eightBitMime',
    'f-server-extensions-auth',
    'f-server-maxMessageSize',
    'f-server-maxRecipients',
    'f-server-strictness-bareLf',
    'f-server-openRelay',
    'f-server-trustedClients',
    'f-server-auth-plaintextNeedsSecureChannel',
    'f-client-message-from',
    'f-client-message-to',
    'f-client-message-cc',
    'f-client-message-bcc',
    'f-client-message-subject',
    'f-client-message-body',
    'f-client-hello',
    'f-client-auth-mechanism',
    'f-client-auth-user',
    'f-client-auth-password',
    'f-client-pipelining',
    'f-client-eightBit',
    'f-client-quitAfter',
    'f-client-rawLines',
  ]) {
    assert.ok(await page.isVisible(`#${id}`), `#${id} is shown`);
    assert.ok(await page.$eval(`#${id}`, (el) => Boolean(el.labels?.length)), `#${id} has a label`);
  }
  assert.match(await page.textContent('[data-path="server.auth.plaintextNeedsSecureChannel"]'), /538 5\.7\.11 until STARTTLS/);
  assert.ok(await page.isDisabled('#f-client-auth-user'), 'no AUTH: credentials are off');
  await afterRender(page, () => page.selectOption('#f-client-auth-mechanism', 'CRAM-MD5'));
  assert.ok((await transcriptLines(page)).includes('C: AUTH CRAM-MD5'));
  await afterRender(page, () => page.check('#f-server-auth-plaintextNeedsSecureChannel'));
  await afterRender(page, () => page.selectOption('#f-client-auth-mechanism', 'PLAIN'));
  assert.ok(
    (await transcriptLines(page)).some((line) => /^S: 538 5\.7\.11 /.test(line)),
    'PLAIN refused without TLS',
  );
  await afterRender(page, () => page.fill('#f-client-auth-password', 'nope'));
  await afterRender(page, () => page.uncheck('#f-server-auth-plaintextNeedsSecureChannel'));
  assert.ok((await transcriptLines(page)).some((line) => /^S: 535 5\.7\.8 /.test(line)));
  await openTab(page, '#tab-transcript');
  const authLine = await page.$$eval(
    '#transcript [role="option"]',
    (nodes) => nodes.find((n) => /^AUTH PLAIN /.test(n.querySelector('.text').textContent)).id,
  );
  await page.click(`#${authLine}`);
  await page.waitForSelector('#line-details .details-title');
  const details = await page.textContent('#line-details');
  assert.match(details, /How the server handled it/);
  const visible = await page.$eval('#line-details', (pane) =>
    [...pane.querySelectorAll('.explanation, .line-notes')].map((n) => n.textContent).join(' '),
  );
  assert.doesNotMatch(visible, /"entries"|"type"/, 'trace events render readably, not as raw JSON');
  assert.ok(
    await page.$eval('#line-details', (pane) => [...pane.querySelectorAll('details.raw-data')].every((d) => !d.open)),
    'raw data only on request',
  );
  await context.close();
  const cram = await open('?preset=cram-md5');
  assert.equal(await cram.page.$eval('#f-client-auth-mechanism', (el) => el.tagName), 'SELECT', 'an AUTH preset gets the same AUTH fields');
  assert.equal(await cram.page.inputValue('#f-client-auth-mechanism'), 'CRAM-MD5');
  assert.equal(await cram.page.inputValue('#f-client-auth-password'), 'S3cret-pw');
  await afterRender(cram.page, () => cram.page.selectOption('#f-client-auth-mechanism', 'LOGIN'));
  assert.ok((await transcriptLines(cram.page)).includes('S: 334 VXNlcm5hbWU6'));
  await cram.context.close();
});

test('To/Cc/Bcc: one mailbox copy per recipient, Received added, no Bcc header, .eml download', async () => {
  const { page, context } = await open('?preset=to-cc-bcc');
  const daveLine = await page.$$eval(
    '#transcript [role="option"]',
    (nodes) => nodes.find((n) => n.querySelector('.text').textContent === 'RCPT TO:<dave@example.org>').id,
  );
  await page.click(`#${daveLine}`);
  await page.waitForSelector('#line-details .details-title');
  assert.match(await page.textContent('#line-details .event.best'), /dave@example\.org/, 'the explanation is the one for this RCPT');
  await openTab(page, '#tab-mailboxes');
  const boxes = await page.$$eval('.mailbox h3', (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(boxes, ['bob@example.org', 'carol@example.org', 'dave@example.org']);
  assert.match(await page.textContent('.mailbox .header-field.added'), /^Received: from client\.example\.net/);
  assert.equal(await page.$$eval('.header-field', (n) => n.filter((x) => /^Bcc:/i.test(x.textContent)).length), 0);
  assert.match(await page.textContent('.mailbox .bcc-note'), /No Bcc header/);
  const heads = await page.$$eval('.mailbox .mailbox-head p', (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(
    heads.map((text) => text.includes('received as Bcc')),
    [false, false, true],
    'only dave, the Bcc recipient, is marked (the engine says so)',
  );
  assert.match(await page.textContent('.mailbox .body'), /^Hi Bob,/, 'the body starts where the engine says');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.mailbox .download')]);
  const file = await download.path();
  assert.match(fs.readFileSync(file, 'latin1'), /^Received: from client\.example\.net[\s\S]*\r\n\r\nHi Bob,/);
  await shot(page, 'desktop-mailboxes');
  await openTab(page, '#tab-negotiation');
  assert.match(await page.textContent('#view-negotiation'), /PIPELINING/);
  assert.match(await page.textContent('#view-negotiation'), /SIZE/);
  await shot(page, 'desktop-negotiation');
  await context.close();
});

test('a shared link reproduces the exact scenario and bytes', async () => {
  const first = await open();
  await afterRender(first.page, () => first.page.fill('#f-client-message-subject', 'Shared ünïcode subject'));
  await afterRender(first.page, () => first.page.fill('#f-server-maxRecipients', '1'));
  await afterRender(first.page, () => first.page.fill('#f-client-message-to', 'bob@example.org\ncarol@example.org'));
  const url = first.page.url();
  assert.match(url, /#.*s=/);
  const expected = await transcriptLines(first.page);
  await first.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: playground.server.origin });
  await first.page.click('#copy-link');
  await first.page.waitForFunction(() => /Link copied/.test(document.querySelector('#status').textContent));
  assert.equal(await first.page.evaluate(() => navigator.clipboard.readText()), url);
  await first.page.click('#copy-transcript');
  await first.page.waitForFunction(() => /Transcript copied/.test(document.querySelector('#status').textContent));
  const copied = await first.page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /^S: 220 mx\.example\.org ESMTP Playground\nC: EHLO client\.example\.net\n/);
  assert.match(copied, /\nC: Subject: /);
  assert.equal(copied, `${expected.join('\n')}\n`);
  assert.ok(expected.some((line) => /^S: 452 4\.5\.3/.test(line)));
  await first.context.close();
  const second = await open(url.slice(playground.server.origin.length + 1));
  assert.deepEqual(await transcriptLines(second.page), expected);
  assert.equal(await second.page.inputValue('#f-client-message-subject'), 'Shared ünïcode subject');
  assert.equal(await second.page.inputValue('#preset'), '');
  await second.context.close();
});

test('an encoded Subject shows in Mailboxes as it travelled, with what it reads as beside it', async () => {
  const { page, context } = await open();
  await afterRender(page, () => page.fill('#f-client-message-subject', 'Grüße aus Köln'));
  await openTab(page, '#tab-mailboxes');
  const subject = page.locator('#view-mailboxes .header-field', { hasText: 'Subject:' }).first();
  assert.match(await subject.locator('.header-text').textContent(), /^Subject: =\?UTF-8\?/);
  assert.equal(await subject.locator('.tag').textContent(), 'reads as “Grüße aus Köln” (RFC 2047 §6)');
  await context.close();
});

test('a display name typed in From and To shows in the header, never in the envelope', async () => {
  const { page, context } = await open();
  await afterRender(page, () => page.fill('#f-client-message-from', 'Jürgen Groß <jg@example.net>'));
  await afterRender(page, () => page.fill('#f-client-message-to', '"Smith, Bob" <bob@example.org>, carol@example.org'));
  const lines = await transcriptLines(page);
  assert.ok(
    lines.some((line) => /^C: MAIL FROM:<jg@example\.net>( |$)/.test(line)),
    lines.join('\n'),
  );
  assert.ok(lines.includes('C: RCPT TO:<bob@example.org>'), lines.join('\n'));
  assert.ok(lines.includes('C: RCPT TO:<carol@example.org>'), lines.join('\n'));
  assert.ok(lines.includes('C: From: =?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?= <jg@example.net>'), lines.join('\n'));
  assert.ok(lines.includes('C: To: "Smith, Bob" <bob@example.org>, carol@example.org'), lines.join('\n'));
  await assertNoProblem(page);
  await context.close();
});

test('a broken link or bad input shows a readable message and keeps the page', async () => {
  const { page, context } = await open('#s=not-base64-json!!');
  assert.match(await page.textContent('#error'), /link’s scenario/);
  assert.ok((await transcriptLines(page)).length > 10, 'falls back to the default scenario');
  const before = await transcriptLines(page);
  await page.fill('#f-client-message-from', 'alice@@example.net');
  await page.waitForFunction(() => /scenario cannot run|invalid scenario/.test(document.querySelector('#error').textContent));
  assert.match(await page.textContent('#error'), /alice@@example\.net/);
  assert.deepEqual(await transcriptLines(page), before, 'the previous transcript stays');
  await page.fill('#f-server-maxRecipients', 'ten');
  assert.match(await page.textContent('[data-path="server.maxRecipients"] .field-error'), /whole number/);
  await context.close();
});

test('if the wasm cannot load, the page says so instead of going blank', async () => {
  const context = await playground.browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(`${playground.server.origin}/`);
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /Problem: The engine \(pkg\/esmtp_playground_first_bg\.wasm\) could not be loaded/);
  assert.match(await page.textContent('#status'), /could not start/);
  assert.equal(await page.getAttribute('html', 'data-engine'), 'failed');
  assert.ok(await page.isDisabled('#run'));
  assert.ok(await page.isVisible('h1'));
  await context.close();
});

test('protocol text is shown as text and never runs (XSS)', async () => {
  const { page, context } = await open();
  const payload = '<script>window.__xss = 1</script>\n<img src=x onerror="window.__xss = 2">\n';
  await afterRender(page, () => page.fill('#f-client-message-body', payload));
  await afterRender(page, () => page.fill('#f-client-message-subject', '<img src=y onerror="window.__xss=3">'));
  const lines = await transcriptLines(page);
  assert.ok(lines.includes('C: <script>window.__xss = 1</script>'));
  assert.ok(lines.includes('C: <img src=x onerror="window.__xss = 2">'));
  await openTab(page, '#tab-mailboxes');
  assert.match(await page.textContent('.mailbox .body'), /<script>window\.__xss = 1<\/script>/);
  await openTab(page, '#tab-step');
  await page.click('#step-last');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.$$eval('img', (n) => n.length), 0);
  assert.equal(await page.$$eval('script:not([src])', (n) => n.length), 0);
  assert.ok(!allRequests.some((url) => /\/(x|y)$/.test(new URL(url).pathname)), 'no image request was made');
  await context.close();
});

test('step mode walks the timeline with the state machine from the engine table', async () => {
  const { page, context } = await open();
  await openTab(page, '#tab-step');
  assert.equal(await page.getAttribute('.diagram .node.current', 'data-state'), 'expectHello');
  assert.equal(await page.textContent('.diagram .node.current'), 'expect EHLO/HELO');
  const rows = await page.$$eval('.transitions tbody tr', (n) => n.length);
  assert.ok(rows >= 8, 'the transition table is drawn');
  for (let i = 0; i < 8; i += 1) await page.click('#step-next');
  assert.equal(await page.getAttribute('.diagram .node.current', 'data-state'), 'expectMail');
  assert.equal(await page.$$eval('.diagram .edge.taken', (n) => n.length), 1);
  assert.equal(await page.$$eval('.transitions tr.taken', (n) => n.length), 1);
  await shot(page, 'desktop-step');
  await page.click('#step-last');
  assert.equal(await page.getAttribute('.diagram .node.current', 'data-state'), 'closed');
  await context.close();
});

test('manual mode: typed lines get live answers from the server engine', async () => {
  const { page, context } = await open();
  await openTab(page, '#tab-manual');
  await page.waitForSelector('#manual-log .line.s');
  assert.match(await page.textContent('#manual-log'), /220 mx\.example\.org/);
  const send = async (line) => {
    const count = await page.$$eval('#manual-log .line', (n) => n.length);
    await page.fill('#manual-line', line);
    await page.press('#manual-line', 'Enter');
    await page.waitForFunction((c) => document.querySelectorAll('#manual-log .line').length > c, count);
  };
  for (const line of ['EHLO me.example', 'MAIL FROM:<a@example.net>', 'RCPT TO:<bob@example.org>', 'DATA']) await send(line);
  await send('Subject: by hand');
  await send('');
  await send('typed');
  await send('.');
  await page.waitForFunction(() => /queued as/.test(document.querySelector('#manual-log').textContent));
  await send('FOO');
  await send('QUIT');
  const text = await page.textContent('#manual-log');
  assert.match(text, /250-PIPELINING/);
  assert.match(text, /354 /);
  assert.match(text, /500 5\.5\.2/);
  assert.match(text, /221 2\.0\.0/);
  assert.match(await page.textContent('#manual-state'), /closed/);
  assert.ok(await page.isDisabled('#manual-line'));
  await shot(page, 'desktop-manual');
  await openTab(page, '#tab-transcript');
  await afterRender(page, () => page.fill('#f-server-hostname', 'mx2.example.org'));
  await openTab(page, '#tab-manual');
  assert.match(await page.textContent('#manual-stale'), /Server panel changed/);
  await page.click('#manual-reset');
  await page.waitForFunction(() => /220 mx2\.example\.org/.test(document.querySelector('#manual-log').textContent));
  assert.ok(await page.isHidden('#manual-stale'));
  await context.close();
});

test('manual mode: the engine suggests the lines each state accepts; clicking them completes a session', async () => {
  const { page, context } = await open();
  await openTab(page, '#tab-manual');
  await page.waitForSelector('#manual-suggestions .chip');
  const chips = () => page.$$eval('#manual-suggestions .chip', (nodes) => nodes.map((n) => n.textContent));
  const first = await chips();
  assert.deepEqual(first.slice(0, 2), ['EHLO client.example.net', 'HELO client.example.net']);
  assert.ok(!first.includes('RSET') && !first.includes('DATA'), first.join(' | '));
  // Picks a chip by its text, says why, sends it and waits for the next state's chips.
  const pick = async (text) => {
    const count = await page.$$eval('#manual-log .line', (n) => n.length);
    await page.click(`#manual-suggestions .chip >> text="${text}"`);
    assert.equal(await page.inputValue('#manual-line'), text === '(empty line)' ? '' : text);
    assert.match(await page.textContent('#manual-why'), /RFC \d+/);
    await page.press('#manual-line', 'Enter');
    await page.waitForFunction((c) => document.querySelectorAll('#manual-log .line').length > c, count);
  };
  await pick('EHLO client.example.net');
  assert.ok(
    (await chips()).some((text) => /^AUTH PLAIN [A-Za-z0-9+/=]+$/.test(text)),
    'AUTH PLAIN with the configured user',
  );
  for (const text of ['MAIL FROM:<alice@example.net>', 'RCPT TO:<bob@example.org>', 'DATA']) await pick(text);
  assert.deepEqual(await chips(), ['Subject: typed by hand', '(empty line)', 'Hello, Bob.', '.'], 'message text: no commands');
  for (const text of ['Subject: typed by hand', '(empty line)', 'Hello, Bob.', '.']) await pick(text);
  await page.waitForFunction(() => /queued as/.test(document.querySelector('#manual-log').textContent));
  await pick('QUIT');
  assert.equal((await chips()).length, 0, 'a closed session suggests nothing');
  await context.close();
});

test('embed mode is compact and transcript-first', async () => {
  const { page, context } = await open('?embed=1&preset=dot-stuffing', { viewport: { width: 700, height: 500 } });
  assert.ok(await page.isHidden('.config'));
  assert.ok(await page.isHidden('#tab-manual'));
  assert.ok((await transcriptLines(page)).includes('C: ...two dots'));
  assert.match(page.url(), /\?embed=1#preset=dot-stuffing&s=/);
  await page.click('.open-full', { modifiers: [] }).catch(() => {});
  assert.match(await page.getAttribute('.open-full', 'href'), /^[^?]*#preset=dot-stuffing&s=/);
  await shot(page, 'embed');
  await context.close();
});

test('SASL inspector and calculator: decode a PLAIN string, encode the RFC 2195 example', async () => {
  const { page, context } = await open();
  await openTab(page, '#tab-calculator');
  await page.fill('#calc-input', 'AHRpbQB0YW5zdGFhZnRhbnN0YWFm');
  await page.click('#calc-decode-form button[type=submit]');
  assert.match(await page.textContent('#calc-decode-result'), /tanstaaftanstaaf/);
  await page.selectOption('#calc-mechanism', 'CRAM-MD5');
  await page.fill('#calc-user', 'tim');
  await page.fill('#calc-password', 'tanstaaftanstaaf');
  await page.fill('#calc-challenge', '<1896.697170952@postoffice.reston.mci.net>');
  await page.click('#calc-encode-form button[type=submit]');
  assert.match(await page.textContent('#calc-encode-result'), /b913a602c7eda7a495b4e6e7334d3890/);
  await openTab(page, '#tab-sasl');
  assert.ok((await page.textContent('#view-sasl')).trim().length > 20);
  await shot(page, 'desktop-calculator');
  await context.close();
});

test('settings of newer engine builds render as fields and old engines ignore them', async () => {
  const newer = {
    client: {
      pipelining: 'off',
      eightBit: 'refuse',
      quitAfter: null,
      rawLines: [{ after: 'ehlo', line: 'NOOP' }],
      message: { headers: [] },
    },
    server: {
      ehloMode: 'esmtp',
      role: 'submission',
      strictness: { bareLf: 'normalise', unofferedPipelining: 'tolerate', undeclaredEightBit: 'accept' },
      openRelay: false,
      auth: {
        users: [
          { name: 'alice', password: 'S3cret-pw' },
          { name: 'bob', password: 'pw' },
        ],
      },
    },
  };
  const s = Buffer.from(JSON.stringify(newer)).toString('base64url');
  const { page, context } = await open(`#s=${s}`);
  await assertNoProblem(page);
  assert.equal(await page.inputValue('#f-client-pipelining'), 'off');
  assert.equal(await page.inputValue('#f-client-quitAfter'), '');
  assert.deepEqual(await page.$$eval('#f-client-quitAfter option', (o) => o.map((x) => x.value)), [
    '',
    'greeting',
    'ehlo',
    'auth',
    'mail',
    'rcpt',
    'data',
  ]);
  assert.equal(await page.inputValue('#f-server-strictness-bareLf'), 'normalise');
  assert.deepEqual(JSON.parse(await page.inputValue('#f-client-rawLines')), newer.client.rawLines);
  assert.deepEqual(JSON.parse(await page.inputValue('#f-server-auth-users')), newer.server.auth.users);
  await afterRender(page, () => page.fill('#f-client-rawLines', '[{"after":"mail","line":"NOOP"}]'));
  assert.match(page.url(), /s=/);
  await page.fill('#f-client-rawLines', '[{"after":');
  assert.match(await page.textContent('[data-path="client.rawLines"] .field-error'), /Not valid JSON/);
  assert.ok((await transcriptLines(page)).length > 10);
  await context.close();
});

test("the SASL inspector renders the SASL engine's trace shape", async () => {
  const { page, context } = await open();
  const text = await page.evaluate(async () => {
    const { renderSaslInspector } = await import('./js/sasl.js');
    const octets = (raw, visible, hex, base64, groups) => ({ raw, visible, hex, base64, groups });
    const trace = [
      {
        side: 'client',
        label: 'PLAIN message',
        explanation: 'authzid NUL authcid NUL passwd',
        rfc: 'RFC 4616 §2',
        octets: octets([0, 116, 105, 109], '␀tim', '00 74 69 6d', 'AHRpbQ==', [
          { visible: '␀ti', hex: '00 74 69', base64: 'AHRp' },
          { visible: 'm', hex: '6d', base64: 'bQ==' },
        ]),
      },
      { side: 'server', label: 'Credentials checked', explanation: 'The password matches.', rfc: 'RFC 4954 §6', octets: null },
    ];
    const timeline = {
      entries: [
        {
          type: 'server',
          event: { at: 0, kind: { type: 'saslTrace', mechanism: 'PLAIN', entries: trace }, explanation: 'AUTH PLAIN', rfc: 'RFC 4954' },
        },
      ],
      authExchanges: [{ mechanism: 'PLAIN', start: 0, steps: [0], end: null, outcome: null }],
    };
    const box = document.createElement('div');
    renderSaslInspector(box, timeline, {});
    return { inspector: box.textContent };
  });
  assert.match(text.inspector, /PLAIN message/);
  assert.match(text.inspector, /NULtim/, 'NUL drawn as a NUL mark');
  assert.match(text.inspector, /00 74 69 6d/);
  assert.match(text.inspector, /AHRpbQ==/);
  assert.match(text.inspector, /2 × \(3 octets → 4 characters\)/);
  await context.close();
});

test('a 10,000-line transcript renders completely and the page stays usable', async () => {
  const { page, context } = await open();
  const body = Array.from({ length: 10000 }, (_, i) => `line ${i}`).join('\n');
  const started = Date.now();
  await afterRender(page, () =>
    page.evaluate((text) => {
      const area = document.querySelector('#f-client-message-body');
      area.value = text;
      area.dispatchEvent(new Event('input', { bubbles: true }));
    }, body),
  );
  console.log(`# 10,000-line body: run + render ${Date.now() - started} ms`);
  assert.match(await page.textContent('#transcript-more'), /Showing 2,000 of 10,02\d lines/);
  assert.ok((await page.$$eval('#transcript [role="option"]', (n) => n.length)) < 5000, 'the DOM holds a batch, not everything');
  await page.evaluate(() => {
    const list = document.querySelector('#transcript');
    list.scrollTop = list.scrollHeight;
  });
  await page.waitForFunction(() => document.querySelectorAll('#transcript [role="option"]').length >= 4000);
  await page.click('#line-10');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.activeElement && /^line-100\d\d$/.test(document.activeElement.id), null, { timeout: 60000 });
  const count = await page.$$eval('#transcript [role="option"]', (n) => n.length);
  assert.ok(count > 10000, `${count} lines`);
  assert.match(await page.textContent('#line-details .details-title'), /^S: 221 /);
  assert.equal(await page.textContent('#transcript-more'), '');
  await page.click('#line-5000');
  assert.match(await page.textContent('#line-details .details-title'), /^C: line 49\d\d$/);
  await context.close();
});

test('runs happen in a worker and Stop cancels one in progress', async () => {
  const { page, context } = await open();
  assert.deepEqual(page.workers(), [], "the first run goes on the page's thread, with no worker");
  // The worker starts with the second run.
  await afterRender(page, () => page.fill('#f-client-message-subject', 'second run'));
  const worker = page.workers()[0] || (await page.waitForEvent('worker', { timeout: 60000 }));
  assert.ok(worker, 'the page started a worker for runs');
  const before = await transcriptLines(page);
  // Make the worker hold its next result back, so the run is reliably "in progress".
  await worker.evaluate(() => {
    const post = self.postMessage.bind(self);
    self.postMessage = (message) => (message.type === 'result' ? setTimeout(() => post(message), 600000) : post(message));
  });
  await page.fill('#f-client-message-subject', 'never shown');
  await page.waitForSelector('#stop:not([hidden])', { timeout: 60000 });
  assert.match(await page.textContent('#status'), /Running/);
  assert.equal(await page.evaluate(() => 1 + 1), 2, 'the main thread answers during the run');
  await page.click('#stop');
  assert.match(await page.textContent('#status'), /Stopped/);
  assert.ok(await page.isHidden('#stop'));
  assert.deepEqual(await transcriptLines(page), before);
  await afterRender(page, () => page.fill('#f-client-message-body', 'small again\n'));
  assert.ok((await transcriptLines(page)).includes('C: small again'), 'a fresh worker runs the next scenario');
  await context.close();
});

test('phone width: every main view fits 375 px', async () => {
  const { page, context } = await open('', { viewport: PHONE });
  for (const [tab, name] of [
    ['#tab-transcript', 'phone-transcript'],
    ['#tab-negotiation', 'phone-negotiation'],
    ['#tab-mailboxes', 'phone-mailboxes'],
    ['#tab-step', 'phone-step'],
    ['#tab-manual', 'phone-manual'],
  ]) {
    await openTab(page, tab);
    await page.evaluate(() => document.querySelector('.tabs').scrollIntoView());
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
    await shot(page, name);
  }
  await openTab(page, '#tab-transcript');
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('.config-panel')) d.open = true;
    window.scrollTo(0, 0);
  });
  await shot(page, 'phone-config');
  await page.click('#line-3');
  await page.waitForSelector('#line-details .details-title');
  await page.evaluate(() => document.querySelector('#line-details').scrollIntoView());
  await shot(page, 'phone-line-details');
  await context.close();
});

test('accessibility: axe-core finds no violations (WCAG 2.1 A/AA and best practice)', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const scheme of ['light', 'dark']) {
    const { page, context } = await open('?preset=to-cc-bcc', { contextOptions: { colorScheme: scheme } });
    await page.evaluate(axeSource); // evaluated over CDP: the page's CSP does not apply
    await page.click('#line-3');
    await page.waitForSelector('#line-details .details-title');
    for (const tab of [
      '#tab-transcript',
      '#tab-negotiation',
      '#tab-mailboxes',
      '#tab-step',
      '#tab-manual',
      '#tab-sasl',
      '#tab-calculator',
    ]) {
      await openTab(page, tab);
      const results = await page.evaluate(() =>
        window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
      );
      assert.deepEqual(
        results.violations.map(
          (v) =>
            `${v.impact} ${v.id}: ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(' | ')}`,
        ),
        [],
        `${scheme} ${tab}`,
      );
    }
    if (scheme === 'light') {
      await page.setViewportSize(PHONE);
      for (const tab of ['#tab-transcript', '#tab-step', '#tab-mailboxes']) {
        await openTab(page, tab);
        const results = await page.evaluate(() =>
          window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
        );
        assert.deepEqual(
          results.violations.map((v) => `${v.impact} ${v.id}`),
          [],
          `phone ${tab}`,
        );
      }
      await page.setViewportSize(DESKTOP);
    }
    if (scheme === 'dark') {
      await shot(page, 'desktop-dark-calculator');
      await openTab(page, '#tab-transcript');
      await page.click('#line-3');
      await page.check('#show-control');
      await page.waitForSelector('#transcript .ctl');
      await shot(page, 'desktop-dark-transcript');
    }
    await context.close();
  }
});

test('accessibility: the SASL inspector, the AUTH fields and a scripted run have no axe violations', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
  for (const [query, tab, scheme] of [
    ['?preset=digest-md5', '#tab-sasl', 'light'],
    ['?preset=digest-md5', '#tab-sasl', 'dark'],
    ['?preset=wrong-password', '#tab-sasl', 'light'],
    ['?preset=smuggling', '#tab-transcript', 'dark'],
  ]) {
    const { page, context } = await open(query, { contextOptions: { colorScheme: scheme } });
    await page.evaluate(axeSource);
    await openTab(page, tab);
    if (tab === '#tab-transcript') await page.check('#show-control');
    const results = await page.evaluate((t) => window.axe.run(document, { runOnly: { type: 'tag', values: t } }), tags);
    assert.deepEqual(
      results.violations.map(
        (v) =>
          `${v.impact} ${v.id}: ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      ),
      [],
      `${query} ${tab} ${scheme}`,
    );
    await context.close();
  }
});

test('no request left the origin and no console error was logged', () => {
  assert.ok(allRequests.length > 0);
  const foreign = allRequests.filter(
    (url) => !url.startsWith(playground.server.origin) && !url.startsWith('data:') && !url.startsWith('blob:'),
  );
  assert.deepEqual(foreign, []);
  assert.deepEqual(allErrors, []);
});

const SINGLE = path.join(ROOT, 'dist', 'esmtp-playground.html');
test('the single-file build works opened from disk (file://) under its CSP', {
  skip: !fs.existsSync(SINGLE) && 'dist/esmtp-playground.html not built (scripts/build-single-file)',
}, async () => {
  const context = await playground.browser.newContext({ viewport: DESKTOP });
  const { page, watch } = await watchedPage(context);
  await page.goto(`file://${SINGLE}?preset=to-cc-bcc`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  const lines = await transcriptLines(page);
  assert.equal(lines[0], 'S: 220 mx.example.org ESMTP Playground');
  assert.ok(lines.includes('C: RCPT TO:<dave@example.org>'));
  await openTab(page, '#tab-manual');
  await page.waitForSelector('#manual-log .line.s');
  await page.fill('#manual-line', 'EHLO disk.example');
  await page.press('#manual-line', 'Enter');
  await page.waitForFunction(() => /250-PIPELINING/.test(document.querySelector('#manual-log').textContent));
  assert.ok(await page.isHidden('#error'));
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(
    watch.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('data:')),
    [],
  );
  await shot(page, 'single-file');
  await context.close();
});
