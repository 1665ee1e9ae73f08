// TLS in the transcript, loaded the first time a run has TLS (`timeline.tls`): the switch
// between what the engines saw (the plaintext, lines inside TLS marked C~/S~) and what
// an eavesdropper on the wire sees (each TLS record's content type, version, length and
// octets in place of the text, the cleartext before STARTTLS as it was), and the
// handshake summary. Every fact shown comes from the engine's timeline: `tlsRecords`
// and `tlsEstablished` entries, `encrypted` on bytes entries, `timeline.tls`.

import { hexRows } from './bytes.js';
import { h, humanise, replaceChildren } from './dom.js';
import { relativeTime } from './transcript.js';

/** How many octets of a record its transcript line shows (the details show all the engine kept). */
const LINE_OCTETS = 12;

/** The record header's size (RFC 8446 §5.1): content type, version, length. */
const HEADER_OCTETS = 5;

/** The engine's hex text ("160303…") as octets. */
export function hexOctets(hex) {
  const text = String(hex || '').replace(/[^0-9a-fA-F]/g, '');
  const octets = new Uint8Array(text.length >> 1);
  for (let i = 0; i < octets.length; i += 1) octets[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return octets;
}

/** "applicationData" → "application data", the record's content type in words. */
function contentTypeWords(contentType) {
  return humanise(contentType).toLowerCase();
}

/** A record's transcript line: type, handshake messages, then its header's version and length, and its first octets. */
export function recordText(record, octets) {
  const messages = record.handshakeMessages?.length ? ` (${record.handshakeMessages.join(', ')})` : '';
  const shown = Array.from(octets.subarray(0, LINE_OCTETS), (octet) => octet.toString(16).padStart(2, '0')).join(' ');
  const more = octets.length > LINE_OCTETS || record.length + HEADER_OCTETS > octets.length ? ' …' : '';
  return `TLS ${contentTypeWords(record.contentType)}${messages} · ${record.version} · length ${record.length} · ${shown}${more}`;
}

const encoder = new TextEncoder();

/**
 * The transcript as an eavesdropper sees it, built from the engines' model (`plain`,
 * transcript.js `buildModel`): each cleartext write as it was, each write that went
 * inside TLS left out, and each `tlsRecords` entry a group of lines, one per record.
 * Same shape as `buildModel`'s model; a record's line has `record`, `octets` and
 * `carried` (the engines' lines its plaintext holds).
 */
export function wireModel(timeline, plain) {
  const entries = timeline.entries || [];
  const chunkOfEntry = new Map(plain.chunks.map((chunk, i) => [chunk.index, i]));
  const chunks = [];
  const lines = [];
  entries.forEach((entry, index) => {
    if (entry.type === 'tlsRecords') addRecords(chunks, lines, entry, index, plain, chunkOfEntry);
    else if (entry.type === 'bytes' && !entry.encrypted && chunkOfEntry.has(index)) {
      addCleartext(chunks, lines, plain, plain.chunks[chunkOfEntry.get(index)]);
    }
  });
  return { start: plain.start, latency: plain.latency, chunks, lines, wire: true, plain };
}

function addCleartext(chunks, lines, plain, chunk) {
  chunks.push({ ...chunk, firstLine: lines.length });
  for (const line of plain.lines.slice(chunk.firstLine, chunk.firstLine + chunk.count)) {
    lines.push({ ...line, chunk: chunks.length - 1 });
  }
}

function addRecords(chunks, lines, entry, index, plain, chunkOfEntry) {
  const records = entry.records || [];
  if (!records.length) return;
  const direction = entry.direction === 'clientToServer' ? 'C' : 'S';
  chunks.push({
    write: null,
    index,
    at: entry.at,
    direction,
    bytes: new Uint8Array(0),
    firstLine: lines.length,
    count: records.length,
    data: false,
    label: records.length === 1 ? 'TLS record' : `${records.length} TLS records in one write`,
    arrival: [],
  });
  for (const record of records) {
    const octets = hexOctets(record.hex);
    const text = recordText(record, octets);
    lines.push({
      chunk: chunks.length - 1,
      direction,
      at: entry.at,
      bytes: encoder.encode(text),
      text,
      event: null,
      readBy: [],
      notes: [],
      record,
      octets,
      carried: carriedLines(record, plain, chunkOfEntry),
    });
  }
}

/**
 * Marks the lines a tampering middlebox deleted before the client read them (`tampered`
 * entries: the bytes entry keeps what the server wrote, `removed` names the line):
 * `tampered: true` and the engine's explanation as a note. Returns the model.
 */
export function markTampered(timeline, model) {
  for (const entry of timeline.entries || []) {
    if (entry.type !== 'tampered') continue;
    const chunk = model.chunks.find((candidate) => candidate.index === entry.entry);
    const lines = chunk ? model.lines.slice(chunk.firstLine, chunk.firstLine + chunk.count) : [];
    for (const line of lines.filter((candidate) => candidate.text === entry.removed)) {
      line.tampered = true;
      line.notes = [...line.notes, { text: entry.explanation, rfc: entry.rfc }];
    }
  }
  return model;
}

/** The engines' lines whose plaintext a record carries (`carries`: bytes entries). */
function carriedLines(record, plain, chunkOfEntry) {
  return (record.carries || []).flatMap((entryIndex) => {
    const chunk = plain.chunks[chunkOfEntry.get(entryIndex)];
    return chunk ? plain.lines.slice(chunk.firstLine, chunk.firstLine + chunk.count) : [];
  });
}

/** Fills the details pane for a record's line: its fields, what it carries, its octets. */
export function renderRecordDetails(pane, model, index) {
  const line = model.lines[index];
  if (!line?.record) return;
  const { record, octets, carried } = line;
  const whoSent = line.direction === 'C' ? 'client → server' : 'server → client';
  const dump = hexRows(octets, 4096, pane.clientWidth > 0 && pane.clientWidth < 560 ? 8 : 16);
  replaceChildren(pane, [
    h('h3', { class: 'details-title' }, [
      h('span', { class: `dir ${line.direction === 'C' ? 'c' : 's'}`, text: `${line.direction}: ` }),
      `TLS ${contentTypeWords(record.contentType)}`,
    ]),
    h('p', { class: 'muted', text: `${whoSent} at ${relativeTime(model, line.at)} s · one TLS record, as it crossed the wire` }),
    h('dl', { class: 'tls-fields' }, [
      ...field('Content type', record.contentType),
      ...field('Record version', record.version),
      ...field('Length', `${record.length} octets after the ${HEADER_OCTETS}-octet header`),
      ...(record.handshakeMessages?.length ? field('Handshake messages', record.handshakeMessages.join(', ')) : []),
    ]),
    carried.length
      ? h('div', { class: 'tls-carried' }, [
          h('h4', { text: 'What it carries, as the engines saw it' }),
          h('p', { class: 'muted', text: 'An eavesdropper sees only the octets below; this is what the peer decrypted.' }),
          h(
            'ul',
            { class: 'carried-lines' },
            carried.map((plainLine) => h('li', { text: `${plainLine.direction}~ ${plainLine.text}` })),
          ),
        ])
      : '',
    h('details', { class: 'hex', open: true }, [
      h('summary', { text: `Octets of this record (the first ${octets.length} of ${record.length + HEADER_OCTETS}, header included)` }),
      h('pre', { class: 'hexdump', tabindex: 0, 'aria-label': 'Hex dump of the record', text: dump.rows.join('\n') }),
    ]),
  ]);
}

function field(name, value) {
  return [h('dt', { text: name }), h('dd', { text: value ?? '—' })];
}

/** How the client judged the server's certificate, in words. */
function verificationText(verification) {
  if (!verification || typeof verification !== 'object') return String(verification ?? '—');
  if (verification.type === 'verified') return `verified against ${verification.against}`;
  if (verification.type === 'notVerified') return 'not verified';
  if (verification.type === 'noPeerCertificate') return 'no certificate to verify';
  return humanise(verification.type);
}

/** One handshake's summary: what was negotiated and the certificate. */
function summaryList(summary) {
  const certificate = summary.certificate || summary.peerCertificate;
  return h('dl', { class: 'tls-fields' }, [
    ...field('Protocol version', summary.protocolVersion),
    ...field('Cipher suite', summary.cipherSuite),
    ...field('Key exchange group', summary.keyExchangeGroup),
    ...(certificate
      ? [
          ...field('Certificate subject', certificate.subject),
          ...field('Issuer', certificate.issuer),
          ...field('Valid from', certificate.notBefore),
          ...field('Valid until', certificate.notAfter),
        ]
      : []),
    ...field('Verification', verificationText(summary.verification)),
  ]);
}

/** The run's `tlsEstablished` entries. */
export function handshakes(timeline) {
  return (timeline.entries || []).filter((entry) => entry.type === 'tlsEstablished');
}

/** What went wrong or was tampered with on the way: `tlsFailed` and `tampered` entries, in words. */
function incidents(timeline) {
  return (timeline.entries || [])
    .filter((entry) => entry.type === 'tlsFailed' || entry.type === 'tampered')
    .map((entry) =>
      h('p', { class: 'tls-incident' }, [
        h('strong', {
          text:
            entry.type === 'tampered'
              ? `Removed on the way: “${entry.removed}” (struck through below). `
              : `Handshake failed (${entry.side}): `,
        }),
        entry.type === 'tlsFailed' ? `${entry.reason}. ` : '',
        entry.explanation || '',
        ' ',
        h('span', { class: 'rfc', text: entry.rfc || '' }),
      ]),
    );
}

/** The radio pair "as the engines see it / as an eavesdropper sees it". */
function viewSwitch(wire, onWireChange) {
  const option = (value, text) => {
    const input = h('input', { type: 'radio', name: 'transcript-wire', value, id: `transcript-${value}` });
    input.checked = (value === 'wire') === wire;
    input.addEventListener('change', () => {
      if (input.checked) onWireChange(value === 'wire');
    });
    return h('label', { for: input.id }, [input, ` ${text}`]);
  };
  return h('fieldset', { class: 'tls-switch' }, [
    h('legend', { text: 'Transcript' }),
    option('engines', 'as the engines see it'),
    option('wire', 'as an eavesdropper sees it'),
    h('span', { class: 'legend muted' }, [h('span', { class: 'dir', text: 'C~ S~' }), ' crossed inside TLS']),
  ]);
}

/**
 * Renders the TLS panel for a run with TLS: the view switch, the handshake summary
 * (one per `tlsEstablished` entry, folded under its headline unless `open`) and the
 * engine's note on reproducible records. `wire` is the switch's state;
 * `onWireChange(wire)` is called when it is flipped.
 */
export function renderTlsPanel(panel, timeline, { wire, onWireChange, open = false }) {
  const tls = timeline.tls || {};
  const done = handshakes(timeline);
  const first = done[0]?.summary;
  const headline = first
    ? `TLS handshake: ${[first.protocolVersion, first.cipherSuite, first.keyExchangeGroup].filter(Boolean).join(', ')}; certificate ${verificationText(first.verification)}`
    : 'TLS: no handshake completed in this run';
  replaceChildren(panel, [
    viewSwitch(wire, onWireChange),
    ...incidents(timeline),
    done.length
      ? h('details', { class: 'tls-summary', open }, [
          h('summary', { text: headline }),
          ...done.map((entry) =>
            h('div', { class: 'tls-handshake' }, [
              summaryList(entry.summary || {}),
              entry.explanation ? h('p', {}, [entry.explanation, ' ', h('span', { class: 'rfc', text: entry.rfc || '' })]) : '',
            ]),
          ),
        ])
      : h('p', { class: 'tls-summary', text: headline }),
    tls.deterministicNote ? h('p', { class: 'note tls-note', role: 'note', text: tls.deterministicNote }) : '',
  ]);
  panel.dataset.mode = tls.mode || '';
  panel.hidden = false;
}
