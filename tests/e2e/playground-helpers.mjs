// Helpers for the playground end-to-end tests: a static server for www/ and a
// headless Debian Chromium driven by playwright-core.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository, the page's directory and where screenshots go (git-ignored). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WWW = path.join(ROOT, 'www');
export const SHOTS = path.join(ROOT, 'artifacts', 'screenshots');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 812 };

/**
 * Registers the `before`/`after` hooks every browser test file needs: check that
 * www/pkg is built, serve www/ and start Chromium once per file. The returned object's
 * `server` and `browser` are set once the `before` hook has run.
 */
export function usePlayground() {
  const playground = { server: null, browser: null };
  before(async () => {
    assert.ok(
      existsSync(path.join(WWW, 'pkg', 'esmtp_playground_bg.wasm')),
      'www/pkg is missing: build the wasm first (scripts/serve or scripts/test)',
    );
    mkdirSync(SHOTS, { recursive: true });
    playground.server = await serveStatic(WWW);
    playground.browser = await launchBrowser();
  });
  after(async () => {
    await playground.browser?.close();
    await playground.server?.close();
  });
  return playground;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves `root` on a free 127.0.0.1 port. Resolves to `{origin, close}`. */
export async function serveStatic(root) {
  const server = http.createServer(async (request, response) => {
    try {
      const url = new URL(request.url, 'http://localhost');
      let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
      if (!file.startsWith(path.normalize(root))) throw new Error('outside root');
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await fs.readFile(file);
      response.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      response.end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * A page that records console errors, page errors and every request URL.
 * `watch.errors` and `watch.requests` are filled as the page runs.
 */
export async function watchedPage(context) {
  const page = await context.newPage();
  const watch = { errors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(String(error)));
  page.on('request', (request) => watch.requests.push(request.url()));
  return { page, watch };
}

/** Waits for the next finished transcript render after `action()`. */
export async function afterRender(page, action) {
  const before = Number(await page.evaluate(() => document.body.dataset.renders || 0));
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.renders || 0) > n, before, { timeout: 60000 });
}

/** The transcript as "C: …"/"S: …" lines (without timestamps). */
export function transcriptLines(page) {
  return page.$$eval('#transcript [role="option"]', (nodes) =>
    nodes.map((node) => `${node.querySelector('.dir').textContent} ${node.querySelector('.text').textContent}`),
  );
}

/**
 * Clicks a tab and waits until its view is ready: every view but the transcript loads
 * its code (and the World tab its wasm module) the first time its tab is opened.
 */
export async function openTab(page, tab) {
  await page.click(tab);
  const panel = await page.getAttribute(tab, 'aria-controls');
  await page.waitForSelector(`#${panel}[data-loaded]`, { state: 'attached', timeout: 60000 });
}
