// Recent CAP alerts: newest first, a page at a time (the API's next_before cursor), each with its state now; one
// alert's detail in cap-alert-detail.js. Reloaded when the live stream says a command of a CAP alert changed.
import { api } from './api.js';
import { closeAlert, openAlertID, refreshAlert, setUpAlertDetail, showAlert } from './cap-alert-detail.js';
import { $, h, emptyRow, showError, timeElement } from './ui.js';

const PAGE = 50;

/** Cursors of the pages shown so far: [null] is the newest page; Older pushes, Newer pops. */
let cursors = [null];
let next = null;
let alerts = [];
let reloadTimer = null;

/** Every alert's state as a badge: the word is always there, the colour only helps. */
export function stateBadge(state) {
  return h('span', { class: `badge cap-${state}`, 'data-role': 'state' }, state);
}

/** The loaded alert that `reference` ({sender, identifier, sent}) names, if it is on the page. */
export function alertFor(reference) {
  return alerts.find((alert) => alert.sender === reference.sender && alert.identifier === reference.identifier
    && alert.sent === reference.sent);
}

function render() {
  const body = $('#cap-alerts-table tbody');
  body.replaceChildren();
  if (alerts.length === 0) {
    body.append(emptyRow(10, cursors.length > 1 ? 'No older alerts.' : 'No CAP alert received yet.'));
  }
  const openID = openAlertID();
  for (const alert of alerts) {
    const open = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': String(alert.id === openID),
      'aria-controls': 'cap-alert-detail', 'aria-label': `Details of alert ${alert.identifier}` }, alert.id === openID ? 'Shown' : 'Details');
    open.addEventListener('click', () => showAlert(alert.id));
    const commands = alert.command_ids.length;
    body.append(h('tr', { 'data-alert-id': alert.id, class: alert.id === openID ? 'selected' : '' },
      h('td', {}, timeElement(alert.received_at)),
      h('td', {}, h('span', { class: 'mono' }, alert.identifier), h('div', { class: 'muted' }, alert.sender)),
      h('td', {}, alert.msg_type),
      h('td', {}, alert.status),
      h('td', {}, alert.event || '—'),
      h('td', {}, alert.severity || '—'),
      h('td', {}, alert.headline || '—'),
      h('td', {}, stateBadge(alert.state)),
      h('td', { 'data-role': 'commands' }, commands === 1 ? '1 command' : `${commands} commands`),
      h('td', {}, open)));
  }
  $('#cap-alerts-newer').disabled = cursors.length <= 1;
  $('#cap-alerts-older').disabled = next === null;
  $('#cap-alerts-page').textContent = `page ${cursors.length}`;
}

export async function loadAlerts() {
  const error = $('#cap-error');
  const cursor = cursors[cursors.length - 1];
  const query = [`limit=${PAGE}`, cursor ? `before=${encodeURIComponent(cursor)}` : null].filter(Boolean).join('&');
  try {
    const page = await api('GET', `cap/alerts?${query}`);
    alerts = page.items;
    next = page.next_before;
    showError(error, '');
    render();
    if (openAlertID()) await refreshAlert();
  } catch (failure) {
    showError(error, failure.message);
  }
}

/** A command from the live stream: one a CAP message made (or an expiry's `off`), or one of a listed alert's,
 *  reloads the list (and the open alert) once the burst is over. Other commands cost nothing. */
export function capCommandChanged(command) {
  const ours = command.source === 'cap' || command.source === 'expiry'
    || alerts.some((alert) => alert.command_ids.includes(command.id));
  if (!ours || reloadTimer) return;
  reloadTimer = setTimeout(() => { reloadTimer = null; loadAlerts(); }, 300);
}

export function setUpAlerts(openCommand) {
  setUpAlertDetail(openCommand, render);
  $('#cap-alerts-older').addEventListener('click', () => { if (next) { cursors.push(next); closeAlert(); loadAlerts(); } });
  $('#cap-alerts-newer').addEventListener('click', () => { if (cursors.length > 1) { cursors.pop(); closeAlert(); loadAlerts(); } });
  $('#cap-alerts-refresh').addEventListener('click', () => { cursors = [null]; loadAlerts(); });
}
