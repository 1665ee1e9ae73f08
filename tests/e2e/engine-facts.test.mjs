// The page shows what the engine says: step mode's states, the forms' choices, the
// address-list splitter and scripted sessions all come from Rust, not from lists in JS.
// Needs www/pkg/ built. Run: node --test tests/e2e/engine-facts.test.mjs

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterRender, DESKTOP, openTab, transcriptLines, usePlayground, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();

async function open(query = '') {
  const context = await playground.browser.newContext({ viewport: DESKTOP });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/${query}`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  return { page, context, watch };
}

/** Calls engine exports in the page through its own glue, as the page does. */
function engineCall(page, name, ...args) {
  return page.evaluate(
    async ({ name, args }) => {
      const glue = await import('./pkg/esmtp_playground.js');
      await glue.default({ module_or_path: new URL('./pkg/esmtp_playground_bg.wasm', location.href) });
      return glue[name](...args);
    },
    { name, args },
  );
}

/** A `#s=` link for a scenario patch, encoded as the page encodes it. */
function link(patch) {
  return `#s=${Buffer.from(JSON.stringify(patch)).toString('base64url')}`;
}

test('step mode lays out the engine’s states in its words and starts in the first', async () => {
  const { page, context } = await open();
  const states = await engineCall(page, 'serverStates');
  const labels = await engineCall(page, 'serverStateLabels');
  assert.ok(states.length >= 5, 'the engine lists its states');
  await openTab(page, '#tab-step');
  const drawn = await page.$$eval('.diagram .node', (nodes) => nodes.map((node) => [node.dataset.state, node.textContent]));
  assert.deepEqual(
    drawn.map(([name]) => name),
    states,
    'every state the engine lists, in its order',
  );
  const words = new Map(labels.states.map((s) => [s.name, s.label]));
  for (const [name, text] of drawn) assert.equal(text, words.get(name), `${name} is shown in the engine's words`);
  assert.equal(await page.getAttribute('.diagram .node.current', 'data-state'), states[0]);
  const allowed = await page.textContent('.current-state + p');
  assert.ok(labels.otherwise && allowed.endsWith(labels.otherwise), `the reply to anything else is the engine's: ${allowed}`);
  await page.click('#step-last');
  assert.equal(await page.getAttribute('.diagram .node.current', 'data-state'), states.at(-1));
  await context.close();
});

test('no two texts of the state diagram overlap', async () => {
  const { page, context } = await open();
  await openTab(page, '#tab-step');
  const boxes = await page.$$eval('.diagram text', (texts) =>
    texts.map((text) => {
      const b = text.getBBox();
      return { text: text.textContent, x1: b.x, y1: b.y, x2: b.x + b.width, y2: b.y + b.height };
    }),
  );
  assert.ok(boxes.length > 10, 'node and edge labels are drawn');
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const [a, b] = [boxes[i], boxes[j]];
      const overlap = a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
      assert.ok(!overlap, `"${a.text}" and "${b.text}" overlap`);
    }
  }
  await context.close();
});

test('every drop-down offers exactly the engine’s choices with its labels', async () => {
  const { page, context } = await open();
  const options = await engineCall(page, 'formOptions');
  const selects = {
    'client.hello': '#f-client-hello',
    'client.pipelining': '#f-client-pipelining',
    'client.eightBit': '#f-client-eightBit',
    'client.quitAfter': '#f-client-quitAfter',
    'server.ehloMode': '#f-server-ehloMode',
    'server.role': '#f-server-role',
    'server.strictness.bareLf': '#f-server-strictness-bareLf',
    'server.strictness.unofferedPipelining': '#f-server-strictness-unofferedPipelining',
    'server.strictness.undeclaredEightBit': '#f-server-strictness-undeclaredEightBit',
  };
  for (const [path, selector] of Object.entries(selects)) {
    const shown = await page.$$eval(`${selector} option`, (nodes) => nodes.map((node) => ({ value: node.value, label: node.textContent })));
    const expected = options[path].map((choice) => ({ value: choice.value ?? '', label: choice.label }));
    assert.deepEqual(shown, expected, path);
  }
  await afterRender(page, () => page.selectOption('#f-client-auth-mechanism', 'PLAIN'));
  const mechanisms = await page.$$eval('#f-client-auth-mechanism option', (nodes) => nodes.map((node) => node.value).filter(Boolean));
  assert.deepEqual(
    mechanisms,
    options['client.auth.mechanism'].map((choice) => choice.value),
  );
  assert.match(await page.textContent('[data-path="server.auth.mechanisms"] .help'), /PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5/);
  await context.close();
});

