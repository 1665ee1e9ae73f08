// Runs scenarios in a Web Worker when one can start (served page), else on the main
// thread (single file opened from disk). `stop()` ends a run in progress.
//
// The worker starts at once, while the page still compiles the engine, so its own
// module scripts load in parallel; it gets the compiled WebAssembly.Module as soon as
// there is one and never compiles it again. The page's first run does not wait for it:
// if the worker is not ready yet, that one run goes on the main thread, so the first
// transcript is not held back by the worker's module scripts.

import { INLINE } from './engine.js';

/** `enginePromise`: the page's `loadEngine()`, still loading or done. */
export function createRunner(enginePromise) {
  let engine = null;
  let worker = null;
  let ready = null;
  let isReady = false;
  let firstRun = true;
  let pending = null;
  let nextId = 1;

  function dropWorker() {
    if (worker) worker.terminate();
    worker = null;
    ready = null;
    isReady = false;
  }

  function startWorker() {
    dropWorker();
    if (INLINE || typeof Worker !== 'function') return;
    try {
      const candidate = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      ready = new Promise((resolve) => {
        candidate.addEventListener('message', ({ data }) => {
          if (data.type === 'ready') {
            isReady = candidate === worker;
            resolve(true);
          } else if (data.type === 'failed') resolve(false);
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
    const eager = firstRun && !isReady;
    firstRun = false;
    if (worker && !eager && (await ready)) {
      if (pending) pending.reject(new Error('superseded'));
      return new Promise((resolve, reject) => {
        pending = { id: nextId, resolve, reject };
        worker.postMessage({ type: 'run', id: nextId, scenario });
        nextId += 1;
      });
    }
    return (engine || (await enginePromise)).call('runScenario', scenario);
  }

  /** Ends the run in progress (the worker is replaced by a fresh one). */
  function stop() {
    if (!worker || !pending) return false;
    pending.reject(new Error('Stopped: the run was cancelled.'));
    pending = null;
    startWorker();
    return true;
  }

  startWorker();
  enginePromise.then((loaded) => {
    engine = loaded;
    if (worker) initWorker();
  }, dropWorker);
  return { run, stop, usesWorker: () => worker !== null };
}
