// The presets' menu: each preset's id and title, in menu order, and the default preset
// in full, which is all the first view shows. Every other preset's explanation, highlight
// and patch (a patch on the default scenario) are in js/preset-details.js, fetched the
// first time one is picked, linked (`preset=`) or asked for by a tour.

/** Every preset's `{id, title}`, in menu order. */
export const PRESET_LIST = [
  { id: 'esmtp', title: 'ESMTP negotiation' },
  { id: 'helo-only-server', title: 'Old HELO-only server' },
  { id: 'helo-client', title: 'HELO-only client' },
  { id: 'eight-bit', title: '8BITMIME vs a 7-bit server' },
  { id: 'eight-bit-mime', title: '8-bit body with 8BITMIME' },
  { id: 'smtputf8', title: 'SMTPUTF8: a UTF-8 address' },
  { id: 'smtputf8-not-offered', title: 'SMTPUTF8 not offered: the client refuses' },
  { id: 'idn-a-label', title: 'IDN domain: the A-label on the wire' },
  { id: 'dsn', title: 'DSN: asking for delivery status notifications' },
  { id: 'size-refused', title: 'SIZE declared and refused' },
  { id: 'to-cc-bcc', title: 'To, Cc and Bcc' },
  { id: 'submission-bcc', title: 'Submission server removes Bcc' },
  { id: 'relay-denied', title: 'Relay denied' },
  { id: 'relay-after-auth', title: 'Relay after AUTH' },
  { id: 'auth-plain', title: 'AUTH PLAIN' },
  { id: 'auth-login', title: 'AUTH LOGIN' },
  { id: 'cram-md5', title: 'AUTH CRAM-MD5' },
  { id: 'digest-md5', title: 'AUTH DIGEST-MD5' },
  { id: 'scram-sha-256', title: 'AUTH SCRAM-SHA-256' },
  { id: 'wrong-password', title: 'Wrong password' },
  { id: 'obsolete', title: 'Obsolete commands (SOML, TURN)' },
  { id: 'line-too-long', title: 'Line too long' },
  { id: 'too-many-recipients', title: 'Too many recipients' },
  { id: 'pipelining', title: 'Pipelining' },
  { id: 'lock-step', title: 'Lock-step (no pipelining)' },
  { id: 'dot-stuffing', title: 'Dot-stuffing' },
  { id: 'chunking', title: 'CHUNKING: BDAT in three chunks' },
  { id: 'binarymime', title: 'BINARYMIME: a binary body' },
  { id: 'wrong-address', title: 'Wrong address syntax' },
  { id: 'timeout', title: 'Timeout' },
  { id: 'smuggling', title: 'SMTP smuggling attempt refused' },
  { id: 'starttls-auth-plain', title: 'STARTTLS then AUTH PLAIN' },
  { id: 'auth-before-tls', title: 'AUTH refused before TLS (538)' },
  { id: 'starttls-stripped-required', title: 'STARTTLS stripped: a required client stops' },
  { id: 'starttls-stripped-opportunistic', title: 'STARTTLS stripped: an opportunistic client leaks' },
  { id: 'starttls-injection', title: 'STARTTLS command injection refused' },
  { id: 'implicit-tls', title: 'Implicit TLS on port 465' },
];

/** The preset the page opens with. */
export const DEFAULT_PRESET_ID = 'esmtp';

/** The default preset's explanation, highlight and patch (js/preset-details.js has the others'). */
const DEFAULT_DETAILS = {
  explanation:
    'The client greets with EHLO; the server answers with a multi-line 250 listing its extensions (RFC 5321 §4.1.1.1). The client uses what was offered: SIZE= on MAIL FROM because SIZE was offered, one pipelined write because PIPELINING was. The Negotiation tab shows each decision and why.',
  highlight: [{ text: 'EHLO ', side: 'C', through: { text: '250 ', side: 'S' } }],
  patch: {},
};

let details = null;

/** The other presets' details (js/preset-details.js), fetched once; a failed fetch is tried again. */
function loadDetails() {
  if (!details) {
    details = import('./preset-details.js').then(
      (module) => module.PRESET_DETAILS,
      (error) => {
        details = null;
        throw new Error(`The presets (js/preset-details.js) could not be loaded: ${error.message}. Reload the page.`);
      },
    );
  }
  return details;
}

/**
 * The preset `id` in full (`{id, title, explanation, highlight, patch}`), or undefined
 * when there is none; fetches js/preset-details.js for any preset but the default.
 */
export async function loadPreset(id) {
  const entry = PRESET_LIST.find((preset) => preset.id === id);
  if (!entry) return undefined;
  return { ...entry, ...(id === DEFAULT_PRESET_ID ? DEFAULT_DETAILS : (await loadDetails())[id]) };
}

/** Every preset in full, in menu order (the embedding guide and the tests read them). */
export async function loadPresets() {
  const all = await loadDetails();
  return PRESET_LIST.map((entry) => ({ ...entry, ...(entry.id === DEFAULT_PRESET_ID ? DEFAULT_DETAILS : all[entry.id]) }));
}
