// A key's callback URL (docs/callbacks.md): the "Reports…" dialog, saved with PATCH /keys/{id}. A signing secret
// the answer carries is shown once in the keys tab's notice, as a new key is.
import { api, segment } from './api.js';
import { callbackErrorField, callbackField, showCallbackSecret } from './callback-field.js';
import { $, h, announce, showError } from './ui.js';

const PREFIX = 'key-edit';
let field = null;

/** The dialog, made on first use: nothing else on the page needs its markup. */
function dialog() {
  const existing = $('#key-callback-dialog');
  if (existing) return existing;
  const container = h('div', { class: 'field' });
  const made = h('dialog', { id: 'key-callback-dialog', 'aria-labelledby': 'key-callback-title' },
    h('form', { id: 'key-callback-form', novalidate: true },
      h('h2', { id: 'key-callback-title' }, 'Delivery reports'),
      h('p', { class: 'muted' }, 'Reports of the calls made with this key go here, unless the action names its own URL.'),
      container,
      h('p', { id: 'key-callback-error', class: 'error', role: 'alert' }),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', id: 'key-callback-cancel', class: 'secondary' }, 'Cancel'),
        h('button', { type: 'submit', id: 'key-callback-save' }, 'Save'))));
  document.body.append(made);
  field = callbackField(container, PREFIX);
  return made;
}

function refuse(problem, element) {
  for (const marked of $('#key-callback-form').querySelectorAll('[aria-invalid="true"]')) {
    marked.setAttribute('aria-invalid', 'false');
  }
  showError($('#key-callback-error'), problem);
  if (!element) return;
  element.setAttribute('aria-invalid', 'true');
  element.focus();
}

/** Opens the dialog for `key`; `saved` runs after a change is stored. */
export function editCallback(key, saved) {
  const shown = dialog();
  const form = $('#key-callback-form');
  const cancel = $('#key-callback-cancel');
  $('#key-callback-title').textContent = `Delivery reports of key ${key.name}`;
  field.fill(key.callback_url);
  refuse('');
  const done = () => { form.onsubmit = null; cancel.onclick = null; if (shown.open) shown.close(); };
  cancel.onclick = done;
  form.onsubmit = async (event) => {
    event.preventDefault();
    const read = field.read(true);
    if (read.problem) return refuse(read.problem, $(read.field));
    refuse('');
    // Nothing typed where there was nothing: no call, so the audit log shows no empty change.
    if (Object.keys(read.fields).length === 0) return done();
    const button = $('#key-callback-save');
    button.disabled = true;
    try {
      const answer = await api('PATCH', `keys/${segment(key.id)}`, read.fields);
      done();
      const status = $('#keys-status');
      announce(status, `Delivery reports of key ${key.name} saved.`);
      await saved();
      showCallbackSecret($('#key-created'), `Key “${key.name}” reports to ${answer.callback_url}.`, answer, status);
    } catch (failure) {
      const named = failure.code ? callbackErrorField(failure.code, PREFIX) : null;
      refuse(named ? `${named.label}: ${failure.message}` : failure.message, named ? named.element : undefined);
    } finally {
      button.disabled = false;
    }
  };
  shown.showModal();
  $(`#${PREFIX}-callback-url`).focus();
}
