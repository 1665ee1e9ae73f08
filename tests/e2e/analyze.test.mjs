// The Analyze tab in headless Chromium: every fixture format pasted gives its format and
// findings, a dropped capture is read as octets, a finding selects its line, the SASL
// section checks each mechanism against a password, the share
// link round-trips with secrets masked (and kept when asked), "Open in playground" runs
// the session in the engines, a 50 MB paste is cut with a clear message, and axe finds
// nothing. Needs www/pkg built. Run: node --test tests/e2e/analyze.test.mjs

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DESKTOP, PHONE, ROOT, SHOTS, usePlayground, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'analyze');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const fixture = (name) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** The page on the Analyze tab (`?analyze`), its view set up. */
async function openAnalyze({ viewport = DESKTOP, colorScheme = 'light', hash = '' } = {}) {
  const context = await playground.browser.newContext({ viewport, colorScheme });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/?analyze${hash}`);
  await page.waitForSelector('#view-analyze[data-loaded]', { state: 'attached', timeout: 60000 });
  return { context, page, watch };
}

/** Runs `action` and waits until one more analysis has finished. */
async function afterAnalysis(page, action) {
  const before = Number(await page.evaluate(() => document.getElementById('view-analyze').dataset.analyses || 0));
  await action();
  await page.waitForFunction((n) => Number(document.getElementById('view-analyze').dataset.analyses || 0) > n, before, {
    timeout: 60000,
  });
}

async function paste(page, text, password = '') {
  await page.fill('#analyze-password', password);
  await page.fill('#analyze-text', text);
  await afterAnalysis(page, () => page.click('#analyze-run'));
}

function findings(page) {
  return page.$$eval('#analyze-findings .finding', (nodes) =>
    nodes.map((node) => ({
      severity: node.querySelector('.severity').textContent,
      where: node.querySelector('.where').textContent,
      message: node.querySelector('.message').textContent,
    })),
  );
}

const status = (page) => page.textContent('#analyze-status');

test('each fixture format pasted is recognised and judged', async () => {
  const { context, page, watch } = await openAnalyze();
  const cases = [
    ['swaks-cram-md5.txt', 'swaks output'],
    ['smtplib-debug1.txt', 'Python smtplib debug output'],
    ['curl-clean.txt', 'curl -v log'],
    ['cs-rfc5321-d1.txt', 'C:/S: transcript'],
    ['nodemailer-clean.txt', 'nodemailer log'],
    ['raw-telnet.txt', 'raw dialogue'],
  ];
  for (const [name, label] of cases) {
    await paste(page, fixture(name));
    assert.match(await status(page), new RegExp(`^Read as ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), name);
    assert.ok((await page.$$('#analyze-transcript [role="option"]')).length > 5, `${name}: transcript lines`);
  }
  await paste(page, fixture('bad-mail-before-ehlo.txt'));
  const bad = await findings(page);
  assert.ok(
    bad.some((f) => f.severity === 'error'),
    JSON.stringify(bad),
  );
  await paste(page, fixture('swaks-cram-md5.txt'), 'wrong');
  const wrong = await findings(page);
  assert.deepEqual(
    wrong.filter((f) => f.severity === 'error').map((f) => f.where),
    ['line 13'],
    JSON.stringify(wrong),
  );
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('a dropped capture is read as octets; a chosen file too', async () => {
  const { context, page } = await openAnalyze();
  const capture = fs.readFileSync(path.join(FIXTURES, 'pcap-swaks-cram-md5.pcap'));
  await afterAnalysis(page, async () => {
    const transfer = await page.evaluateHandle(
      (bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'session.pcap', { type: 'application/vnd.tcpdump.pcap' }));
        return data;
      },
      [...capture],
    );
    await page.dispatchEvent('#analyze-form', 'drop', { dataTransfer: transfer });
  });
  assert.match(await status(page), /^Read as packet capture/);
  assert.match(await page.textContent('#analyze-file-note'), /session\.pcap/);
  await afterAnalysis(page, () => page.setInputFiles('#analyze-file', path.join(FIXTURES, 'pcapng-swaks-cram-md5.pcapng')));
  assert.match(await status(page), /^Read as packet capture/);
  assert.equal(await page.isVisible('#analyze-connection'), false, 'one connection: no chooser');

  await afterAnalysis(page, () => page.setInputFiles('#analyze-file', path.join(FIXTURES, 'pcap-two-connections.pcap')));
  const choices = await page.$$eval('#analyze-connection option', (nodes) => nodes.map((n) => n.value));
  assert.deepEqual(choices, ['', '1', '2']);
  const firstText = await page.textContent('#analyze-transcript');
  await afterAnalysis(page, () => page.selectOption('#analyze-connection', '2'));
  assert.notEqual(await page.textContent('#analyze-transcript'), firstText, 'the second connection is shown');
  assert.equal(await page.inputValue('#analyze-connection'), '2');
  await context.close();
});

