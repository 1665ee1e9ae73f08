// Loads the WebAssembly engine (www/pkg, built by scripts/serve or scripts/test) and wraps its
// three calls. Everything protocol-related happens in Rust; this module only moves values.

import init, { runScenario, defaultScenario, engineVersion } from '../pkg/esmtp_playground.js';

/** Raised when the engine could not even start (missing build, old browser...). */
export class EngineLoadError extends Error {
  constructor(cause) {
    super(
      `The SMTP engine could not be loaded (${messageOf(cause)}). ` +
        'It needs a browser with WebAssembly, and a built page: scripts/serve builds and serves it.',
    );
    this.name = 'EngineLoadError';
  }
}

/** A wasm trap: the module is unusable until the page reloads (a bug on our side). */
export class EngineCrashedError extends Error {
  constructor(cause) {
    super(`The engine stopped unexpectedly (${messageOf(cause)}). Please reload the page; this is a bug worth reporting.`);
    this.name = 'EngineCrashedError';
  }
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Fetches and instantiates the module once, and returns the engine's API:
 * `run(scenario)` (throws an Error with a readable message for bad input),
 * `defaultScenario()` and `version`.
 */
export async function loadEngine() {
  try {
    await init();
  } catch (error) {
    throw new EngineLoadError(error);
  }
  let crashed = null;
  const guard = (call) => {
    if (crashed) throw crashed;
    try {
      return call();
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) {
        crashed = new EngineCrashedError(error);
        throw crashed;
      }
      throw error;
    }
  };
  return {
    version: engineVersion(),
    defaultScenario: () => guard(() => defaultScenario()),
    run: (scenario) => guard(() => runScenario(scenario)),
  };
}
