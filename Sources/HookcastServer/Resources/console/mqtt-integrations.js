// Integrations: the table, and the form that makes one bound to an API key.
import { api } from './api.js';
import { $, h, busy, emptyRow, showError, timeElement } from './ui.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
// The API's error codes, and the form's field each names.
const FIELDS = { invalid_name: ['#integration-name', 'Name'], reserved_name: ['#integration-name', 'Name'],
  conflict: ['#integration-name', 'Name'], invalid_key_id: ['#integration-key', 'API key'],
  invalid_description: ['#integration-description', 'Description'] };

function keyLabel(key) {
  return `${key.name} (${key.masked_key})${key.enabled ? '' : ', disabled'}`;
}

function drawKeyChoice(keys) {
  const select = $('#integration-key');
  const chosen = select.value;
  select.replaceChildren(...(keys.length === 0
    ? [h('option', { value: '' }, 'No API keys yet: create one in Webhook API keys')]
    : [h('option', { value: '' }, 'Choose a key…'), ...keys.map((key) => h('option', { value: key.id }, keyLabel(key)))]));
  if (keys.some((key) => key.id === chosen)) select.value = chosen;
}

export function drawIntegrations(integrations, context, buttonsOf) {
  drawKeyChoice(context.keys);
  const body = $('#integrations-table tbody');
  body.replaceChildren();
  if (integrations.length === 0) body.append(emptyRow(6, 'No integrations yet: add one below.'));
  for (const account of integrations) {
    const key = context.keys.find((item) => item.id === account.key_id);
    body.append(h('tr', { 'data-integration': account.name },
      h('td', {}, account.name),
      h('td', { class: 'mono', 'data-role': 'username' }, account.username),
      h('td', { 'data-role': 'key' }, key ? key.name : h('span', { class: 'mono' }, account.key_id)),
      h('td', {}, account.description || h('span', { class: 'muted' }, '—')),
      h('td', {}, timeElement(account.created_at)),
      h('td', {}, h('div', { class: 'buttons' }, ...buttonsOf(account)))));
  }
}

/** A refusal with the field it names marked and focused, and the field's label before the API's sentence. */
export function namedFailure(failure, fields) {
  const named = fields[failure.code];
  if (!named) return failure;
  const element = $(named[0]);
  element.setAttribute('aria-invalid', 'true');
  element.focus();
  return new Error(`${named[1]}: ${failure.message}`);
}

function problemOf(name, key) {
  if (!NAME.test(name)) return ['#integration-name', 'Name: 1 to 64 letters, digits, _ or -, such as crm.'];
  if (!key) return ['#integration-key', 'API key: choose the key whose events this integration may trigger.'];
  return null;
}

export function setUpIntegrations(created) {
  const form = $('#integration-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#integration-form-error');
    for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
    const name = $('#integration-name').value.trim();
    const keyID = $('#integration-key').value;
    const problem = problemOf(name, keyID);
    if (problem) {
      $(problem[0]).setAttribute('aria-invalid', 'true');
      showError(error, problem[1]);
      $(problem[0]).focus();
      return;
    }
    const description = $('#integration-description').value.trim();
    await busy(form.querySelector('button[type=submit]'), error, async () => {
      try {
        const account = await api('POST', 'integrations',
          { name, key_id: keyID, ...(description ? { description } : {}) });
        form.reset();
        await created(account);
      } catch (failure) {
        throw namedFailure(failure, FIELDS);
      }
    });
  });
}