test('every label and help text of a setting is the engine’s', async () => {
  const { page, context } = await open();
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  const fields = await engineCall(page, 'formFields');
  const shown = await page.$$eval('.field[data-path]', (nodes) =>
    nodes.map((node) => ({
      path: node.dataset.path,
      label: node.querySelector('label')?.textContent,
      help: node.querySelector('.help')?.textContent ?? null,
    })),
  );
  const byPath = new Map(shown.map((field) => [field.path, field]));
  for (const path of ['server.role', 'server.auth.plaintextNeedsSecureChannel', 'client.message.from', 'startTime']) {
    const field = byPath.get(path);
    assert.ok(field, `${path} has a field`);
    assert.equal(field.label, fields[path].label, `${path}: label`);
    assert.equal(field.help, fields[path].help, `${path}: help`);
  }
  for (const { path, label } of shown) {
    const words = fields[path];
    if (words && !/\((one per line|JSON)\)$/.test(label)) assert.equal(label, words.label, path);
  }
  await afterRender(page, () => page.selectOption('#f-client-auth-mechanism', 'PLAIN'));
  assert.equal(await page.textContent('label[for="f-client-auth-user"]'), fields['client.auth.user'].label);
  assert.equal(await page.textContent('#f-client-auth-mechanism option[value=""]'), fields['client.auth.mechanism'].empty);
  await context.close();
});

test('an address list is split by the engine: a quoted comma stays in the name', async () => {
  const { page, context } = await open();
  const typed = '"Smith, Bob" <bob@example.org>, carol@example.org\ndave@example.org';
  await afterRender(page, () => page.fill('#f-client-message-to', typed));
  const lines = await transcriptLines(page);
  for (const to of ['bob@example.org', 'carol@example.org', 'dave@example.org']) assert.ok(lines.includes(`C: RCPT TO:<${to}>`), to);
  assert.deepEqual(await engineCall(page, 'splitAddressList', '"Smith, Bob" <bob@example.org>, carol@example.org'), [
    '"Smith, Bob" <bob@example.org>',
    'carol@example.org',
  ]);
  await context.close();
});

test('a scripted session runs in Rust: raw octets and a bare LF reach the server as sent', async () => {
  const script = [{ sendOctets: [72, 69, 76, 79, 32, 120, 13, 10] }, { send: 'NOOP\n' }, { wait: 1000 }, { send: 'QUIT\r\n' }];
  const { page, context } = await open(link({ script }));
  const lines = await transcriptLines(page);
  assert.equal(lines[0].slice(0, 7), 'S: 220 ');
  assert.ok(lines.includes('C: HELO x'), lines.join('\n'));
  assert.ok(lines.includes('C: NOOP'), 'the bare-LF line was sent');
  assert.ok(
    lines.some((line) => /^S: 500 5\.5\.2 /.test(line)),
    'the server refused the bare LF',
  );
  assert.match(await page.textContent('#status'), /Scripted client/);
  const timeline = await engineCall(page, 'runScenario', { script });
  assert.equal(timeline.scripted, true);
  assert.ok(!timeline.entries.some((entry) => entry.type === 'client'), 'a script makes no client decisions');
  await context.close();
});

test('the timeout preset’s 421 comes from the engine’s clock, 30 s after the EHLO reply', async () => {
  const { page, context } = await open('?preset=timeout');
  const timeline = await page.evaluate(async () => {
    const { loadPreset } = await import('./js/presets.js');
    const glue = await import('./pkg/esmtp_playground.js');
    await glue.default({ module_or_path: new URL('./pkg/esmtp_playground_bg.wasm', location.href) });
    return glue.runScenario((await loadPreset('timeout')).patch);
  });
  const writes = timeline.entries.filter((entry) => entry.type === 'bytes');
  assert.equal(writes.length, 4, 'greeting, EHLO, its reply, 421');
  assert.equal(writes[3].at - writes[2].at, 30000);
  await context.close();
});
