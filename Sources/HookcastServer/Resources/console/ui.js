// Small DOM helpers. Text is always set as text, never parsed as HTML: names, ids and details come from users.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Shows `message` in an alert region (empty clears it). */
export function showError(region, message) {
  region.textContent = message || '';
}

export function announce(region, message) {
  region.textContent = '';
  // A fresh text node, so screen readers announce the same message twice in a row too.
  setTimeout(() => { region.textContent = message; }, 30);
}

export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function timeElement(iso) {
  if (!iso) return document.createTextNode('never');
  return h('time', { datetime: iso }, formatTime(iso));
}

/** Copies `text` to the clipboard; falls back to a hidden text area where the Clipboard API is not available
 *  (plain HTTP on an address other than localhost is not a secure context). */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* fall through */ }
  }
  const area = h('textarea', { readonly: true, class: 'sr-only', 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  let copied = false;
  try { copied = document.execCommand('copy'); } catch { copied = false; }
  area.remove();
  return copied;
}

/** A "Copy" button for `getText()`; says whether it worked, on the button and in `status`. */
export function copyButton(label, getText, status, extraClass = '') {
  const button = h('button', { type: 'button', class: `secondary small ${extraClass}`.trim() }, label);
  button.addEventListener('click', async () => {
    const text = await getText();
    if (text === null || text === undefined) return;
    const copied = await copyText(text);
    button.textContent = copied ? 'Copied' : 'Copy failed: select and copy by hand';
    if (status) announce(status, copied ? 'Copied to the clipboard.' : 'Could not copy; select the text and copy it by hand.');
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return button;
}

/** Asks before something irreversible; resolves true when confirmed. Keyboard: Escape cancels. */
export function confirmAction(text, confirmLabel = 'Delete') {
  const dialog = $('#confirm-dialog');
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = confirmLabel;
  return new Promise((resolve) => {
    const form = $('#confirm-form');
    const cancel = $('#confirm-cancel');
    const finish = (answer) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onSubmit = (event) => { event.preventDefault(); finish(true); };
    const onCancel = (event) => { event.preventDefault(); finish(false); };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    cancel.focus();
  });
}

/** Runs `work` with `button` disabled; shows a failure in `errorRegion`. */
export async function busy(button, errorRegion, work) {
  if (button) button.disabled = true;
  if (errorRegion) showError(errorRegion, '');
  try {
    return await work();
  } catch (error) {
    if (errorRegion) showError(errorRegion, error.message || String(error));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function emptyRow(columns, text) {
  return h('tr', {}, h('td', { colspan: columns, class: 'empty' }, text));
}
