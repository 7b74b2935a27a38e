// Actions: list, create and edit (function parameters, target picker, time to live), delete, "Test action",
// "Generate URL" with copy buttons and a ready curl line for the POST form.
import { api, segment } from './api.js';
import { allKeys, loadKeys } from './keys.js';
import { $, h, announce, busy, confirmAction, copyButton, emptyRow, showError } from './ui.js';

export const FUNCTION_LABELS = {
  load_url: 'Load URL', emergency: 'Enable/Disable Emergency', refresh_datasource: 'Refresh Datasource',
  pause_loop: 'Pause Loop', resume_loop: 'Resume Loop', send_sensor_event: 'Send Sensor Event Data',
  refresh_content: 'Refresh Content', restart_device: 'Restart device', show_toast: 'Show toast message',
  snooze_device: 'Snooze device', wake_device: 'Wake device',
};

let actions = [];
let devices = [];
let groups = [];
let editing = null; // the event id being edited, or null when creating
let showCommand = () => {};

export function describeTarget(target) {
  if (!target) return '';
  if (target.kind === 'all') return 'All devices';
  if (target.kind === 'tag') {
    return `Devices with ${target.match === 'all' ? 'all' : 'any'} of the tags ${target.tags.join(', ')}`;
  }
  return `${target.kind === 'group' ? 'Group' : 'Device'} ${target.id}`;
}

function describeParams(action) {
  const params = action.params || {};
  const parts = Object.entries(params).map(([name, value]) => `${name}: ${value}`);
  return parts.join(', ');
}

export async function loadActions() {
  const error = $('#actions-error');
  try {
    const [actionList, deviceList, groupList] = await Promise.all([
      api('GET', 'actions'), api('GET', 'devices'), api('GET', 'groups')]);
    actions = actionList.items;
    devices = deviceList.items;
    groups = groupList.items;
    showError(error, '');
    render();
    fillTargetOptions();
  } catch (failure) {
    showError(error, failure.message);
  }
}

function render() {
  const body = $('#actions-table tbody');
  const status = $('#actions-status');
  const error = $('#actions-error');
  body.replaceChildren();
  if (actions.length === 0) body.append(emptyRow(7, 'No actions yet: create one below.'));
  for (const action of actions) {
    const label = action.name || action.event_id;
    const edit = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit action ${action.event_id}` }, 'Edit');
    edit.addEventListener('click', () => startEditing(action));
    const test = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Test action ${action.event_id}` }, 'Test action');
    test.addEventListener('click', () => busy(test, error, async () => {
      const body = action.function === 'send_sensor_event'
        ? { sensor_data: { id: 'console-test', event: 'test', value: '1' } } : undefined;
      const result = await api('POST', `actions/${segment(action.event_id)}/test`, body);
      announce(status, `Test of ${action.event_id} sent to ${result.targets} device(s).`);
      showTestResult(action, result);
    }));
    const url = h('button', { type: 'button', class: 'small', 'aria-label': `Generate URL for ${action.event_id}` }, 'Generate URL');
    url.addEventListener('click', () => busy(url, error, () => generateURL(action)));
    const remove = h('button', { type: 'button', class: 'danger secondary small', 'aria-label': `Delete action ${action.event_id}` }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!await confirmAction(`Delete the action “${label}”? Webhooks with event_id “${action.event_id}” are refused from then on.`)) return;
      await busy(remove, error, async () => {
        await api('DELETE', `actions/${segment(action.event_id)}`);
        if (editing === action.event_id) resetForm();
        announce(status, `Action ${action.event_id} deleted.`);
        await loadActions();
      });
    });
    const params = describeParams(action);
    body.append(h('tr', { 'data-event-id': action.event_id },
      h('td', { class: 'mono' }, action.event_id),
      h('td', {}, label),
      h('td', {}, FUNCTION_LABELS[action.function] || action.function, params ? h('div', { class: 'muted' }, params) : null),
      h('td', {}, describeTarget(action.target)),
      h('td', { class: 'nowrap' }, `${action.ttl_seconds} s`),
      h('td', {}, h('span', { class: `badge ${action.enabled ? 'on' : 'off'}` }, action.enabled ? 'Enabled' : 'Disabled')),
      h('td', {}, h('div', { class: 'buttons' }, edit, test, url, remove))));
  }
}

function outputPanel(title, ...content) {
  const panel = $('#action-output');
  $('#action-output-title').textContent = title;
  const close = h('button', { type: 'button', class: 'secondary small' }, 'Close');
  close.addEventListener('click', () => { panel.hidden = true; });
  $('#action-output-body').replaceChildren(...content, h('p', {}), close);
  panel.hidden = false;
  panel.scrollIntoView({ block: 'nearest' });
}

function showTestResult(action, result) {
  const link = h('button', { type: 'button', class: 'small' }, 'Watch it in Commands');
  link.addEventListener('click', () => showCommand(result.command_id));
  outputPanel(`Test of ${action.event_id}`,
    h('p', {}, `Command ${result.command_id} ${result.queued ? 'is stored and queued: the broker is unreachable' : 'was published'} to ${result.targets} device(s).`),
    link);
}

