// End-to-end tests of the World tab: each world preset run through the
// UI in headless Debian Chromium, the host diagram, the steppable virtual clock,
// accessibility and screenshots. Needs www/pkg/ built. Run: node --test tests/e2e/

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DESKTOP, PHONE, ROOT, SHOTS, usePlayground, watchedPage } from './playground-helpers.mjs';

const SINGLE = path.join(ROOT, 'dist', 'esmtp-playground.html');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

const playground = usePlayground();
const requests = [];
const errors = [];

/** The page with the World tab open and `preset` run through the picker. */
async function openWorld(preset, { viewport = DESKTOP, colorScheme = 'light' } = {}) {
  const context = await playground.browser.newContext({ viewport, colorScheme });
  const { page, watch } = await watchedPage(context);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${playground.server.origin}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  await page.click('#tab-world');
  await page.waitForSelector('#view-world[data-ran]', { timeout: 60000 });
  if (preset) await runPreset(page, preset);
  return { page, context, watch };
}

/** Chooses `preset` in the picker (which runs it) and waits for the new run. */
async function runPreset(page, preset) {
  const before = Number(await page.getAttribute('#view-world', 'data-ran'));
  await page.selectOption('#world-preset', preset);
  await page.click('#world-run');
  await page.waitForFunction((n) => Number(document.getElementById('view-world').dataset.ran) > n, before);
  assert.ok(await page.isHidden('#world-error'), 'the World tab shows a problem');
}

/** The timeline's lines as "#n host: text", world events as "[type] title". */
function timelineRows(page) {
  return page.$$eval('#world-timeline > li', (rows) =>
    rows.map((row) =>
      row.classList.contains('wline')
        ? `${row.querySelector('.wbadge').textContent} ${row.querySelector('.wfrom').textContent} ${row.querySelector('.wtext').textContent}`
        : `[${row.dataset.event}] ${row.querySelector('.wtitle').textContent}`,
    ),
  );
}

function connections(page) {
  return page.$$eval('#world-connections > li', (rows) => rows.map((row) => row.textContent));
}

/** Mailbox/queue names and counts under the host's store: "bob@dialup.example · 1 message". */
function store(page, host) {
  return page.$$eval(`.wstore[data-host="${host}"] [data-box]`, (boxes) =>
    boxes.map((box) => `${box.querySelector('strong').textContent}${box.childNodes[1].textContent}`),
  );
}

function indexOfRow(rows, pattern, from = 0) {
  const found = rows.findIndex((row, i) => i >= from && pattern.test(row));
  assert.notEqual(found, -1, `no timeline row matches ${pattern} after row ${from}`);
  return found;
}

test('the World tab lists the world presets with their explanation', async () => {
  const { page, context } = await openWorld(null);
  const options = await page.$$eval('#world-preset option', (nodes) => nodes.map((n) => n.value));
  assert.deepEqual(options, [
    'etrn',
    'etrn-nothing-waiting',
    'turn-refused',
    'turn-hijack',
    'atrn',
    'pop-before-smtp',
    'mx-dead-primary',
    'mx-backup-etrn',
    'null-mx',
    'implicit-mx',
    'nxdomain',
    'dsn-bounce',
    'dsn-delayed',
  ]);
  assert.match(await page.textContent('#world-explanation'), /ETRN dialup\.example \(RFC 1985\)/);
  const scenario = JSON.parse(await page.inputValue('#world-json'));
  assert.equal(scenario.name, 'etrn');
  await context.close();
});