test('clicking a finding selects and explains its line', async () => {
  const { context, page } = await openAnalyze();
  await paste(page, fixture('swaks-cram-md5.txt'), 'wrong');
  await page.click('#analyze-findings .finding.error');
  const selected = await page.waitForSelector('#analyze-transcript [aria-selected="true"]');
  assert.equal(
    await selected.evaluate((node) => node.querySelector('.text').textContent),
    'YWxpY2UgMWZkOGU5ZWEwNWJhYmJjZTgxMWU3Njc3ZDk4YzJiZDk=',
  );
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-selected')), 'true');
  const details = await page.textContent('#analyze-details');
  assert.match(details, /input line 13/);
  assert.match(details, /RFC 4954 §4/);
  assert.match(details, /RFC 2195 §2/);
  await page.click('.analyze-negotiation summary');
  const auth = await page.$$eval('#analyze-negotiation tbody tr', (rows) =>
    rows.map((row) => [...row.children].map((cell) => cell.textContent)).find((cells) => cells[0] === 'AUTH'),
  );
  assert.deepEqual([auth[1], auth[3]], ['PLAIN LOGIN CRAM-MD5 DIGEST-MD5', 'Authenticated with AUTH CRAM-MD5.']);
  await page.screenshot({ path: path.join(SHOTS, 'analyze-swaks.png'), fullPage: true });
  await context.close();
});

test('the SASL section decodes each AUTH step, checks the CRAM-MD5 digest and selects its line', async () => {
  const { context, page, watch } = await openAnalyze();
  await paste(page, fixture('swaks-cram-md5.txt'), 'S3cret-pw');
  await page.click('.analyze-sasl summary');
  assert.equal(await page.textContent('#analyze-sasl .sasl-exchange h4'), 'AUTH CRAM-MD5');
  const steps = await page.$$eval('#analyze-sasl .sasl-step', (nodes) =>
    nodes.map((node) => ({
      line: node.querySelector('.sasl-line').textContent,
      head: node.querySelector('.sasl-step-head').textContent,
      verdict: node.querySelector('.verdict')?.textContent ?? '',
      outcome: node.querySelector('.verdict')?.className ?? '',
      fields: node.querySelector('dl.fields')?.textContent ?? '',
    })),
  );
  assert.deepEqual(
    steps.map((s) => s.line),
    ['line 11', 'line 12', 'line 13', 'line 14'],
  );
  assert.match(steps[0].head, /AUTH command: AUTH CRAM-MD5/);
  assert.match(steps[1].fields, /<859571187\.1796496574@mx\.example\.org>/);
  assert.equal(steps[2].outcome, 'verdict matches', JSON.stringify(steps[2]));
  assert.match(steps[2].verdict, /^✓/);
  assert.match(steps[2].fields, /alice/);
  assert.match(steps[3].head, /final reply: 235 2\.7\.0/);
  await page.locator('.analyze-sasl').screenshot({ path: path.join(SHOTS, 'analyze-sasl.png') });
  await page.click('#analyze-sasl .sasl-step:nth-child(3) .sasl-line');
  const selected = await page.waitForSelector('#analyze-transcript [aria-selected="true"]');
  assert.equal(
    await selected.evaluate((node) => node.querySelector('.text').textContent),
    'YWxpY2UgMWZkOGU5ZWEwNWJhYmJjZTgxMWU3Njc3ZDk4YzJiZDk=',
  );

  await paste(page, fixture('swaks-cram-md5.txt'), 'wrong');
  assert.equal(await page.getAttribute('#analyze-sasl .sasl-step:nth-child(3) .verdict', 'class'), 'verdict differs');
  await paste(page, fixture('swaks-clean.txt'));
  assert.equal(await page.textContent('#analyze-sasl'), 'The session has no AUTH exchange.');
  assert.deepEqual(watch.errors, []);
  await context.close();
});

/** Each AUTH step's heading and verdict in the SASL section, after a paste. */
async function saslSteps(page) {
  return page.$$eval('#analyze-sasl .sasl-step', (nodes) =>
    nodes.map((node) => ({
      head: node.querySelector('.sasl-step-head').textContent,
      outcome: node.querySelector('.verdict')?.className ?? '',
      verdict: node.querySelector('.verdict')?.textContent ?? '',
    })),
  );
}