async function generateURL(action, keyID) {
  await loadKeys();
  // Keys that can trigger this event now: enabled, unexpired, and with the event in their scope.
  const enabled = allKeys().filter((key) => key.enabled
    && (!key.expires_at || new Date(key.expires_at) > new Date())
    && (!key.event_ids || key.event_ids.includes(action.event_id)));
  if (enabled.length === 0) {
    throw new Error('There is no enabled API key that may trigger this event: create one on the Webhook API keys tab first.');
  }
  const query = keyID ? `?key_id=${segment(keyID)}` : '';
  const generated = await api('GET', `actions/${segment(action.event_id)}/trigger-url${query}`);
  const status = $('#actions-status');
  const picker = h('select', { id: 'url-key' },
    enabled.map((key) => h('option', { value: key.id, selected: key.id === generated.key_id }, `${key.name} (${key.masked_key})`)));
  picker.addEventListener('change', () => busy(picker, $('#actions-error'), () => generateURL(action, picker.value)));
  const urlField = h('input', { id: 'trigger-url', class: 'mono', readonly: true, 'aria-label': 'Trigger URL (GET)' });
  urlField.value = generated.url;
  const curl = h('pre', { class: 'command', id: 'trigger-curl', tabindex: '0', 'aria-label': 'curl line for the POST form' }, generated.curl);
  outputPanel(`Trigger URL for ${action.event_id}`,
    h('div', { class: 'field' }, h('label', { for: 'url-key' }, 'API key in the URL'), picker),
    h('label', { for: 'trigger-url' }, 'GET: open this URL in a browser, or call it from any tool'),
    h('div', { class: 'secret-row' }, urlField, copyButton('Copy URL', () => generated.url, status),
      h('a', { class: 'button secondary small', href: generated.url, target: '_blank', rel: 'noopener noreferrer', id: 'trigger-open' }, 'Open')),
    h('p', {}, h('strong', {}, 'POST'), ' (the product page\'s form), ready to paste:'),
    h('div', { class: 'secret-row' }, curl, copyButton('Copy curl', () => generated.curl, status)),
    h('p', { class: 'muted' }, 'The URL carries the key in full: share it only with the caller it is for.'));
  urlField.focus();
  urlField.select();
}

// --- the create / edit form ---

function targetKind() {
  return document.querySelector('input[name="target-kind"]:checked').value;
}

function fillTargetOptions() {
  const kind = targetKind();
  const options = $('#target-options');
  const field = $('#target-id-field');
  const input = $('#target-id');
  field.hidden = kind === 'all' || kind === 'tag';
  $('#target-tags-field').hidden = kind !== 'tag';
  const known = [...new Set(devices.flatMap((device) => device.tags || []))].sort();
  $('#tag-options').replaceChildren(...known.map((tag) => h('option', { value: tag })));
  $('#target-tags-hint').textContent = known.length === 0
    ? 'No device has a tag yet; give devices tags on the Devices and groups tab.'
    : `Tags in use: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}.`;
  $('label[for="target-id"]').textContent = kind === 'group' ? 'Search groups' : 'Search devices';
  const items = kind === 'group' ? groups : devices;
  options.replaceChildren(...items.map((item) => h('option', { value: item.id }, item.name && item.name !== item.id ? item.name : null)));
  const hint = $('#target-hint');
  if (kind === 'all' || kind === 'tag') hint.textContent = '';
  else if (items.length === 0) hint.textContent = `There are no ${kind === 'group' ? 'groups' : 'devices'} yet; add them on the Devices and groups tab.`;
  else hint.textContent = `Type to search ${items.length} ${kind === 'group' ? 'group(s)' : 'device(s)'} by id or name.`;
  input.setAttribute('aria-invalid', 'false');
}

function showParamFields() {
  const chosen = $('#action-function').value;
  for (const field of document.querySelectorAll('#action-form [data-param]')) {
    field.hidden = !field.dataset.param.split(' ').includes(chosen);
  }
}

function resetForm() {
  editing = null;
  $('#action-form').reset();
  $('#action-event-id').disabled = false;
  $('#action-form-title').textContent = 'Create an action';
  $('#action-save').textContent = 'Create action';
  $('#action-cancel').hidden = true;
  showError($('#action-form-error'), '');
  showParamFields();
  fillTargetOptions();
}

function startEditing(action) {
  resetForm();
  editing = action.event_id;
  $('#action-event-id').value = action.event_id;
  $('#action-event-id').disabled = true;
  $('#action-name').value = action.name || '';
  $('#action-function').value = action.function;
  const params = action.params || {};
  $('#param-url').value = params.url || '';
  $('#param-state').value = params.state || 'on';
  $('#param-message').value = params.message || '';
  $('#param-datasource').value = params.datasource_id || '';
  $('#param-loop').value = params.loop_id || '';
  $('#param-level').value = params.level || 'info';
  $('#param-duration').value = params.duration_seconds || '';
  $('#param-until').value = params.until ? localDateTime(params.until) : '';
  document.querySelector(`input[name="target-kind"][value="${action.target.kind}"]`).checked = true;
  fillTargetOptions();
  $('#target-id').value = action.target.id || '';
  $('#target-tags').value = (action.target.tags || []).join(', ');
  $('#target-match').value = action.target.match || 'any';
  $('#action-ttl').value = action.ttl_seconds;
  $('#action-enabled').checked = action.enabled;
  $('#action-form-title').textContent = `Edit action ${action.event_id}`;
  $('#action-save').textContent = 'Save changes';
  $('#action-cancel').hidden = false;
  showParamFields();
  $('#action-form').scrollIntoView({ block: 'start' });
  $('#action-name').focus();
}

