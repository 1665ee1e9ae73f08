// The scenario as plain data: paths into it, patches, and its compact form for links.

/** A deep copy (scenarios are plain JSON). */
export function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/** True when the scenario has a script to send in place of the client engine. */
export function hasScript(scenario) {
  return Array.isArray(scenario?.script) && scenario.script.length > 0;
}

/** `getPath(s, 'server.extensions.size')`. */
export function getPath(object, path) {
  return path.split('.').reduce((node, key) => (node == null ? undefined : node[key]), object);
}

/** Sets a value, creating objects on the way. */
export function setPath(object, path, value) {
  const keys = path.split('.');
  const last = keys.pop();
  let node = object;
  for (const key of keys) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key];
  }
  node[last] = value;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A copy of `base` with `patch` merged in: objects merge, everything else replaces. */
export function applyPatch(base, patch) {
  const out = clone(base);
  for (const [key, value] of Object.entries(patch || {})) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? applyPatch(out[key], value) : clone(value);
  }
  return out;
}

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The scenario as base64url(UTF-8 JSON), for `#s=`. */
export function encodeScenario(scenario) {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(scenario)));
}

/** Reads `#s=` back; throws an Error with a readable message. */
export function decodeScenario(text) {
  let json;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(text));
  } catch {
    throw new Error('The link’s scenario is not valid base64url text; it may have been cut short.');
  }
  let value;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('The link’s scenario is not valid JSON; it may have been cut short.');
  }
  if (!isPlainObject(value)) throw new Error('The link’s scenario is not an object.');
  return value;
}

/** Parameters from the query and the hash together (`?embed=1#s=…`). */
export function readLocation(location) {
  const params = new URLSearchParams(location.search);
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  for (const [key, value] of hash) params.set(key, value);
  return params;
}

/** The URL that reproduces `scenario` (keeps `embed` and drops stale keys). */
export function shareUrl(location, scenario, extra = {}) {
  const url = new URL(location.href);
  url.searchParams.delete('preset');
  url.searchParams.delete('s');
  const hash = new URLSearchParams();
  for (const [key, value] of Object.entries(extra)) if (value) hash.set(key, value);
  hash.set('s', encodeScenario(scenario));
  url.hash = hash.toString();
  return url.toString();
}
