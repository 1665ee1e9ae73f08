#!/usr/bin/env node
// How long the transcript analysis takes in the page's own wasm module (www/pkg, built by
// scripts/test or `source scripts/lib/setup.sh; build_wasm`) on a 10,000-line swaks log
// and on the capture sample. Prints figures; asserts nothing.
//
//   node scripts/analyze-speed.mjs          analyzeTranscript in Node's V8 (the engine
//                                           Chromium uses): median and slowest of 20 runs
//                                           after 3 warm-ups.
//   node scripts/analyze-speed.mjs --page   the Analyze tab in headless Chromium (Debian's
//                                           /usr/bin/chromium, or $CHROMIUM): the engine
//                                           call in the tab's worker, Analyze click to findings
//                                           and first lines shown (and the main thread's part
//                                           of it: result to screen), the longest gap between
//                                           the main thread's animation frames meanwhile
//                                           (how long the page could not respond); median
//                                           of 5 runs after 1 warm-up.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'www', 'pkg');
const engine = await import(path.join(pkg, 'esmtp_playground.js'));
if (!process.argv.includes('--page')) engine.initSync({ module: fs.readFileSync(path.join(pkg, 'esmtp_playground_bg.wasm')) });

function swaksLog(lines) {
  const out = [
    '=== Trying 127.0.0.1:2525...',
    '<-  220 mx.example.org ESMTP',
    ' -> EHLO client.example',
    '<-  250-mx.example.org',
    '<-  250-PIPELINING',
    '<-  250-SIZE 10240000',
    '<-  250 8BITMIME',
  ];
  for (let id = 1; out.length < lines; id += 1) {
    out.push(
      ' -> MAIL FROM:<alice@example.net> SIZE=1200',
      '<-  250 2.1.0 Ok',
      ` -> RCPT TO:<bob${id}@example.org>`,
      '<-  250 2.1.5 Ok',
      ' -> DATA',
      '<-  354 End data with <CR><LF>.<CR><LF>',
      ` -> Subject: message ${id}`,
      ' -> ',
    );
    for (let line = 0; line < 20; line += 1) out.push(` -> Line ${line} of the message body, plain ASCII text.`);
    out.push(' -> .', '<-  250 2.0.0 Ok: queued');
  }
  out.push(' -> QUIT', '<-  221 2.0.0 Bye');
  return `${out.join('\n')}\n`;
}

function measure(label, input) {
  for (let i = 0; i < 3; i += 1) engine.analyzeTranscript(input, {});
  const times = [];
  let result;
  for (let i = 0; i < 20; i += 1) {
    const start = performance.now();
    result = engine.analyzeTranscript(input, {});
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${label}: ${result.lines.length} lines, ${result.findings.length} findings; median ${median.toFixed(1)} ms, slowest ${times[times.length - 1].toFixed(1)} ms`,
  );
}

/** Times the Analyze tab on `log` in headless Chromium. */
async function measurePage(log) {
  const { launchBrowser, serveStatic } = await import(path.join(root, 'tests', 'e2e', 'playground-helpers.mjs'));
  const server = await serveStatic(path.join(root, 'www'));
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/?analyze`);
    await page.waitForSelector('#view-analyze[data-loaded]', { state: 'attached', timeout: 60000 });
    const runs = [];
    for (let i = 0; i < 6; i += 1) runs.push(await page.evaluate(analyseOnce, log));
    const measured = runs.slice(1);
    const median = (key) => measured.map((run) => run[key]).sort((a, b) => a - b)[Math.floor(measured.length / 2)];
    console.log(
      `Chromium Analyze tab, swaks log (${log.split('\n').length - 1} lines): ${runs[0].status}\n` +
        `  engine call in the worker: median ${median('engine').toFixed(1)} ms\n` +
        `  Analyze click to findings and first lines shown: median ${median('total').toFixed(1)} ms\n` +
        `  main thread, result to findings and first lines shown: median ${median('render').toFixed(1)} ms\n` +
        `  longest main-thread frame gap meanwhile: median ${median('longestFrame').toFixed(1)} ms\n` +
        `  main-thread long tasks (ms) per run: ${measured.map((run) => `[${run.longTasks}]`).join(' ')}`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

/** In the page: pastes `log`, clicks Analyze, waits for the result on screen. */
async function analyseOnce(log) {
  const panel = document.getElementById('view-analyze');
  const area = document.getElementById('analyze-text');
  area.value = log;
  area.dispatchEvent(new Event('input'));
  // The text area lays the paste out first; that is the browser's cost, not the analysis'.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const before = Number(panel.dataset.analyses || 0);
  let longestFrame = 0;
  let running = true;
  const longTasks = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => Math.round(e.duration))));
  observer.observe({ type: 'longtask' });
  let last = performance.now();
  const tick = (now) => {
    longestFrame = Math.max(longestFrame, now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const started = performance.now();
  const done = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (Number(panel.dataset.analyses || 0) > before) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe(panel, { attributes: true, attributeFilter: ['data-analyses'] });
  });
  document.getElementById('analyze-run').click();
  await done;
  const total = performance.now() - started;
  running = false;
  observer.disconnect();
  return {
    total,
    engine: Number(document.body.dataset.analyzeMs),
    longestFrame,
    status: document.getElementById('analyze-status').textContent,
    longTasks: longTasks.join(' '),
    render: performance.getEntriesByName('analyze-render').at(-1)?.duration ?? Number.NaN,
  };
}

const log = swaksLog(10000);
if (process.argv.includes('--page')) {
  await measurePage(log);
} else {
  measure(`swaks log (${log.split('\n').length - 1} lines)`, log);
  measure('C:/S: paste (same session)', log.replaceAll(' -> ', 'C: ').replaceAll('<-  ', 'S: '));
  const capture = fs.readFileSync(path.join(root, 'tests', 'fixtures', 'analyze', 'pcap-swaks-cram-md5.pcap'));
  measure('pcap sample', new Uint8Array(capture));
}
