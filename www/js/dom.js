// DOM helpers. Protocol text is untrusted: every string becomes a text node or a
// textContent; nothing here ever parses HTML.

/** Creates an element. `attrs`: `class`, `text`, `hidden`, any other attribute. */
export function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'hidden') node.hidden = true;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  appendAll(node, children);
  return node;
}

/** Appends nodes and strings (as text) to `parent`. */
export function appendAll(parent, children) {
  for (const child of [].concat(children)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return parent;
}

/** Empties a node and fills it again. */
export function replaceChildren(parent, children = []) {
  parent.replaceChildren();
  return appendAll(parent, children);
}

/** "maxMessageSize" → "Max message size". */
export function humanise(key) {
  const words = String(key)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
