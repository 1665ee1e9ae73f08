// Loads the wasm engine modules and wraps their calls so that a thrown error or a trap
// becomes a readable message. Two builds of the same crate (scripts/lib/setup.sh): the
// first view and the run worker load FIRST_VIEW (every engine, without the world, POP3,
// the SASL calculator, the manual session, the state table and the SCRAM, XOAUTH2 and
// OAUTHBEARER exchanges); a tab that needs one of those, or a run that may use one of
// those mechanisms (js/runner.js), loads FULL, once. The single-file build inlines FULL only and uses it for both:
// it defines `ESMTP_INLINE_WASM` ({name: base64}) and the no-modules glue (a global
// function named like the module) before this module runs; the served page imports the
// web-target glue from ./pkg/.

/** The modules' names (glue pkg/<name>.js, wasm pkg/<name>_bg.wasm). */
const FULL = 'esmtp_playground';
const FIRST_VIEW = 'esmtp_playground_first';
/** The engines with TLS (rustls), in its own directory: loaded the first time a run uses TLS. */
const TLS = 'tls/esmtp_playground_tls';

/** True in the single-file build: the wasm is inlined and no worker can start. */
export const INLINE = typeof globalThis.ESMTP_INLINE_WASM?.[FULL] === 'string';

/** The module the first view and the run worker load. */
const ENGINE = INLINE ? FULL : FIRST_VIEW;

let pageEngine = null;
let tabsEngine = null;
let tlsEngine = null;
const NO_TLS_INLINE = 'This single-file copy has no TLS module: open the served page (scripts/serve) to run a scenario with TLS.';

/** The page's engine, loaded once: js/boot.js starts it, main.js gets the same promise. */
export function startEngine() {
  if (!pageEngine) pageEngine = loadEngine();
  return pageEngine;
}

/**
 * The full engine (every export), for the tabs that need the world, the SASL
 * calculator, the manual session or the state table, and for the runs that may use
 * SCRAM, XOAUTH2 or OAUTHBEARER: loaded the first time one asks.
 */
export function startTabsEngine() {
  if (!tabsEngine) tabsEngine = ENGINE === FULL ? startEngine() : loadEngine(null, FULL);
  return tabsEngine;
}

/**
 * The engines with TLS, for a scenario that runs a handshake: loaded the first time one
 * asks (a failed load is tried again on the next ask). The single-file build has none.
 */
export function startTlsEngine() {
  if (INLINE) return Promise.reject(new Error(NO_TLS_INLINE));
  if (!tlsEngine) {
    tlsEngine = loadEngine(null, TLS).catch((error) => {
      tlsEngine = null;
      throw error;
    });
  }
  return tlsEngine;
}

/**
 * Loads an engine module (`name`, the first view's by default). With `module` (a
 * compiled WebAssembly.Module, as a worker receives it) nothing is fetched again. The
 * result has `module` for handing to a worker.
 */
export async function loadEngine(module = null, name = ENGINE) {
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
