// The page's speed figures in headless Chromium, from one run (scripts/bench-page runs
// this): the cold-load median from navigation to the first finished transcript, and
// runScenario's time per call for one fixed session (EHLO, AUTH PLAIN, MAIL, 3 RCPT, a
// 10 KB body, QUIT). Prints them as `name value` lines; the shell script adds the native
// figure. Measured and printed, never asserted.
//
// BENCH_WWW=DIR measures another page tree; BENCH_WWW_B=DIR alternates cold loads of
// the page tree with those of DIR in one browser and prints only the cold-load figures
// of both (the second set suffixed `_b`), for a same-run comparison of a page change.

import { writeFileSync } from 'node:fs';
import { launchBrowser, serveStatic, WWW } from '../../tests/e2e/playground-helpers.mjs';
import { BENCH_SCENARIO } from './bench-scenario.mjs';

const LOADS = Number(process.env.LOADS || 21);
const CALLS = Number(process.env.CALLS || 300);
/** runScenario's calls are timed in this many batches. */
const BATCHES = 10;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * One cold load: milliseconds from navigation start to the engine being ready and to
 * the first finished transcript (marks set by www/js/main.js), and the CPU the page's
 * main thread spent until then (Chrome's `Performance.getMetrics`: every task, and the
 * script part of them), which machine load moves less than wall time.
 */
async function coldLoad(browser, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => performance.getEntriesByName('first-transcript').length > 0, null, { timeout: 60000 });
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name) => 1000 * (metrics.find((m) => m.name === name)?.value ?? Number.NaN);
  const marks = await page.evaluate(() => ({
    engine: performance.getEntriesByName('engine-ready')[0].startTime,
    transcript: performance.getEntriesByName('first-transcript')[0].startTime,
  }));
  await context.close();
  return {
    ...marks,
    tasks: metric('TaskDuration'),
    script: metric('ScriptDuration'),
    layout: metric('LayoutDuration') + metric('RecalcStyleDuration'),
  };
}

/**
 * The first view's wasm compile time (WebAssembly.compile of its bytes), median of 7.
 * Each compile gets the bytes with a different trailing custom section, so V8's cache
 * of compiled modules (keyed by the bytes) never answers.
 */
async function compileTime(browser, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  const times = await page.evaluate(async () => {
    const bytes = await (await fetch('./pkg/esmtp_playground_first_bg.wasm')).arrayBuffer();
    const out = [];
    for (let i = 0; i < 7; i += 1) {
      // A custom section (id 0, size 2, a 1-byte name "i"), unique per compile.
      const unique = new Uint8Array(bytes.byteLength + 4);
      unique.set(new Uint8Array(bytes));
      unique.set([0, 2, 1, 48 + i], bytes.byteLength);
      const start = performance.now();
      await WebAssembly.compile(unique);
      out.push(performance.now() - start);
    }
    return out;
  });
  await context.close();
  return median(times);
}

/** runScenario's time per call in the page, after a warm-up. */
async function perCall(browser, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => performance.getEntriesByName('first-transcript').length > 0, null, { timeout: 60000 });
  const result = await page.evaluate(
    async ({ scenario, calls, batches }) => {
      const glue = await import('./pkg/esmtp_playground_first.js');
      await glue.default({ module_or_path: new URL('./pkg/esmtp_playground_first_bg.wasm', location.href) });
      const full = {
        ...glue.defaultScenario(),
        ...scenario,
        client: {
          ...glue.defaultScenario().client,
          ...scenario.client,
          message: { ...glue.defaultScenario().client.message, ...scenario.client.message },
        },
      };
      for (let i = 0; i < 30; i += 1) glue.runScenario(full);
      // In batches: on a shared machine another process can take the CPU for a whole
      // batch, so the fastest batches say more about runScenario than the mean does.
      const perBatch = [];
      for (let batch = 0; batch < batches; batch += 1) {
        const start = performance.now();
        for (let i = 0; i < calls / batches; i += 1) glue.runScenario(full);
        perBatch.push((performance.now() - start) / (calls / batches));
      }
      return { perBatch, full };
    },
    { scenario: BENCH_SCENARIO, calls: CALLS, batches: BATCHES },
  );
  await context.close();
  return result;
}

/** The cold-load lines for `loads`, each name suffixed with `suffix`. */
function printLoads(loads, suffix = '') {
  const transcript = loads.map((load) => load.transcript);
  console.log(
    `cold_load_median_ms${suffix} ${median(transcript).toFixed(1)} (${loads.length} loads, min ${Math.min(...transcript).toFixed(1)}, max ${Math.max(...transcript).toFixed(1)}; engine ready at a median ${median(loads.map((load) => load.engine)).toFixed(1)})`,
  );
  console.log(
    `first_view_main_thread_ms${suffix} ${median(loads.map((load) => load.tasks)).toFixed(1)} (median over the loads of the main thread's task time until the first transcript; script ${median(loads.map((load) => load.script)).toFixed(1)}, style and layout ${median(loads.map((load) => load.layout)).toFixed(1)})`,
  );
}

/**
 * BENCH_WWW_B: a second page tree whose cold loads alternate with the first's in the
 * same browser, printed as `cold_load_median_ms_b` and so on: machine load then hits
 * both alike, which separate runs cannot promise. Only the cold loads are compared.
 */
async function compareLoads(browser, origin, originB) {
  await coldLoad(browser, originB);
  const loads = [];
  const loadsB = [];
  for (let i = 0; i < LOADS; i += 1) {
    loads.push(await coldLoad(browser, origin));
    loadsB.push(await coldLoad(browser, originB));
  }
  printLoads(loads);
  printLoads(loadsB, '_b');
}

/** Every figure for one page tree. */
async function measure(browser, origin) {
  const loads = [];
  for (let i = 0; i < LOADS; i += 1) loads.push(await coldLoad(browser, origin));
  const compile = await compileTime(browser, origin);
  const { perBatch, full } = await perCall(browser, origin);
  if (process.env.SCENARIO_OUT) writeFileSync(process.env.SCENARIO_OUT, JSON.stringify(full));
  printLoads(loads);
  console.log(`wasm_compile_ms ${compile.toFixed(1)} (first view's module, WebAssembly.compile, median of 7)`);
  console.log(
    `run_scenario_chromium_ms ${median(perBatch).toFixed(4)} (${CALLS} calls, median of ${BATCHES} batches; fastest batch ${Math.min(...perBatch).toFixed(4)})`,
  );
}

// BENCH_WWW: another page tree to measure (e.g. an older www/ beside the same pkg/).
const server = await serveStatic(process.env.BENCH_WWW || WWW);
const serverB = process.env.BENCH_WWW_B ? await serveStatic(process.env.BENCH_WWW_B) : null;
const browser = await launchBrowser();
try {
  await coldLoad(browser, server.origin); // the first launch warms the OS file cache
  if (serverB) await compareLoads(browser, server.origin, serverB.origin);
  else await measure(browser, server.origin);
} finally {
  await browser.close();
  await server.close();
  await serverB?.close();
}
