// Devices and groups: presence (live), what each device reports it shows (live), group membership, its last
// answer, and its MQTT credentials once, when it is created.
import { api, segment } from './api.js';
import { $, h, announce, busy, confirmAction, copyButton, emptyRow, showError, timeElement } from './ui.js';

const SHOWN_ROWS = 200; // a fleet of thousands is filtered, not drawn whole
let devices = [];
let groups = [];

export async function loadDevices() {
  const error = $('#devices-error');
  try {
    const [deviceList, groupList] = await Promise.all([api('GET', 'devices'), api('GET', 'groups')]);
    devices = deviceList.items;
    groups = groupList.items;
    showError(error, '');
    render();
  } catch (failure) {
    showError(error, failure.message);
  }
}

/** A presence change from the live stream. */
export function updatePresence(presence) {
  const device = devices.find((item) => item.id === presence.device_id);
  if (!device) return;
  device.online = presence.online;
  device.online_since = presence.online_since;
  if (presence.agent_version) device.agent_version = presence.agent_version;
  // Absent from a message without a state (the Last Will, an older device): the last state reported still holds.
  if (presence.reported_state) {
    device.reported_state = presence.reported_state;
    device.reported_state_at = presence.reported_state_at;
  }
  const row = document.querySelector(`#devices-table tr[data-device-id="${CSS.escape(device.id)}"]`);
  if (row) row.replaceWith(deviceRow(device));
}

function groupsOf(deviceID) {
  return groups.filter((group) => group.members.includes(deviceID)).map((group) => group.id);
}

function presenceCell(device) {
  return h('td', { 'data-role': 'presence' },
    h('span', { class: `badge ${device.online ? 'on' : 'off'}` }, device.online ? 'Online' : 'Offline'),
    device.online_since ? h('div', { class: 'muted' }, 'since ', timeElement(device.online_since)) : h('div', { class: 'muted' }, 'never seen'));
}

/** What the device reports it shows: the page, emergency mode, the loop, a snooze, a toast, its last command. Text only: every
 *  value here comes from the device. */
function shownCell(device) {
  const state = device.reported_state;
  if (!state) return h('td', { 'data-role': 'shown' }, h('span', { class: 'muted' }, 'Not reported'));
  const emergency = state.emergency || {};
  return h('td', { 'data-role': 'shown' },
    h('div', { class: 'url', 'data-role': 'current-url' },
      state.current_url ? state.current_url : h('span', { class: 'muted' }, 'No URL loaded')),
    h('div', { 'data-role': 'emergency' },
      h('span', { class: `badge ${emergency.active ? 'state-failed' : 'off'}` }, emergency.active ? 'Emergency on' : 'Emergency off'),
      emergency.active && emergency.message ? [' ', emergency.message] : null),
    h('div', { 'data-role': 'loop' }, state.loop_paused
      ? `Loop paused${state.paused_loop_id ? ` (${state.paused_loop_id})` : ''}` : 'Loop running'),
    state.snoozed ? h('div', { 'data-role': 'snoozed' }, h('span', { class: 'badge off' }, 'Screen off'),
      ' since ', timeElement(state.snoozed.since),
      state.snoozed.until ? [', until ', timeElement(state.snoozed.until)] : ', until woken') : null,
    state.toast ? h('div', { 'data-role': 'toast' }, h('span', { class: `badge toast-${state.toast.level}` }, `Toast (${state.toast.level})`),
      ' ', state.toast.message, h('span', { class: 'muted' }, ' until ', timeElement(state.toast.until))) : null,
    h('div', { class: 'muted' }, 'last command ', timeElement(state.last_command_at),
      ` (${state.commands_executed} executed)`),
    device.reported_state_at ? h('div', { class: 'muted' }, 'reported ', timeElement(device.reported_state_at)) : null);
}

function reportedCell(device) {
  const last = device.last_acknowledgement;
  const lines = [];
  if (last) {
    lines.push(h('div', {}, h('span', { class: `badge state-${last.state}` }, last.state.replace('_', ' ')),
      ' ', h('span', { class: 'muted' }, 'to command '), h('span', { class: 'mono' }, last.command_id.slice(0, 8))));
    if (last.detail) lines.push(h('div', {}, last.detail));
    lines.push(h('div', { class: 'muted' }, timeElement(last.received_at)));
  } else {
    lines.push(h('div', { class: 'muted' }, 'No answer yet'));
  }
  if (device.agent_version) lines.push(h('div', { class: 'muted' }, `agent ${device.agent_version}`));
  return h('td', {}, lines);
}

