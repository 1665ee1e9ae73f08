// Unit tests of highlighted lines (www/js/line-highlight.js) and of every preset's
// default highlight against the engine's real run of that preset.
import assert from 'node:assert/strict';
import test from 'node:test';
import { clampRanges, formatLineRanges, lineNumbers, parseLineRanges, resolveHighlight } from '../../www/js/line-highlight.js';
import { loadPresets } from '../../www/js/presets.js';

const PRESETS = await loadPresets();

import { runPreset } from './node-engine.mjs';

test('lines= reads single lines and ranges, and skips what is neither', () => {
  assert.deepEqual(parseLineRanges('12-14'), [{ from: 12, to: 14 }]);
  assert.deepEqual(parseLineRanges('3,7-9'), [
    { from: 3, to: 3 },
    { from: 7, to: 9 },
  ]);
  assert.deepEqual(parseLineRanges(' 9 - 7 ,x,0,-3,4-'), [{ from: 7, to: 9 }]);
  assert.deepEqual(parseLineRanges(''), []);
  assert.deepEqual(parseLineRanges(null), []);
  assert.equal(parseLineRanges(Array.from({ length: 500 }, (_, i) => i + 1).join(',')).length, 50, 'bounded');
  assert.equal(formatLineRanges(parseLineRanges('3,7-9')), '3,7-9');
});

test('ranges are cut to the transcript and listed as line numbers once each', () => {
  assert.deepEqual(clampRanges(parseLineRanges('2-4,8-20,40'), 10), [
    { from: 2, to: 4 },
    { from: 8, to: 10 },
  ]);
  assert.deepEqual(lineNumbers(parseLineRanges('3-5,4-6')), [3, 4, 5, 6]);
});

const LINES = [
  { direction: 'S', text: '220 mx ESMTP' },
  { direction: 'C', text: 'EHLO client' },
  { direction: 'S', text: '250-mx Hello' },
  { direction: 'S', text: '250-SIZE 100' },
  { direction: 'S', text: '250 8BITMIME' },
  { direction: 'C', text: 'RCPT TO:<a@x>' },
  { direction: 'C', text: 'RCPT TO:<b@x>' },
  { direction: 'C', text: '..dot' },
];

test('a selector names lines by their start, their content, their side, a run through a second match, or every match', () => {
  assert.deepEqual(resolveHighlight(LINES, { text: 'EHLO' }), [{ from: 2, to: 2 }]);
  assert.deepEqual(resolveHighlight(LINES, { text: 'EHLO', through: { text: '250 ' } }), [{ from: 2, to: 5 }]);
  assert.deepEqual(resolveHighlight(LINES, { contains: 'SIZE' }), [{ from: 4, to: 4 }]);
  assert.deepEqual(resolveHighlight(LINES, { text: '250', side: 'C' }), []);
  assert.deepEqual(resolveHighlight(LINES, { text: 'RCPT TO:', every: true }), [{ from: 6, to: 7 }]);
  assert.deepEqual(resolveHighlight(LINES, [{ text: '..' }, { text: '220' }]), [
    { from: 1, to: 1 },
    { from: 8, to: 8 },
  ]);
  assert.deepEqual(resolveHighlight(LINES, { text: 'nothing like it' }), []);
  assert.deepEqual(resolveHighlight(LINES, { text: 'EHLO', through: { text: 'never' } }), []);
  assert.deepEqual(resolveHighlight(LINES, undefined), []);
});

test('every preset names default lines, and they resolve to lines of its real run', async () => {
  for (const preset of PRESETS) {
    assert.ok(preset.highlight, `${preset.id} has a highlight`);
    const { model } = await runPreset(preset.id);
    const ranges = resolveHighlight(model.lines, preset.highlight);
    assert.ok(ranges.length > 0, `${preset.id}: its highlight names at least one line`);
    for (const range of ranges) assert.ok(range.to <= model.lines.length, `${preset.id}: inside the transcript`);
  }
});

test('the defaults point at what the preset is about', async () => {
  const texts = async (id) => {
    const { model } = await runPreset(id);
    return lineNumbers(resolveHighlight(model.lines, PRESETS.find((p) => p.id === id).highlight)).map((n) => model.lines[n - 1].text);
  };
  assert.equal((await texts('auth-login'))[0], '334 VXNlcm5hbWU6');
  const dots = await texts('dot-stuffing');
  assert.ok(dots.length >= 3 && dots.every((text) => text.startsWith('..')), `stuffed lines: ${dots}`);
  assert.deepEqual(await texts('too-many-recipients'), ['452 4.5.3 Error: too many recipients', '452 4.5.3 Error: too many recipients']);
  assert.match((await texts('relay-denied')).at(-1), /^550 5\.7\.1/);
});
