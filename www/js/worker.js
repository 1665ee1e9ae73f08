// Runs scenarios off the main thread, so a huge run never freezes the page and can be
// stopped (the page terminates this worker). Receives the compiled module first.

import { loadEngine } from './engine.js';

let engine = null;

self.addEventListener('message', async ({ data }) => {
  if (data.type === 'init') {
    try {
      engine = await loadEngine(data.module);
      self.postMessage({ type: 'ready' });
    } catch (error) {
      self.postMessage({ type: 'failed', message: error.message });
    }
    return;
  }
  if (data.type === 'run') {
    try {
      self.postMessage({ type: 'result', id: data.id, timeline: engine.call('runScenario', data.scenario) });
    } catch (error) {
      self.postMessage({ type: 'result', id: data.id, error: error.message });
    }
  }
});
