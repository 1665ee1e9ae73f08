// The session every page speed figure measures (scripts/bench-page, bench-node-ab.mjs):
// EHLO, AUTH PLAIN, MAIL, 3 RCPT, a 10 KB body, QUIT, as a patch on the default scenario.

export const BENCH_SCENARIO = {
  client: {
    auth: { mechanism: 'PLAIN', user: 'alice', password: 'S3cret-pw' },
    message: {
      to: ['bob@example.org', 'carol@example.org', 'dave@example.org'],
      subject: 'Benchmark',
      body: 'A line of sixty-three characters of plain text for the bench.\n'.repeat(160),
    },
  },
};
