// The Calculator tab in headless Chromium against the real engine: decode first with a
// verdict in a status region, the RFC 2195 and RFC 2831 vectors, DIGEST-MD5 encode with
// the page's own client nonce, and the PLAIN decode's quoted fields.
// Run: node --test tests/e2e/calculator.test.mjs (after building www/pkg).

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { DESKTOP, openTab, PHONE, SHOTS, usePlayground, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();

const CRAM_RESPONSE = 'dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw';
const CRAM_CHALLENGE = '<1896.697170952@postoffice.reston.mci.net>';
const DIGEST_CHALLENGE = 'realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8';

async function openCalculator(viewport = DESKTOP) {
  const context = await playground.browser.newContext({ viewport });
  const { page } = await watchedPage(context);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${playground.server.origin}/`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  await openTab(page, '#tab-calculator');
  return { page, context, errors };
}

async function decode(page, input, password = '', challenge = '') {
  await page.fill('#calc-input', input);
  await page.fill('#calc-decode-password', password);
  await page.fill('#calc-decode-challenge', challenge);
  await page.click('#calc-decode-form button[type=submit]');
  return page.textContent('#calc-decode-result [role="status"]');
}

test('decode comes first, with an empty box and a placeholder', async () => {
  const { page, context } = await openCalculator();
  const order = await page.$$eval('#view-calculator form', (forms) => forms.map((f) => f.id));
  assert.deepEqual(order, ['calc-decode-form', 'calc-encode-form']);
  assert.equal(await page.inputValue('#calc-input'), '');
  assert.match(await page.getAttribute('#calc-input', 'placeholder'), /AUTH PLAIN/);
  await context.close();
});

test('the RFC 2195 vector gives a success verdict, a wrong password a failure verdict', async () => {
  const { page, context, errors } = await openCalculator();
  const success = await decode(page, CRAM_RESPONSE, 'tanstaaftanstaaf', CRAM_CHALLENGE);
  assert.equal(success, '✓ "tanstaaftanstaaf" produces this response for user "tim"');
  assert.match(await page.getAttribute('#calc-decode-result [role="status"]', 'class'), /matches/);
  await page.screenshot({ path: path.join(SHOTS, 'calculator-verdict-success.png') });
  const failure = await decode(page, CRAM_RESPONSE, 'wrong', CRAM_CHALLENGE);
  assert.match(
    failure,
    /^✗ "wrong" does not produce this response for user "tim": expected [0-9a-f]{32}, got b913a602c7eda7a495b4e6e7334d3890/,
  );
  assert.match(await page.getAttribute('#calc-decode-result [role="status"]', 'class'), /differs/);
  const details = await page.textContent('#calc-decode-result');
  assert.match(details, /Step by step/);
  assert.doesNotMatch(
    details.replace(/Raw data[\s\S]*$/, ''),
    /interpretation|cramResponse|clientLines/,
    'no code identifiers outside the raw data',
  );
  await page.screenshot({ path: path.join(SHOTS, 'calculator-verdict-failure.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the PLAIN decode quotes the password, says (empty) for the authzid and compares a typed password', async () => {
  const { page, context } = await openCalculator();
  const verdict = await decode(page, 'AUTH PLAIN AGFsaWNlAHdyb25n');
  assert.equal(verdict, 'Decoded: a PLAIN message for user "alice"');
  const text = await page.textContent('#calc-decode-result .fields');
  assert.match(text, /password"wrong"/);
  assert.match(text, /\(empty\)/);
  assert.equal(await page.locator('#calc-decode-result h4', { hasText: 'Step by step' }).count(), 0, 'no empty Step by step heading');
  const checked = await decode(page, 'AUTH PLAIN AGFsaWNlAHdyb25n', 'S3cret-pw');
  assert.equal(checked, '✗ user "alice" sent password "wrong"; expected "S3cret-pw"');
  const login = await decode(page, 'UzNjcmV0LXB3', 'S3cret-pw');
  assert.equal(login, '✓ this LOGIN answer is the password "S3cret-pw"');
  await context.close();
});

test('a DIGEST-MD5 response is checked and the differing value named', async () => {
  const { page, context } = await openCalculator();
  const response =
    'charset=utf-8,username="chris",realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",nc=00000001,cnonce="OA6MHXh6VqTrRk",digest-uri="imap/elwood.innosoft.com",response=d388dad90d4bbd760a152321f2143af7,qop=auth';
  const input = Buffer.from(response).toString('base64');
  assert.equal(await decode(page, input, 'secret'), '✓ "secret" produces this response for user "chris"');
  assert.match(await decode(page, input, 'wrong'), /^✗ "wrong" does not produce this response for user "chris": HA1 differs/);
  await context.close();
});

test('a pasted SCRAM-SHA-256 exchange is recomputed and the differing value named', async () => {
  const { page, context } = await openCalculator();
  const exchange = [
    'C: AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=',
    'S: 334 cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=',
    'C: Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ==',
    'S: 334 dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==',
  ].join('\n');
  assert.match(await decode(page, exchange, 'pencil'), /^✓ ClientProof and ServerSignature both fit password "pencil" for user "user"$/);
  const details = await page.textContent('#calc-decode-result');
  assert.match(details, /SaltedPassword expected/);
  assert.match(details, /ServerSignature expected \(v=\)/);
  assert.match(await decode(page, exchange, 'pencil2'), /^✗ ClientProof differs/);
  await context.close();
});

test('DIGEST-MD5 encode works from the page with its own editable client nonce', async () => {
  const { page, context } = await openCalculator();
  const cnonce = await page.inputValue('#calc-cnonce');
  assert.match(cnonce, /^[0-9a-f]{24}$/, 'a client nonce the engine made from 12 random octets is filled in');
  await page.click('#calc-new-cnonce');
  assert.notEqual(await page.inputValue('#calc-cnonce'), cnonce);
  await page.selectOption('#calc-mechanism', 'DIGEST-MD5');
  await page.fill('#calc-user', 'chris');
  await page.fill('#calc-password', 'secret');
  await page.fill('#calc-challenge', DIGEST_CHALLENGE);
  await page.click('#calc-encode-form button[type=submit]');
  const status = await page.textContent('#calc-encode-result [role="status"]');
  assert.match(status, /^DIGEST-MD5 \(RFC 2831\): the client sends the 3 lines/);
  await page.fill('#calc-cnonce', 'OA6MHXh6VqTrRk');
  await page.click('#calc-encode-form button[type=submit]');
  const result = await page.textContent('#calc-encode-result');
  assert.match(result, /cnonce="OA6MHXh6VqTrRk"/, 'the edited nonce is the one used');
  assert.match(result, /digest-uri="smtp\/localhost"/);
  await page.fill('#calc-cnonce', '');
  await page.click('#calc-encode-form button[type=submit]');
  assert.match(await page.textContent('#calc-encode-result [role="status"]'), /^✗ cnonce is needed/);
  await context.close();
});

test('SCRAM-SHA-256 encodes the RFC 7677 exchange from a pasted server-first message', async () => {
  const { page, context } = await openCalculator();
  await page.selectOption('#calc-mechanism', 'SCRAM-SHA-256');
  await page.fill('#calc-user', 'user');
  await page.fill('#calc-password', 'pencil');
  await page.fill('#calc-cnonce', 'rOprNGfwEbeRWgbNEkqO');
  await page.fill('#calc-challenge', 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  await page.click('#calc-encode-form button[type=submit]');
  const result = await page.textContent('#calc-encode-result');
  assert.match(result, /p=dHzbZapWIk4jUhN\+Ute9ytag9zjfMHgsqmmiz7AndVQ=/);
  assert.match(result, /v=6rriTRBi23WpRR\/wtup\+mMhUZUn\/dB5nLTJRsjl95G4=/);
  assert.match(result, /SaltedPassword/);
  await context.close();
});

test('the RFC vectors encode from the page', async () => {
  const { page, context } = await openCalculator();
  await page.selectOption('#calc-mechanism', 'CRAM-MD5');
  await page.fill('#calc-user', 'tim');
  await page.fill('#calc-password', 'tanstaaftanstaaf');
  await page.fill('#calc-challenge', CRAM_CHALLENGE);
  await page.click('#calc-encode-form button[type=submit]');
  let result = await page.textContent('#calc-encode-result');
  assert.match(result, /dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw/, 'RFC 2195 example response');
  assert.match(result, /b913a602c7eda7a495b4e6e7334d3890/);
  await page.selectOption('#calc-mechanism', 'PLAIN');
  await page.fill('#calc-challenge', '');
  await page.click('#calc-encode-form button[type=submit]');
  result = await page.textContent('#calc-encode-result');
  assert.match(result, /AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm/);
  assert.match(result, /NULtimNULtanstaaftanstaaf/);
  await decode(page, 'AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=');
  result = await page.textContent('#calc-decode-result');
  assert.match(result, /testNULtestNUL1234/);
  assert.match(result, /74 65 73 74 00 74 65 73 74 00 31 32 33 34/);
  assert.match(await decode(page, 'AUTH PLAIN !!!'), /not base64: bad character '!' at position 0/);
  await context.close();
});

test('the calculator fits a phone screen', async () => {
  const { page, context } = await openCalculator(PHONE);
  await decode(page, CRAM_RESPONSE, 'wrong', CRAM_CHALLENGE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the calculator scrolls sideways by ${overflow}px at 375 px`);
  await page.screenshot({ path: path.join(SHOTS, 'phone-calculator-verdict.png') });
  await context.close();
});
