//# allFunctionsCalledOnLoad
// Config forms rendered from the scenario object itself, so a setting the engine adds
// shows up without page changes. What the forms say and offer comes from the engine
// (`facts`, see `engineFacts`): each setting's label and help, the choices of every enum
// setting and the address-list splitter. WIDGETS here only picks the control for a path.

import { h, humanise, replaceChildren } from './dom.js';
import { getPath } from './scenario.js';

/**
 * The engine's facts the forms need: `options` (`formOptions()`: path → [{value, label}]),
 * `fields` (`formFields()`: path → {label, help, empty}) and `splitList(text)`, one item
 * a line, each line split by the engine's address-list reader.
 */
export function engineFacts(engine) {
  const options = engine.call('formOptions');
  const fields = engine.call('formFields');
  const splitList = (text) => text.split('\n').flatMap((line) => engine.call('splitAddressList', line));
  return { options, fields, splitList };
}

/**
 * The control for a path where the value's type alone does not say it: `list` (one item
 * a line), `json`, `multiline`, `nullable` (empty means null), `auth` (the client's AUTH
 * fields), `choicesOf` (add the engine's allowed values to the help), `describe` (a live
 * note under the field).
 */
export const WIDGETS = {
  'client.message.to': { list: true },
  'client.message.cc': { list: true },
  'client.message.bcc': { list: true },
  'client.message.body': { multiline: true, rows: 7 },
  'client.message.date': { nullable: 'string' },
  'client.message.messageId': { nullable: 'string' },
  'client.message.headers': { json: true },
  'client.rawLines': { json: true, choicesOf: { key: 'after', path: 'client.rawLines.after' } },
  'client.auth': { auth: true },
  'client.dsn.envid': { nullable: 'string' },
  'client.dsn.notify': { nullable: 'string' },
  'server.localDomains': { list: true },
  'server.trustedClients': { list: true },
  'server.maxMessageSize': { nullable: 'number' },
  'server.auth.mechanisms': { list: true, choicesOf: { path: 'server.auth.mechanisms' } },
  'server.auth.users': { json: true },
  'server.auth.digestUriAliases': { list: true },
  script: { json: true },
  startTime: { describe: isoDate },
};

/** Shown under the client's mechanism: why the password field shows the password. */
const PASSWORD_NOTE = 'The password is shown: this is a playground, and seeing it is the point.';

function isoDate(value) {
  const date = new Date(Number(value));
  return Number.isNaN(date.getTime()) ? '' : `= ${date.toISOString().replace('.000Z', 'Z')}`;
}

