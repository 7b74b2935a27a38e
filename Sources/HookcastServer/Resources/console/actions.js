// Actions: list, create and edit (one step or several, kept in a list as the form moves on), delete, "Test action",
// "Generate URL" with copy buttons and a ready curl line for the POST form. The step in the form: action-form.js.
import { api, segment } from './api.js';
import { allKeys, loadKeys } from './keys.js';
import { $, h, announce, busy, confirmAction, copyButton, emptyRow, showError } from './ui.js';
import { renderStepList, stepSummary } from './action-steps.js';
import { fillStep, fillTargetOptions, setUpTargetPicker, showParamFields, stepFromForm } from './action-form.js';
import { setKnownTargets } from './target-picker.js';
import { callbackCell, callbackErrorField, callbackField, callbackSecretParts } from './callback-field.js';

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
let earlierSteps = []; // the steps before the one in the form, for an action with several
let showCommand = () => {};
let callback = null; // the form's "Report to" field (callback-field.js)

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
    setKnownTargets(devices, groups);
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
  if (actions.length === 0) body.append(emptyRow(8, 'No actions yet: create one below.'));
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
      action.steps
        ? h('td', { colspan: '2' }, `${action.steps.length} steps`,
          h('ol', { class: 'steps' }, action.steps.map((step) => h('li', {}, stepSummary(step)))))
        : h('td', {}, FUNCTION_LABELS[action.function] || action.function, params ? h('div', { class: 'muted' }, params) : null),
      action.steps ? null : h('td', {}, describeTarget(action.target)),
      h('td', { class: 'nowrap' }, `${action.ttl_seconds} s`),
      callbackCell(action.callback_url),
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

function resetForm() {
  editing = null;
  earlierSteps = [];
  showSteps();
  $('#action-form').reset();
  $('#action-event-id').disabled = false;
  $('#action-form-title').textContent = 'Create an action';
  $('#action-save').textContent = 'Create action';
  $('#action-cancel').hidden = true;
  showError($('#action-form-error'), '');
  callback.fill(null);
  showParamFields();
  fillTargetOptions();
}

function startEditing(action) {
  resetForm();
  editing = action.event_id;
  $('#action-event-id').value = action.event_id;
  $('#action-event-id').disabled = true;
  $('#action-name').value = action.name || '';
  const steps = action.steps || [{ function: action.function, params: action.params, target: action.target }];
  earlierSteps = steps.slice(0, -1);
  showSteps();
  fillStep(steps[steps.length - 1]);
  $('#action-ttl').value = action.ttl_seconds;
  $('#action-enabled').checked = action.enabled;
  callback.fill(action.callback_url);
  $('#action-form-title').textContent = `Edit action ${action.event_id}`;
  $('#action-save').textContent = 'Save changes';
  $('#action-cancel').hidden = false;
  showParamFields();
  $('#action-form').scrollIntoView({ block: 'start' });
  $('#action-name').focus();
}

/** The request body, or a sentence saying what is missing. */
function formBody() {
  const eventID = $('#action-event-id').value.trim();
  if (!eventID) return { problem: 'Enter an event ID: it is what the caller sends as event_id.', field: '#action-event-id' };
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(eventID)) {
    return { problem: 'The event ID may use letters, digits and _ - . : only (up to 128).', field: '#action-event-id' };
  }
  const ttl = Number($('#action-ttl').value);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 604800) {
    return { problem: 'Time to live must be a whole number of seconds from 1 to 604800 (7 days).', field: '#action-ttl' };
  }
  const { step, problem, field } = stepFromForm();
  if (problem) return { problem, field };
  const reports = callback.read(editing !== null);
  if (reports.problem) return reports;
  const name = $('#action-name').value.trim();
  const body = {
    event_id: eventID, name: name || undefined, ttl_seconds: ttl, enabled: $('#action-enabled').checked, ...reports.fields,
  };
  if (earlierSteps.length === 0) return { body: { ...body, ...step } };
  return { body: { ...body, steps: [...earlierSteps, step] } };
}

/** The steps before the form's, each with a Remove button; the form's legend says which step it holds. */
function showSteps() {
  renderStepList($('#action-steps'), earlierSteps, (index) => {
    earlierSteps.splice(index, 1);
    showSteps();
  });
  $('#action-step-legend').textContent = earlierSteps.length ? `Step ${earlierSteps.length + 1}` : 'What it does';
}

/** Says what is wrong with the form, marks the field at fault (if any) and moves the focus there. */
function refuse(problem, field) {
  const form = $('#action-form');
  for (const marked of form.querySelectorAll('[aria-invalid="true"]')) marked.setAttribute('aria-invalid', 'false');
  showError($('#action-form-error'), problem);
  const element = typeof field === 'string' ? $(field) : field;
  if (!element) return;
  element.setAttribute('aria-invalid', 'true');
  element.focus();
}

/** Keeps the form's step and clears the form for the next one. */
function addStep() {
  const { step, problem, field } = stepFromForm();
  if (problem) return refuse(problem, field);
  if (earlierSteps.length + 1 >= 10) return refuse('An action has at most 10 steps.');
  refuse('');
  earlierSteps.push(step);
  showSteps();
  fillStep({ function: 'load_url', params: {}, target: { kind: 'device' } });
  announce($('#actions-status'), `Step ${earlierSteps.length} kept; the form now holds step ${earlierSteps.length + 1}.`);
  $('#action-function').focus();
}

export function setUpActions(openCommand) {
  showCommand = openCommand;
  setUpTargetPicker();
  $('#action-function').addEventListener('change', showParamFields);
  $('#action-cancel').addEventListener('click', resetForm);
  $('#action-add-step').addEventListener('click', addStep);
  const form = $('#action-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { body, problem, field } = formBody();
    refuse(problem || '', problem ? field : undefined);
    if (problem) return;
    const button = $('#action-save');
    button.disabled = true;
    try {
      const saved = editing
        ? await api('PUT', `actions/${segment(editing)}`, body) : await api('POST', 'actions', body);
      announce($('#actions-status'), `Action ${body.event_id} ${editing ? 'saved' : 'created'}.`);
      resetForm();
      await loadActions();
      showSecret(saved);
    } catch (failure) {
      const named = failure.code ? fieldForError(failure.code) : null;
      refuse(named ? `${named.label}: ${failure.message}` : failure.message, named ? named.element : undefined);
    } finally {
      button.disabled = false;
    }
  });
  callback = callbackField($('#action-callback'), 'action');
  showParamFields();
}

/** The callback's signing secret, when the answer made one: shown this once, in the output panel. */
function showSecret(saved) {
  const parts = callbackSecretParts(saved, $('#actions-status'));
  if (parts.length === 0) return;
  outputPanel(`Delivery reports of ${saved.event_id}`, ...parts);
  const secret = $('#action-output-body [data-role=callback-secret]');
  secret.focus();
  secret.select();
}

// The API names the field at fault in its error code (`invalid_<field>`); the step's own fields are checked here.
const FIELDS = [
  ['invalid_event_id', '#action-event-id', 'Event ID'], ['conflict', '#action-event-id', 'Event ID'],
  ['invalid_name', '#action-name', 'Name'], ['invalid_ttl_seconds', '#action-ttl', 'Time to live'],
];

function fieldForError(code) {
  const known = FIELDS.find(([prefix]) => code === prefix);
  return known ? { element: $(known[1]), label: known[2] } : callbackErrorField(code, 'action');
}
