// The presets' details, keyed by id: each a patch on the default scenario with a short
// explanation (js/presets.js has their ids and titles, and the default preset). Fetched
// the first time a preset other than the default is picked, linked or toured.
// All plain data. What each preset's run must show is in the browser test's
// tests/e2e/preset-expectations.mjs, not shipped to the page.
// A preset with `script` in its patch does not use the client engine: its octets are
// sent as they are to the real server engine (src/scripted.rs), for what no well-behaved
// client does (a bare LF, going quiet).
// `highlight` names the lines that matter, by what they say (js/line-highlight.js
// `resolveHighlight`): an embed without `lines=` highlights them.

const AUTH = (mechanism, password = 'S3cret-pw') => ({ client: { auth: { mechanism, user: 'alice', password } } });
const SMUGGLED_BODY =
  'From: alice@example.net\r\nTo: bob@example.org\r\nSubject: hello\r\n\r\nHi Bob\n.\nMAIL FROM:<evil@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n\r\nFrom: ceo@example.org\r\nSubject: smuggled\r\n\r\nPay the invoice.\r\n.\r\n';

const UTF8_MESSAGE = {
  from: 'Jörg <jörg@bücher.example>',
  to: ['用户@例子.广告'],
  subject: 'Grüße aus München',
  body: 'Hello,\n\nThe addresses and the Subject of this message are UTF-8; the body is plain ASCII.\n',
};

const BCC_MESSAGE =
  'From: alice@example.net\r\nTo: bob@example.org\r\nBcc: dave@elsewhere.test\r\nSubject: Minutes\r\n\r\nThe minutes are attached.\r\n.\r\n';

