// The page decides nothing from a protocol fact: no file in www/js compares a reply code,
// reads a reply's continuation mark, matches a command or extension keyword, compares a
// server state name or an engine label, keeps a list of keywords, or cites an RFC section
// of its own (the engine's explanations carry theirs). The engine says what
// each octet, reply and state means (the timeline's links and kinds, `negotiation`,
// `authExchanges`, `serverStates`); the page only shows it. Presets and tours are text
// for people and are not read here; nor are comments. Run: node --test tests/js/

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const JS = path.join(ROOT, 'www/js');

/** Text for people, not code that decides: scenarios and their guided tours. */
const PROSE_FILES = new Set(['presets.js', 'preset-details.js', 'tours.js']);

/** Commands, extension keywords (and the engine's variant names for them), SASL mechanisms. */
const KEYWORD = [
  'HELO',
  'EHLO',
  'MAIL',
  'RCPT',
  'DATA',
  'BDAT',
  'RSET',
  'NOOP',
  'QUIT',
  'VRFY',
  'EXPN',
  'ETRN',
  'A?TURN',
  'AUTH',
  'STARTTLS',
  'StartTls',
  'SIZE',
  'PIPELINING',
  '8BITMIME',
  'EightBitMime',
  'BINARYMIME',
  'BinaryMime',
  'ENHANCEDSTATUSCODES',
  'SMTPUTF8',
  'SmtpUtf8',
  'CHUNKING',
  'DSN',
  'NOTIFY',
  'ORCPT',
  'BODY',
  'PLAIN',
  'LOGIN',
  'CRAM-MD5',
  'DIGEST-MD5',
  'SCRAM-SHA-\\d+',
  'XOAUTH2',
  'OAUTHBEARER',
].join('|');

/** The server's state names as they cross to JS (camelCase), read from the engine's own list. */
function serverStateNames() {
  const source = fs.readFileSync(path.join(ROOT, 'src/server/state.rs'), 'utf8');
  const list = source.match(/pub const STATES: &\[State\] = &\[([^\]]*)\]/);
  assert.ok(list, 'src/server/state.rs lists STATES');
  return (
    list[1]
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => name[0].toLowerCase() + name.slice(1))
      // `closed` is also the name of a client event kind, which the page may compare.
      .filter((name) => name !== 'closed')
  );
}

const STATE = serverStateNames().join('|');
const Q = `['"\`]`;

