// A tiny element builder. Text goes in through textContent only, never innerHTML, so names
// and messages from the server cannot inject markup; and no style attributes, for the CSP.

/**
 * h('button', {class: 'btn', 'data-testid': 'x', onclick: fn, text: 'OK'}, ...children)
 * Props: `text` sets textContent; `on<event>` adds a listener; false/null/undefined are skipped;
 * true sets an empty (boolean) attribute. Children may be nodes, strings, arrays or null.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === false || value == null) continue;
    if (name === 'text') el.textContent = value;
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children.flat(Infinity).filter((child) => child != null && child !== false));
  return el;
}
