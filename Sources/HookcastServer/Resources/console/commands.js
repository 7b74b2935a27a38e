// Commands: a live list, each with a progress bar of acknowledgements that fills as devices answer, and one
// command's per-device table. Updates come from the event stream; nothing here polls.
import { api, segment } from './api.js';
import { describeTarget, FUNCTION_LABELS } from './actions.js';
import { $, h, announce, busy, confirmAction, emptyRow, showError, timeElement } from './ui.js';

const STATES = ['ok', 'failed', 'rejected', 'expired', 'timed_out', 'cancelled', 'pending'];
const STATE_LABELS = { ok: 'ok', failed: 'failed', rejected: 'rejected', expired: 'expired', timed_out: 'timed out', cancelled: 'cancelled', pending: 'pending' };
const LISTED = 50;

let commands = [];
let total = 0;
let openID = null;
let ackDeadlineSeconds = 30;
const deadlineTimers = new Map();

export function setAcknowledgementDeadline(seconds) { ackDeadlineSeconds = seconds; }

function expectedCount(totals) {
  return STATES.reduce((sum, state) => sum + (totals[state] || 0), 0);
}

/** The acknowledgement bar: one coloured segment per state, with the numbers in words beside it. */
export function progressBar(command, large = false) {
  const totals = command.totals || {};
  const expected = expectedCount(totals);
  // Cancelled devices never answered: the bar shows them, the count of answers does not.
  const answered = expected - (totals.pending || 0) - (totals.cancelled || 0);
  const percent = (count) => (expected === 0 ? 0 : Math.round((count / expected) * 100));
  const okPercent = percent(totals.ok || 0);
  const words = STATES.filter((state) => totals[state]).map((state) => `${totals[state]} ${STATE_LABELS[state]}`).join(', ');
  const cancelled = totals.cancelled ? ` · ${totals.cancelled} cancelled` : '';
  const summary = expected === 0 ? 'no device expected' : `${okPercent} % ok · ${answered} of ${expected} answered${cancelled}`;
  const bar = h('div', {
    class: `progress${large ? ' large' : ''}`, role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': String(percent(answered)), 'aria-valuetext': `${summary}${words ? `: ${words}` : ''}`,
    'aria-label': `Acknowledgements of ${command.event_id}`,
  });
  for (const state of STATES.filter((state) => state !== 'pending')) {
    if (!totals[state]) continue;
    const segment = h('span', { class: `seg ${state}`, title: `${totals[state]} ${STATE_LABELS[state]}` });
    segment.style.width = `${(totals[state] / expected) * 100}%`;
    bar.append(segment);
  }
  return h('div', { class: 'ack-progress', 'data-ok-percent': String(okPercent), 'data-complete': String(Boolean(command.complete)) },
    bar, h('div', { class: 'progress-label' }, summary, totals.extra ? ` (+${totals.extra} unexpected)` : ''),
    large ? h('ul', { class: 'legend' }, STATES.map((state) => h('li', { class: state }, `${STATE_LABELS[state]}: ${totals[state] || 0}`))) : null);
}

export async function loadCommands() {
  const error = $('#commands-error');
  try {
    const page = await api('GET', `commands?limit=${LISTED}`);
    commands = page.items;
    total = page.total;
    showError(error, '');
    for (const command of commands) watchDeadline(command);
    render();
    if (openID) await refreshDetail();
  } catch (failure) {
    showError(error, failure.message);
  }
}

/** A command summary from the live stream: a new one goes on top, a known one is updated in place. */
export function upsertCommand(summary) {
  const index = commands.findIndex((command) => command.id === summary.id);
  if (index >= 0) commands[index] = summary;
  else {
    commands.unshift(summary);
    total += 1;
    commands.sort((a, b) => (a.issued_at < b.issued_at ? 1 : -1));
    commands = commands.slice(0, LISTED);
  }
  watchDeadline(summary);
  render();
  if (summary.id === openID) refreshDetail();
}

/** Devices still pending at the acknowledgement deadline turn "timed out" without any message arriving: one
 *  timer per command, at its deadline, reloads it once. */
function watchDeadline(command) {
  if (deadlineTimers.has(command.id) || !command.totals || !command.totals.pending) return;
  const due = new Date(command.issued_at).getTime() + ackDeadlineSeconds * 1000 + 1000 - Date.now();
  if (due < 0) return;
  deadlineTimers.set(command.id, setTimeout(async () => {
    deadlineTimers.delete(command.id);
    try {
      const fresh = await api('GET', `commands/${segment(command.id)}?limit=1`);
      delete fresh.devices;
      upsertCommand(fresh);
    } catch { /* the next event or reload shows it */ }
  }, Math.min(due, 2147483000)));
}

