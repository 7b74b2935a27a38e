// One CAP alert in detail: what it said, its notes, the rules that took it, what it ended and what ended it, and the
// commands it made with their delivery bars, each a link to the command on the Commands tab.
import { api, segment } from './api.js';
import { describeTarget, FUNCTION_LABELS } from './actions.js';
import { alertFor, stateBadge } from './cap-alerts.js';
import { ruleName } from './cap-rules.js';
import { progressBar } from './commands.js';
import { $, h, emptyRow, timeElement } from './ui.js';

let openID = null;
let showCommand = () => {};
let redrawList = () => {};

export const openAlertID = () => openID;

export function setUpAlertDetail(openCommand, renderList) {
  showCommand = openCommand;
  redrawList = renderList;
}

export function closeAlert() {
  openID = null;
  $('#cap-alert-detail').hidden = true;
}

export async function showAlert(id) {
  openID = id;
  redrawList();
  await refreshAlert();
  $('#cap-alert-detail').scrollIntoView({ block: 'nearest' });
}

/** "Alert EQ-2026-001 of alerts@city.example sent 2026-…", a button that opens it when it is on the page. */
function reference(ref) {
  const text = `${ref.identifier} of ${ref.sender}, sent ${ref.sent}`;
  const known = alertFor(ref);
  if (!known) return h('span', {}, text);
  const open = h('button', { type: 'button', class: 'link', 'aria-label': `Details of alert ${ref.identifier}` }, text);
  open.addEventListener('click', () => showAlert(known.id));
  return h('span', {}, open, ' ', stateBadge(known.state));
}

function list(items, empty, render = (item) => item) {
  if (items.length === 0) return h('p', { class: 'muted' }, empty);
  return h('ul', {}, items.map((item) => h('li', {}, render(item))));
}

function commandRows(commands) {
  return commands.map((command) => {
    const open = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Open command ${command.id} in Commands` }, 'Open in Commands');
    open.addEventListener('click', () => showCommand(command.id));
    return h('tr', { 'data-command-id': command.id },
      h('td', {}, timeElement(command.issued_at), h('div', { class: 'muted' }, command.source)),
      h('td', {}, FUNCTION_LABELS[command.function] || command.function,
        command.params && command.params.state ? ` ${command.params.state}` : ''),
      h('td', {}, describeTarget(command.target)),
      h('td', {}, progressBar(command)),
      h('td', {}, open));
  });
}

let request = 0;
export async function refreshAlert() {
  const panel = $('#cap-alert-detail');
  const id = openID;
  const mine = ++request;
  let alert;
  try {
    alert = await api('GET', `cap/alerts/${segment(id)}`);
  } catch (failure) {
    panel.hidden = false;
    panel.replaceChildren(h('p', { class: 'error', role: 'alert' }, failure.message));
    return;
  }
  if (mine !== request || id !== openID) return; // a newer refresh is on its way
  const info = (alert.alert.infos || [])[0] || {};
  const close = h('button', { type: 'button', class: 'secondary small' }, 'Close');
  close.addEventListener('click', () => { closeAlert(); redrawList(); });
  const fact = (term, value) => (value ? [h('dt', {}, term), h('dd', {}, value)] : []);
  panel.replaceChildren(
    h('h2', {}, `${alert.msg_type} ${alert.identifier}`),
    h('dl', { class: 'facts' },
      ...fact('State', stateBadge(alert.state)),
      ...fact('Sender', alert.sender),
      ...fact('Sent', alert.sent),
      ...fact('Received', timeElement(alert.received_at)),
      ...fact('Status and scope', `${alert.status}, ${alert.scope}`),
      ...fact('Event', [alert.event, alert.severity, alert.urgency, alert.certainty].filter(Boolean).join(' · ')),
      ...fact('Headline', alert.headline),
      ...fact('Instruction', info.instruction),
      ...fact('Areas', alert.areas.join('; ')),
      ...fact('Expires', alert.expires_at ? timeElement(alert.expires_at) : null),
      ...fact('Ended', alert.ended_at ? timeElement(alert.ended_at) : null)),
    h('h3', {}, 'Notes'),
    list(alert.notes, 'None.'),
    h('h3', {}, 'Rules that took it'),
    list(alert.rule_ids, 'None.', ruleName),
    h('h3', {}, 'What it ended'),
    list(alert.ended, 'Nothing.', reference),
    h('h3', {}, 'What ended it'),
    alert.ended_by ? h('p', { 'data-role': 'ended-by' }, reference(alert.ended_by)) : h('p', { class: 'muted' }, 'Nothing.'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'cap-alert-commands' },
      h('caption', {}, 'Commands it made'),
      h('thead', {}, h('tr', {}, ['Issued', 'Function', 'Target', 'Acknowledgements', 'Command'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, alert.commands.length ? commandRows(alert.commands) : emptyRow(5, 'None.')))),
    h('details', {}, h('summary', {}, 'The whole message, as parsed'),
      h('pre', { class: 'cap-message', tabindex: '0' }, JSON.stringify(alert.alert, null, 2))),
    close);
  panel.hidden = false;
}
