// The only way this page builds DOM: elements with text set through textContent, so text
// that came from the protocol (or from the user) is never parsed as HTML.

/**
 * Creates `<tag>` with the given class names and children; strings become text nodes.
 * @param {string} tag
 * @param {{className?: string, title?: string}} [options]
 * @param {...(Node|string)} children
 */
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.title) node.title = options.title;
  for (const child of children) {
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Looks up an element by id, failing loudly if the page and the script disagree. */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page element #${id} is missing`);
  return node;
}
