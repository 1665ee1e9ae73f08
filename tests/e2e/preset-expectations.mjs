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
      /^S: 250-8BITMIME$/,
      /^S: 250 SMTPUTF8$/,
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
      /^S: 250-ENHANCEDSTATUSCODES$/,
      /^C: Content-Transfer-Encoding: quoted-printable$/,
      /^C: Gr=C3=BC=C3=9Fe aus K=C3=B6ln$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    absent: [/^S: 250[- ]8BITMIME$/, /BODY=8BITMIME/],
  },
  smtputf8: {
    expect: [
      /^S: 250 SMTPUTF8$/,
      /^C: MAIL FROM:<jörg@bücher\.example> SIZE=\d+ SMTPUTF8$/,
      /^C: RCPT TO:<用户@例子\.广告>$/,
      /^C: From: =\?UTF-8\?B\?SsO2cmc=\?= <jörg@bücher\.example>$/,
      /^C: Subject: Grüße aus München$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    mailbox: [/with UTF8SMTP id/],
  },
  'smtputf8-not-offered': {
    expect: [/^S: 250 8BITMIME$/, /^C: QUIT$/],
    absent: [/^C: MAIL FROM/, /^S: 250 SMTPUTF8$/],
  },
  'idn-a-label': {
    expect: [
      /^C: MAIL FROM:<alice@example\.net> SIZE=\d+$/,
      /^C: RCPT TO:<bob@xn--bcher-kva\.example>$/,
      /^C: To: Bob <bob@xn--bcher-kva\.example>$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    absent: [/^C: .*bücher/],
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
      /^S: 250-8BITMIME$/,
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
  'scram-sha-256': {
    expect: [/^S: 250-AUTH PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256$/, /^S: 235 2\.7\.0 /, /^S: 250 2\.0\.0 Ok: queued as /],
    sequence: [
      [
        /^C: AUTH SCRAM-SHA-256 [A-Za-z0-9+/]+=*$/,
        /^S: 334 [A-Za-z0-9+/]+=*$/,
        /^C: [A-Za-z0-9+/]+=*$/,
        /^S: 334 [A-Za-z0-9+/]+=*$/,
        /^C: ?$/,
        /^S: 235 2\.7\.0 /,
      ],
    ],
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
  chunking: {
    expect: [
      /^S: 250 CHUNKING$/,
      /^C: BDAT 150$/,
      /^C: BDAT \d+ LAST$/,
      /^C: \.A line starting with a dot is stuffed\.$/,
      /^S: 250 2\.0\.0 Ok: 150 octets received$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    absent: [/^C: DATA$/, /^C: \.\.A line/, /^C: \.$/],
    sequence: [[/^C: MAIL FROM:</, /^C: RCPT TO:<bob@example\.org>$/, /^C: BDAT 150$/]],
  },
  binarymime: {
    expect: [
      /^S: 250 BINARYMIME$/,
      /^C: MAIL FROM:<alice@example\.net> SIZE=\d+ BODY=BINARYMIME$/,
      /^C: Content-Transfer-Encoding: binary$/,
      /^C: (0123456789ABCDEF){80}$/,
      /^C: BDAT \d+ LAST$/,
      /^S: 250 2\.0\.0 Ok: queued as /,
    ],
    absent: [/quoted-printable/, /^C: DATA$/],
  },
  'wrong-address': {
    expect: [/^C: RCPT TO:<bob@@example\.org>$/, /^S: 501 /],
  },
  timeout: {
    expect: [
      /^S: 220 mx\.example\.org /,
      /^C: EHLO client\.example\.net$/,
      /^S: 250 SMTPUTF8$/,
      /^S: 421 4\.4\.2 mx\.example\.org Error: timeout exceeded/,
    ],
  },
  smuggling: {
    expect: [/^S: 354 /, /^C: MAIL FROM:<evil@example\.net>$/, /^S: 550 5\.5\.2 Error: bare <LF> received$/, /^S: 221 /],
    absent: [/^S: 250 2\.0\.0 Ok: queued/],
    sequence: [[/^C: \.$/, /^S: 550 5\.5\.2 /, /^C: QUIT$/]],
  },
  // TLS: lines inside TLS read "C~"/"S~" (the page marks them as swaks and our CLI do).
  'starttls-auth-plain': {
    expect: [/^S: 250-STARTTLS$/, /^S~ 250-AUTH PLAIN LOGIN /, /^S~ 235 2\.7\.0 /, /^S~ 250 2\.0\.0 Ok: queued as /],
    absent: [/^S: 250-AUTH /, /^C: AUTH /],
    sequence: [[/^C: STARTTLS$/, /^S: 220 2\.0\.0 Ready to start TLS$/, /^C~ EHLO client\.example\.net$/]],
  },
  'auth-before-tls': {
    expect: [/^S: 250-STARTTLS$/, /^S: 538 5\.7\.11 /],
    absent: [/^S: 250-AUTH /, /^S: 235 /, /^C~ /],
    sequence: [[/^C: AUTH PLAIN /, /^S: 538 5\.7\.11 /]],
  },
  'starttls-stripped-required': {
    expect: [/^S: 250-STARTTLS$/, /^C: QUIT$/],
    absent: [/^C: STARTTLS$/, /^C: AUTH /, /^C: MAIL /, /^[CS]~ /],
    sequence: [[/^S: 250 SMTPUTF8$/, /^C: QUIT$/]],
  },
  'starttls-stripped-opportunistic': {
    expect: [/^C: AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==$/, /^S: 235 2\.7\.0 /, /^S: 250 2\.0\.0 Ok: queued as /],
    absent: [/^C: STARTTLS$/, /^[CS]~ /],
  },
  'starttls-injection': {
    expect: [/^S~ 221 /],
    absent: [/^S~? 250 2\.0\.0 Ok$/],
    sequence: [[/^C: STARTTLS$/, /^C: RSET$/, /^S: 220 2\.0\.0 Ready to start TLS$/, /^C~ EHLO client\.example\.net$/]],
  },
  'implicit-tls': {
    expect: [/^S~ 220 mx\.example\.org /, /^C~ AUTH PLAIN /, /^S~ 235 2\.7\.0 /],
    absent: [/^[CS]: /, /STARTTLS/],
  },
};
