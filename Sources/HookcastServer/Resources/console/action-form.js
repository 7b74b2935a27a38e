// The step in the action form: the function's own fields, the target picker, and reading or filling them.
import { $ } from './ui.js';
import { targetPicker } from './target-picker.js';

let picker = null;

/** Builds the form's target picker (target-picker.js) into its fieldset; once, before anything else here. */
export function setUpTargetPicker() {
  picker = targetPicker($('#action-target'), { prefix: 'target', legend: 'Target' });
}

export function fillTargetOptions() {
  picker.refresh();
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
  picker.fill(step.target);
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
  const { target, problem, field } = picker.read();
  if (problem) return { problem, field };
  return { step: { function: fn, params, target } };
}
