// Unit tests of the eavesdropper's view of the transcript (www/js/tls-view.js): on a
// timeline shaped like the engine's, then on the engine's own run of the STARTTLS preset.
import assert from 'node:assert/strict';
import test from 'node:test';
import { hexOctets, recordText, wireModel } from '../../www/js/tls-view.js';
import { buildModel, plainTranscript } from '../../www/js/transcript.js';
import { runPreset } from './node-engine.mjs';

const text = (s) => new TextEncoder().encode(s);

/** EHLO and STARTTLS in the clear, a handshake, then AUTH inside TLS. */
function timeline() {
  const entries = [
    { type: 'bytes', at: 0, direction: 'clientToServer', octets: text('EHLO c\r\n') },
    { type: 'bytes', at: 10, direction: 'clientToServer', octets: text('STARTTLS\r\n') },
    {
      type: 'tlsRecords',
      at: 20,
      direction: 'clientToServer',
      records: [
        {
          contentType: 'handshake',
          version: '0x0301',
          length: 250,
          hex: '16030100fa010000f6',
          carries: [],
          handshakeMessages: ['ClientHello'],
        },
      ],
    },
    { type: 'bytes', at: 30, direction: 'clientToServer', octets: text('AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n'), encrypted: true },
    {
      type: 'tlsRecords',
      at: 30,
      direction: 'clientToServer',
      records: [{ contentType: 'applicationData', version: '0x0303', length: 58, hex: '1703030035a1b2c3d4e5f60718293a4b5c', carries: [3] }],
    },
  ];
  const write = (entry, line) => ({ entry, direction: 'clientToServer', group: 'single', label: '', lines: [line], arrival: [] });
  const writes = [write(0, { start: 0, end: 8 }), write(1, { start: 0, end: 10 }), write(3, { start: 0, end: 38 })];
  return { entries, writes, tls: { mode: 'starttls', deterministicNote: 'teaching only' } };
}

test('the engines see AUTH inside TLS, marked C~', () => {
  const model = buildModel(timeline(), { startTime: 0 });
  assert.equal(plainTranscript(model), 'C: EHLO c\nC: STARTTLS\nC~ AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\n');
});

test('an eavesdropper sees the cleartext before STARTTLS, then records in place of the text', () => {
  const data = timeline();
  const plain = buildModel(data, { startTime: 0 });
  const wire = wireModel(data, plain);
  assert.deepEqual(
    wire.lines.map((line) => line.text),
    [
      'EHLO c',
      'STARTTLS',
      'TLS handshake (ClientHello) · 0x0301 · length 250 · 16 03 01 00 fa 01 00 00 f6 …',
      'TLS application data · 0x0303 · length 58 · 17 03 03 00 35 a1 b2 c3 d4 e5 f6 07 …',
    ],
  );
  assert.ok(!plainTranscript(wire).includes('AUTH'), 'no plaintext of what went inside TLS');
  const [, , hello, data1] = wire.lines;
  assert.deepEqual(hello.carried, []);
  assert.deepEqual(
    data1.carried.map((line) => line.text),
    ['AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw=='],
    'a record names the lines it carries',
  );
  assert.equal(wire.chunks[hello.chunk].count, 1);
  assert.equal(wire.lines[0].chunk, 0);
});

test('hex text reads back as octets, and a record line shows the first ones', () => {
  assert.deepEqual([...hexOctets('16 03 01 00 ff')], [0x16, 0x03, 0x01, 0x00, 0xff]);
  assert.deepEqual([...hexOctets('')], []);
  const record = { contentType: 'alert', version: '0x0303', length: 2, hex: '15 03 03 00 02 02 28' };
  assert.equal(recordText(record, hexOctets(record.hex)), 'TLS alert · 0x0303 · length 2 · 15 03 03 00 02 02 28');
});

test("the engine's STARTTLS run: records after STARTTLS, no AUTH PLAIN on the wire", async () => {
  const { timeline: run, model } = await runPreset('starttls-auth-plain');
  assert.ok(run.tls, 'the timeline says TLS ran');
  assert.ok(model.lines.some((line) => line.encrypted && line.text.startsWith('AUTH PLAIN ')));
  const wire = wireModel(run, model);
  const texts = wire.lines.map((line) => line.text);
  assert.ok(texts.includes('STARTTLS'), 'STARTTLS itself is in the clear');
  assert.ok(
    texts.some((t) => t.startsWith('EHLO ')),
    'the first EHLO is in the clear',
  );
  assert.ok(!texts.some((t) => t.startsWith('AUTH ')), 'AUTH is not');
  assert.ok(texts.some((t) => /^TLS handshake \(ClientHello\)/.test(t)));
  const auth = wire.lines.find((line) => line.carried?.some((c) => c.text.startsWith('AUTH PLAIN ')));
  assert.ok(auth, 'one record carries the AUTH line');
  assert.match(auth.text, /^TLS application data/);
});
