// Observers: the table, the form that makes one for the whole fleet or some groups, and the dialog that changes
// what one sees (PATCH: its clients stay connected).
import { api, segment } from './api.js';
import { namedFailure } from './mqtt-integrations.js';
import { drawScope, readScope, scopeText } from './mqtt-scope.js';
import { $, h, announce, busy, emptyRow, showError, timeElement } from './ui.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const FIELDS = { invalid_name: ['#observer-name', 'Name'], reserved_name: ['#observer-name', 'Name'],
  conflict: ['#observer-name', 'Name'], invalid_groups: ['#observer-scope-some', 'What it sees'],
  invalid_description: ['#observer-description', 'Description'] };

let reload = async () => {};

export function drawObservers(observers, context, buttonsOf) {
  // The form keeps what was chosen across a reload, as far as those groups still exist.
  const form = $('#observer-scope');
  const before = form.childElementCount ? readScope(form, 'observer-scope') : { groups: null };
  drawScope(form, 'observer-scope', context.groups, before.problem ? [] : before.groups);
  const body = $('#observers-table tbody');
  body.replaceChildren();
  if (observers.length === 0) body.append(emptyRow(7, 'No observers yet: add one below.'));
  for (const account of observers) {
    const edit = h('button', { type: 'button', class: 'secondary small',
      'aria-label': `Change what ${account.username} sees` }, 'Scope…');
    edit.addEventListener('click', () => editObserver(account, context));
    const blind = !account.fleet && account.groups.length === 0;
    body.append(h('tr', { 'data-observer': account.name },
      h('td', {}, account.name),
      h('td', { class: 'mono', 'data-role': 'username' }, account.username),
      h('td', { 'data-role': 'scope' }, blind ? h('span', { class: 'badge off' }, scopeText(account)) : scopeText(account)),
      h('td', { 'data-role': 'commands' }, account.include_commands ? 'Yes' : 'No'),
      h('td', {}, account.description || h('span', { class: 'muted' }, '—')),
      h('td', {}, timeElement(account.created_at)),
      h('td', {}, h('div', { class: 'buttons' }, edit, ...buttonsOf(account)))));
  }
}

/** The dialog: scope, commands and description; Escape or Cancel changes nothing. */
function editObserver(account, context) {
  const dialog = $('#observer-dialog');
  const error = $('#observer-dialog-error');
  const scope = $('#observer-edit-scope');
  showError(error, '');
  $('#observer-dialog-title').textContent = `What ${account.username} sees`;
  drawScope(scope, 'observer-edit', context.groups, account.fleet ? null : account.groups);
  $('#observer-edit-commands').checked = account.include_commands;
  $('#observer-edit-description').value = account.description || '';
  const form = $('#observer-dialog-form');
  const cancel = $('#observer-dialog-cancel');
  const finish = () => {
    form.removeEventListener('submit', onSubmit);
    cancel.removeEventListener('click', finish);
    dialog.removeEventListener('close', finish);
    if (dialog.open) dialog.close();
  };
  const onSubmit = async (event) => {
    event.preventDefault();
    const chosen = readScope(scope, 'observer-edit');
    if (chosen.problem) {
      showError(error, chosen.problem);
      chosen.focus.focus();
      return;
    }
    const description = $('#observer-edit-description').value.trim();
    await busy($('#observer-dialog-save'), error, async () => {
      await api('PATCH', `observers/${segment(account.name)}`, {
        groups: chosen.groups, include_commands: $('#observer-edit-commands').checked,
        description: description || null,
      });
      finish();
      announce($('#mqtt-status'), `${account.username} changed.`);
      await reload();
    });
  };
  form.addEventListener('submit', onSubmit);
  cancel.addEventListener('click', finish);
  dialog.addEventListener('close', finish);
  dialog.showModal();
  scope.querySelector('input:checked')?.focus();
}

export function setUpObservers(created, load) {
  reload = load;
  const form = $('#observer-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#observer-form-error');
    for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
    const name = $('#observer-name');
    if (!NAME.test(name.value.trim())) {
      name.setAttribute('aria-invalid', 'true');
      showError(error, 'Name: 1 to 64 letters, digits, _ or -, such as lobbywatch.');
      name.focus();
      return;
    }
    const chosen = readScope($('#observer-scope'), 'observer-scope');
    if (chosen.problem) {
      showError(error, `What it sees: ${chosen.problem}`);
      chosen.focus.focus();
      return;
    }
    const description = $('#observer-description').value.trim();
    const body = { name: name.value.trim(), include_commands: $('#observer-commands').checked };
    if (chosen.groups) body.groups = chosen.groups;
    if (description) body.description = description;
    await busy(form.querySelector('button[type=submit]'), error, async () => {
      try {
        const account = await api('POST', 'observers', body);
        form.reset();
        $('#observer-scope-fleet').click();
        await created(account);
      } catch (failure) {
        throw namedFailure(failure, FIELDS);
      }
    });
  });
}
