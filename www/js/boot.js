// Starts the engine (the wasm's streaming compile) as soon as this module and engine.js
// are here; main.js takes the same engine from startEngine().
import { startEngine } from './engine.js';

startEngine().catch(() => {}); // main.js reports a failure
