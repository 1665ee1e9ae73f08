// The page states no protocol fact of its own: the files below hold no RFC number, reply
// code, enhanced status code, SMTP command, extension keyword or SASL mechanism name
// outside comments. Such words reach the page from the engine (formFields, formOptions,
// the timeline). Run: node --test tests/js/

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const JS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../www/js');

/** Files that render engine facts and must not restate them. */
const FILES = ['forms.js', 'boot.js', 'engine.js', 'runner.js', 'worker.js'];

const FACTS = [
  ['an RFC number', /\bRFC ?\d/],
  ['a reply code', /\b[2-5][0-5]\d\b/],
  ['an enhanced status code', /\b[245]\.\d{1,3}\.\d{1,3}\b/],
  [
    'a protocol keyword',
    /\b(?:HELO|EHLO|MAIL|RCPT|DATA|BDAT|RSET|NOOP|QUIT|VRFY|EXPN|ETRN|A?TURN|AUTH|STARTTLS|SIZE|PIPELINING|8BITMIME|ENHANCEDSTATUSCODES|SMTPUTF8|CHUNKING|DSN|PLAIN|LOGIN|CRAM-MD5|DIGEST-MD5|SCRAM-SHA-\d+|XOAUTH2|OAUTHBEARER)\b/,
  ],
];

/** The source without its comments (block comments, and line comments on their own line). */
function code(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

for (const file of FILES) {
  test(`${file} states no protocol fact`, () => {
    const lines = code(fs.readFileSync(path.join(JS, file), 'utf8')).split('\n');
    for (const [what, pattern] of FACTS) {
      const found = lines.filter((line) => pattern.test(line));
      assert.deepEqual(found, [], `${file} holds ${what}`);
    }
  });
}

test('the check finds a label that names a keyword and an RFC', () => {
  const sample = code("// RFC 5321 in a comment is fine\nconst label = 'PIPELINING (RFC 2920)';");
  assert.ok(!FACTS[0][1].test(sample.split('\n')[0]), 'comments are skipped');
  assert.ok(FACTS[0][1].test(sample) && FACTS[3][1].test(sample));
});
