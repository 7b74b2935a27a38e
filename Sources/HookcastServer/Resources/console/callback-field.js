// "Report to (callback URL)" as actions, keys and CAP rules take it (docs/callbacks.md): the field with its "New
// signing secret" box, what it adds to a request body, the table cell, and the signing secret shown once.
import { $, h, copyButton } from './ui.js';

/** Builds the field into `container` (ids `<prefix>-callback-url`, `<prefix>-callback-rotate`) and answers
 *  `{ fill(url), read(editing) }`. `editing` says whether the record exists: on create an empty field sends
 *  nothing; on edit, clearing a URL sends null, which removes the callback. */
export function callbackField(container, prefix) {
  const urlID = `${prefix}-callback-url`;
  const rotateID = `${prefix}-callback-rotate`;
  const input = h('input', { id: urlID, type: 'url', maxlength: '2048', placeholder: 'https://alerts.example.com/reports',
    'aria-describedby': `${urlID}-hint` });
  const rotate = h('input', { id: rotateID, type: 'checkbox' });
  const rotateRow = h('div', { class: 'field check' }, rotate,
    h('label', { for: rotateID }, 'New signing secret (the old one stops working at once)'));
  container.replaceChildren(
    h('label', { for: urlID }, 'Report to (callback URL, optional)'), input,
    h('small', { id: `${urlID}-hint` }, 'When the commands are complete, a signed delivery report is POSTed here.'),
    rotateRow);
  let hadURL = false;

  /** Shows `url` (null: none); the rotate box only makes sense for a callback that already has a secret. */
  function fill(url) {
    hadURL = Boolean(url);
    input.value = url || '';
    rotate.checked = false;
    rotateRow.hidden = !hadURL;
  }

  /** `{ fields }` to merge into the request body, or `{ problem, field }`. */
  function read(editing) {
    const url = input.value.trim();
    if (url && !/^https?:\/\/[^\s/?#]+/i.test(url)) {
      return { problem: 'Report to needs an http or https URL with a host, or nothing.', field: `#${urlID}` };
    }
    if (rotate.checked && !url) {
      return { problem: 'A new signing secret needs a callback URL to sign for.', field: `#${rotateID}` };
    }
    const fields = {};
    if (url) fields.callback_url = url;
    else if (editing && hadURL) fields.callback_url = null;
    if (editing && rotate.checked) fields.rotate_callback_secret = true;
    return { fields };
  }

  fill(null);
  return { fill, read };
}

/** Maps the API's error codes about the callback to the field's elements, as the forms' own tables do. */
export function callbackErrorField(code, prefix) {
  if (code === 'invalid_callback_url') return { element: $(`#${prefix}-callback-url`), label: 'Report to' };
  if (code === 'invalid_rotate_callback_secret') return { element: $(`#${prefix}-callback-rotate`), label: 'New signing secret' };
  return null;
}

/** The table cell: the URL, or "—" when there is none. */
export function callbackCell(url) {
  return h('td', { 'data-role': 'callback' }, url ? h('div', { class: 'url mono' }, url) : '—');
}

/** The callback's signing secret as the answer carried it, with a copy button and the words that it is not shown
 *  again; empty (nothing) when the answer carried none. */
export function callbackSecretParts(answer, status) {
  if (!answer || !answer.callback_secret) return [];
  const secret = h('input', { class: 'mono', readonly: true, 'data-role': 'callback-secret',
    'aria-label': 'Callback signing secret' });
  secret.value = answer.callback_secret;
  return [
    h('p', {}, h('strong', {}, 'Callback signing secret'), ` for ${answer.callback_url}: shown once, here only. `,
      'The receiver verifies each delivery report with it (Standard Webhooks).'),
    h('div', { class: 'secret-row' }, secret, copyButton('Copy secret', () => answer.callback_secret, status)),
  ];
}

/** Shows the secret once in the notice `notice` (a `.notice` element) with a Done button; false when there is none. */
export function showCallbackSecret(notice, title, answer, status) {
  const parts = callbackSecretParts(answer, status);
  if (parts.length === 0) return false;
  const close = h('button', { type: 'button', class: 'secondary small' }, 'Done');
  close.addEventListener('click', () => { notice.hidden = true; notice.replaceChildren(); });
  notice.replaceChildren(h('p', {}, h('strong', {}, title)), ...parts, h('p', {}), close);
  notice.hidden = false;
  notice.scrollIntoView({ block: 'nearest' });
  parts[1].querySelector('input').focus();
  parts[1].querySelector('input').select();
  return true;
}
