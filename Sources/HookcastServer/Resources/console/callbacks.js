// Delivery reports to callback URLs: newest first, a page at a time, optionally one state only; a failed one can be
// sent again. Read-only otherwise; the reports never hold a secret, and everything is shown as text.
import { api, segment } from './api.js';
import { $, h, emptyRow, showError, timeElement } from './ui.js';

const PAGE = 50;

/** Cursors of the pages shown so far: [null] is the newest page; Older pushes, Newer pops. */
let cursors = [null];
let next = null;

function lastText(report) {
  if (report.state === 'delivered') return `${report.last_status} delivered`;
  if (report.last_error) return report.last_error;
  return report.state === 'waiting' ? 'commands not complete yet' : '—';
}

function render(items) {
  const body = $('#callbacks-table tbody');
  body.replaceChildren();
  if (items.length === 0) body.append(emptyRow(6, 'No delivery reports yet.'));
  for (const report of items) {
    const retry = report.state === 'failed'
      ? h('button', { type: 'button', class: 'secondary', 'data-retry': report.id }, 'Send again') : null;
    body.append(h('tr', { 'data-state': report.state },
      h('td', {}, timeElement(report.created_at)),
      h('td', {}, report.state),
      h('td', {}, String(report.attempts)),
      h('td', {}, lastText(report), report.next_attempt_at
        ? h('div', { class: 'muted' }, 'next: ', timeElement(report.next_attempt_at)) : null),
      h('td', {}, report.url),
      h('td', {}, report.subject.event_id ? `event ${report.subject.event_id}` : report.subject.kind || '', retry)));
  }
  $('#callbacks-newer').disabled = cursors.length <= 1;
  $('#callbacks-older').disabled = next === null;
  $('#callbacks-page').textContent = `page ${cursors.length}`;
}

export async function loadCallbacks() {
  const error = $('#callbacks-error');
  const state = $('#callbacks-state').value;
  const cursor = cursors[cursors.length - 1];
  const query = [`limit=${PAGE}`, cursor ? `before=${encodeURIComponent(cursor)}` : null,
    state ? `state=${encodeURIComponent(state)}` : null].filter(Boolean).join('&');
  try {
    const page = await api('GET', `callbacks?${query}`);
    next = page.next_before;
    showError(error, '');
    render(page.items);
  } catch (failure) {
    showError(error, failure.message);
  }
}

export function setUpCallbacks() {
  $('#callbacks-state').addEventListener('change', () => { cursors = [null]; loadCallbacks(); });
  $('#callbacks-older').addEventListener('click', () => { if (next) { cursors.push(next); loadCallbacks(); } });
  $('#callbacks-newer').addEventListener('click', () => { if (cursors.length > 1) { cursors.pop(); loadCallbacks(); } });
  $('#callbacks-refresh').addEventListener('click', () => { cursors = [null]; loadCallbacks(); });
  $('#callbacks-table').addEventListener('click', async (event) => {
    const id = event.target.closest('[data-retry]')?.dataset.retry;
    if (!id) return;
    try {
      await api('POST', `callbacks/${segment(id)}/retry`);
      loadCallbacks();
    } catch (failure) {
      showError($('#callbacks-error'), failure.message);
    }
  });
}