/** RFC 5802 §5's SCRAM-SHA-1 exchange (user "user", password "pencil") as a C:/S: log. */
const SCRAM_LOG = [
  'S: 220 mx',
  'C: EHLO c.example',
  'S: 250-mx',
  'S: 250 AUTH SCRAM-SHA-1',
  'C: AUTH SCRAM-SHA-1 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM',
  'S: 334 cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==',
  'C: Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdqLHA9djBYOHYzQnoyVDBDSkdiSlF5RjBYK0hJNFRzPQ==',
  'S: 235 2.7.0 ok',
  'C: QUIT',
  'S: 221 bye',
  '',
].join('\n');

test('the SASL section checks PLAIN, LOGIN, DIGEST-MD5 and SCRAM against the password', async () => {
  const { context, page, watch } = await openAnalyze();
  const cases = [
    ['AUTH PLAIN', fixture('swaks-plain-raw.txt'), 'S3cret-pw'],
    ['AUTH LOGIN', fixture('swaks-login.txt'), 'S3cret-pw'],
    ['AUTH DIGEST-MD5', fixture('swaks-digest-pipeline.txt'), 'S3cret-pw'],
    ['AUTH SCRAM-SHA-1', SCRAM_LOG, 'pencil'],
  ];
  for (const [mechanism, log, password] of cases) {
    await paste(page, log, password);
    await page.click('.analyze-sasl summary');
    assert.equal(await page.textContent('#analyze-sasl .sasl-exchange h4'), mechanism);
    const right = (await saslSteps(page)).filter((step) => /matches|differs/.test(step.outcome));
    assert.ok(right.length > 0, `${mechanism}: a step is checked against the password`);
    for (const step of right) assert.equal(step.outcome, 'verdict matches', `${mechanism}: ${JSON.stringify(step)}`);

    await paste(page, log, 'wrong');
    const wrong = (await saslSteps(page)).filter((step) => step.outcome);
    assert.ok(
      wrong.some((step) => step.outcome === 'verdict differs'),
      `${mechanism} with a wrong password: ${JSON.stringify(wrong)}`,
    );
  }
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('share link round trip: secrets masked by default, kept when switched on', async () => {
  const { context, page } = await openAnalyze();
  const log = fixture('swaks-cram-md5.txt');
  await paste(page, log, 'S3cret-pw');
  await page.click('#analyze-share');
  await page.waitForSelector('#analyze-link:not([hidden])');
  const masked = await page.inputValue('#analyze-link');
  assert.match(masked, /[?]analyze#analyze=[A-Za-z0-9_-]+$/);
  assert.match(await status(page), /2 secrets masked/);
  await context.close();

  const restored = await openAnalyze({ hash: new URL(masked).hash });
  await restored.page.waitForFunction(() => Number(document.getElementById('view-analyze').dataset.analyses || 0) > 0, null, {
    timeout: 60000,
  });
  const text = await restored.page.inputValue('#analyze-text');
  assert.equal(text.split('\n').length, log.split('\n').length);
  assert.ok(!text.includes('YWxpY2UgMWZkOGU5ZWEwNWJhYmJjZTgxMWU3Njc3ZDk4YzJiZDk='), 'the digest is masked');
  assert.equal(await restored.page.inputValue('#analyze-password'), '');
  assert.match(await status(restored.page), /^Read as swaks output: .* 0 errors/);
  // The first run rewrites the hash with its scenario; the shared transcript stays, so a
  // reload opens it again.
  await restored.page.waitForFunction(() => /[#&]s=/.test(location.hash), null, { timeout: 60000 });
  assert.match(await restored.page.evaluate(() => location.hash), /analyze=[A-Za-z0-9_-]+/);
  await restored.page.reload();
  await restored.page.waitForFunction(() => Number(document.getElementById('view-analyze')?.dataset.analyses || 0) > 0, null, {
    timeout: 60000,
  });
  assert.equal(await restored.page.inputValue('#analyze-text'), text);
  await restored.context.close();

  const again = await openAnalyze();
  await paste(again.page, log, 'S3cret-pw');
  await again.page.check('#analyze-secrets');
  await again.page.click('#analyze-share');
  await again.page.waitForSelector('#analyze-link:not([hidden])');
  const full = await again.page.inputValue('#analyze-link');
  await again.context.close();
  const kept = await openAnalyze({ hash: new URL(full).hash });
  await kept.page.waitForFunction(() => Number(document.getElementById('view-analyze').dataset.analyses || 0) > 0, null, {
    timeout: 60000,
  });
  // A text area keeps line breaks as LF (HTML's value normalisation); the analysis reads both alike.
  assert.equal(await kept.page.inputValue('#analyze-text'), log.replace(/\r\n/g, '\n'));
  assert.equal(await kept.page.inputValue('#analyze-password'), 'S3cret-pw');
  await kept.context.close();
});

test('Open in playground loads the session into the forms and runs it', async () => {
  const { context, page } = await openAnalyze();
  await paste(page, fixture('swaks-cram-md5.txt'), 'S3cret-pw');
  const before = Number(await page.evaluate(() => document.body.dataset.renders || 0));
  await page.click('#analyze-open');
  await page.waitForFunction((n) => Number(document.body.dataset.renders || 0) > n, before, { timeout: 60000 });
  assert.equal(await page.getAttribute('#tab-transcript', 'aria-selected'), 'true');
  const lines = await page.$$eval('#transcript [role="option"] .text', (nodes) => nodes.map((n) => n.textContent));
  assert.ok(lines.includes('EHLO client.example'), lines.join('\n'));
  assert.ok(lines.includes('AUTH CRAM-MD5'), lines.join('\n'));
  assert.ok(
    lines.some((line) => line.startsWith('250 2.0.0')),
    lines.join('\n'),
  );
  assert.match(await page.textContent('#status'), /from the analysed session/);
  await context.close();
});

test('a BDAT session: chunk octets are grouped as message data, and the negotiation says what the client used', async () => {
  const { context, page, watch } = await openAnalyze();
  await paste(page, fixture('cs-send-bdat.txt'));
  assert.match(await status(page), /^Read as C:\/S: transcript/);
  assert.deepEqual(await findings(page), []);
  const groups = await page.$$eval('#analyze-transcript [role="group"].data', (nodes) =>
    nodes.map((node) => node.getAttribute('aria-label')),
  );
  assert.ok(groups.length >= 3 && groups.every((label) => /^BDAT chunk, \d+ lines$/.test(label)), groups.join(' | '));
  const commands = await page.$$eval('#analyze-transcript [role="option"] .text', (nodes) =>
    nodes.map((node) => node.textContent).filter((text) => text.startsWith('BDAT ')),
  );
  assert.deepEqual(commands, ['BDAT 100', 'BDAT 100', 'BDAT 100', 'BDAT 5 LAST'], 'mid-line BDATs are lines of their own');
  await page.click('.analyze-negotiation summary');
  const rows = await page.$$eval('#analyze-negotiation tbody tr', (trs) =>
    Object.fromEntries(trs.map((row) => [row.children[0].textContent, row.children[3].textContent])),
  );
  assert.match(rows.CHUNKING, /^Sent the message in 4 BDAT chunk\(s\) \(100, 100, 100, 5 LAST octets\)/);
  assert.match(rows.SMTPUTF8, /^Not needed: every address and header field is ASCII/);
  await paste(page, fixture('cs-send-smtputf8.txt'));
  const utf8 = await page.$$eval('#analyze-negotiation tbody tr', (trs) =>
    trs.map((row) => [...row.children].map((cell) => cell.textContent)).find((cells) => cells[0] === 'SMTPUTF8'),
  );
  assert.match(utf8[3], /^Declared SMTPUTF8 on MAIL FROM: an address and a header field are UTF-8/);
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('a 50 MB paste is cut to the engine limit with a clear message', async () => {
  const { context, page } = await openAnalyze();
  await afterAnalysis(page, () =>
    page.evaluate(() => {
      const session = 'S: 220 mx.example.org\nC: EHLO c.example\nS: 250 ok\nC: NOOP\nS: 250 ok\n';
      const clipboard = new DataTransfer();
      clipboard.setData('text/plain', session.repeat(Math.ceil(50e6 / session.length)));
      const paste = new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true });
      document.getElementById('analyze-text').dispatchEvent(paste);
    }),
  );
  assert.match(await status(page), /The input is 50\.0 MB: only its first 8\.4 MB were analysed/);
  assert.match(await page.textContent('#analyze-file-note'), /^Pasted text, too long to show \(50,000,0\d\d characters\)/);
  assert.equal(await page.inputValue('#analyze-text'), '', 'the text area does not hold it');
  await context.close();
});

test('accessibility: axe-core finds no violations in the Analyze view (light desktop, dark phone)', async () => {
  const axeSource = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const [viewport, colorScheme] of [
    [DESKTOP, 'light'],
    [PHONE, 'dark'],
  ]) {
    const { context, page } = await openAnalyze({ viewport, colorScheme });
    await paste(page, fixture('swaks-cram-md5.txt'), 'wrong');
    await page.click('#analyze-findings .finding.error');
    await page.waitForSelector('#analyze-transcript [aria-selected="true"]');
    await page.click('.analyze-negotiation summary');
    await page.click('.analyze-sasl summary');
    await page.evaluate(axeSource); // evaluated over CDP: the page's CSP does not apply
    const results = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
    const violations = results.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
    assert.deepEqual(violations, [], colorScheme);
    await context.close();
  }
});
