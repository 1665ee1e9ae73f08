// Runs scenarios in a Web Worker when one can start (served page), else on the main
// thread (single file opened from disk). `stop()` ends a run in progress.
//
// The first run goes on the main thread: the page has the engine then, and nothing else
// competes with it for the CPU. The worker starts when a second run is asked for (a page
// that only shows its first view never fetches js/worker.js), gets the page's compiled
// WebAssembly.Module and never compiles it again; that run and every later one go to it
// once it is ready.
//
// A scenario with TLS runs on the main thread in the TLS engine module, which loads the
// first time one asks (js/engine.js `startTlsEngine`); `hooks.loading(text)` says so.

import { INLINE, startTlsEngine } from './engine.js';

/**
 * True when the scenario uses TLS, as `engine` (any engine module) says: the other
 * engine modules refuse such a scenario, only the TLS module runs it.
 */
export function usesTls(engine, scenario) {
  return engine.call('scenarioUsesTls', scenario) === true;
}

/** `enginePromise`: the page's `loadEngine()`, still loading or done. */
export function createRunner(enginePromise, hooks = {}) {
  let engine = null;
  let worker = null;
  let ready = null;
  let firstRun = true;
  let workerStarted = false;
  let pending = null;
  let nextId = 1;
  let tlsLoaded = null;

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
    if (usesTls(engine || (await enginePromise), scenario)) return (await loadTlsEngine()).call('runScenario', scenario);
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
    return (usesTls(own, scenario) ? await loadTlsEngine() : own).call('runScenario', scenario);
  }

  /** The TLS engine module, saying "Loading TLS…" while it loads the first time. */
  async function loadTlsEngine() {
    if (!tlsLoaded) hooks.loading?.('Loading TLS (the engines with rustls, once)…');
    tlsLoaded = await startTlsEngine();
    return tlsLoaded;
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
  // `tlsEngine()`: the TLS engine module once loaded, else null.
  return { run, stop, tlsEngine: () => tlsLoaded, usesWorker: () => worker !== null };
}
