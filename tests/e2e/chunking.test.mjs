// The CHUNKING preset in the page: each BDAT line shows the chunk the engine says it
// announces, and the chunk's octets are drawn as message data, never as commands.
// Needs www/pkg/ built. Run: node --test tests/e2e/chunking.test.mjs

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, usePlayground, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();

test('BDAT lines carry the engine’s chunk marks and chunk octets are data', async () => {
  const context = await playground.browser.newContext({ viewport: DESKTOP });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/?preset=chunking`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  const lines = await page.$$eval('#transcript [role="option"]', (nodes) =>
    nodes.map((node) => ({
      text: node.querySelector('.text').textContent,
      mark: node.querySelector('.chunk-mark')?.textContent ?? null,
      data: node.classList.contains('chunk-data'),
    })),
  );
  const commands = lines.filter((line) => line.text.startsWith('BDAT '));
  assert.equal(commands.length, 3, 'three BDAT lines');
  assert.equal(commands[0].mark, '— chunk 1 of 3, 150 octets');
  assert.match(commands[2].mark, /^— chunk 3 of 3, \d+ octets, LAST$/);
  assert.ok(
    commands.every((line) => !line.data),
    'a BDAT line is a command',
  );
  const data = lines.filter((line) => line.data);
  assert.ok(
    data.some((line) => line.text === '.A line starting with a dot is stuffed.'),
    'the dot line is chunk data, sent as it is',
  );
  assert.ok(
    data.every((line) => line.mark === null && !line.text.startsWith('BDAT')),
    'no chunk line holds a command',
  );
  assert.deepEqual(watch.errors, []);
  await context.close();
});
