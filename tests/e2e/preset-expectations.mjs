// What each preset's run must show, keyed by preset id (www/js/presets.js): the page
// does not need these, so they live with the test that checks them
// (playground.test.mjs, 'every preset runs through the UI').
//   expect   regular expressions that some "C: …"/"S: …" transcript line must match;
//   absent   ones that no line may match;
//   sequence runs of consecutive lines, each line matching its expression in order;
//   mailbox  expressions the Mailboxes tab text must match.

export const PRESET_EXPECTATIONS = {
  esmtp: {
    expect: [
      /^C: EHLO client\.example\.net$/,
      /^S: 250-PIPELINING$/,
      /^S: 250-SIZE 10240000$/,
      /^S: 250 8BITMIME$/,
      /^C: MAIL FROM:<alice@example\.net> SIZE=\d+$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
      /^S: 221 2\.0\.0 /,
    ],
  },
  'helo-only-server': {
    expect: [
      /^C: EHLO client\.example\.net$/,
      /^S: 500 /,
      /^C: HELO client\.example\.net$/,
      /^S: 250 mx\.example\.org/,
      /^C: MAIL FROM:<alice@example\.net>$/,
      /^S: 250 Ok: queued as /,
    ],
    absent: [/^S: 250-PIPELINING$/, /SIZE=/],
  },
  'helo-client': {
    expect: [/^C: HELO client\.example\.net$/, /^S: 250 mx\.example\.org/, /^S: 221 /],
    absent: [/^S: 250-PIPELINING$/],
  },
  'eight-bit': {
    expect: [
      /^S: 250 ENHANCEDSTATUSCODES$/,
      /^C: Content-Transfer-Encoding: quoted-printable$/,
      /^C: Gr=C3=BC=C3=9Fe aus K=C3=B6ln$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    absent: [/^S: 250[- ]8BITMIME$/, /BODY=8BITMIME/],
  },
  dsn: {
    expect: [
      /^S: 250 DSN$/,
      /^C: MAIL FROM:<alice@example\.net> RET=HDRS RET=FULL$/,
      /^S: 501 5\.5\.4 Error: RET= given twice/,
      /^C: MAIL FROM:<alice@example\.net> SIZE=\d+ RET=HDRS ENVID=QQ314159$/,
      /^C: RCPT TO:<bob@example\.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example\.org$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    mailbox: [/DSN RET=HDRS ENVID=QQ314159 NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example\.org/],
  },
  'size-refused': {
    expect: [
      /^S: 250-SIZE 1000$/,
      /^C: MAIL FROM:<alice@example\.net> SIZE=50000$/,
      /^S: 552 5\.3\.4 /,
      /^C: MAIL FROM:<alice@example\.net> SIZE=\d{3}$/,
      /^S: 221 /,
    ],
  },
  'to-cc-bcc': {
    expect: [
      /^C: RCPT TO:<bob@example\.org>$/,
      /^C: RCPT TO:<carol@example\.org>$/,
      /^C: RCPT TO:<dave@example\.org>$/,
      /^C: To: bob@example\.org$/,
      /^C: Cc: carol@example\.org$/,
    ],
    absent: [/^C: Bcc:/],
    mailbox: [/3 copies delivered to 3 recipients/],
  },
  'eight-bit-mime': {
    expect: [
      /^S: 250 8BITMIME$/,
      /^C: MAIL FROM:<alice@example\.net> SIZE=\d+ BODY=8BITMIME$/,
      /^C: Content-Transfer-Encoding: 8bit$/,
      /^C: Grüße aus Köln$/,
    ],
    absent: [/quoted-printable/],
  },
  'submission-bcc': {
    expect: [
      /^S: 235 2\.7\.0 /,
      /^C: RCPT TO:<dave@elsewhere\.test>$/,
      /^S: 250 2\.1\.5 /,
      /^C: Bcc: dave@elsewhere\.test$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    mailbox: [/2 copies delivered to 2 recipients/],
  },
  'relay-denied': {
    expect: [
      /^C: RCPT TO:<someone@elsewhere\.test>$/,
      /^S: 550 5\.7\.1 <someone@elsewhere\.test>: Relay access denied$/,
      /^S: 554 5\.5\.1 /,
      /^C: RSET$/,
    ],
    absent: [/^S: 250 2\.0\.0 Ok: queued/],
  },
  'relay-after-auth': {
    expect: [
      /^C: AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==$/,
      /^S: 235 2\.7\.0 /,
      /^C: RCPT TO:<someone@elsewhere\.test>$/,
      /^S: 250 2\.1\.5 /,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    mailbox: [/with ESMTPA id/, /someone@elsewhere\.test/],
  },
  'auth-plain': {
    expect: [/^C: AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==$/, /^S: 235 2\.7\.0 Authentication successful$/],
  },
  'auth-login': {
    expect: [/^C: AUTH LOGIN$/, /^S: 334 VXNlcm5hbWU6$/, /^C: YWxpY2U=$/, /^S: 334 UGFzc3dvcmQ6$/, /^C: UzNjcmV0LXB3$/, /^S: 235 /],
  },
  'cram-md5': {
    expect: [/^C: AUTH CRAM-MD5$/, /^S: 334 [A-Za-z0-9+/]+=*$/, /^C: [A-Za-z0-9+/]+=*$/, /^S: 235 /],
  },
  'digest-md5': {
    expect: [/^C: AUTH DIGEST-MD5$/, /^S: 334 [A-Za-z0-9+/]+=*$/, /^S: 235 /],
  },
  'wrong-password': {
    expect: [/^C: AUTH PLAIN AGFsaWNlAHdyb25n$/, /^S: 535 5\.7\.8 Authentication credentials invalid$/, /^C: QUIT$/],
    absent: [/^C: MAIL FROM/],
  },
  obsolete: {
    expect: [
      /^C: SOML FROM:<alice@example\.net>$/,
      /^S: 502 5\.5\.1 Error: SOML is not implemented$/,
      /^C: TURN$/,
      /^S: 502 5\.5\.1 Error: TURN is not implemented$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
  },
  'line-too-long': {
    expect: [/^C: NOOP x{1195}$/, /^S: 500 5\.5\.2 Line too long$/, /^S: 250 2\.0\.0 Ok: queued as /, /^S: 221 /],
  },
  'too-many-recipients': {
    expect: [/^C: RCPT TO:<erin@example\.org>$/, /^S: 452 4\.5\.3 /],
    mailbox: [/4 copies delivered to 4 recipients/],
    sequence: [
      [/^S: 452 4\.5\.3 /, /^S: 452 4\.5\.3 /],
      [/^C: MAIL FROM:</, /^C: RCPT TO:<dave@example\.org>$/, /^C: RCPT TO:<erin@example\.org>$/, /^C: DATA$/],
    ],
  },
  pipelining: {
    expect: [/^C: DATA$/],
    sequence: [
      [
        /^C: MAIL FROM:</,
        /^C: RCPT TO:<bob@example\.org>$/,
        /^C: RCPT TO:<carol@example\.org>$/,
        /^C: DATA$/,
        /^S: 250 2\.1\.0 /,
        /^S: 250 2\.1\.5 /,
        /^S: 250 2\.1\.5 /,
        /^S: 354 /,
      ],
    ],
  },
  'lock-step': {
    expect: [/^S: 250-PIPELINING$/],
    sequence: [
      [
        /^C: MAIL FROM:</,
        /^S: 250 2\.1\.0 /,
        /^C: RCPT TO:<bob@example\.org>$/,
        /^S: 250 2\.1\.5 /,
        /^C: RCPT TO:<carol@example\.org>$/,
        /^S: 250 2\.1\.5 /,
        /^C: DATA$/,
        /^S: 354 /,
      ],
    ],
  },
  'dot-stuffing': {
    expect: [/^C: \.\.$/, /^C: \.\.\.two dots$/, /^C: \.\.hidden$/, /^C: \.$/, /^S: 250 2\.0\.0 /],
  },
  'wrong-address': {
    expect: [/^C: RCPT TO:<bob@@example\.org>$/, /^S: 501 /],
  },
  timeout: {
    expect: [
      /^S: 220 mx\.example\.org /,
      /^C: EHLO client\.example\.net$/,
      /^S: 250 8BITMIME$/,
      /^S: 421 4\.4\.2 mx\.example\.org Error: timeout exceeded/,
    ],
  },
  smuggling: {
    expect: [/^S: 354 /, /^C: MAIL FROM:<evil@example\.net>$/, /^S: 550 5\.5\.2 Error: bare <LF> received$/, /^S: 221 /],
    absent: [/^S: 250 2\.0\.0 Ok: queued/],
    sequence: [[/^C: \.$/, /^S: 550 5\.5\.2 /, /^C: QUIT$/]],
  },
};
