// Unit tests of the scenario helpers behind share links (www/js/scenario.js).
import assert from 'node:assert/strict';
import test from 'node:test';
import { applyPatch, decodeScenario, encodeScenario, getPath, readLocation, setPath, shareUrl } from '../../www/js/scenario.js';

test('a scenario survives the #s= round trip, non-ASCII included', () => {
  const scenario = { client: { message: { from: 'Jürgen <j@example.net>', body: 'a\nb' } }, seed: 7 };
  const text = encodeScenario(scenario);
  assert.match(text, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  assert.deepEqual(decodeScenario(text), scenario);
});

test('a cut or foreign #s= value gives a readable error, not an exception from deep inside', () => {
  assert.throws(() => decodeScenario('%%%'), /not valid base64url/);
  assert.throws(() => decodeScenario(encodeScenario([1, 2]).slice(0, 3)), /not valid/);
  assert.throws(() => decodeScenario(encodeScenario([1, 2])), /not an object/);
});

test('paths read and write nested settings, creating objects on the way', () => {
  const scenario = {};
  setPath(scenario, 'server.strictness.bareLf', 'reject');
  assert.equal(getPath(scenario, 'server.strictness.bareLf'), 'reject');
  assert.equal(getPath(scenario, 'client.auth.mechanism'), undefined);
});

test('a patch merges objects and replaces everything else', () => {
  const base = { client: { to: ['a@x'], name: 'c' }, seed: 1 };
  const out = applyPatch(base, { client: { to: ['b@y'] }, seed: 2 });
  assert.deepEqual(out, { client: { to: ['b@y'], name: 'c' }, seed: 2 });
  assert.deepEqual(base.client.to, ['a@x'], 'the base is left alone');
});

test('the share URL keeps embed, drops a stale preset and reads back from the hash', () => {
  const location = new URL('https://play.example/?embed=1&preset=dot-stuffing');
  const url = new URL(shareUrl(location, { seed: 3 }, { view: 'sasl' }));
  assert.equal(url.searchParams.get('embed'), '1');
  assert.equal(url.searchParams.get('preset'), null);
  const params = readLocation(url);
  assert.equal(params.get('view'), 'sasl');
  assert.deepEqual(decodeScenario(params.get('s')), { seed: 3 });
});