function render() {
  const body = $('#commands-table tbody');
  body.replaceChildren();
  if (commands.length === 0) body.append(emptyRow(5, 'No commands yet. Trigger a webhook, or use "Test action" on the Actions tab.'));
  for (const command of commands) {
    const open = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': String(command.id === openID),
      'aria-controls': 'command-detail', 'aria-label': `Details of command ${command.id}` }, command.id === openID ? 'Shown' : 'Details');
    open.addEventListener('click', () => openCommand(command.id));
    body.append(h('tr', { 'data-command-id': command.id, class: command.id === openID ? 'selected' : '' },
      h('td', {}, timeElement(command.issued_at), h('div', { class: 'muted' }, command.source === 'test' ? 'test' : command.source)),
      h('td', {}, h('span', { class: 'mono' }, command.event_id), h('div', { class: 'muted' }, FUNCTION_LABELS[command.function] || command.function)),
      h('td', {}, describeTarget(command.target)),
      h('td', {}, progressBar(command)),
      h('td', {}, open)));
  }
  $('#commands-count').textContent = `(${total})`;
}

export async function openCommand(id) {
  openID = id;
  render();
  await refreshDetail();
  $('#command-detail').scrollIntoView({ block: 'nearest' });
}

let detailRequest = 0;
async function refreshDetail() {
  const panel = $('#command-detail');
  const id = openID;
  const request = ++detailRequest;
  let command;
  try {
    command = await api('GET', `commands/${segment(id)}?limit=1000`);
  } catch (failure) {
    panel.hidden = false;
    panel.replaceChildren(h('p', { class: 'error', role: 'alert' }, failure.message));
    return;
  }
  if (request !== detailRequest || id !== openID) return; // a newer refresh is on its way
  const close = h('button', { type: 'button', class: 'secondary small' }, 'Close');
  close.addEventListener('click', () => { openID = null; panel.hidden = true; render(); });
  const rows = command.devices.map((device) => h('tr', { 'data-device-id': device.device_id },
    h('td', { class: 'mono' }, device.device_id, device.expected ? null : h('div', { class: 'muted' }, 'not expected')),
    h('td', {}, h('span', { class: `badge state-${device.state}` }, STATE_LABELS[device.state] || device.state)),
    h('td', {}, device.detail || ''),
    h('td', {}, device.received_at ? timeElement(device.received_at) : '—'),
    h('td', {}, String(device.redeliveries || 0))));
  // Cancel: while some device has not answered and the command has not expired.
  const unanswered = (command.totals.pending || 0) + (command.totals.timed_out || 0);
  let cancel = null;
  if (!command.cancelled_at && unanswered > 0 && new Date(command.expires_at) > new Date()) {
    cancel = h('button', { type: 'button', class: 'danger secondary small', id: 'command-cancel' }, 'Cancel command');
    const error = h('p', { class: 'error', role: 'alert' });
    cancel.addEventListener('click', async () => {
      const sure = await confirmAction(`Cancel command ${command.event_id}? It is not sent again, and the ${unanswered} device(s) that have not answered are told to drop it.`, 'Cancel command');
      if (!sure) return;
      await busy(cancel, error, async () => {
        await api('POST', `commands/${segment(command.id)}/cancel`);
        announce($('#commands-status'), `Command ${command.event_id} cancelled.`);
        await refreshDetail();
      });
    });
    cancel = h('div', {}, cancel, error);
  }
  const more = command.devices_total > command.devices.length ? h('p', { class: 'muted' }, `Showing ${command.devices.length} of ${command.devices_total} devices.`) : null;
  panel.replaceChildren(
    h('h2', {}, `Command ${command.event_id}`),
    progressBar(command, true),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Command id'), h('dd', { class: 'mono' }, command.id),
      h('dt', {}, 'Function'), h('dd', {}, FUNCTION_LABELS[command.function] || command.function,
        command.params && Object.keys(command.params).length ? ` (${Object.entries(command.params).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''),
      h('dt', {}, 'Target'), h('dd', {}, describeTarget(command.target)),
      h('dt', {}, 'Source'), h('dd', {}, command.source),
      h('dt', {}, 'Issued'), h('dd', {}, timeElement(command.issued_at)),
      h('dt', {}, 'Published'), h('dd', {}, command.published_at ? timeElement(command.published_at) : 'not yet: queued until the broker is back'),
      h('dt', {}, 'Expires'), h('dd', {}, timeElement(command.expires_at)),
      ...(command.cancelled_at ? [h('dt', {}, 'Cancelled'), h('dd', { 'data-role': 'cancelled' }, timeElement(command.cancelled_at))] : []),
      ...traceFacts(command.trace)),
    h('div', { class: 'table-wrap' }, h('table', { id: 'command-devices' },
      h('caption', {}, 'Devices'),
      h('thead', {}, h('tr', {}, ['Device', 'State', 'Detail', 'Answered', 'Redeliveries'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows.length ? rows : emptyRow(5, 'No device was expected.')))),
    ...(more ? [more] : []), ...(cancel ? [cancel] : []), close);
  panel.hidden = false;
}

// The W3C trace context the call sent: what devices got and echo, to find the command in the caller's tracing.
function traceFacts(trace) {
  if (!trace) return [];
  const facts = [h('dt', {}, 'Traceparent'), h('dd', { class: 'mono', 'data-role': 'traceparent' }, trace.traceparent)];
  if (trace.tracestate) facts.push(h('dt', {}, 'Tracestate'), h('dd', { class: 'mono', 'data-role': 'tracestate' }, trace.tracestate));
  return facts;
}