function deviceRow(device) {
  const error = $('#devices-error');
  const status = $('#devices-status');
  const member = groupsOf(device.id);
  const editGroups = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit groups of ${device.id}` }, 'Groups…');
  editGroups.addEventListener('click', () => editMembership(device));
  const password = h('button', { type: 'button', class: 'secondary small', 'aria-label': `New MQTT password for ${device.id}` }, 'New password');
  password.addEventListener('click', async () => {
    if (!await confirmAction(`Give ${device.id} a new MQTT password? The old one stops working at once: the device must be given the new one.`, 'New password')) return;
    await busy(password, error, async () => {
      const answer = await api('POST', `devices/${segment(device.id)}/mqtt-password`);
      showCredentials(device.id, answer.mqtt_password, 'New MQTT password');
    });
  });
  const remove = h('button', { type: 'button', class: 'danger secondary small', 'aria-label': `Delete device ${device.id}` }, 'Delete');
  remove.addEventListener('click', async () => {
    if (!await confirmAction(`Delete the device ${device.id}? It leaves every group and its broker account is revoked (it is disconnected).`)) return;
    await busy(remove, error, async () => {
      await api('DELETE', `devices/${segment(device.id)}`);
      announce(status, `Device ${device.id} deleted.`);
      await loadDevices();
    });
  });
  return h('tr', { 'data-device-id': device.id },
    h('td', {}, h('strong', { class: 'mono' }, device.id), device.name && device.name !== device.id ? h('div', {}, device.name) : null,
      device.tags && device.tags.length ? h('div', { class: 'muted' }, device.tags.join(', ')) : null),
    presenceCell(device),
    shownCell(device),
    h('td', { 'data-role': 'groups' }, member.length ? member.join(', ') : h('span', { class: 'muted' }, 'none')),
    reportedCell(device),
    h('td', {}, h('div', { class: 'buttons' }, editGroups, password, remove)));
}

function render() {
  const filter = $('#devices-filter').value.trim().toLowerCase();
  const matching = devices.filter((device) => !filter || device.id.toLowerCase().includes(filter)
    || (device.name || '').toLowerCase().includes(filter) || groupsOf(device.id).some((id) => id.toLowerCase().includes(filter)));
  const body = $('#devices-table tbody');
  body.replaceChildren();
  if (devices.length === 0) body.append(emptyRow(6, 'No devices yet: add one below.'));
  else if (matching.length === 0) body.append(emptyRow(6, 'No device matches the filter.'));
  for (const device of matching.slice(0, SHOWN_ROWS)) body.append(deviceRow(device));
  const online = devices.filter((device) => device.online).length;
  const shown = matching.length > SHOWN_ROWS ? `, showing ${SHOWN_ROWS} of ${matching.length}: filter to narrow` : '';
  $('#devices-count').textContent = `(${devices.length}, ${online} online${shown})`;
  renderGroups();
}

function renderGroups() {
  const body = $('#groups-table tbody');
  const error = $('#devices-error');
  body.replaceChildren();
  if (groups.length === 0) body.append(emptyRow(3, 'No groups yet.'));
  for (const group of groups) {
    const remove = h('button', { type: 'button', class: 'danger secondary small', 'aria-label': `Delete group ${group.id}` }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!await confirmAction(`Delete the group ${group.id}? Its ${group.members.length} member(s) stay, but leave the group; actions aimed at it will fail.`)) return;
      await busy(remove, error, async () => {
        await api('DELETE', `groups/${segment(group.id)}`);
        announce($('#devices-status'), `Group ${group.id} deleted.`);
        await loadDevices();
      });
    });
    body.append(h('tr', { 'data-group-id': group.id },
      h('td', {}, h('strong', { class: 'mono' }, group.id), group.name && group.name !== group.id ? h('div', {}, group.name) : null),
      h('td', {}, group.members.length ? `${group.members.length}: ${group.members.slice(0, 20).join(', ')}${group.members.length > 20 ? ' …' : ''}` : h('span', { class: 'muted' }, 'no members')),
      h('td', {}, remove)));
  }
}

function showCredentials(deviceID, password, title) {
  const notice = $('#device-created');
  const status = $('#devices-status');
  const field = h('input', { class: 'mono', readonly: true, id: 'new-device-password', 'aria-label': `MQTT password of ${deviceID}` });
  field.value = password;
  const command = `hookcast device --id ${deviceID} --mqtt-password-file ${deviceID}.password`;
  const close = h('button', { type: 'button', class: 'secondary small' }, 'Done');
  close.addEventListener('click', () => { notice.hidden = true; notice.replaceChildren(); });
  notice.replaceChildren(
    h('p', {}, h('strong', {}, `${title} for ${deviceID}.`), ' It is shown this once; the broker keeps only its hash.'),
    h('p', {}, 'MQTT user name and client id: ', h('code', {}, deviceID)),
    h('div', { class: 'secret-row' }, field, copyButton('Copy password', () => password, status)),
    h('p', {}, 'Save it to ', h('code', {}, `${deviceID}.password`), ' and start the agent:'),
    h('div', { class: 'secret-row' }, h('pre', { class: 'command' }, command), copyButton('Copy command', () => command, status)),
    h('p', {}), close);
  notice.hidden = false;
  field.focus();
  field.select();
}

function editMembership(device) {
  const dialog = $('#groups-dialog');
  const options = $('#groups-dialog-options');
  const error = $('#groups-dialog-error');
  showError(error, '');
  $('#groups-dialog-title').textContent = `Groups of ${device.id}`;
  const current = new Set(groupsOf(device.id));
  options.replaceChildren(h('legend', { class: 'sr-only' }, `Groups ${device.id} belongs to`),
    ...(groups.length === 0 ? [h('p', { class: 'muted' }, 'There are no groups yet: add one first.')] : []),
    ...groups.map((group) => h('div', { class: 'field check' },
      h('input', { type: 'checkbox', id: `member-${group.id}`, value: group.id, checked: current.has(group.id) }),
      h('label', { for: `member-${group.id}` }, group.name && group.name !== group.id ? `${group.id} (${group.name})` : group.id))));
  const form = $('#groups-dialog-form');
  const save = $('#groups-dialog-save');
  const cancel = $('#groups-dialog-cancel');
  const done = () => { form.onsubmit = null; cancel.onclick = null; if (dialog.open) dialog.close(); };
  cancel.onclick = done;
  form.onsubmit = async (event) => {
    event.preventDefault();
    await busy(save, error, async () => {
      // One call per change: the broker's rules are updated for this device alone, never the whole group.
      for (const box of options.querySelectorAll('input[type=checkbox]')) {
        if (box.checked && !current.has(box.value)) await api('PUT', `groups/${segment(box.value)}/members/${segment(device.id)}`);
        if (!box.checked && current.has(box.value)) await api('DELETE', `groups/${segment(box.value)}/members/${segment(device.id)}`);
      }
      done();
      announce($('#devices-status'), `Groups of ${device.id} saved.`);
      await loadDevices();
    });
  };
  dialog.showModal();
  const first = options.querySelector('input');
  if (first) first.focus(); else cancel.focus();
}

export function setUpDevices() {
  $('#devices-filter').addEventListener('input', render);
  const deviceForm = $('#device-form');
  deviceForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#devices-error');
    const id = $('#device-id');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id.value.trim())) {
      id.setAttribute('aria-invalid', 'true');
      showError(error, 'A device ID is 1 to 64 letters, digits, _ or -.');
      id.focus();
      return;
    }
    id.removeAttribute('aria-invalid');
    const tags = $('#device-tags').value.split(',').map((tag) => tag.trim()).filter(Boolean);
    await busy(deviceForm.querySelector('button[type=submit]'), error, async () => {
      const created = await api('POST', 'devices', { id: id.value.trim(), name: $('#device-name').value.trim() || undefined, tags });
      deviceForm.reset();
      if (created.mqtt_password) showCredentials(created.id, created.mqtt_password, 'MQTT password');
      else announce($('#devices-status'), `Device ${created.id} added (the broker's accounts are managed elsewhere).`);
      await loadDevices();
    });
  });
  const groupForm = $('#group-form');
  groupForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#devices-error');
    const id = $('#group-id');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id.value.trim())) {
      id.setAttribute('aria-invalid', 'true');
      showError(error, 'A group ID is 1 to 64 letters, digits, _ or -.');
      id.focus();
      return;
    }
    id.removeAttribute('aria-invalid');
    await busy(groupForm.querySelector('button[type=submit]'), error, async () => {
      await api('POST', 'groups', { id: id.value.trim(), name: $('#group-name').value.trim() || undefined });
      announce($('#devices-status'), `Group ${id.value.trim()} added.`);
      groupForm.reset();
      await loadDevices();
    });
  });
}