/** An ISO-8601 timestamp as a datetime-local input shows it: the browser's local time, to the minute. */
function localDateTime(timestamp) {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The request body, or a sentence saying what is missing. */
function formBody() {
  const eventID = $('#action-event-id').value.trim();
  if (!eventID) return { problem: 'Enter an event ID: it is what the caller sends as event_id.', field: '#action-event-id' };
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(eventID)) {
    return { problem: 'The event ID may use letters, digits and _ - . : only (up to 128).', field: '#action-event-id' };
  }
  const fn = $('#action-function').value;
  const params = {};
  if (fn === 'load_url') {
    const url = $('#param-url').value.trim();
    if (!/^https?:\/\/\S+$/i.test(url) && !url.includes('{{')) {
      return { problem: 'Load URL needs an http or https URL to show, or a {{field}} of the call.', field: '#param-url' };
    }
    params.url = url;
  } else if (fn === 'emergency') {
    params.state = $('#param-state').value;
    const message = $('#param-message').value.trim();
    if (message) params.message = message;
  } else if (fn === 'refresh_datasource') {
    const id = $('#param-datasource').value.trim();
    if (id) params.datasource_id = id;
  } else if (fn === 'pause_loop' || fn === 'resume_loop') {
    const id = $('#param-loop').value.trim();
    if (id) params.loop_id = id;
  } else if (fn === 'show_toast' || fn === 'snooze_device') {
    const seconds = $('#param-duration').value.trim();
    if (seconds.includes('{{')) {
      params.duration_seconds = seconds;
    } else if (seconds) {
      const value = Number(seconds);
      if (!Number.isInteger(value) || value < 1 || value > 86400) {
        return { problem: 'Seconds must be a whole number from 1 to 86400 (a day).', field: '#param-duration' };
      }
      params.duration_seconds = value;
    }
    if (fn === 'show_toast') {
      const message = $('#param-message').value.trim();
      if (!message) return { problem: 'Show toast message needs the message to show.', field: '#param-message' };
      params.message = message;
      params.level = $('#param-level').value;
    } else if ($('#param-until').value) {
      if (seconds) return { problem: 'Give seconds or a time to snooze until, not both.', field: '#param-until' };
      params.until = new Date($('#param-until').value).toISOString();
    }
  }
  const kind = targetKind();
  const target = { kind };
  if (kind === 'tag') {
    const tags = $('#target-tags').value.split(',').map((tag) => tag.trim()).filter((tag) => tag);
    if (tags.length === 0) return { problem: 'Name at least one tag to send to.', field: '#target-tags' };
    if (tags.length > 20) return { problem: 'A target names at most 20 tags.', field: '#target-tags' };
    target.tags = tags;
    target.match = $('#target-match').value;
  } else if (kind !== 'all') {
    const id = $('#target-id').value.trim();
    const known = (kind === 'group' ? groups : devices).some((item) => item.id === id);
    if (!known) {
      return { problem: id ? `There is no ${kind} “${id}”. Pick one from the list.` : `Choose the ${kind} to send to.`, field: '#target-id' };
    }
    target.id = id;
  }
  const ttl = Number($('#action-ttl').value);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 604800) {
    return { problem: 'Time to live must be a whole number of seconds from 1 to 604800 (7 days).', field: '#action-ttl' };
  }
  const name = $('#action-name').value.trim();
  return { body: { event_id: eventID, name: name || undefined, function: fn, params, target, ttl_seconds: ttl, enabled: $('#action-enabled').checked } };
}

export function setUpActions(openCommand) {
  showCommand = openCommand;
  $('#action-function').addEventListener('change', showParamFields);
  for (const radio of document.querySelectorAll('input[name="target-kind"]')) {
    radio.addEventListener('change', () => { $('#target-id').value = ''; fillTargetOptions(); });
  }
  $('#action-cancel').addEventListener('click', resetForm);
  const form = $('#action-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#action-form-error');
    for (const field of form.querySelectorAll('[aria-invalid="true"]')) field.setAttribute('aria-invalid', 'false');
    const { body, problem, field } = formBody();
    if (problem) {
      showError(error, problem);
      $(field).setAttribute('aria-invalid', 'true');
      $(field).focus();
      return;
    }
    await busy($('#action-save'), error, async () => {
      if (editing) await api('PUT', `actions/${segment(editing)}`, body);
      else await api('POST', 'actions', body);
      announce($('#actions-status'), `Action ${body.event_id} ${editing ? 'saved' : 'created'}.`);
      resetForm();
      await loadActions();
    });
  });
  showParamFields();
}
