#!/usr/bin/env node
// How long analyzeTranscript takes in the page's own wasm module (www/pkg, built by
// scripts/test or `source scripts/lib/setup.sh; build_wasm`) on a 10,000-line swaks log
// and on the capture sample, run in Node's V8 (the engine Chromium uses). Prints the
// median and slowest of 20 runs after 3 warm-ups; asserts nothing.
// Run: node scripts/analyze-speed.mjs

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'www', 'pkg');
const engine = await import(path.join(pkg, 'esmtp_playground.js'));
engine.initSync({ module: fs.readFileSync(path.join(pkg, 'esmtp_playground_bg.wasm')) });

function swaksLog(lines) {
  const out = [
    '=== Trying 127.0.0.1:2525...',
    '<-  220 mx.example.org ESMTP',
    ' -> EHLO client.example',
    '<-  250-mx.example.org',
    '<-  250-PIPELINING',
    '<-  250-SIZE 10240000',
    '<-  250 8BITMIME',
  ];
  for (let id = 1; out.length < lines; id += 1) {
    out.push(
      ' -> MAIL FROM:<alice@example.net> SIZE=1200',
      '<-  250 2.1.0 Ok',
      ` -> RCPT TO:<bob${id}@example.org>`,
      '<-  250 2.1.5 Ok',
      ' -> DATA',
      '<-  354 End data with <CR><LF>.<CR><LF>',
      ` -> Subject: message ${id}`,
      ' -> ',
    );
    for (let line = 0; line < 20; line += 1) out.push(` -> Line ${line} of the message body, plain ASCII text.`);
    out.push(' -> .', '<-  250 2.0.0 Ok: queued');
  }
  out.push(' -> QUIT', '<-  221 2.0.0 Bye');
  return `${out.join('\n')}\n`;
}

function measure(label, input) {
  for (let i = 0; i < 3; i += 1) engine.analyzeTranscript(input, {});
  const times = [];
  let result;
  for (let i = 0; i < 20; i += 1) {
    const start = performance.now();
    result = engine.analyzeTranscript(input, {});
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${label}: ${result.lines.length} lines, ${result.findings.length} findings; median ${median.toFixed(1)} ms, slowest ${times[times.length - 1].toFixed(1)} ms`,
  );
}

const log = swaksLog(10000);
measure(`swaks log (${log.split('\n').length - 1} lines)`, log);
measure('C:/S: paste (same session)', log.replaceAll(' -> ', 'C: ').replaceAll('<-  ', 'S: '));
const capture = fs.readFileSync(path.join(root, 'tests', 'fixtures', 'analyze', 'pcap-swaks-cram-md5.pcap'));
measure('pcap sample', new Uint8Array(capture));
