// runScenario's cost per call in Node for two or more builds of the first view's module,
// loaded into one process and timed in alternate batches, so machine load hits every
// build alike. Each figure is process CPU time (user + system), which other processes
// move far less than wall time; it prints the 25th percentile and the median over the
// batches. Measured and printed, never asserted.
//
//   node scripts/lib/bench-node-ab.mjs /tmp/pkg-before www/pkg
//   BATCHES=40 PER=50 node scripts/lib/bench-node-ab.mjs A B
//
// Each directory holds `esmtp_playground_first.js` and `esmtp_playground_first_bg.wasm`
// as `build_wasm` writes them into www/pkg (copy www/pkg aside before a change).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_SCENARIO } from './bench-scenario.mjs';

const BATCHES = Number(process.env.BATCHES || 20);
const PER = Number(process.env.PER || 50);
const WARM_UP = 100;

/** The default scenario with the bench session's client patched in. */
function benchScenario(glue) {
  const base = glue.defaultScenario();
  return {
    ...base,
    ...BENCH_SCENARIO,
    client: {
      ...base.client,
      ...BENCH_SCENARIO.client,
      message: { ...base.client.message, ...BENCH_SCENARIO.client.message },
    },
  };
}

async function loadBuild(dir) {
  const glue = await import(pathToFileURL(path.resolve(dir, 'esmtp_playground_first.js')).href);
  glue.initSync({ module: readFileSync(path.resolve(dir, 'esmtp_playground_first_bg.wasm')) });
  const scenario = benchScenario(glue);
  for (let i = 0; i < WARM_UP; i += 1) glue.runScenario(scenario);
  return { dir, glue, scenario, perCall: [] };
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: node scripts/lib/bench-node-ab.mjs <pkg dir> [<pkg dir> ...]');
  process.exit(2);
}
const builds = [];
for (const dir of dirs) builds.push(await loadBuild(dir));
for (let batch = 0; batch < BATCHES; batch += 1) {
  for (const build of builds) {
    const start = process.cpuUsage();
    for (let i = 0; i < PER; i += 1) build.glue.runScenario(build.scenario);
    const used = process.cpuUsage(start);
    build.perCall.push((used.user + used.system) / 1000 / PER);
  }
}
for (const build of builds) {
  console.log(
    `run_scenario_node_ms ${quantile(build.perCall, 0.25).toFixed(4)} p25, ${quantile(build.perCall, 0.5).toFixed(4)} median (${BATCHES} batches of ${PER} calls, process CPU) ${build.dir}`,
  );
}
