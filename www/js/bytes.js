// Turning octets into text for people: lines, visible control bytes, hex dumps.

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Octets as a Uint8Array, from the engine's forms: a Uint8Array (as runScenario's
 * timelines carry them), a latin1 string (one character per octet), or an array of
 * numbers (world timelines, manual steps).
 */
export function toBytes(octets) {
  if (octets instanceof Uint8Array) return octets;
  if (typeof octets === 'string') {
    const bytes = new Uint8Array(octets.length);
    for (let i = 0; i < octets.length; i += 1) bytes[i] = octets.charCodeAt(i);
    return bytes;
  }
  return Uint8Array.from(octets || []);
}

/** Lossy UTF-8. */
export function decodeText(bytes) {
  return decoder.decode(toBytes(bytes));
}

/** Splits octets after each LF, keeping the line endings. */
export function splitLines(bytes) {
  const lines = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

/** The line's text without its trailing CRLF or LF. */
export function lineText(line) {
  let end = line.length;
  if (end > 0 && line[end - 1] === 0x0a) end -= 1;
  if (end > 0 && line[end - 1] === 0x0d) end -= 1;
  return decodeText(line.subarray(0, end));
}

/**
 * The line as segments `{text, control}`: control bytes (CR, LF, NUL, other C0, DEL)
 * become visible names so a bare LF or a stray CR cannot hide.
 */
export function visibleSegments(line) {
  const segments = [];
  let start = 0;
  const flush = (end) => {
    if (end > start) segments.push({ text: decodeText(line.subarray(start, end)), control: false });
  };
  for (let i = 0; i < line.length; i += 1) {
    const byte = line[i];
    if (byte < 0x20 || byte === 0x7f) {
      flush(i);
      segments.push({ text: controlName(byte), control: true });
      start = i + 1;
    }
  }
  flush(line.length);
  return segments;
}

// biome-ignore format: one row per eight control codes reads as the ASCII table does
const NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL',
  'BS', 'TAB', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB',
  'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];

/** "CR", "LF", "NUL"… for a control byte. */
export function controlName(byte) {
  return byte === 0x7f ? 'DEL' : NAMES[byte] || `0x${byte.toString(16)}`;
}

/** Classic hex dump rows: offset, `width` hex octets, printable ASCII. */
export function hexRows(bytes, limit = 4096, width = 16) {
  const rows = [];
  const shown = Math.min(bytes.length, limit);
  for (let offset = 0; offset < shown; offset += width) {
    const slice = bytes.subarray(offset, Math.min(offset + width, shown));
    const hex = Array.from(slice, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(slice, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·')).join('');
    rows.push(`${offset.toString(16).padStart(width < 16 ? 4 : 6, '0')}  ${hex.padEnd(width * 3 - 1, ' ')}  ${ascii}`);
  }
  return { rows, truncated: bytes.length > shown };
}

/** Lowercase hex of all octets, no separators. */
export function hex(bytes) {
  return Array.from(toBytes(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}
