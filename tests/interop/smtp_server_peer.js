// nodemailer's smtp-server as a peer for `esmtp-playground send`.
// Prints "listening PORT" first, then one JSON line per message:
// {"from": ..., "to": [...], "user": ..., "raw": <base64 of the message as received>}.
// Accounts come from argv: USER:PASSWORD ... (for PLAIN, LOGIN, CRAM-MD5).
'use strict';

const { SMTPServer } = require('smtp-server');

const accounts = new Map(
  process.argv.slice(2).map((pair) => {
    const at = pair.indexOf(':');
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

const server = new SMTPServer({
  name: 'smtp-server.example.org',
  disabledCommands: ['STARTTLS'],
  authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
  authOptional: true,
  allowInsecureAuth: true,
  logger: false,
  onAuth(auth, session, callback) {
    const password = accounts.get(auth.username);
    const ok =
      password !== undefined &&
      (auth.method === 'CRAM-MD5' ? auth.validatePassword(password) : auth.password === password);
    if (!ok) {
      return callback(new Error('Invalid username or password'));
    }
    return callback(null, { user: auth.username });
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const record = {
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        user: session.user || null,
        raw: Buffer.concat(chunks).toString('base64'),
      };
      process.stdout.write(JSON.stringify(record) + '\n');
      callback(null);
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.server.address().port}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
