// A key's scope: the events it may trigger and when it expires. Shown in the keys table, set when a key is created
// and edited in the scope dialog.
import { api, segment } from './api.js';
import { $, h, announce, busy, showError, timeElement } from './ui.js';

const EVENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The event IDs typed into `field`, or a sentence saying what is wrong; null means every event. */
export function readEvents(field) {
  const ids = field.value.split(/[\s,]+/).filter(Boolean);
  if (ids.length === 0) return { events: null };
  const bad = ids.find((id) => !EVENT_ID.test(id));
  if (bad) return { problem: `“${bad}” is not an event ID: letters, digits and _ - . : only (up to 128).` };
  const unique = [...new Set(ids)];
  if (unique.length > 100) return { problem: 'A key may be limited to at most 100 events; leave it empty for all.' };
  return { events: unique };
}

/** A datetime-local value as an ISO-8601 timestamp; null when empty. */
export function readExpiry(field) {
  return field.value ? new Date(field.value).toISOString() : null;
}

/** A timestamp as a datetime-local input shows it: local time, to the minute. */
function localValue(timestamp) {
  const date = new Date(timestamp);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The table cell: which events, and the expiry (in red once it has passed). */
export function scopeCell(key) {
  const events = key.event_ids
    ? h('div', { 'data-role': 'events' }, `Only: ${key.event_ids.join(', ')}`)
    : h('div', { 'data-role': 'events' }, 'All events');
  let expiry = null;
  if (key.expires_at) {
    const expired = new Date(key.expires_at) <= new Date();
    expiry = h('div', { 'data-role': 'expiry', class: expired ? 'error' : 'muted' },
      expired ? 'expired ' : 'expires ', timeElement(key.expires_at));
  }
  return h('td', {}, events, expiry);
}

/** Opens the scope dialog for `key`; `saved` runs after a change is stored. */
export function editScope(key, saved) {
  const dialog = $('#scope-dialog');
  const form = $('#scope-dialog-form');
  const error = $('#scope-dialog-error');
  const eventsField = $('#scope-events');
  const expiresField = $('#scope-expires');
  const cancel = $('#scope-dialog-cancel');
  showError(error, '');
  $('#scope-dialog-title').textContent = `Scope of key ${key.name}`;
  eventsField.value = (key.event_ids || []).join(' ');
  expiresField.value = key.expires_at ? localValue(key.expires_at) : '';
  const done = () => { form.onsubmit = null; cancel.onclick = null; if (dialog.open) dialog.close(); };
  cancel.onclick = done;
  form.onsubmit = async (event) => {
    event.preventDefault();
    const read = readEvents(eventsField);
    if (read.problem) {
      showError(error, read.problem);
      eventsField.focus();
      return;
    }
    await busy($('#scope-dialog-save'), error, async () => {
      await api('PATCH', `keys/${segment(key.id)}`, { event_ids: read.events, expires_at: readExpiry(expiresField) });
      done();
      announce($('#keys-status'), `Scope of key ${key.name} saved.`);
      await saved();
    });
  };
  dialog.showModal();
  eventsField.focus();
}