/** `{explanation, highlight, patch}` of every preset in js/presets.js but the default. */
export const PRESET_DETAILS = {
  'helo-only-server': {
    explanation:
      'A pre-ESMTP server does not know EHLO and answers 500. The client falls back to HELO (RFC 5321 §3.2, RFC 1869 §4.5) and carries on without extensions: no SIZE= parameter, lock-step instead of pipelining, and replies without enhanced status codes.',
    highlight: [{ text: 'EHLO ', side: 'C', through: { text: '250 ', side: 'S' } }],
    patch: { server: { ehloMode: 'heloOnlyUnrecognized' } },
  },
  'helo-client': {
    explanation:
      'An old client says HELO, so the server answers with a one-line 250 and no extension list: no SIZE, no PIPELINING, no 8BITMIME (RFC 5321 §4.1.1.1).',
    highlight: [{ text: 'HELO ', side: 'C', through: { text: '250 ', side: 'S' } }],
    patch: { client: { hello: 'HELO' } },
  },
  'eight-bit': {
    explanation:
      'The body is 8-bit UTF-8 text, and this server does not offer 8BITMIME. The client must not send 8-bit octets to it (RFC 6152 §3), so it downgrades the body to quoted-printable (RFC 2045 §6.7): "ü" travels as =C3=BC. Set the client’s 8-bit handling to "refuse" to see it give up instead.',
    highlight: [{ text: 'Content-Transfer-Encoding: quoted-printable', side: 'C', through: { contains: '=C3=BC' } }],
    patch: { server: { extensions: { eightBitMime: false } }, client: { message: { subject: 'Greetings', body: 'Grüße aus Köln\n' } } },
  },
  'eight-bit-mime': {
    explanation:
      'The body is 8-bit UTF-8 text and this server offers 8BITMIME, so the client sends the octets as they are and declares them with BODY=8BITMIME on MAIL FROM (RFC 6152 §2): no quoted-printable, "Content-Transfer-Encoding: 8bit". Compare "8BITMIME vs a 7-bit server", where the same body must be downgraded.',
    highlight: [{ text: '250-8BITMIME', side: 'S', through: { contains: 'BODY=8BITMIME' } }],
    patch: { client: { message: { subject: 'Greetings', body: 'Grüße aus Köln\n' } } },
  },
  smtputf8: {
    explanation:
      'The sender jörg@bücher.example and the recipient 用户@例子.广告 have UTF-8 local-parts, which no ASCII form can spell, so the client needs SMTPUTF8 (RFC 6531): the server offers it, and MAIL FROM says SMTPUTF8. The addresses go as written, U-label domains included, and the From, To and Subject fields are UTF-8 (RFC 6532). The server lists its local domain as the A-label xn--fsqu00a.xn--4rr70v and still recognises 例子.广告; the Received line says "with UTF8SMTP" (RFC 6531 §3.7.3). The Negotiation tab shows each domain in both forms.',
    highlight: [
      { text: 'MAIL FROM:<jörg@', side: 'C' },
      { text: 'RCPT TO:<用户@', side: 'C' },
    ],
    patch: {
      server: { localDomains: ['example.org', 'xn--fsqu00a.xn--4rr70v'] },
      client: { message: UTF8_MESSAGE },
    },
  },
  'smtputf8-not-offered': {
    explanation:
      'The same UTF-8 addresses, but this server does not offer SMTPUTF8. An A-label could stand for the domain, never for the local-part jörg, so the message cannot be sent (RFC 6531 §3.2): the client says why in the Negotiation tab and ends with QUIT, without a single UTF-8 octet on the wire. Downgrading the addresses (RFC 6530 §7) is not done.',
    highlight: [
      { text: 'EHLO ', side: 'C', through: { text: '250 ', side: 'S' } },
      { text: 'QUIT', side: 'C' },
    ],
    patch: {
      server: { extensions: { smtputf8: false }, localDomains: ['example.org', 'xn--fsqu00a.xn--4rr70v'] },
      client: { message: UTF8_MESSAGE },
    },
  },
  'idn-a-label': {
    explanation:
      'Bob’s address bob@bücher.example has an ASCII local-part and a UTF-8 domain. A domain has an ASCII spelling, its A-label xn--bcher-kva.example (RFC 5890), so the client needs no SMTPUTF8: RCPT TO and the To field carry the A-label, and MAIL FROM has no SMTPUTF8 although the server offers it. The server’s local domain is written bücher.example and matches the A-label.',
    highlight: [{ text: 'RCPT TO:<bob@xn--', side: 'C' }],
    patch: {
      server: { localDomains: ['example.org', 'bücher.example'] },
      client: { message: { to: ['Bob <bob@bücher.example>'] } },
    },
  },
  dsn: {
    explanation:
      'The server offers DSN (RFC 3461), so the client asks for notifications: RET=HDRS (a failure notice returns only the headers) and ENVID= (an id quoted back) on MAIL FROM, NOTIFY=SUCCESS,FAILURE and ORCPT=rfc822;… (the original recipient, xtext-encoded) on RCPT TO. The server stores them with the copy (see Mailboxes). A raw MAIL FROM that repeats RET= is refused with 501 5.5.4 first. Switch DSN off on the server and the client leaves the parameters out (Negotiation tab); the World tab’s DSN preset shows the bounce a failed relay produces.',
    highlight: [
      { text: '250 DSN', side: 'S' },
      { contains: 'RET=HDRS ENVID=', side: 'C', through: { contains: 'ORCPT=', side: 'C' } },
    ],
    patch: {
      server: { extensions: { dsn: true } },
      client: {
        dsn: { ret: 'HDRS', envid: 'QQ314159', notify: 'SUCCESS,FAILURE', orcpt: true },
        rawLines: [{ after: 'ehlo', line: 'MAIL FROM:<alice@example.net> RET=HDRS RET=FULL' }],
      },
    },
  },
  'size-refused': {
    explanation:
      'The server announces SIZE 1000 (RFC 1870). A raw MAIL FROM that declares SIZE=50000 is refused at once with 552 5.3.4, before a single octet of data is sent (RFC 1870 §6.1). The client’s own message is smaller, so it declares its real size and goes through. Set the SIZE limit to 200 and the client does not even try (its decision is in the Negotiation tab).',
    highlight: [
      { text: '250-SIZE ', side: 'S' },
      { contains: 'SIZE=50000', side: 'C', through: { text: '552 ' } },
    ],
    patch: {
      server: { maxMessageSize: 1000 },
      client: { rawLines: [{ after: 'ehlo', line: 'MAIL FROM:<alice@example.net> SIZE=50000' }] },
    },
  },
  'to-cc-bcc': {
    explanation:
      'Every recipient gets its own RCPT TO, Bcc included, but Bcc never appears in the header: the envelope, not the header, decides who receives a copy (RFC 5321 §3.3, RFC 5322 §3.6.3). The Mailboxes tab shows one copy per recipient.',
    highlight: [{ text: 'RCPT TO:', side: 'C', every: true }],
    patch: { client: { message: { to: ['bob@example.org'], cc: ['carol@example.org'], bcc: ['dave@example.org'] } } },
  },
  'submission-bcc': {
    explanation:
      'A mail program (scripted here: the client engine never writes Bcc) hands its message to a submission server (role submission, port 587, RFC 6409) after AUTH, with the Bcc header still in it. Every recipient, the blind one too, gets its own RCPT TO, and the server removes the Bcc header before storing, so no copy shows who was blind-copied (RFC 5322 §3.6.3, RFC 6409 §8). Compare the C: lines with the copies in the Mailboxes tab.',
    highlight: [
      { text: 'RCPT TO:<dave@', side: 'C' },
      { text: 'Bcc:', side: 'C' },
    ],
    patch: {
      server: { role: 'submission' },
      script: [
        { send: 'EHLO laptop.example.net\r\n' },
        { send: 'AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==\r\n' },
        { send: 'MAIL FROM:<alice@example.net>\r\n' },
        { send: 'RCPT TO:<bob@example.org>\r\n' },
        { send: 'RCPT TO:<dave@elsewhere.test>\r\n' },
        { send: 'DATA\r\n' },
        { send: BCC_MESSAGE },
        { send: 'QUIT\r\n' },
      ],
    },
  },
  'relay-denied': {
    explanation:
      'The recipient’s domain (elsewhere.test) is not local, the client is not trusted and has not authenticated, so the server refuses to relay: 550 5.7.1 (RFC 5321 §3.6.2, RFC 3463). With no valid recipient DATA gets 554, and the client resets. Compare "Relay after AUTH".',
    highlight: [
      { text: 'RCPT TO:', side: 'C' },
      { text: '550 5.7.1', side: 'S' },
    ],
    patch: { client: { message: { to: ['someone@elsewhere.test'] } } },
  },
  'relay-after-auth': {
    explanation:
      'The same outside recipient that an anonymous client may not relay to is accepted once the client has authenticated with AUTH PLAIN (RFC 4954 §5, RFC 6409). The server notes it in the Received header: "with ESMTPA" (RFC 3848). See the Mailboxes tab.',
    highlight: [
      { text: 'AUTH PLAIN', side: 'C', through: { text: '235 ' } },
      { text: '250 2.1.5', side: 'S' },
    ],
    patch: { client: { auth: { mechanism: 'PLAIN', user: 'alice', password: 'S3cret-pw' }, message: { to: ['someone@elsewhere.test'] } } },
  },
  'auth-plain': {
    explanation:
      'The client sends authzid NUL authcid NUL password, base64-encoded, as the initial response on the AUTH line itself (RFC 4616, RFC 4954 §4). Base64 is an encoding, not encryption: the SASL tab decodes it octet by octet.',
    highlight: [{ text: 'AUTH PLAIN', side: 'C', through: { text: '235 ' } }],
    patch: AUTH('PLAIN'),
  },
  'auth-login': {
    explanation:
      'The server prompts "Username:" and "Password:" in base64 (334 VXNlcm5hbWU6, 334 UGFzc3dvcmQ6) and the client answers each on its own line (draft-murchison-sasl-login). Obsolete but still everywhere.',
    highlight: [{ text: '334 VXNlcm5hbWU6', side: 'S', through: { text: '235 ' } }],
    patch: AUTH('LOGIN'),
  },
  'cram-md5': {
    explanation:
      'The server sends a challenge; the client answers with its user name and HMAC-MD5(password, challenge) in hex (RFC 2195). The password never crosses the wire. The SASL tab shows the challenge, the HMAC inputs and the digest.',
    highlight: [{ text: 'AUTH CRAM-MD5', side: 'C', through: { text: '235 ' } }],
    patch: AUTH('CRAM-MD5'),
  },
  'digest-md5': {
    explanation:
      'A challenge with realm and nonce; a response built from H(A1), A2 and both nonces; and rspauth, with which the server proves it knows the password too (RFC 2831, historic since RFC 6331). The SASL tab shows A1, HA1, A2, HA2, the response and rspauth.',
    highlight: [{ text: 'AUTH DIGEST-MD5', side: 'C', through: { text: '235 ' } }],
    patch: AUTH('DIGEST-MD5'),
  },
  'scram-sha-256': {
    explanation:
      'The server offers SCRAM-SHA-256 and the client, on "auto", picks it as the strongest (the Negotiation tab says why). Client and server exchange nonces; the server sends a salt and an iteration count; the client proves it knows the password with ClientProof, built from PBKDF2 (SaltedPassword), and the server proves it too with v=ServerSignature (RFC 5802 §3, RFC 7677). The password never crosses the wire, and what the server stores is not enough to log in. The SASL tab shows every value.',
    highlight: [{ text: 'AUTH SCRAM-SHA-256', side: 'C', through: { text: '235 ' } }],
    patch: {
      server: { auth: { mechanisms: ['PLAIN', 'LOGIN', 'SCRAM-SHA-1', 'SCRAM-SHA-256'] } },
      client: { auth: { mechanism: 'auto', user: 'alice', password: 'S3cret-pw' } },
    },
  },
  'wrong-password': {
    explanation: 'The credentials do not match: 535 5.7.8 (RFC 4954 §6). The client does not send the message; it quits.',
    highlight: [{ text: 'AUTH PLAIN', side: 'C', through: { text: '535 ' } }],
    patch: AUTH('PLAIN', 'wrong'),
  },
  obsolete: {
    explanation:
      'SEND, SOML, SAML and TURN were retired (RFC 5321 Appendix F.1 and F.6); a server answers 502 "not implemented" and the session goes on. TURN would let anyone take the mail of a domain.',
    highlight: [
      { text: 'SOML ', side: 'C', through: { text: '502 ' } },
      { text: 'TURN', side: 'C', through: { text: '502 ' } },
    ],
    patch: {
      client: {
        rawLines: [
          { after: 'ehlo', line: 'SOML FROM:<alice@example.net>' },
          { after: 'ehlo', line: 'TURN' },
        ],
      },
    },
  },
  'line-too-long': {
    explanation:
      'A command line may hold at most 512 octets with its CRLF (RFC 5321 §4.5.3.1.4). The client sends a 1,200-character NOOP as a raw line; the server answers 500 5.5.2 and the session goes on. (A long body line never reaches a server as such: the client re-encodes the body as quoted-printable, RFC 2045 §6.7.)',
    highlight: [{ text: 'NOOP ', side: 'C', through: { text: '500 ' } }],
    patch: { client: { rawLines: [{ after: 'ehlo', line: `NOOP ${'x'.repeat(1195)}` }] } },
  },
  'too-many-recipients': {
    explanation:
      'The server takes 2 recipients per transaction; the third and fourth get 452 4.5.3, a temporary failure (RFC 5321 §4.5.3.1.8). The client delivers to the first two, then sends the message again in a second transaction for the rest.',
    highlight: [{ text: '452 ', side: 'S', every: true }],
    patch: {
      server: { maxRecipients: 2 },
      client: { message: { to: ['bob@example.org', 'carol@example.org'], cc: ['dave@example.org'], bcc: ['erin@example.org'] } },
    },
  },
  pipelining: {
    explanation:
      'The server offers PIPELINING (RFC 2920), so the client sends MAIL, both RCPTs and DATA in one write and reads the four replies together: one round trip instead of four. Compare the timestamps with "Lock-step".',
    highlight: [{ text: 'MAIL FROM:', side: 'C', through: { text: '354 ' } }],
    patch: { client: { message: { to: ['bob@example.org', 'carol@example.org'] } } },
  },
  'lock-step': {
    explanation:
      'The same message with pipelining switched off in the client: every command waits for its reply (RFC 5321 §4.3), so MAIL, two RCPTs and DATA cost four round trips. Compare the timestamps with "Pipelining".',
    highlight: [{ text: 'MAIL FROM:', side: 'C', through: { text: '354 ' } }],
    patch: { client: { pipelining: 'off', message: { to: ['bob@example.org', 'carol@example.org'] } } },
  },
  'dot-stuffing': {
    explanation:
      'A body line starting with "." gets a second dot on the wire so that only CRLF.CRLF ends the data; the server removes it again (RFC 5321 §4.5.2). Compare the transcript with the Mailboxes tab.',
    highlight: [{ text: '..', side: 'C', every: true }],
    patch: { client: { message: { subject: 'Dots', body: 'Lines that start with a dot:\n.\n..two dots\n.hidden\nend\n' } } },
  },
  chunking: {
    explanation:
      'The server offers CHUNKING (RFC 3030), so the client sends the message in BDAT chunks of 150 octets instead of after DATA: each BDAT line says how many octets follow, the server reads exactly that many and answers 250, and the last BDAT says LAST (RFC 3030 §2). The count frames the text, so nothing is dot-stuffed (the line starting with "." goes as it is) and no final dot is sent. With PIPELINING the chunks go in one write behind MAIL and RCPT (RFC 3030 §4.2).',
    highlight: [{ text: 'BDAT ', side: 'C', every: true }],
    patch: { server: { extensions: { chunking: true } }, client: { chunkSize: 150 } },
  },
  binarymime: {
    explanation:
      'The body has a line of 1,280 octets, over the 998 that text lines may have (RFC 5321 §4.5.3.1.6). Without BINARYMIME the client would have to encode it as quoted-printable; this server offers BINARYMIME with CHUNKING, so the client declares BODY=BINARYMIME on MAIL FROM and sends the body as it is, with Content-Transfer-Encoding: binary, in a BDAT chunk: a binary body can only go with BDAT, never after DATA (RFC 3030 §3).',
    highlight: [{ contains: 'BODY=BINARYMIME', side: 'C' }],
    patch: {
      server: { extensions: { chunking: true, binaryMime: true } },
      client: { message: { subject: 'Sensor dump', body: `Readings, one long line:\n${'0123456789ABCDEF'.repeat(80)}\n` } },
    },
  },
  'wrong-address': {
    explanation: 'A raw RCPT TO with two @ signs: the server answers 501 5.1.3 and the session goes on (RFC 5321 §4.1.2, RFC 3463).',
    highlight: [{ contains: '@@', side: 'C', through: { text: '501 ' } }],
    patch: { client: { rawLines: [{ after: 'mail', line: 'RCPT TO:<bob@@example.org>' }] } },
  },
  timeout: {
    explanation:
      'A scripted client (no client engine: it sends only the octets in the Run settings’ script) says EHLO and then goes quiet. When the server’s idle timeout (here 30 s) passes with no command, it answers 421 4.4.2 and closes the connection (RFC 5321 §4.5.3.2.7). Look at the timestamps.',
    highlight: [{ text: '421 ', side: 'S' }],
    patch: { server: { idleTimeoutMs: 30000 }, script: [{ send: 'EHLO client.example.net\r\n' }, { wait: 30000 }] },
  },
  smuggling: {
    explanation:
      'A scripted client (raw octets, not the client engine) hides "<LF>.<LF>MAIL FROM:<evil@…>…" in its message, hoping the server takes LF.LF as the end of the data and runs the rest as a second message (SMTP smuggling, CVE-2023-51766 and kin). This server ends data only at CRLF.CRLF and refuses a bare LF (RFC 5321 §2.3.8): it answers exactly once, 550 5.5.2, and delivers nothing. Set the server’s "Bare LF" to normalise: still one reply and one message, with the would-be second message inside its body.',
    highlight: [
      { text: 'Hi Bob', side: 'C', through: { text: 'MAIL FROM:<evil' } },
      { text: '550 5.5.2', side: 'S' },
    ],
    patch: {
      script: [
        { send: 'EHLO client.example.net\r\n' },
        { send: 'MAIL FROM:<alice@example.net>\r\n' },
        { send: 'RCPT TO:<bob@example.org>\r\n' },
        { send: 'DATA\r\n' },
        { send: SMUGGLED_BODY },
        { send: 'QUIT\r\n' },
      ],
    },
  },
  'starttls-auth-plain': {
    explanation:
      'The server offers STARTTLS; the client (policy: required) sends it, gets 220 and both sides run a TLS handshake (RFC 3207 §4). Then both forget what was said in the clear and start again from EHLO (RFC 3207 §4.2): only the EHLO reply inside TLS lists AUTH, and the password crosses encrypted. Switch the transcript to "as an eavesdropper sees it": after STARTTLS only TLS records remain, no AUTH PLAIN line to decode.',
    highlight: [
      { text: 'STARTTLS', side: 'C', through: { text: '220 ', side: 'S' } },
      { text: 'AUTH PLAIN', side: 'C', through: { text: '235 ' } },
    ],
    patch: {
      server: { starttls: 'offered', authRequiresTls: true },
      client: { tls: 'required', auth: { mechanism: 'PLAIN', user: 'alice', password: 'S3cret-pw' } },
    },
  },
  'auth-before-tls': {
    explanation:
      'This server takes AUTH only after TLS, as Postfix’s smtpd_tls_auth_only does: its EHLO reply in the clear lists STARTTLS but no AUTH, and an AUTH sent anyway (a raw line here, from a client that never starts TLS) is answered 538 5.7.11 "Encryption required" (RFC 4954 §4 and §6), before the password is even looked at. Set the client’s STARTTLS to required: AUTH is then offered and accepted inside TLS.',
    highlight: [
      { text: '250-STARTTLS', side: 'S' },
      { text: 'AUTH PLAIN', side: 'C', through: { text: '538 ' } },
    ],
    patch: {
      server: { starttls: 'offered', authRequiresTls: true },
      client: { tls: 'never', rawLines: [{ after: 'ehlo', line: 'AUTH PLAIN AGFsaWNlAFMzY3JldC1wdw==' }] },
    },
  },
  'starttls-stripped-required': {
    explanation:
      'A tampering middlebox between client and server deletes the STARTTLS line from the EHLO reply (RFC 3207 §6 warns of exactly this). The client’s policy is "required", so without STARTTLS it does not go on in the clear: it sends QUIT before any password or message crosses, and its decision says why (Negotiation tab). Compare "STARTTLS stripped: an opportunistic client leaks".',
    highlight: [
      { text: 'EHLO ', side: 'C', through: { text: '250 ', side: 'S' } },
      { text: 'QUIT', side: 'C' },
    ],
    patch: {
      server: { starttls: 'offered' },
      middlebox: 'stripStarttls',
      client: { tls: 'required', auth: { mechanism: 'PLAIN', user: 'alice', password: 'S3cret-pw' } },
    },
  },
  'starttls-stripped-opportunistic': {
    explanation:
      'The same tampering middlebox deletes STARTTLS from the EHLO reply, but this client uses TLS only "when offered". It sees no STARTTLS and carries on in the clear: AUTH PLAIN with the password in base64, readable by anyone on the path (switch to "as an eavesdropper sees it": the line is there as text). This downgrade is why submission clients require TLS (RFC 8314 §4.1).',
    highlight: [{ text: 'AUTH PLAIN', side: 'C', through: { text: '235 ' } }],
    patch: {
      server: { starttls: 'offered' },
      middlebox: 'stripStarttls',
      client: { tls: 'opportunistic', auth: { mechanism: 'PLAIN', user: 'alice', password: 'S3cret-pw' } },
    },
  },
  'starttls-injection': {
    explanation:
      'A scripted client (raw octets, not the client engine) sends "STARTTLS" and "RSET" in one write, as an attacker in the middle would inject a command to run after the handshake (CVE-2011-0411 and kin). The server answers 220, then throws away everything that arrived in the clear behind the STARTTLS line: RSET never runs and gets no reply, inside TLS or out (RFC 3207 §4.2: nothing from before the handshake counts). The client then starts again with EHLO inside TLS.',
    highlight: [{ text: 'STARTTLS', side: 'C', through: { text: 'RSET', side: 'C' } }],
    patch: {
      server: { starttls: 'offered' },
      script: [
        { send: 'EHLO client.example.net\r\n' },
        { send: 'STARTTLS\r\nRSET\r\n' },
        { startTls: true },
        { send: 'EHLO client.example.net\r\n' },
        { send: 'QUIT\r\n' },
      ],
    },
  },
  'implicit-tls': {
    explanation:
      'The port-465 way (RFC 8314 §3.3, "submissions"): TLS from the first octet, before the greeting. No STARTTLS is offered or needed, nothing crosses in the clear, not even the 220 greeting; a man in the middle has no reply to strip STARTTLS from. RFC 8314 recommends it over STARTTLS for submission.',
    highlight: [{ text: '220 ', side: 'S' }],
    patch: {
      implicitTls: true,
      server: { role: 'submission' },
      client: { auth: { mechanism: 'PLAIN', user: 'alice', password: 'S3cret-pw' } },
    },
  },
};
