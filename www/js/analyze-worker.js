// Runs the Analyze view's calls off the main thread, so a long transcript never
// freezes the page. Receives the full engine's compiled module first (it never fetches
// or compiles the wasm again); calls that arrive before it is ready wait for it.

import { loadEngine } from './engine.js';

let ready = null;

self.addEventListener('message', async ({ data }) => {
  if (data.type === 'init') {
    ready = loadEngine(data.module, data.name);
    try {
      await ready;
      self.postMessage({ type: 'ready' });
    } catch (error) {
      self.postMessage({ type: 'failed', message: error.message });
    }
    return;
  }
  if (data.type === 'call') {
    try {
      const engine = await ready;
      const started = performance.now();
      const result = engine.call(data.name, ...data.args);
      self.postMessage({ type: 'result', id: data.id, result, ms: performance.now() - started });
    } catch (error) {
      self.postMessage({ type: 'result', id: data.id, error: error.message });
    }
  }
});
