// Webhook API keys: list (masked), create, view (reveal), copy, enable/disable, scope, callback URL, delete with
// confirmation.
import { api, segment } from './api.js';
import { callbackCell, callbackErrorField, callbackField, callbackSecretParts } from './callback-field.js';
import { editCallback } from './key-callback.js';
import { editScope, readEvents, readExpiry, scopeCell } from './key-scope.js';
import { $, h, announce, busy, confirmAction, copyButton, emptyRow, showError, timeElement } from './ui.js';

const revealed = new Map(); // key id → the full key, while the operator has it shown
let keys = [];
let callback = null; // the create form's "Report to" field

export function allKeys() { return keys; }

export async function loadKeys() {
  const error = $('#keys-error');
  try {
    keys = (await api('GET', 'keys')).items;
    showError(error, '');
    render();
  } catch (failure) {
    showError(error, failure.message);
  }
}

async function secretOf(key) {
  if (revealed.has(key.id)) return revealed.get(key.id);
  const full = await api('GET', `keys/${segment(key.id)}/reveal`);
  return full.key;
}

function render() {
  const body = $('#keys-table tbody');
  const status = $('#keys-status');
  body.replaceChildren();
  if (keys.length === 0) body.append(emptyRow(8, 'No API keys yet: create one above.'));
  for (const key of keys) {
    const shown = revealed.get(key.id);
    const error = $('#keys-error');
    const view = h('button', { type: 'button', class: 'secondary small', 'aria-pressed': String(Boolean(shown)),
      'aria-label': `${shown ? 'Hide' : 'View'} key ${key.name}` }, shown ? 'Hide' : 'View');
    view.addEventListener('click', () => busy(view, error, async () => {
      if (revealed.has(key.id)) revealed.delete(key.id); else revealed.set(key.id, await secretOf(key));
      render();
      announce(status, revealed.has(key.id) ? `Key ${key.name} shown.` : `Key ${key.name} hidden.`);
    }));
    const copy = copyButton('Copy', async () => {
      try { return await secretOf(key); } catch (failure) { showError(error, failure.message); return null; }
    }, status);
    copy.setAttribute('aria-label', `Copy key ${key.name}`);
    const toggle = h('button', { type: 'button', class: 'secondary small',
      'aria-label': `${key.enabled ? 'Disable' : 'Enable'} key ${key.name}` }, key.enabled ? 'Disable' : 'Enable');
    toggle.addEventListener('click', () => busy(toggle, error, async () => {
      await api('PATCH', `keys/${segment(key.id)}`, { enabled: !key.enabled });
      announce(status, `Key ${key.name} ${key.enabled ? 'disabled' : 'enabled'}.`);
      await loadKeys();
    }));
    const scope = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Scope of key ${key.name}` }, 'Scope…');
    scope.addEventListener('click', () => editScope(key, loadKeys));
    const reports = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Delivery reports of key ${key.name}` }, 'Reports…');
    reports.addEventListener('click', () => editCallback(key, loadKeys));
    const remove = h('button', { type: 'button', class: 'danger secondary small', 'aria-label': `Delete key ${key.name}` }, 'Delete');
    remove.addEventListener('click', async () => {
      const sure = await confirmAction(`Delete the key “${key.name}” (${key.masked_key})? Webhooks sent with it are refused from the next one on. This cannot be undone.`);
      if (!sure) return;
      await busy(remove, error, async () => {
        await api('DELETE', `keys/${segment(key.id)}`);
        revealed.delete(key.id);
        announce(status, `Key ${key.name} deleted.`);
        await loadKeys();
      });
    });
    body.append(h('tr', { 'data-key-id': key.id },
      h('td', {}, key.name, key.require_signature ? h('div', { class: 'muted' }, 'signed webhooks only') : null,
        // A rotation's grace period: senders still signing with the old secret are accepted until then.
        key.previous_signing_secret_expires_at
          ? h('div', { class: 'muted', 'data-role': 'signing-grace' }, 'old signing secret valid until ',
            timeElement(key.previous_signing_secret_expires_at))
          : null),
      h('td', { class: 'mono key-value', 'data-role': 'key' }, shown || key.masked_key),
      h('td', {}, h('span', { class: `badge ${key.enabled ? 'on' : 'off'}` }, key.enabled ? 'Enabled' : 'Disabled')),
      scopeCell(key),
      callbackCell(key.callback_url),
      h('td', {}, timeElement(key.created_at)),
      h('td', {}, timeElement(key.last_used_at)),
      h('td', {}, h('div', { class: 'buttons' }, view, copy, toggle, scope, reports, remove))));
  }
}

function showCreated(created) {
  const notice = $('#key-created');
  const status = $('#keys-status');
  const field = h('input', { class: 'mono', readonly: true, id: 'new-key-value', 'aria-label': 'The new key' });
  field.value = created.key;
  const parts = [
    h('p', {}, h('strong', {}, `Key “${created.name}” created.`),
      ' It is shown in full here and by View; keep it where the caller can use it.'),
    h('div', { class: 'secret-row' }, field, copyButton('Copy key', () => created.key, status)),
  ];
  if (created.signing_secret) {
    const secret = h('input', { class: 'mono', readonly: true, 'aria-label': 'Signing secret' });
    secret.value = created.signing_secret;
    parts.push(h('p', {}, 'Signing secret (the caller signs each webhook with it):'),
      h('div', { class: 'secret-row' }, secret, copyButton('Copy secret', () => created.signing_secret, status)));
  }
  parts.push(...callbackSecretParts(created, status));
  const close = h('button', { type: 'button', class: 'secondary small' }, 'Done');
  close.addEventListener('click', () => { notice.hidden = true; notice.replaceChildren(); });
  parts.push(h('p', {}), close);
  notice.replaceChildren(...parts);
  notice.hidden = false;
  field.focus();
  field.select();
}

export function setUpKeys() {
  const form = $('#key-form');
  callback = callbackField($('#key-callback'), 'key');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = $('#key-name');
    const error = $('#keys-error');
    if (!name.value.trim()) {
      name.setAttribute('aria-invalid', 'true');
      showError(error, 'Give the key a name, such as the service that will use it.');
      name.focus();
      return;
    }
    name.removeAttribute('aria-invalid');
    const scope = readEvents($('#key-events'));
    if (scope.problem) {
      showError(error, scope.problem);
      $('#key-events').focus();
      return;
    }
    const reports = callback.read(false);
    if (reports.problem) {
      showError(error, reports.problem);
      $(reports.field).setAttribute('aria-invalid', 'true');
      $(reports.field).focus();
      return;
    }
    $('#key-callback-url').removeAttribute('aria-invalid');
    await busy(form.querySelector('button[type=submit]'), error, async () => {
      const body = { name: name.value.trim(), require_signature: $('#key-signed').checked, ...reports.fields };
      if (scope.events) body.event_ids = scope.events;
      const expires = readExpiry($('#key-expires'));
      if (expires) body.expires_at = expires;
      try {
        const created = await api('POST', 'keys', body);
        form.reset();
        showCreated(created);
        await loadKeys();
      } catch (failure) {
        // The API's invalid_callback_url names the field; busy() shows the sentence.
        const named = failure.code ? callbackErrorField(failure.code, 'key') : null;
        if (!named) throw failure;
        named.element.setAttribute('aria-invalid', 'true');
        named.element.focus();
        throw new Error(`${named.label}: ${failure.message}`);
      }
    });
  });
}