test('ETRN: 253, then the ISP opens a second connection and fills the customer mailbox', async () => {
  const { page, context } = await openWorld('etrn');
  const rows = await timelineRows(page);
  const etrn = indexOfRow(rows, /^#3 mail\.dialup\.example: ETRN dialup\.example$/);
  const accepted = indexOfRow(rows, /^#3 mx\.isp\.example: 253 /, etrn);
  const opened = indexOfRow(rows, /^\[connectionOpened\]/, accepted);
  indexOfRow(rows, /^\[queueTaken\]/, opened);
  indexOfRow(rows, /^#4 mx\.isp\.example: RCPT TO:<bob@dialup\.example>$/, opened);
  // The 253 line carries what the ISP's server engine noted when it sent it.
  await page.click(`#world-item-${accepted} .wtext`);
  await page.click('.world-notes-box summary');
  assert.match(await page.textContent('#world-notes'), /opens a new connection to the server for dialup\.example.*RFC 1985 §4/);
  const list = await connections(page);
  assert.match(list[3], /^#4 mx\.isp\.example → mail\.dialup\.example FLUSH/);
  assert.match(list[3], /opened because of #3/);
  assert.deepEqual(await store(page, 'mail.dialup.example'), ['bob@dialup.example · 1 message', 'carol@dialup.example · 1 message']);
  assert.deepEqual(await store(page, 'mx.isp.example'), []);
  assert.match(await page.textContent('.wstore[data-host="mx.isp.example"]'), /Outbound queue: empty/);
  await context.close();
});

test('DSN: the flush is refused with 552, the ISP bounces and alice reads the report in her mailbox', async () => {
  const { page, context } = await openWorld('dsn-bounce');
  const rows = await timelineRows(page);
  const refused = indexOfRow(rows, /^#4 mail\.dialup\.example: 552 5\.3\.4 /);
  const written = indexOfRow(rows, /^\[notificationWritten\] Delivery status notification$/, refused);
  indexOfRow(rows, /^#5 mx\.isp\.example: MAIL FROM:<> SIZE=\d+$/, written);
  const list = await connections(page);
  assert.match(list[4], /^#5 mx\.isp\.example → mail\.example\.net NOTICE/);
  assert.deepEqual(await store(page, 'mail.example.net'), ['alice@example.net · 2 messages']);
  const box = '.wstore[data-host="mail.example.net"] [data-box="alice@example.net"]';
  const summaries = await page.$$eval(`${box} summary`, (nodes) => nodes.map((n) => n.textContent));
  assert.match(summaries[0], /^Undelivered Mail Returned to Sender · from <> /);
  assert.match(summaries[1], /^Relayed Mail Delivery Report · from <> /);
  await page.click(`${box} details:first-of-type summary`);
  const report = await page.textContent(`${box} details:first-of-type pre`);
  assert.match(report, /Content-Type: message\/delivery-status/);
  assert.match(report, /Action: failed\r?\nStatus: 5\.3\.4/);
  assert.match(report, /Content-Type: text\/rfc822-headers/);
  await context.close();
});

test('DSN delayed: retries for hours, one "delayed" notice, then the delivery report', async () => {
  const { page, context } = await openWorld('dsn-delayed');
  const rows = await timelineRows(page);
  const retry = indexOfRow(rows, /^\[retryScheduled\] Retry scheduled$/);
  const delayed = indexOfRow(rows, /^\[notificationWritten\] Delivery status notification$/, retry);
  const filed = indexOfRow(rows, /^\[noticeFiled\] Notice filed$/, delayed);
  assert.equal(await page.textContent(`#world-item-${filed} .wdetail`), 'to alice@example.net (mailbox) at mail.example.net');
  const delivered = indexOfRow(rows, /^#\d+ mx\.example\.org: 250 2\.0\.0 Ok: queued as /, delayed);
  indexOfRow(rows, /^\[notificationWritten\] Delivery status notification$/, delivered);
  assert.equal(await page.textContent(`#world-item-${delayed} .wrfc`), 'RFC 3464 §2.3.3');
  assert.deepEqual(await store(page, 'mail.example.net'), ['alice@example.net · 2 messages']);
  const box = '.wstore[data-host="mail.example.net"] [data-box="alice@example.net"]';
  const summaries = await page.$$eval(`${box} summary`, (nodes) => nodes.map((n) => n.textContent));
  assert.match(summaries[0], /^Delayed Mail \(still being retried\) · from <> /);
  assert.match(summaries[1], /^Successful Mail Delivery Report · from <> /);
  await page.click(`${box} details:first-of-type summary`);
  const report = await page.textContent(`${box} details:first-of-type pre`);
  assert.match(report, /Action: delayed\r?\nStatus: 4\.4\.1/);
  assert.match(report, /Will-Retry-Until: /);
  await context.close();
});

test('ETRN with nothing waiting: 251 and no second connection', async () => {
  const { page, context } = await openWorld('etrn-nothing-waiting');
  const rows = await timelineRows(page);
  indexOfRow(rows, /^#1 mx\.isp\.example: 251 /, indexOfRow(rows, /ETRN dialup\.example$/));
  assert.equal((await connections(page)).length, 1);
  await context.close();
});

test('TURN refused: 502 5.5.1 and the mail stays queued at the ISP', async () => {
  const { page, context } = await openWorld('turn-refused');
  const rows = await timelineRows(page);
  indexOfRow(rows, /^#2 mx\.isp\.example: 502 5\.5\.1 /, indexOfRow(rows, /^#2 mail\.dialup\.example: TURN$/));
  assert.ok(!rows.some((row) => row.startsWith('[rolesReversed]')));
  assert.deepEqual(await store(page, 'mx.isp.example'), ['dialup.example · 1 queued copy']);
  await context.close();
});

test('legacy TURN hijack: 250 to TURN, roles reverse, the attacker receives the mail', async () => {
  const { page, context } = await openWorld('turn-hijack');
  const rows = await timelineRows(page);
  const turn = indexOfRow(rows, /^#2 attacker\.example\.net: TURN$/);
  const ok = indexOfRow(rows, /^#2 mx\.isp\.example: 250 /, turn);
  assert.equal(ok, turn + 1);
  indexOfRow(rows, /^\[rolesReversed\] Roles reversed \(TURN\)/, ok);
  indexOfRow(rows, /^#2 attacker\.example\.net: 220 attacker\.example\.net/, ok);
  indexOfRow(rows, /^#2 mx\.isp\.example: MAIL FROM:<alice@example\.net>/, ok);
  assert.deepEqual(await store(page, 'attacker.example.net'), ['bob@dialup.example · 1 message']);
  assert.deepEqual(await store(page, 'mail.dialup.example'), []);
  assert.match((await connections(page))[1], /roles reversed at/);
  await context.close();
});

test('ATRN: 530 before AUTH, 250 after AUTH, and the mail flows back on the same connection', async () => {
  const { page, context } = await openWorld('atrn');
  const rows = await timelineRows(page);
  indexOfRow(rows, /^#2 mx\.isp\.example: 530 /, indexOfRow(rows, /^#2 mail\.dialup\.example: ATRN dialup\.example$/));
  const auth = indexOfRow(rows, /^#3 mx\.isp\.example: 235 /);
  const atrn = indexOfRow(rows, /^#3 mail\.dialup\.example: ATRN dialup\.example$/, auth);
  assert.match(rows[atrn + 1], /^#3 mx\.isp\.example: 250 /);
  indexOfRow(rows, /^\[rolesReversed\] Roles reversed \(ATRN\)/, atrn);
  indexOfRow(rows, /^#3 mx\.isp\.example: RCPT TO:<bob@dialup\.example>$/, atrn);
  assert.deepEqual(await store(page, 'mail.dialup.example'), ['bob@dialup.example · 1 message']);
  await context.close();
});

test('POP-before-SMTP: denied, POP3 login, relayed, clock jump, denied again; the clock shows the window closing', async () => {
  const { page, context } = await openWorld('pop-before-smtp');
  const rows = await timelineRows(page);
  const denied = indexOfRow(rows, /^#1 mail\.isp\.example: 550 5\.7\.1 /);
  const login = indexOfRow(rows, /^#2 mail\.isp\.example: \+OK /, denied);
  const window = indexOfRow(rows, /^\[relayWindowOpened\]/, login);
  const allowed = indexOfRow(rows, /^\[relayChecked\] Relay allowed/, window);
  indexOfRow(rows, /^#3 mail\.isp\.example: 250 2\.1\.5 /, allowed);
  const jump = indexOfRow(rows, /^\[clockAdvanced\] The clock jumps 31 min 00 s/, allowed);
  indexOfRow(rows, /^\[relayChecked\] Relay denied/, jump);
  indexOfRow(rows, /^#5 mail\.isp\.example: 550 5\.7\.1 /, jump);

  // Before the login no window is listed; stepping to the window opening shows it
  // open; after the jump it is shown closed (the engine's recorded interval).
  await page.fill('#world-range', String(denied));
  assert.equal(await page.textContent('#world-windows'), '');
  await page.fill('#world-range', String(window));
  assert.match(await page.textContent('#world-windows'), /open until 09:30:00\.720 \(30 min 00 s left\)/);
  await page.fill('#world-range', String(jump));
  assert.equal(await page.textContent('#world-clock'), '09:31:01.440 UTC');
  assert.match(await page.textContent('#world-elapsed'), /\+31 min 01\.440 s since the start/);
  assert.match(await page.textContent('#world-windows'), /closed at 09:30:00\.720 \(1 min 00 s ago\)/);
  assert.equal(await page.getAttribute(`#world-item-${jump}`, 'aria-current'), 'step');
  await context.close();
});

test('MX routing: the lookups, the refused primary, the 452, the retry; the DNS box and lifeline', async () => {
  const { page, context } = await openWorld('mx-dead-primary');
  const rows = await timelineRows(page);
  const mx = indexOfRow(rows, /^\[dnsLookup\] DNS: MX\? example\.org$/);
  const order = indexOfRow(rows, /^\[routeChosen\] Exchangers in order$/, mx);
  const refused = indexOfRow(rows, /^\[connectionRefused\] Connection refused$/, order);
  const full = indexOfRow(rows, /^#2 mx2\.example\.org: 452 4\.3\.1 /, refused);
  const retry = indexOfRow(rows, /^\[retryScheduled\] Retry scheduled$/, full);
  const jump = indexOfRow(rows, /^\[clockAdvanced\] The clock jumps 30 min 00 s$/, retry);
  indexOfRow(rows, /^#3 mx2\.example\.org: 250 2\.0\.0 Ok: queued as /, jump);
  // The engine's own words: the answer and the order, with their RFC section.
  assert.match(await page.textContent(`#world-item-${mx} .wdetail`), /answer: 10 mx1\.example\.org, 20 mx2\.example\.org$/);
  assert.match(await page.textContent(`#world-item-${order} .wdetail`), /10 mx1\.example\.org \(192\.0\.2\.10\) → 20 mx2\.example\.org/);
  assert.equal(await page.textContent(`#world-item-${order} .wrfc`), 'RFC 5321 §5.1');
  assert.deepEqual(await store(page, 'mx2.example.org'), ['bob@example.org · 1 message']);
  assert.match(await page.textContent('#world-diagram .wd-dns'), /DNS6 lookups/);
  assert.match(await page.getAttribute('#world-diagram svg', 'aria-label'), /mail\.example\.net made 6 DNS lookups/);
  // The sequence diagram: a DNS lifeline; clicking a lookup's arrow moves the clock to it.
  await page.click('#world-sequence summary');
  await page.waitForSelector('#world-sequence-diagram[data-arrows]');
  assert.match(await page.textContent('#world-sequence-text'), /mail\.example\.net DNS ── MX\? example\.org ─+▶ DNS/);
  const question = await page.$$eval('#world-sequence-diagram [data-arrow]', (nodes) =>
    nodes.findIndex((n) => n.getAttribute('aria-label')?.includes('MX? example.org')),
  );
  assert.notEqual(question, -1);
  await page.click(`#world-sequence-diagram [data-arrow="${question}"]`);
  assert.equal(await page.getAttribute(`#world-item-${mx}`, 'aria-current'), 'step');
  await context.close();
});

test('null MX and NXDOMAIN: no connection, a bounce in the sender mailbox', async () => {
  const { page, context } = await openWorld('null-mx');
  let rows = await timelineRows(page);
  indexOfRow(rows, /^\[bounced\] Bounced$/, indexOfRow(rows, /^\[dnsLookup\] DNS: MX\? nomail\.example$/));
  indexOfRow(rows, /^\[noticeFiled\] Notice filed$/);
  assert.equal((await connections(page)).length, 1, 'only the submission');
  assert.deepEqual(await store(page, 'mail.example.net'), ['alice@example.net · 1 message']);
  const summary = await page.textContent('.wstore[data-host="mail.example.net"] .wmessage summary');
  assert.match(summary, /^Undelivered Mail Returned to Sender · from <> · /);
  assert.match(await page.textContent('.wstore[data-host="mail.example.net"] .wmessage-text'), /Status: 5\.1\.10/);
  await runPreset(page, 'nxdomain');
  rows = await timelineRows(page);
  indexOfRow(rows, /^\[bounced\] Bounced$/);
  assert.match(await page.textContent('#world-timeline'), /exmaple\.org does not exist \(NXDOMAIN\)/);
  await context.close();
});

test('the diagram lists every host and draws one arrow per who-connected-to-whom edge', async () => {
  const { page, context } = await openWorld('etrn');
  const names = await page.$$eval('#world-diagram .wd-host', (nodes) => nodes.map((n) => n.dataset.host));
  assert.deepEqual(names, ['mail.example.net', 'mx.isp.example', 'mail.dialup.example']);
  assert.equal(await page.locator('#world-diagram .wd-edge').count(), 3);
  const labels = await page.$$eval('#world-diagram .wd-label', (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(labels, ['#1 #2', '#3', '#4']);
  assert.match(
    await page.getAttribute('#world-diagram svg', 'aria-label'),
    /mx\.isp\.example connected to mail\.dialup\.example \(connection 4\)/,
  );
  assert.deepEqual(await page.$$eval('#world-hosts > li', (nodes) => nodes.map((n) => n.dataset.host)), names);
  await runPreset(page, 'turn-hijack');
  assert.deepEqual(await page.$$eval('#world-diagram .wd-label', (nodes) => nodes.map((n) => n.textContent)), ['#1', '#2', '#2 ⇄']);
  await context.close();
});

test('stepping the virtual clock: next, next world event, previous, last and the keyboard', async () => {
  const { page, context } = await openWorld('etrn');
  assert.equal(await page.textContent('#world-clock'), '09:00:00.000 UTC');
  assert.ok(await page.isDisabled('#world-prev'));
  await page.click('#world-next');
  await page.click('#world-next');
  assert.equal(await page.textContent('#world-clock'), '09:00:00.040 UTC');
  assert.match(await page.textContent('#world-current'), /^#1 mail\.example\.net → mx\.isp\.example: EHLO mail\.example\.net$/);
  // Next world event until the clock jump: two hours pass in one step.
  let title = '';
  for (let i = 0; i < 10 && !title.startsWith('The clock jumps'); i += 1) {
    await page.click('#world-next-event');
    title = await page.textContent('#world-timeline [aria-current] .wtitle').catch(() => '');
  }
  assert.equal(title, 'The clock jumps 120 min 00 s');
  assert.equal(await page.textContent('#world-clock'), '11:00:00.720 UTC');
  await page.click('#world-prev');
  assert.equal(await page.textContent('#world-clock'), '09:00:00.720 UTC');
  await page.focus('#world-range');
  await page.keyboard.press('End');
  assert.equal(await page.textContent('#world-clock'), '11:00:01.520 UTC');
  assert.ok(await page.isDisabled('#world-next'));
  assert.match(await page.textContent('#world-position'), /^item (\d+) of \1$/);
  await page.keyboard.press('Home');
  assert.equal(await page.textContent('#world-clock'), '09:00:00.000 UTC');
  // The timeline itself takes the arrow keys, and a click moves the clock to that line.
  await page.focus('#world-timeline');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getAttribute('#world-item-2', 'aria-current'), 'step');
  assert.equal(await page.textContent('#world-clock'), '09:00:00.040 UTC');
  await page.click('#world-item-5 .wtext');
  assert.equal(await page.textContent('#world-position'), 'item 6 of 156');
  await context.close();
});

test('an edited scenario runs; broken JSON is reported and the last result stays', async () => {
  const { page, context } = await openWorld('etrn-nothing-waiting');
  await page.click('.world-edit summary');
  const scenario = JSON.parse(await page.inputValue('#world-json'));
  scenario.name = 'edited-world';
  await page.fill('#world-json', JSON.stringify(scenario));
  const before = Number(await page.getAttribute('#view-world', 'data-ran'));
  await page.click('#world-run');
  await page.waitForFunction((n) => Number(document.getElementById('view-world').dataset.ran) > n, before);
  assert.match(await page.textContent('#world-status'), /Ran “edited-world”/);
  await page.fill('#world-json', '{ not json');
  await page.click('#world-run');
  assert.match(await page.textContent('#world-error'), /not valid JSON/);
  assert.ok((await timelineRows(page)).some((row) => / 251 /.test(row)));
  await context.close();
});

test('a link with ?world= opens the World tab on that preset', async () => {
  const context = await playground.browser.newContext({ viewport: DESKTOP });
  const { page } = await watchedPage(context);
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${playground.server.origin}/?world=turn-refused`);
  await page.waitForSelector('#view-world[data-ran]', { timeout: 60000 });
  assert.equal(await page.getAttribute('#tab-world', 'aria-selected'), 'true');
  assert.equal(await page.inputValue('#world-preset'), 'turn-refused');
  assert.ok((await timelineRows(page)).some((row) => /502 5\.5\.1/.test(row)));
  await context.close();
});

test('the single-file build (file://) runs a world too', {
  skip: !fs.existsSync(SINGLE) && 'dist/esmtp-playground.html not built (scripts/build-single-file)',
}, async () => {
  const context = await playground.browser.newContext({ viewport: DESKTOP });
  const { page, watch } = await watchedPage(context);
  await page.goto(`file://${SINGLE}?world=etrn`);
  await page.waitForSelector('#view-world[data-ran]', { timeout: 60000 });
  assert.ok((await timelineRows(page)).some((row) => /^#3 mx\.isp\.example: 253 /.test(row)));
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(
    watch.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('data:')),
    [],
  );
  await context.close();
});

test('accessibility: axe-core finds no violations with the World tab shown (light, dark, phone)', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const [scheme, viewport, preset] of [
    ['light', DESKTOP, 'pop-before-smtp'],
    ['dark', DESKTOP, 'pop-before-smtp'],
    ['light', PHONE, 'pop-before-smtp'],
    ['dark', DESKTOP, 'mx-backup-etrn'],
  ]) {
    const { page, context } = await openWorld(preset, { colorScheme: scheme, viewport });
    await page.evaluate(axeSource); // evaluated over CDP: the page's CSP does not apply
    await page.click('#world-next-event');
    await page.click('.wstore details summary');
    await page.click('.world-notes-box summary');
    await page.click('.world-edit summary');
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
      `${preset} ${scheme} ${viewport.width}px`,
    );
    await context.close();
  }
});

test('screenshots at desktop and 375 px, light and dark; no horizontal scrolling on a phone', async () => {
  for (const [name, viewport, colorScheme, preset] of [
    ['world-desktop-etrn', DESKTOP, 'light', 'etrn'],
    ['world-desktop-dark-pop', DESKTOP, 'dark', 'pop-before-smtp'],
    ['world-phone-hijack', PHONE, 'light', 'turn-hijack'],
    ['world-phone-dark-atrn', PHONE, 'dark', 'atrn'],
    ['world-desktop-mx-backup', DESKTOP, 'light', 'mx-backup-etrn'],
    ['world-phone-null-mx', PHONE, 'light', 'null-mx'],
  ]) {
    const { page, context } = await openWorld(preset, { viewport, colorScheme });
    for (let i = 0; i < 4; i += 1) await page.click('#world-next-event');
    await page.locator('#view-world').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
    await context.close();
  }
});

test('no console errors and no foreign requests in any World run', () => {
  assert.deepEqual(errors, []);
  assert.ok(requests.length > 0);
  const foreign = requests.filter(
    (url) => !url.startsWith(playground.server.origin) && !url.startsWith('data:') && !url.startsWith('blob:'),
  );
  assert.deepEqual(foreign, []);
});
