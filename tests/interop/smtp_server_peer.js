// nodemailer's smtp-server as a peer for `esmtp-playground send`.
// Prints "listening PORT" first, then one JSON line per message:
// {"from": ..., "to": [...], "user": ..., "secure": ..., "raw": <base64 of the message as received>}.
// Arguments: [--tls-cert FILE --tls-key FILE] USER:PASSWORD ... (accounts for PLAIN, LOGIN,
// CRAM-MD5). With a certificate it offers STARTTLS and refuses AUTH before it; without,
// STARTTLS is off and AUTH is allowed in the clear.
'use strict';

const fs = require('node:fs');
const { SMTPServer } = require('smtp-server');

const args = process.argv.slice(2);
const tls = {};
while (args.length > 0 && args[0].startsWith('--')) {
  const [flag, file] = args.splice(0, 2);
  tls[flag === '--tls-cert' ? 'cert' : 'key'] = fs.readFileSync(file);
}
const withTls = tls.cert !== undefined && tls.key !== undefined;

const accounts = new Map(
  args.map((pair) => {
    const at = pair.indexOf(':');
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

const server = new SMTPServer({
  name: 'smtp-server.example.org',
  ...(withTls ? { key: tls.key, cert: tls.cert } : { disabledCommands: ['STARTTLS'] }),
  authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
  authOptional: true,
  allowInsecureAuth: !withTls,
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
        secure: Boolean(session.secure),
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
