// Runs before main.js (index.html loads it with `async`): its only import is engine.js,
// so the wasm starts compiling while main.js and the modules it imports still load.
// main.js then takes the same engine from startEngine().

import { startEngine } from './engine.js';

startEngine().catch(() => {}); // main.js reports a failure
