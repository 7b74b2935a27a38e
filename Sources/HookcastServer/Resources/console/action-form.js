// The step in the action form: the function's own fields, the target picker, and reading or filling them.
import { $, h } from './ui.js';

/** The registered devices and groups the target picker offers; set by the Actions tab as it loads them. */
const known = { devices: [], groups: [] };

export function setKnownTargets(devices, groups) {
  known.devices = devices;
  known.groups = groups;
}

function targetKind() {
  return document.querySelector('input[name="target-kind"]:checked').value;
}

export function fillTargetOptions() {
  const kind = targetKind();
  const options = $('#target-options');
  const field = $('#target-id-field');
  const input = $('#target-id');
  field.hidden = kind === 'all' || kind === 'tag';
  $('#target-tags-field').hidden = kind !== 'tag';
  const inUse = [...new Set(known.devices.flatMap((device) => device.tags || []))].sort();
  $('#tag-options').replaceChildren(...inUse.map((tag) => h('option', { value: tag })));
  $('#target-tags-hint').textContent = inUse.length === 0
    ? 'No device has a tag yet; give devices tags on the Devices and groups tab.'
    : `Tags in use: ${inUse.slice(0, 12).join(', ')}${inUse.length > 12 ? ', …' : ''}.`;
  $('label[for="target-id"]').textContent = kind === 'group' ? 'Search groups' : 'Search devices';
  const items = kind === 'group' ? known.groups : known.devices;
  options.replaceChildren(...items.map((item) => h('option', { value: item.id }, item.name && item.name !== item.id ? item.name : null)));
  const hint = $('#target-hint');
  if (kind === 'all' || kind === 'tag') hint.textContent = '';
  else if (items.length === 0) hint.textContent = `There are no ${kind === 'group' ? 'groups' : 'devices'} yet; add them on the Devices and groups tab.`;
  else hint.textContent = `Type to search ${items.length} ${kind === 'group' ? 'group(s)' : 'device(s)'} by id or name.`;
  input.setAttribute('aria-invalid', 'false');
}

export function showParamFields() {
  const chosen = $('#action-function').value;
  for (const field of document.querySelectorAll('#action-form [data-param]')) {
    field.hidden = !field.dataset.param.split(' ').includes(chosen);
  }
}

export function fillStep(step) {
  $('#action-function').value = step.function;
  const params = step.params || {};
  $('#param-url').value = params.url || '';
  $('#param-state').value = params.state || 'on';
  $('#param-message').value = params.message || '';
  $('#param-datasource').value = params.datasource_id || '';
  $('#param-loop').value = params.loop_id || '';
  $('#param-level').value = params.level || 'info';
  $('#param-duration').value = params.duration_seconds || '';
  $('#param-until').value = params.until ? localDateTime(params.until) : '';
  document.querySelector(`input[name="target-kind"][value="${step.target.kind}"]`).checked = true;
  fillTargetOptions();
  $('#target-id').value = step.target.id || '';
  $('#target-tags').value = (step.target.tags || []).join(', ');
  $('#target-match').value = step.target.match || 'any';
  showParamFields();
}

/** An ISO-8601 timestamp as a datetime-local input shows it: the browser's local time, to the minute. */
function localDateTime(timestamp) {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The step in the form (function, params, target), or a sentence saying what is missing. */
export function stepFromForm() {
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
    const registered = (kind === 'group' ? known.groups : known.devices).some((item) => item.id === id);
    if (!registered) {
      return { problem: id ? `There is no ${kind} “${id}”. Pick one from the list.` : `Choose the ${kind} to send to.`, field: '#target-id' };
    }
    target.id = id;
  }
  return { step: { function: fn, params, target } };
}
