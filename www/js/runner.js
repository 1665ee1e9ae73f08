// Runs scenarios in a Web Worker when one can start (served page), else on the main
// thread (single file opened from disk). `stop()` ends a run in progress.

export function createRunner(engine) {
  let worker = null;
  let ready = null;
  let pending = null;
  let nextId = 1;

  function startWorker() {
    worker = null;
    ready = null;
    if (!engine.module || typeof Worker !== 'function') return;
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
      candidate.postMessage({ type: 'init', module: engine.module });
      worker = candidate;
    } catch {
      worker = null;
    }
  }

  /** Resolves to the timeline, or rejects with a readable Error. */
  async function run(scenario) {
    if (worker && await ready) {
      if (pending) pending.reject(new Error('superseded'));
      return new Promise((resolve, reject) => {
        pending = { id: nextId, resolve, reject };
        worker.postMessage({ type: 'run', id: nextId, scenario });
        nextId += 1;
      });
    }
    return engine.call('runScenario', scenario);
  }

  /** Ends the run in progress (the worker is replaced by a fresh one). */
  function stop() {
    if (!worker || !pending) return false;
    worker.terminate();
    pending.reject(new Error('Stopped: the run was cancelled.'));
    pending = null;
    startWorker();
    return true;
  }

  startWorker();
  return { run, stop, usesWorker: () => worker !== null };
}
