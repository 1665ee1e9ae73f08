// Mailboxes: every delivered copy per recipient, headers and body, the Received header
// the server added marked, Bcc's absence noted, and a .eml download. The engine lays out
// each copy (`delivery.layout`: each header field's octets, the field the server added
// and why, what an encoded Subject reads as, where the body starts, whether a Bcc field was kept, removed or absent and
// what that means) and says whether it reached a Bcc recipient (`delivery.bcc`); this
// module only slices the octets and shows the engine's sentences. Tab contract: `setup(root)`
// keeps the panel, `render(model)` draws a run (synchronously, so an older render can
// never land after a newer one).

import { decodeText, toBytes } from './bytes.js';
import { h, replaceChildren } from './dom.js';

/** A header field's octets as text, its folded lines one per line, no final line ending. */
function fieldText(bytes, field) {
  return decodeText(bytes.subarray(field.start, field.end))
    .replace(/\r?\n$/, '')
    .replace(/\r\n/g, '\n');
}

/** The body's octets as text; empty when the copy has no empty line after its header. */
function bodyText(bytes, layout) {
  return layout.bodyStart === null || layout.bodyStart === undefined ? '' : decodeText(bytes.subarray(layout.bodyStart));
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

export function renderMailboxes(container, timeline) {
  const deliveries = timeline.deliveries || [];
  if (!deliveries.length) {
    replaceChildren(container, [
      h('p', { class: 'note', text: 'No message was accepted in this run, so no mailbox received anything. The transcript shows why.' }),
    ]);
    return;
  }
  const blindCopies = deliveries.some((delivery) => delivery.bcc);
  const byRecipient = new Map();
  deliveries.forEach((delivery, index) => {
    const key = delivery.recipient || '(unknown)';
    if (!byRecipient.has(key)) byRecipient.set(key, []);
    byRecipient.get(key).push({ delivery, index });
  });
  const boxes = [];
  for (const [recipient, copies] of byRecipient) {
    for (const { delivery, index } of copies) {
      const bytes = toBytes(delivery.message);
      const layout = delivery.layout || { fields: [] };
      const added = layout.addedField;
      const decoded = layout.decodedSubject;
      const button = h('button', { type: 'button', class: 'download', text: 'Download .eml' });
      button.addEventListener('click', () => download(delivery, index));
      boxes.push(
        h('article', { class: 'mailbox', 'aria-label': `Mailbox of ${recipient}` }, [
          h('header', { class: 'mailbox-head' }, [
            h('h3', { text: recipient }),
            h('p', {
              class: 'muted',
              text: `${delivery.local === false ? 'queued for relay' : 'local mailbox'} · queue id ${delivery.id} · envelope from ${delivery.envelopeFrom} · ${bytes.length} octets${delivery.bcc ? ' · received as Bcc' : ''}${delivery.dsn?.summary ? ` · DSN ${delivery.dsn.summary}` : ''}`,
            }),
            button,
          ]),
          h(
            'div',
            { class: 'headers', role: 'list', 'aria-label': 'Header fields' },
            layout.fields.map((field, i) =>
              h('div', { role: 'listitem', class: `header-field${i === added?.index ? ' added' : ''}` }, [
                h('span', { class: 'header-text', text: fieldText(bytes, field) }),
                i === added?.index ? h('span', { class: 'tag', text: `${added.text} (${added.rfc})` }) : '',
                i === decoded?.index ? h('span', { class: 'tag', text: `${decoded.text} (${decoded.rfc})` }) : '',
              ]),
            ),
          ),
          layout.bccNote && (blindCopies || layout.bccNote.state !== 'absent')
            ? h('p', { class: 'bcc-note', text: `${layout.bccNote.text} (${layout.bccNote.rfc})` })
            : '',
          h('pre', { class: 'body', tabindex: 0, 'aria-label': 'Message body', text: bodyText(bytes, layout) }),
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

/** Draws the run's copies. `model`: `{timeline}`. */
export function render({ timeline }) {
  renderMailboxes(panel, timeline);
}
