// Runs scenarios in a Web Worker when one can start (served page), else on the main
// thread (single file opened from disk). `stop()` ends a run in progress.
//
// The first run goes on the main thread: the page has the engine then, and nothing else
// competes with it for the CPU. The worker starts when a second run is asked for (a page
// that only shows its first view never fetches js/worker.js), gets the page's compiled
// WebAssembly.Module and never compiles it again; that run and every later one go to it
// once it is ready.
//
// The engine says which module runs a scenario (`scenarioModule`): "first", the page's
// own; "tls", a scenario with TLS, runs in the TLS module; "full", a scenario that may use
// SCRAM, XOAUTH2 or OAUTHBEARER, runs in the full module (the first view's leaves them
// out). Those two run on the main thread and load the first time one asks
// (js/engine.js `startTlsEngine`, `startTabsEngine`); `hooks.loading(text)` says so.

import { INLINE, startTabsEngine, startTlsEngine } from './engine.js';

/** Which module runs `scenario`, as `engine` (any engine module) says: "first", "full" or "tls". */
export function scenarioModule(engine, scenario) {
  return engine.call('scenarioModule', scenario);
}

/** What `hooks.loading` shows while a module loads the first time. */
const LOADING = {
  tls: 'Loading TLS (the engines with rustls, once)…',
  full: 'Loading the full engine module (once)…',
};

/** `enginePromise`: the page's `loadEngine()`, still loading or done. */
export function createRunner(enginePromise, hooks = {}) {
  let engine = null;
  let worker = null;
  let ready = null;
  let firstRun = true;
  let workerStarted = false;
  let pending = null;
  let nextId = 1;
  /** The other modules once loaded, by scenarioModule's name. */
  const loaded = { tls: null, full: null };

  function dropWorker() {
    if (worker) worker.terminate();
    worker = null;
    ready = null;
  }

  function startWorker() {
    dropWorker();
    if (INLINE || typeof Worker !== 'function') return;
    try {
      const candidate = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      ready = new Promise((resolve) => {
        candidate.addEventListener('message', ({ data }) => {
          if (data.type === 'ready') resolve(true);
          else if (data.type === 'failed') resolve(false);
          else if (data.type === 'result' && pending && pending.id === data.id) {
            const { resolve: done, reject } = pending;
            pending = null;
            if (data.error) reject(new Error(data.error));
            else done(data.timeline);
          }
        });
        candidate.addEventListener('error', (event) => {
          event.preventDefault();
          resolve(false);
        });
      });
      worker = candidate;
      if (engine) initWorker();
    } catch {
      worker = null;
    }
  }

  function initWorker() {
    if (engine.module) worker.postMessage({ type: 'init', module: engine.module });
    else dropWorker();
  }

  /** Resolves to the timeline, or rejects with a readable Error. */
  async function run(scenario) {
    if (firstRun) return firstRunOnPage(scenario);
    if (!workerStarted) {
      workerStarted = true;
      startWorker();
    }
    const which = scenarioModule(engine || (await enginePromise), scenario);
    if (which !== 'first') return (await loadModule(which)).call('runScenario', scenario);
    if (worker && (await ready)) {
      if (pending) pending.reject(new Error('superseded'));
      return new Promise((resolve, reject) => {
        pending = { id: nextId, resolve, reject };
        worker.postMessage({ type: 'run', id: nextId, scenario });
        nextId += 1;
      });
    }
    return (engine || (await enginePromise)).call('runScenario', scenario);
  }

  /** The first run, on the main thread (the worker starts with the next one). */
  async function firstRunOnPage(scenario) {
    firstRun = false;
    const own = await enginePromise;
    const which = scenarioModule(own, scenario);
    return (which === 'first' ? own : await loadModule(which)).call('runScenario', scenario);
  }

  /** The "tls" or "full" engine module, saying so while it loads the first time. */
  async function loadModule(which) {
    if (!loaded[which]) hooks.loading?.(LOADING[which]);
    loaded[which] = await (which === 'tls' ? startTlsEngine() : startTabsEngine());
    return loaded[which];
  }

  /** Ends the run in progress (the worker is replaced by a fresh one). */
  function stop() {
    if (!worker || !pending) return false;
    pending.reject(new Error('Stopped: the run was cancelled.'));
    pending = null;
    startWorker();
    return true;
  }

  enginePromise.then((loaded) => {
    engine = loaded;
    if (worker) initWorker();
  }, dropWorker);
  // `loadedModule(which)`: the "tls" or "full" engine module once a run has loaded it, else null.
  return { run, stop, loadedModule: (which) => loaded[which] ?? null, usesWorker: () => worker !== null };
}
