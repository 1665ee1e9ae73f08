// What the page really fetches: on first load (the default view, until its first run
// has rendered) exactly the files listed in scripts/lib/first-load.txt, the list
// report_sizes totals as "first load"; after another preset has been picked and every tab
// and the Embed dialog have been opened, every page file report_sizes counts as
// "everything"; a line selected fetches its details' code; an embed fetches the first
// view's files plus the highlight's and the line details' code (it selects its first
// highlighted line), the presets' details when it shows another preset than the default,
// and the code and styles of the view it opens on. Needs
// www/pkg/ built.
// Run: node --test tests/e2e/

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openTab, ROOT, transcriptLines, usePlayground, WWW, watchedPage } from './playground-helpers.mjs';

const playground = usePlayground();

/** scripts/lib/first-load.txt: one www/ path a line, # comments. */
function firstLoadList() {
  return fs
    .readFileSync(path.join(ROOT, 'scripts', 'lib', 'first-load.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .sort();
}

/**
 * Every file report_sizes counts: index.html, the .css files, js/ and pkg/ (.js, .wasm),
 * but the embedding guide's module, which only embed.html loads, embed mode's code
 * (js/embed-mode.js), which only an embed loads (the embed test below checks it), the TLS module in
 * pkg/tls/ (report_sizes marks it "tls") and the TLS view's code, js/tls-view.js, which
 * load when a scenario first uses TLS, not when a tab opens (tests/e2e/tls.test.mjs checks
 * that they load then, and not before).
 */
function pageFiles() {
  const under = (dir, pattern) =>
    fs
      .readdirSync(path.join(WWW, dir))
      .filter((name) => pattern.test(name))
      .map((name) => (dir === '.' ? name : `${dir}/${name}`));
  return ['index.html', ...under('.', /\.css$/), ...under('js', /\.(js|wasm)$/), ...under('pkg', /\.(js|wasm)$/)]
    .filter((file) => !['js/embed-guide.js', 'js/tls-view.js', 'js/embed-mode.js'].includes(file))
    .sort();
}

/** The distinct www/ paths the page has requested so far (index.html for "/"). */
function requested(watch) {
  const paths = watch.requests
    .filter((url) => url.startsWith(playground.server.origin))
    .map((url) => new URL(url).pathname.slice(1) || 'index.html');
  return [...new Set(paths)].sort();
}

test('first load fetches exactly scripts/lib/first-load.txt; a line selected, its details; a preset picked, every tab and the Embed dialog opened, every page file', async () => {
  const context = await playground.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  // Nothing more arrives while the page sits on its first view.
  await page.waitForTimeout(500);
  assert.deepEqual(requested(watch), firstLoadList(), 'first load');

  // Selecting a line fetches its details' code (js/line-details.js, js/events.js).
  await page.click('#transcript [data-line="0"]');
  await page.waitForSelector('#line-details .details-title');
  assert.deepEqual(requested(watch), [...firstLoadList(), 'js/line-details.js', 'js/events.js'].sort(), 'a line selected');

  // Picking another preset fetches the presets' details (js/preset-details.js), and its
  // run, the second, starts the run worker (js/worker.js).
  await page.selectOption('#preset', 'auth-login');
  await page.waitForSelector('body[data-renders="2"]', { timeout: 60000 });
  assert.deepEqual(
    requested(watch),
    [...firstLoadList(), 'js/line-details.js', 'js/events.js', 'js/preset-details.js', 'js/worker.js'].sort(),
    'a preset picked',
  );

  await page.click('#embed-open');
  await page.waitForSelector('#embed-dialog[open]');
  await page.keyboard.press('Escape');
  for (const tab of await page.$$eval('[role="tab"]', (tabs) => tabs.map((t) => `#${t.id}`))) await openTab(page, tab);
  await page.waitForSelector('#view-world[data-ran]', { timeout: 60000 });
  // The Tours menu loads its code when first opened (the World tab folds the toolbar away).
  await page.click('#tab-transcript');
  await page.click('#tours-button');
  await page.waitForSelector('#tours-dialog[open] [data-tour]', { timeout: 60000 });
  // Tour files (www/tours/*.json) are data the menu reads, not page code: not counted.
  const code = requested(watch).filter((file) => !file.startsWith('tours/'));
  assert.deepEqual(code, pageFiles(), 'every tab opened');
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('a SCRAM preset runs in the full engine module, which the first load does not fetch', async () => {
  const context = await playground.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, watch } = await watchedPage(context);
  await page.goto(`${playground.server.origin}/`);
  await page.waitForSelector('body[data-renders]', { timeout: 60000 });
  assert.deepEqual(requested(watch), firstLoadList(), 'first load');
  await page.selectOption('#preset', 'scram-sha-256');
  await page.waitForSelector('body[data-renders="2"]', { timeout: 60000 });
  const lines = await transcriptLines(page);
  assert.ok(
    lines.some((line) => /^C: AUTH SCRAM-SHA-256 /.test(line)),
    'the client authenticates with SCRAM-SHA-256',
  );
  assert.ok(
    lines.some((line) => /^S: 235 /.test(line)),
    'the server accepts it',
  );
  const fetched = requested(watch);
  assert.ok(fetched.includes('pkg/esmtp_playground_bg.wasm'), 'the full module is fetched for the run');
  assert.ok(!fetched.some((file) => file.startsWith('pkg/tls/')), 'not the TLS module');
  assert.deepEqual(watch.errors, []);
  await context.close();
});

/** What a highlighted, selected line adds: the highlight's code and the line details'. */
const SELECTED = ['js/line-highlight.js', 'js/line-details.js', 'js/events.js'];

test("an embed fetches the first view's files, plus the code of the view it opens on", async () => {
  const context = await playground.browser.newContext({ viewport: { width: 700, height: 450 } });
  for (const [query, extra] of [
    // js/line-highlight.js: an embed highlights its preset's default lines and selects
    // the first, which loads the line details (js/line-details.js, js/events.js).
    ['?embed=1&preset=esmtp', ['js/embed-mode.js', ...SELECTED]],
    ['?embed=1&preset=auth-login', ['js/embed-mode.js', ...SELECTED, 'js/preset-details.js']],
    ['?embed=1&preset=auth-login&view=sasl', ['js/embed-mode.js', ...SELECTED, 'js/preset-details.js', 'js/sasl.js', 'views.css']],
  ]) {
    const { page, watch } = await watchedPage(context);
    await page.goto(`${playground.server.origin}/${query}`);
    await page.waitForSelector('body[data-renders]', { timeout: 60000 });
    await page.waitForTimeout(500);
    assert.deepEqual(requested(watch), [...firstLoadList(), ...extra].sort(), query);
    assert.deepEqual(watch.errors, []);
    await page.close();
  }
  await context.close();
});