function idFor(path) {
  return `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/**
 * Renders the fields of `getPath(scenario, base)` (or of the listed top-level `keys`)
 * into `form`. `onChange(path, value)` is called on every valid edit; invalid input
 * marks the field and is not passed on. `facts` comes from `engineFacts`.
 */
export function renderForm(form, scenario, base, onChange, facts, keys) {
  const object = base ? getPath(scenario, base) : scenario;
  const context = { onChange, facts };
  const fields = (keys || Object.keys(object || {})).map((key) => field(object[key], base ? `${base}.${key}` : key, key, context));
  replaceChildren(form, fields);
}

/**
 * The hint for `path`: its widget and the engine's words (label, help), the help
 * extended with the engine's allowed values where the widget asks.
 */
function hintFor(path, facts) {
  const hint = { ...WIDGETS[path], ...wordsFor(path, facts) };
  const choices = hint.choicesOf && facts.options[hint.choicesOf.path];
  if (!choices) return hint;
  const values = choices.map((choice) => choice.value).join(', ');
  const what = hint.choicesOf.key ? `"${hint.choicesOf.key}" is one of` : 'One or more of';
  return { ...hint, help: `${hint.help ? `${hint.help} ` : ''}${what} ${values}.` };
}

/** The engine's label and help for `path` (formFields), without the keys it lacks. */
function wordsFor(path, facts) {
  const { label, help } = facts.fields[path] || {};
  return { ...(label ? { label } : {}), ...(help ? { help } : {}) };
}

function field(value, path, key, context) {
  const { onChange, facts } = context;
  const hint = hintFor(path, facts);
  const label = hint.label || humanise(key);
  const choices = facts.options[path];
  if (hint.auth) return authField(value, path, label, context);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !hint.json) {
    const children = Object.keys(value).map((k) => field(value[k], `${path}.${k}`, k, context));
    return h('fieldset', { class: 'group' }, [h('legend', { text: label }), ...children]);
  }
  if (typeof value === 'boolean') return checkbox(value, path, label, hint, onChange);
  if (choices && !Array.isArray(value)) return select(value, path, label, hint, choices, onChange);
  if (Array.isArray(value) && !hint.json && (hint.list || value.every((item) => typeof item === 'string'))) {
    return listField(value, path, label, hint, context);
  }
  if (typeof value === 'number' || hint.nullable === 'number') return numberField(value, path, label, hint, onChange);
  if (typeof value === 'string' || hint.nullable === 'string') return textField(value, path, label, hint, onChange);
  return jsonField(value, path, label, hint, onChange);
}

function wrapField(path, label, control, hint, extraClass = '') {
  const id = idFor(path);
  control.id = id;
  const parts = [h('label', { for: id, text: label }), control];
  if (hint.help) {
    control.setAttribute('aria-describedby', `${id}-help`);
    parts.push(h('small', { id: `${id}-help`, class: 'help', text: hint.help }));
  }
  parts.push(h('small', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' }));
  if (hint.describe) {
    const note = h('small', { class: 'help', text: hint.describe(control.value) });
    control.addEventListener('input', () => {
      note.textContent = hint.describe(control.value);
    });
    parts.push(note);
  }
  return h('div', { class: `field ${extraClass}`.trim(), 'data-path': path }, parts);
}

function setError(control, message) {
  const box = control.parentElement?.querySelector('.field-error');
  control.setAttribute('aria-invalid', message ? 'true' : 'false');
  if (box) box.textContent = message || '';
}

/**
 * Marks the field a run's error names: the engine's message quotes the value at fault
 * ("recipient address 'bob@@example': two @ signs; …"), so the field holding that value
 * (one of its lines, for a list) gets `aria-invalid` and the words after the quote.
 * Returns the marked control, or null when no field holds the value.
 */
export function markRunError(forms, message) {
  const quoted = /'([^']+)': (.+)$/s.exec(message);
  if (!quoted) return null;
  const [, value, words] = quoted;
  const controls = forms.flatMap((form) => Array.from(form.querySelectorAll('input:not([type="checkbox"]), textarea')));
  const control = controls.find((c) => c.value.split('\n').some((line) => line.trim() === value.trim()));
  if (!control) return null;
  setError(control, capitalise(words));
  control.dataset.runError = 'true';
  return control;
}

/** Clears what `markRunError` marked, once a run succeeds. */
export function clearRunErrors(forms) {
  for (const form of forms) {
    for (const control of form.querySelectorAll('[data-run-error]')) {
      delete control.dataset.runError;
      setError(control, '');
    }
  }
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function checkbox(value, path, label, hint, onChange) {
  const input = h('input', { type: 'checkbox' });
  input.checked = value;
  input.addEventListener('change', () => onChange(path, input.checked));
  const id = idFor(path);
  input.id = id;
  const parts = [input, h('label', { for: id, text: label })];
  if (hint.help) {
    input.setAttribute('aria-describedby', `${id}-help`);
    parts.push(h('small', { id: `${id}-help`, class: 'help', text: hint.help }));
  }
  return h('div', { class: 'field check', 'data-path': path }, parts);
}

/**
 * The client's AUTH settings as real fields: mechanism (or none), user, password,
 * authzid and LOGIN's initial response. Settings without a field here (preference,
 * realm, serverName) are kept as they are.
 */
function authField(value, path, label, { onChange, facts }) {
  const current = value && typeof value === 'object' ? value : null;
  let kept = current || {};
  const mechanisms = withCurrent(facts.options[`${path}.mechanism`] || [], current?.mechanism);
  const none = h('option', { value: '', text: facts.fields[`${path}.mechanism`]?.empty || '(none)' });
  const mechanism = h('select', {}, [none, ...mechanisms.map(optionFor)]);
  mechanism.value = current ? current.mechanism : '';
  const user = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const password = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const authzid = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const initial = h('input', { type: 'checkbox' });
  user.value = current ? (current.user ?? '') : 'alice';
  password.value = current ? (current.password ?? '') : 'S3cret-pw';
  authzid.value = current?.authzid || '';
  initial.checked = Boolean(current?.loginInitialResponse);
  const inputs = [user, password, authzid, initial];
  const sync = () => {
    for (const input of inputs) input.disabled = mechanism.value === '';
  };
  sync();
  function emit() {
    sync();
    if (mechanism.value === '') {
      onChange(path, null);
      return;
    }
    kept = {
      ...kept,
      mechanism: mechanism.value,
      user: user.value,
      password: password.value,
      authzid: authzid.value || null,
      loginInitialResponse: initial.checked,
    };
    onChange(path, kept);
  }
  mechanism.addEventListener('change', emit);
  for (const input of [user, password, authzid]) input.addEventListener('input', emit);
  initial.addEventListener('change', emit);
  const initialId = idFor(`${path}.loginInitialResponse`);
  initial.id = initialId;
  return h('fieldset', { class: 'group', 'data-path': path }, [
    h('legend', { text: label }),
    wrapField(`${path}.mechanism`, labelOf(path, 'mechanism', facts), mechanism, { help: PASSWORD_NOTE }),
    wrapField(`${path}.user`, labelOf(path, 'user', facts), user, {}),
    wrapField(`${path}.password`, labelOf(path, 'password', facts), password, {}),
    wrapField(`${path}.authzid`, labelOf(path, 'authzid', facts), authzid, {}),
    h('div', { class: 'field check', 'data-path': `${path}.loginInitialResponse` }, [
      initial,
      h('label', { for: initialId, text: labelOf(path, 'loginInitialResponse', facts) }),
    ]),
  ]);
}

/** The engine's label for `${path}.${key}`, or one made from the key. */
function labelOf(path, key, facts) {
  return facts.fields[`${path}.${key}`]?.label || humanise(key);
}

/** The engine's choices, plus `current` when a link holds a value the engine does not list. */
function withCurrent(choices, current) {
  if (current === undefined || choices.some((choice) => choice.value === current)) return choices;
  return [...choices, { value: current, label: String(current) }];
}

function optionFor(choice) {
  return h('option', { value: choice.value === null ? '' : choice.value, text: choice.label });
}

function select(value, path, label, hint, choices, onChange) {
  const control = h('select', {}, withCurrent(choices, value).map(optionFor));
  control.value = value === null ? '' : value;
  control.addEventListener('change', () => onChange(path, control.value === '' ? null : control.value));
  return wrapField(path, label, control, hint);
}

function listField(value, path, label, hint, { onChange, facts }) {
  const control = h('textarea', { rows: Math.max(1, Math.min(4, value.length || 1)), spellcheck: 'false', autocomplete: 'off' });
  control.value = value.join('\n');
  control.addEventListener('input', () => {
    onChange(path, facts.splitList(control.value));
  });
  return wrapField(path, `${label} (one per line)`, control, hint);
}

function numberField(value, path, label, hint, onChange) {
  const control = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false' });
  control.value = value === null || value === undefined ? '' : String(value);
  control.addEventListener('input', () => {
    const text = control.value.trim();
    if (text === '' && hint.nullable) {
      setError(control, '');
      onChange(path, null);
    } else if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) {
      setError(control, '');
      onChange(path, Number(text));
    } else {
      setError(control, hint.nullable ? 'A whole number, or empty.' : 'A whole number.');
    }
  });
  return wrapField(path, label, control, hint);
}

function textField(value, path, label, hint, onChange) {
  const control = hint.multiline
    ? h('textarea', { rows: hint.rows || 3, spellcheck: 'false' })
    : h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  control.value = value ?? '';
  control.addEventListener('input', () => onChange(path, hint.nullable && control.value === '' ? null : control.value));
  return wrapField(path, label, control, hint, hint.multiline ? 'wide' : '');
}

function jsonField(value, path, label, hint, onChange) {
  const control = h('textarea', { rows: 3, spellcheck: 'false', class: 'code' });
  control.value = JSON.stringify(value, null, value && typeof value === 'object' && JSON.stringify(value).length > 40 ? 1 : 0);
  control.addEventListener('input', () => {
    try {
      const parsed = JSON.parse(control.value);
      setError(control, '');
      onChange(path, parsed);
    } catch (error) {
      setError(control, `Not valid JSON: ${error.message}`);
    }
  });
  return wrapField(path, `${label} (JSON)`, control, hint, 'wide');
}
