// nodemailer as a TLS client of `esmtp-playground serve`: sends the raw message given
// on stdin, so the test knows every octet that went out.
// Usage: node nodemailer_client.js PORT MODE METHOD USER PASSWORD CA_FILE FROM TO
//   MODE: requireTLS (STARTTLS, required) or secure (implicit TLS).
// Prints one JSON line: {"ok": true, "response": ...} or {"ok": false, "error": ...}.
'use strict';

const fs = require('fs');
const nodemailer = require('nodemailer');

const [port, mode, method, user, pass, caFile, from, to] = process.argv.slice(2);
const raw = fs.readFileSync(0);

const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: Number(port),
  secure: mode === 'secure',
  requireTLS: mode === 'requireTLS',
  name: 'nodemailer.example.net',
  auth: { user, pass },
  authMethod: method,
  tls: { ca: [fs.readFileSync(caFile)], servername: '127.0.0.1' },
  connectionTimeout: 10000,
  greetingTimeout: 10000,
  socketTimeout: 10000,
});

transport.sendMail({ envelope: { from, to: [to] }, raw }, (error, info) => {
  if (error) {
    console.log(JSON.stringify({ ok: false, error: String(error) }));
    process.exit(1);
  }
  console.log(JSON.stringify({ ok: true, response: info.response }));
});
