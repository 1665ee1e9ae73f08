// Scripted runs: instead of the client engine, fixed client octets are fed to the real
// server engine (the wasm `ManualSession`, the same adapter as manual mode), with
// `wait` steps that let virtual time pass. Used for what the client engine will never
// do on purpose: send a bare LF to try SMTP smuggling, or go quiet until the server's
// idle timeout fires. The result has the same shape as `runScenario`'s timeline, so
// every view (transcript, step mode, mailboxes) works unchanged.
//
// A script is plain data in the scenario: `script: [{send: "EHLO x\r\n"}, {wait: 30000}, {close: true}]`.

/** True when the scenario is to be run from its script rather than by the client engine. */
export function isScripted(scenario) {
  return Array.isArray(scenario && scenario.script) && scenario.script.length > 0;
}

function checkStep(step, index) {
  const ok = step && typeof step === 'object'
    && (typeof step.send === 'string' || (typeof step.wait === 'number' && step.wait >= 0) || step.close === true);
  if (!ok) throw new Error(`script step ${index + 1} must be {"send": "octets"}, {"wait": milliseconds} or {"close": true}`);
}

/** Runs `scenario.script` against the server engine; returns a timeline. */
export function runScript(engine, scenario) {
  scenario.script.forEach(checkStep);
  const { script, ...rest } = scenario;
  const session = engine.construct('ManualSession', rest);
  const timeline = { entries: [], deliveries: [], endTime: scenario.startTime, truncated: false, scripted: true };
  const latency = Math.max(1, Number(scenario.latencyMs) || 0);
  const encoder = new TextEncoder();
  let closed = false;

  function record(step) {
    for (const event of step.events || []) timeline.entries.push({ type: 'server', event });
    if (step.octets && step.octets.length) timeline.entries.push({ type: 'bytes', at: step.at, direction: 'ServerToClient', octets: Array.from(step.octets) });
    timeline.deliveries.push(...(step.deliveries || []));
    timeline.endTime = Math.max(timeline.endTime, step.at);
    closed = Boolean(step.closed);
  }

  try {
    record(session.take());
    for (const step of script) {
      if (closed) break;
      if (typeof step.send === 'string') {
        // The previous reply travels back to the client before it writes again; the
        // session adds the way there itself.
        record(session.wait(latency));
        if (closed) break;
        const octets = encoder.encode(step.send);
        timeline.entries.push({ type: 'bytes', at: timeline.endTime, direction: 'ClientToServer', octets: Array.from(octets) });
        record(session.send(octets));
      } else if (typeof step.wait === 'number') {
        record(session.wait(step.wait));
      } else {
        record(session.close());
      }
    }
  } finally {
    if (session.free) session.free();
  }
  return timeline;
}

/** Runs a scenario either way; the script field never reaches the client engine. */
export function runAny(engine, scenario) {
  if (isScripted(scenario)) return runScript(engine, scenario);
  const { script, ...rest } = scenario;
  return engine.call('runScenario', rest);
}
