// The SCRAM-SHA-256 preset run through the page's engine in Node: the Negotiation row the
// page shows for AUTH (it comes from Rust) says SCRAM-SHA-256 was offered and why the
// client chose it, and the exchange succeeded with the server's proof checked.

import assert from 'node:assert/strict';
import test from 'node:test';
import { runPreset } from './node-engine.mjs';

test('the SCRAM-SHA-256 preset: offered, chosen by preference, proved both ways', async () => {
  const { timeline } = await runPreset('scram-sha-256');
  const auth = timeline.negotiation.find((row) => row.keyword === 'AUTH');
  assert.equal(auth.value, 'PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256');
  assert.match(
    auth.client,
    /^Used AUTH SCRAM-SHA-256: SCRAM-SHA-256: the first of the preference list \(SCRAM-SHA-256 > SCRAM-SHA-1 > [^)]*\) that the server offers \(PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256\); the password never crosses the wire, the server proves with v= that it knows it too/,
  );
  assert.equal(timeline.authExchanges.length, 1);
  const [exchange] = timeline.authExchanges;
  assert.equal(exchange.mechanism, 'SCRAM-SHA-256');
  assert.equal(exchange.outcome.ok, true);
  const clientTrace = exchange.steps
    .map((index) => timeline.entries[index])
    .filter((entry) => entry.type === 'client')
    .flatMap((entry) => entry.event.kind.entries);
  const check = clientTrace.find((entry) => entry.label === 'v= check');
  assert.match(check.explanation, /ServerSignature matches/, "the client checked the server's proof");
});
