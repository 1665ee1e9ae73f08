// Unit tests of the page's pure octet helpers (www/js/bytes.js), run by `node --test tests/js/`.
import assert from 'node:assert/strict';
import test from 'node:test';
import { controlName, hex, hexRows, lineText, splitLines, toBytes, visibleSegments } from '../../www/js/bytes.js';

test('toBytes reads a latin1 string octet for octet, 8-bit and NUL included', () => {
  assert.deepEqual([...toBytes('A\u0000\u00e9\u00ff')], [0x41, 0x00, 0xe9, 0xff]);
  assert.deepEqual([...toBytes([1, 2, 3])], [1, 2, 3]);
  const same = new Uint8Array([9]);
  assert.equal(toBytes(same), same);
  assert.equal(toBytes(undefined).length, 0);
});

test('splitLines cuts after each LF and keeps a last line without one', () => {
  const lines = splitLines(toBytes('EHLO a\r\nbare\nrest'));
  assert.deepEqual(
    lines.map((line) => String.fromCharCode(...line)),
    ['EHLO a\r\n', 'bare\n', 'rest'],
  );
  assert.deepEqual(splitLines(toBytes('')), []);
});

test('lineText drops CRLF or a bare LF but keeps a lone CR inside', () => {
  assert.equal(lineText(toBytes('250 ok\r\n')), '250 ok');
  assert.equal(lineText(toBytes('250 ok\n')), '250 ok');
  assert.equal(lineText(toBytes('a\rb\r\n')), 'a\rb');
});

test('visibleSegments names every control octet so a bare LF cannot hide', () => {
  const segments = visibleSegments(toBytes('.\n\u0000x\u007f\r\n'));
  assert.deepEqual(
    segments.map((s) => (s.control ? `<${s.text}>` : s.text)),
    ['.', '<LF>', '<NUL>', 'x', '<DEL>', '<CR>', '<LF>'],
  );
  assert.equal(controlName(9), 'TAB');
  assert.equal(controlName(0x1f), 'US');
});

test('hexRows writes offset, hex and printable ASCII, and says when it stopped early', () => {
  const { rows, truncated } = hexRows(toBytes('250 ok\r\n'));
  assert.equal(rows.length, 1);
  assert.match(rows[0], /^000000 {2}32 35 30 20 6f 6b 0d 0a {2}/);
  assert.ok(rows[0].endsWith('250 ok··'));
  assert.equal(truncated, false);
  assert.equal(hexRows(new Uint8Array(40), 16).truncated, true);
  assert.equal(hex('\u0000\u00ff'), '00ff');
});
