// The CAP rule form: the match criteria (text lines, valueName=value lines, CAP's values as checkboxes), the two
// target pickers, the response with what it does, the callback URL, and which form field an API error's
// `invalid_<field>` names.
import { $, h } from './ui.js';
import { targetPicker } from './target-picker.js';
import { callbackErrorField, callbackField } from './callback-field.js';

const CHECKS = { severities: '#cap-severities', urgencies: '#cap-urgencies', certainties: '#cap-certainties', categories: '#cap-categories' };
const LINES = { events: '#cap-events', areas: '#cap-areas', senders: '#cap-senders' };
const PAIRS = { geocodes: '#cap-geocodes', event_codes: '#cap-event-codes' };

export const RESPONSE_HINTS = {
  auto: 'Extreme and Severe turn emergency mode on; Moderate, Minor and Unknown show a toast. Not for tags.',
  emergency: 'Emergency mode whatever the severity, until the alert is cancelled, updated or expires. Not for tags.',
  toast: 'A toast whatever the severity: critical for Extreme and Severe, warning for Moderate, info otherwise.',
};

let target = null;
let testTarget = null;
let callback = null;

/** The checkboxes from each fieldset's data-values, the pickers, and the response's explanation. Once. */
export function setUpRuleForm() {
  for (const selector of Object.values(CHECKS)) {
    const fieldset = $(selector);
    const name = fieldset.id;
    // Each box with its label in one unbreakable piece: a row wraps between choices, never inside one.
    fieldset.append(h('div', { class: 'radios' }, fieldset.dataset.values.split(' ').map((value) => h('span', { class: 'choice' },
      h('input', { type: 'checkbox', id: `${name}-${value}`, name, value }),
      h('label', { for: `${name}-${value}` }, value)))));
  }
  target = targetPicker($('#cap-target'), { prefix: 'cap-target', legend: 'Target' });
  testTarget = targetPicker($('#cap-test-target'), {
    prefix: 'cap-test', legend: 'Test target: where alerts go whose status is not Actual (Exercise, Test, System, Draft)',
    noneLabel: 'Record only',
  });
  callback = callbackField($('#cap-callback'), 'cap-rule');
  $('#cap-response').addEventListener('change', showResponseHint);
  showResponseHint();
}

function showResponseHint() {
  $('#cap-response-hint').textContent = RESPONSE_HINTS[$('#cap-response').value];
}

/** The known devices and groups changed: the pickers offer them. */
export function refreshTargets() {
  target.refresh();
  testTarget.refresh();
}

const lines = (selector) => $(selector).value.split('\n').map((line) => line.trim()).filter((line) => line);

/** Shows `rule` in the form (null: an empty form for a new rule). */
export function fillRuleForm(rule) {
  $('#cap-rule-form').reset();
  const match = (rule && rule.match) || {};
  for (const [key, selector] of Object.entries(CHECKS)) {
    for (const box of $(selector).querySelectorAll('input')) box.checked = (match[key] || []).includes(box.value);
  }
  for (const [key, selector] of Object.entries(LINES)) $(selector).value = (match[key] || []).join('\n');
  for (const [key, selector] of Object.entries(PAIRS)) {
    $(selector).value = (match[key] || []).map((pair) => `${pair.value_name}=${pair.value}`).join('\n');
  }
  if (rule) {
    $('#cap-rule-id').value = rule.id;
    $('#cap-rule-name').value = rule.name;
    $('#cap-rule-enabled').checked = rule.enabled;
    $('#cap-response').value = rule.response;
    $('#cap-toast-seconds').value = rule.toast_seconds;
  }
  target.fill(rule ? rule.target : null);
  testTarget.fill(rule ? rule.test_target : null);
  callback.fill(rule ? rule.callback_url : null);
  showResponseHint();
}

/** The request body, or a sentence saying what is wrong and the field to fix; `editing`: the rule exists. */
export function ruleFromForm(editing) {
  const id = $('#cap-rule-id').value.trim();
  if (!id) return { problem: 'Enter a rule ID.', field: '#cap-rule-id' };
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) {
    return { problem: 'The rule ID may use letters, digits and _ - . : only (up to 128).', field: '#cap-rule-id' };
  }
  const match = {};
  for (const [key, selector] of Object.entries(CHECKS)) {
    const chosen = [...$(selector).querySelectorAll('input:checked')].map((box) => box.value);
    if (chosen.length) match[key] = chosen;
  }
  for (const [key, selector] of Object.entries(LINES)) {
    const values = lines(selector);
    if (values.length) match[key] = values;
  }
  for (const [key, selector] of Object.entries(PAIRS)) {
    const pairs = [];
    for (const line of lines(selector)) {
      const equals = line.indexOf('=');
      const pair = { value_name: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim() };
      if (equals < 0 || !pair.value_name || !pair.value) {
        return { problem: `“${line}” is not valueName=value (for example SAME=006113).`, field: selector };
      }
      pairs.push(pair);
    }
    if (pairs.length) match[key] = pairs;
  }
  const seconds = Number($('#cap-toast-seconds').value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86400) {
    return { problem: 'Toast seconds must be a whole number from 1 to 86400 (a day).', field: '#cap-toast-seconds' };
  }
  const chosen = target.read();
  if (chosen.problem) return chosen;
  const test = testTarget.read();
  if (test.problem) return test;
  const reports = callback.read(editing);
  if (reports.problem) return reports;
  const name = $('#cap-rule-name').value.trim();
  return {
    body: {
      id, name: name || undefined, enabled: $('#cap-rule-enabled').checked, match, target: chosen.target,
      response: $('#cap-response').value, toast_seconds: seconds, test_target: test.target, ...reports.fields,
    },
  };
}

// The API names the field at fault in its error code: `invalid_match_severities[0]`, `invalid_test_target_kind`.
const FIELDS = [
  ['invalid_id', '#cap-rule-id', 'Rule ID'], ['conflict', '#cap-rule-id', 'Rule ID'],
  ['invalid_name', '#cap-rule-name', 'Name'], ['invalid_enabled', '#cap-rule-enabled', 'Enabled'],
  ['invalid_match_events', '#cap-events', 'Events'], ['invalid_match_areas', '#cap-areas', 'Areas'],
  ['invalid_match_senders', '#cap-senders', 'Senders'], ['invalid_match_geocodes', '#cap-geocodes', 'Geocodes'],
  ['invalid_match_event_codes', '#cap-event-codes', 'Event codes'],
  ['invalid_match_severities', '#cap-severities input', 'Severities'],
  ['invalid_match_urgencies', '#cap-urgencies input', 'Urgencies'],
  ['invalid_match_certainties', '#cap-certainties input', 'Certainties'],
  ['invalid_match_categories', '#cap-categories input', 'Categories'],
  ['invalid_match', '#cap-events', 'Which alerts it takes'],
  ['invalid_test_target', () => testTarget.focusTarget(), 'Test target'],
  ['invalid_target', () => target.focusTarget(), 'Target'],
  ['invalid_response', '#cap-response', 'Response'], ['invalid_toast_seconds', '#cap-toast-seconds', 'Toast seconds'],
];

/** The form field an API error is about, and its label: `{ element, label }`, or null when it names none. */
export function fieldForError(code) {
  for (const [prefix, where, label] of FIELDS) {
    if (code !== prefix && !code.startsWith(`${prefix}_`) && !code.startsWith(`${prefix}[`)) continue;
    return { element: typeof where === 'function' ? where() : $(where), label };
  }
  return callbackErrorField(code, 'cap-rule');
}
