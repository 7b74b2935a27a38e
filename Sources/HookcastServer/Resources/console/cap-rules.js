// CAP rules: the table, create and edit (PUT) through the form in cap-rule-form.js, delete after a confirmation.
import { api, segment } from './api.js';
import { describeTarget } from './actions.js';
import { fieldForError, fillRuleForm, refreshTargets, ruleFromForm, setUpRuleForm } from './cap-rule-form.js';
import { callbackCell, showCallbackSecret } from './callback-field.js';
import { setKnownTargets } from './target-picker.js';
import { $, h, announce, busy, confirmAction, emptyRow, showError } from './ui.js';

const RESPONSES = { auto: 'Automatic', emergency: 'Emergency mode', toast: 'Toast' };

let rules = [];
let editing = null; // the id of the rule in the form, or null when creating

export function ruleName(id) {
  const rule = rules.find((candidate) => candidate.id === id);
  return rule && rule.name !== id ? `${rule.name} (${id})` : id;
}

/** What a rule takes, in one line: "Earthquake · Extreme or Severe · in Springfield", or "Any alert". */
export function describeMatch(match) {
  const or = (values) => values.join(' or ');
  const pairs = (values) => or(values.map((pair) => `${pair.value_name}=${pair.value}`));
  const parts = [];
  if (match.events && match.events.length) parts.push(or(match.events));
  for (const key of ['severities', 'urgencies', 'certainties', 'categories']) {
    if (match[key] && match[key].length) parts.push(or(match[key]));
  }
  if (match.areas && match.areas.length) parts.push(`in ${or(match.areas)}`);
  if (match.geocodes && match.geocodes.length) parts.push(`geocode ${pairs(match.geocodes)}`);
  if (match.event_codes && match.event_codes.length) parts.push(`event code ${pairs(match.event_codes)}`);
  if (match.senders && match.senders.length) parts.push(`from ${or(match.senders)}`);
  return parts.length ? parts.join(' · ') : 'Any alert';
}

export async function loadRules() {
  const error = $('#cap-error');
  try {
    const [ruleList, deviceList, groupList] = await Promise.all([
      api('GET', 'cap/rules'), api('GET', 'devices'), api('GET', 'groups')]);
    rules = ruleList.items;
    setKnownTargets(deviceList.items, groupList.items);
    refreshTargets();
    showError(error, '');
    render();
  } catch (failure) {
    showError(error, failure.message);
  }
}

function render() {
  const body = $('#cap-rules-table tbody');
  const error = $('#cap-error');
  body.replaceChildren();
  if (rules.length === 0) body.append(emptyRow(9, 'No rules yet: alerts are recorded and reach no screen. Create one below.'));
  for (const rule of rules) {
    const edit = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit rule ${rule.id}` }, 'Edit');
    edit.addEventListener('click', () => startEditing(rule));
    const remove = h('button', { type: 'button', class: 'danger secondary small', 'aria-label': `Delete rule ${rule.id}` }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!await confirmAction(`Delete the rule “${rule.name}”? Alerts it would take reach no screen through it from then on; alerts it already acted on stay as they are.`)) return;
      await busy(remove, error, async () => {
        await api('DELETE', `cap/rules/${segment(rule.id)}`);
        if (editing === rule.id) resetForm();
        announce($('#cap-status'), `Rule ${rule.id} deleted.`);
        await loadRules();
      });
    });
    body.append(h('tr', { 'data-rule-id': rule.id },
      h('td', { class: 'mono' }, rule.id),
      h('td', {}, rule.name),
      h('td', {}, describeMatch(rule.match)),
      h('td', {}, describeTarget(rule.target)),
      h('td', {}, RESPONSES[rule.response] || rule.response,
        rule.response === 'emergency' ? null : h('div', { class: 'muted' }, `toasts ${rule.toast_seconds} s`)),
      h('td', {}, rule.test_target ? describeTarget(rule.test_target) : 'Record only'),
      callbackCell(rule.callback_url),
      h('td', {}, h('span', { class: `badge ${rule.enabled ? 'on' : 'off'}` }, rule.enabled ? 'Enabled' : 'Disabled')),
      h('td', {}, h('div', { class: 'buttons' }, edit, remove))));
  }
}

function resetForm() {
  editing = null;
  fillRuleForm(null);
  $('#cap-rule-id').disabled = false;
  $('#cap-rule-form-title').textContent = 'Create a rule';
  $('#cap-rule-save').textContent = 'Create rule';
  $('#cap-rule-cancel').hidden = true;
  refuse('');
}

function startEditing(rule) {
  resetForm();
  editing = rule.id;
  fillRuleForm(rule);
  $('#cap-rule-id').disabled = true;
  $('#cap-rule-form-title').textContent = `Edit rule ${rule.id}`;
  $('#cap-rule-save').textContent = 'Save changes';
  $('#cap-rule-cancel').hidden = false;
  $('#cap-rule-form').scrollIntoView({ block: 'start' });
  $('#cap-rule-name').focus();
}

/** Says what is wrong, marks the field at fault (if any) and moves the focus there. */
function refuse(problem, field) {
  const form = $('#cap-rule-form');
  for (const marked of form.querySelectorAll('[aria-invalid="true"]')) marked.setAttribute('aria-invalid', 'false');
  showError($('#cap-rule-form-error'), problem);
  const element = typeof field === 'string' ? $(field) : field;
  if (!element) return;
  element.setAttribute('aria-invalid', 'true');
  element.focus();
}

async function save(body) {
  const button = $('#cap-rule-save');
  button.disabled = true;
  try {
    const saved = editing
      ? await api('PUT', `cap/rules/${segment(editing)}`, body) : await api('POST', 'cap/rules', body);
    announce($('#cap-status'), `Rule ${body.id} ${editing ? 'saved' : 'created'}.`);
    resetForm();
    await loadRules();
    showCallbackSecret($('#cap-notice'), `Rule “${saved.name}” reports to ${saved.callback_url}.`, saved, $('#cap-status'));
  } catch (failure) {
    // The API's sentence, prefixed with the form's own name for the field its error code names.
    const named = failure.code ? fieldForError(failure.code) : null;
    refuse(named ? `${named.label}: ${failure.message}` : failure.message, named ? named.element : undefined);
  } finally {
    button.disabled = false;
  }
}

export function setUpRules() {
  setUpRuleForm();
  $('#cap-rule-cancel').addEventListener('click', resetForm);
  $('#cap-rule-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const { body, problem, field } = ruleFromForm(editing !== null);
    refuse(problem || '', problem ? field : undefined);
    if (!problem) save(body);
  });
}
