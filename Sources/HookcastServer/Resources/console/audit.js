// The audit log: who triggered or changed what, newest first, a page at a time (the API's next_before cursor),
// optionally one kind only. Read-only; the entries never hold a secret, and everything is shown as text.
import { api } from './api.js';
import { $, h, emptyRow, showError, timeElement } from './ui.js';

const PAGE = 50;
const ACTORS = { api_key: 'API key', unidentified: 'no valid key', admin_token: 'admin token', console: 'console session' };

/** Cursors of the pages shown so far: [null] is the newest page; Older pushes, Newer pops. */
let cursors = [null];
let next = null;

function actorText(actor) {
  const kind = ACTORS[actor.type] || actor.type;
  if (actor.type === 'api_key') return `${kind} “${actor.name || '?'}” (${(actor.id || '').slice(0, 8)})`;
  if (actor.type === 'console') return `${kind} ${actor.id || ''}`;
  return kind;
}

function whatText(entry) {
  if (entry.kind === 'trigger') {
    const calls = entry.count > 1 ? ` ×${entry.count} in one minute` : '';
    return `${entry.event_id ? `event ${entry.event_id}` : 'webhook call'}${calls}`;
  }
  return `${entry.operation || ''} ${entry.resource || ''} ${entry.resource_id || ''}`.trim();
}

function outcomeText(entry) {
  if (entry.kind !== 'trigger') return 'done';
  return entry.error ? `${entry.status} ${entry.error}` : `${entry.status} ok`;
}

/** Before and after, side by side, as the API returned them (keys masked by the server). */
function changeDetail(entry) {
  if (entry.before === null && entry.after === null && entry.command_ids.length === 0) return '—';
  const parts = [];
  if (entry.command_ids.length) parts.push(h('div', {}, `commands: ${entry.command_ids.join(', ')}`));
  if (entry.before !== null || entry.after !== null) {
    parts.push(h('details', {}, h('summary', {}, 'before / after'),
      h('div', { class: 'audit-diff' },
        h('pre', { 'aria-label': 'before' }, entry.before === null ? '(none)' : JSON.stringify(entry.before, null, 2)),
        h('pre', { 'aria-label': 'after' }, entry.after === null ? '(none)' : JSON.stringify(entry.after, null, 2)))));
  }
  return parts;
}

function render(items) {
  const body = $('#audit-table tbody');
  body.replaceChildren();
  if (items.length === 0) body.append(emptyRow(6, 'Nothing recorded yet.'));
  for (const entry of items) {
    body.append(h('tr', { 'data-kind': entry.kind },
      h('td', {}, timeElement(entry.at)),
      h('td', {}, entry.kind),
      h('td', {}, actorText(entry.actor), entry.remote_address ? h('div', { class: 'muted' }, entry.remote_address) : null),
      h('td', {}, whatText(entry)),
      h('td', {}, outcomeText(entry)),
      h('td', {}, changeDetail(entry))));
  }
  $('#audit-newer').disabled = cursors.length <= 1;
  $('#audit-older').disabled = next === null;
  $('#audit-page').textContent = `page ${cursors.length}`;
}

export async function loadAudit() {
  const error = $('#audit-error');
  const kind = $('#audit-kind').value;
  const cursor = cursors[cursors.length - 1];
  const query = [`limit=${PAGE}`, cursor ? `before=${encodeURIComponent(cursor)}` : null, kind ? `kind=${encodeURIComponent(kind)}` : null]
    .filter(Boolean).join('&');
  try {
    const page = await api('GET', `audit?${query}`);
    next = page.next_before;
    showError(error, '');
    render(page.items);
  } catch (failure) {
    showError(error, failure.message);
  }
}

export function setUpAudit() {
  $('#audit-kind').addEventListener('change', () => { cursors = [null]; loadAudit(); });
  $('#audit-older').addEventListener('click', () => { if (next) { cursors.push(next); loadAudit(); } });
  $('#audit-newer').addEventListener('click', () => { if (cursors.length > 1) { cursors.pop(); loadAudit(); } });
  $('#audit-refresh').addEventListener('click', () => { cursors = [null]; loadAudit(); });
}