/** Each rule: what it finds, and the pattern that finds it in a line of code. */
const RULES = [
  ['a reply code compared', new RegExp(`[=!]==?\\s*${Q}?[2-5]\\d\\d\\b|\\b[2-5]\\d\\d${Q}?\\s*[=!]==?`)],
  ['a reply code compared by class', /\bcode\b[^;\n]*(?:[<>]=?\s*[2-5]\d\d\b|\/\s*100\b|\[0\]\s*[=!]==?|\.startsWith\()/i],
  ["a reply line's continuation mark read", /\[3\]\s*[=!]==?\s*['"][- ]['"]|\.charAt\(3\)|\.slice\(3,\s*4\)|\.substr(?:ing)?\(3,\s*[14]\)/],
  [
    'a keyword matched by a regex',
    new RegExp(
      `\\/[^/\\n]*\\b(?:${KEYWORD})\\b[^/\\n]*\\/[dgimsuy]*\\s*\\.(?:test|exec)\\(|\\.(?:match|search|matchAll)\\(\\s*\\/[^/\\n]*\\b(?:${KEYWORD})\\b`,
      'i',
    ),
  ],
  [
    'a keyword or code matched by prefix',
    new RegExp(`\\.(?:startsWith|endsWith|includes|indexOf)\\(\\s*${Q}(?:${KEYWORD}|[2-5]\\d\\d)\\b`, 'i'),
  ],
  [
    'a keyword compared',
    new RegExp(`[=!]==?\\s*${Q}(?:${KEYWORD})${Q}|${Q}(?:${KEYWORD})${Q}\\s*[=!]==?|\\bcase\\s+${Q}(?:${KEYWORD})${Q}`, 'i'),
  ],
  [
    'a list of keywords',
    new RegExp(`${Q}(?:${KEYWORD})${Q}\\s*,\\s*${Q}(?:${KEYWORD})${Q}|\\b(?:${KEYWORD})\\s*:\\s*\\[\\s*${Q}(?:${KEYWORD})${Q}`, 'i'),
  ],
  ['a server state name', new RegExp(`${Q}(?:${STATE})${Q}|${Q}Expect[A-Z]\\w*${Q}`)],
  ['an engine label compared', /(?<!typeof\s+[\w.?]*)\.label\s*[=!]==?|[=!]==?\s*[\w.?]*\.label\b/],
  ['an RFC section cited by the page', new RegExp(`${Q}[^'"\`]*\\bRFC\\s?\\d{3,4}\\b`)],
];

/**
 * Hits in other parts' files, kept until their owners move the fact into the engine. Each
 * names the file, a piece of the line and why it is allowed today; a hit listed here that
 * no longer occurs is reported, so the list can be tightened.
 */
const ALLOWED = [];

/** The source without its comments (block comments, and line comments). */
function code(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, '')).replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every rule's hits in `source`: `[{rule, line, text}]`. */
function hits(source) {
  const found = [];
  code(source)
    .split('\n')
    .forEach((text, index) => {
      for (const [rule, pattern] of RULES) {
        if (pattern.test(text)) found.push({ rule, line: index + 1, text: text.trim() });
      }
    });
  return found;
}

function allowed(file, hit) {
  return ALLOWED.some((a) => a.file === file && hit.text.includes(a.piece));
}

const files = fs.readdirSync(JS).filter((file) => file.endsWith('.js') && !PROSE_FILES.has(file));

for (const file of files) {
  test(`${file} decides nothing from a reply code, keyword or state name`, () => {
    const found = hits(fs.readFileSync(path.join(JS, file), 'utf8')).filter((hit) => !allowed(file, hit));
    assert.deepEqual(
      found.map((hit) => `${file}:${hit.line}: ${hit.rule}: ${hit.text}`),
      [],
    );
  });
}

test('every allowance still matches a line (drop the ones that no longer do)', (t) => {
  for (const allowance of ALLOWED) {
    const source = fs.readFileSync(path.join(JS, allowance.file), 'utf8');
    if (!hits(source).some((hit) => hit.text.includes(allowance.piece))) {
      t.diagnostic(`stale allowance: ${allowance.file}: ${allowance.piece}`);
    }
  }
});

test('the rules find the decisions the page once made, and pass prose and engine data', () => {
  const decisions = [
    "const last = text[3] !== '-';",
    'const data = direction === "C" && lastServerCode === 354;',
    "if (reply.code === '235') done();",
    'const ok = kind.reply.code >= 200 && kind.reply.code < 300;',
    "const positive = String(reply.code).startsWith('2');",
    "const starts = trace.entries.some((e) => e.label === 'mechanism choice');",
    'if (kind.answers && /auth/i.test(kind.answers)) fail();',
    'return /^(MAIL|RCPT|RSET|NOOP|EHLO|HELO) /i.test(text);',
    "if (line.startsWith('AUTH ')) open();",
    "const mail = sent.find((e) => e.kind.command.verb === 'Mail');",
    "case 'Pipelining': {",
    "const KEYWORDS = { Pipelining: ['PIPELINING', 'RFC 2920'] };",
    "const EXTENSIONS = ['SIZE', 'PIPELINING', '8BITMIME'];",
    "let state = 'expectHello';",
    "if (current === 'ExpectHello') reset();",
    "h('span', { class: 'tag', text: 'added by the server (RFC 5321 §4.4)' })",
  ];
  for (const line of decisions) assert.ok(hits(line).length > 0, `finds: ${line}`);
  const fine = [
    "h('p', { text: 'No AUTH exchange in this run. Pick an AUTH preset.' })",
    "h('h4', { text: 'AUTH ' + exchange.mechanism })",
    "const kind = entry.type === 'server' && entry.event?.kind;",
    "if (kind && kind.type === 'stateChanged') state = kind.to;",
    "const ROUTINE = new Set(['commandSent', 'replyReceived', 'closed']);",
    'const narrow = pane.clientWidth > 0 && pane.clientWidth < 560;',
    "// text[3] !== '-' in a comment is fine",
    'setTimeout(run, 300);',
    "return typeof value.label === 'string' && 'explanation' in value;",
    "h('span', { class: 'tag', text: added.text + ' (' + added.rfc + ')' })",
  ];
  for (const line of fine) assert.deepEqual(hits(line), [], `passes: ${line}`);
});
