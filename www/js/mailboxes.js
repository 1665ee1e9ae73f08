// Mailboxes: every delivered copy per recipient, headers and body, the Received header
// the server added marked, Bcc's absence noted, and a .eml download. Tab contract:
// `setup(root)` keeps the panel, `render(model)` draws a run (synchronously, so an older
// render can never land after a newer one).

import { decodeText, toBytes } from './bytes.js';
import { h, replaceChildren } from './dom.js';

/** Splits a message at the first empty line into unfolded header fields and the body. */
export function parseMessage(bytes) {
  const text = decodeText(bytes);
  const split = text.search(/\r?\n\r?\n/);
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
  const fields = [];
  for (const raw of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(raw) && fields.length) fields[fields.length - 1].raw += `\n${raw}`;
    else if (raw) fields.push({ raw });
  }
  for (const field of fields) field.name = field.raw.split(':')[0];
  return { fields, body };
}

function download(delivery, index) {
  const blob = new Blob([toBytes(delivery.message)], { type: 'message/rfc822' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: `${delivery.id || 'message'}-${index + 1}.eml` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function renderMailboxes(container, timeline, scenario) {
  const deliveries = timeline.deliveries || [];
  if (!deliveries.length) {
    replaceChildren(container, [
      h('p', { class: 'note', text: 'No message was accepted in this run, so no mailbox received anything. The transcript shows why.' }),
    ]);
    return;
  }
  const bcc = (scenario.client?.message?.bcc || []).map((a) => a.toLowerCase());
  const byRecipient = new Map();
  deliveries.forEach((delivery, index) => {
    const key = delivery.recipient || '(unknown)';
    if (!byRecipient.has(key)) byRecipient.set(key, []);
    byRecipient.get(key).push({ delivery, index });
  });
  const boxes = [];
  for (const [recipient, copies] of byRecipient) {
    for (const { delivery, index } of copies) {
      const { fields, body } = parseMessage(toBytes(delivery.message));
      const hasBcc = fields.some((f) => f.name.toLowerCase() === 'bcc');
      const isBcc = bcc.includes(String(recipient).toLowerCase());
      const button = h('button', { type: 'button', class: 'download', text: 'Download .eml' });
      button.addEventListener('click', () => download(delivery, index));
      boxes.push(
        h('article', { class: 'mailbox', 'aria-label': `Mailbox of ${recipient}` }, [
          h('header', { class: 'mailbox-head' }, [
            h('h3', { text: recipient }),
            h('p', {
              class: 'muted',
              text: `${delivery.local === false ? 'queued for relay' : 'local mailbox'} · queue id ${delivery.id} · envelope from ${delivery.envelopeFrom} · ${toBytes(delivery.message).length} octets${isBcc ? ' · received as Bcc' : ''}${delivery.dsn?.summary ? ` · DSN ${delivery.dsn.summary}` : ''}`,
            }),
            button,
          ]),
          h(
            'div',
            { class: 'headers', role: 'list', 'aria-label': 'Header fields' },
            fields.map((f, i) =>
              h(
                'div',
                {
                  role: 'listitem',
                  class: `header-field${i === 0 && /^received$/i.test(f.name) ? ' added' : ''}`,
                },
                [
                  h('span', { class: 'header-text', text: f.raw }),
                  i === 0 && /^received$/i.test(f.name) ? h('span', { class: 'tag', text: 'added by the server (RFC 5321 §4.4)' }) : '',
                ],
              ),
            ),
          ),
          bcc.length
            ? h('p', {
                class: 'bcc-note',
                text: hasBcc
                  ? 'A Bcc header is present in this copy.'
                  : 'No Bcc header: Bcc recipients travel on the envelope only (RFC 5322 §3.6.3).',
              })
            : '',
          h('pre', { class: 'body', tabindex: 0, 'aria-label': 'Message body', text: body }),
        ]),
      );
    }
  }
  replaceChildren(container, [
    h('p', {
      class: 'muted',
      text: `${deliveries.length} cop${deliveries.length === 1 ? 'y' : 'ies'} delivered to ${byRecipient.size} recipient${byRecipient.size === 1 ? '' : 's'}.`,
    }),
    ...boxes,
  ]);
}

let panel = null;

/** Keeps the panel the copies are drawn into. */
export function setup(root) {
  panel = root;
}

/** Draws the run's copies. `model`: `{timeline, scenario}`. */
export function render({ timeline, scenario }) {
  renderMailboxes(panel, timeline, scenario);
}
