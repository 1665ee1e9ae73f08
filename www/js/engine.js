// Loads the wasm engine module and wraps its calls so that a thrown error or a trap
// becomes a readable message. One module holds every engine (scripts/lib/setup.sh,
// PAGE_MODULE). The single-file build defines `ESMTP_INLINE_WASM` ({name: base64}) and
// the no-modules glue (a global function named like the module) before this module
// runs; the served page imports the web-target glue from ./pkg/.

/** The engine module's name (its glue is pkg/<name>.js, its wasm pkg/<name>_bg.wasm). */
const ENGINE = 'esmtp_playground';

/** True in the single-file build: the wasm is inlined and no worker can start. */
export const INLINE = typeof globalThis.ESMTP_INLINE_WASM?.[ENGINE] === 'string';

let pageEngine = null;

/**
 * The page's engine, loaded once: js/boot.js calls this as soon as engine.js has
 * arrived, so the wasm compiles while the page's other modules still load, and main.js
 * gets the same promise.
 */
export function startEngine() {
  if (!pageEngine) pageEngine = loadEngine();
  return pageEngine;
}

/**
 * Loads the engine module. With `module` (a compiled WebAssembly.Module, as a
 * worker receives it) nothing is fetched again. The result has `module` for handing to
 * a worker.
 */
export async function loadEngine(module = null) {
  const name = ENGINE;
  const inline = globalThis.ESMTP_INLINE_WASM?.[name];
  const inlineGlue = globalThis[name];
  if (typeof inline === 'string' && typeof inlineGlue === 'function') {
    const binary = atob(inline);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    await inlineGlue({ module_or_path: bytes });
    return wrap(inlineGlue, null);
  }
  // The wasm streams in and compiles while the glue loads (index.html preloads both).
  const compiling = module ? Promise.resolve(module) : compile(new URL(`../pkg/${name}_bg.wasm`, import.meta.url));
  compiling.catch(() => {}); // reported below, once the glue is there
  let glue;
  try {
    glue = await import(`../pkg/${name}.js`);
  } catch (error) {
    throw new Error(`The engine files (pkg/${name}.js) could not be loaded: ${error.message}. Build them with scripts/serve.`);
  }
  try {
    const compiled = await compiling;
    await glue.default({ module_or_path: compiled });
    return wrap(glue, compiled);
  } catch (error) {
    throw new Error(
      `The engine (pkg/${name}_bg.wasm) could not be loaded or started: ${error.message}. Reload the page; if this persists, rebuild it with scripts/serve.`,
    );
  }
}

async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  if (WebAssembly.compileStreaming && (response.headers.get('content-type') || '').startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

function wrap(glue, module) {
  let crashed = false;
  return {
    /** The compiled module (null in the single-file build), for a worker. */
    module,
    /** Calls an export; throws an Error with a message fit for the page. */
    call(name, ...args) {
      if (crashed) throw new Error('The engine stopped after an internal error. Reload the page to start it again.');
      if (typeof glue[name] !== 'function') throw new Error(`This engine build has no ${name}().`);
      try {
        return glue[name](...args);
      } catch (error) {
        throw readable(error, () => {
          crashed = true;
        });
      }
    },
    /** Constructs an exported class (e.g. ManualSession). */
    construct(name, ...args) {
      if (typeof glue[name] !== 'function') throw new Error(`This engine build has no ${name}.`);
      try {
        return new glue[name](...args);
      } catch (error) {
        throw readable(error, () => {
          crashed = true;
        });
      }
    },
  };
}

/** A trap (`RuntimeError`) means the module is unusable; anything else is bad input. */
export function readable(error, onTrap = () => {}) {
  if (error instanceof WebAssembly.RuntimeError) {
    onTrap();
    return new Error(`The engine hit an internal error (${error.message}). This is a bug; reload the page.`);
  }
  if (error instanceof Error) return error;
  return new Error(String(error));
}
