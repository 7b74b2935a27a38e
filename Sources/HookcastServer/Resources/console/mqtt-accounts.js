// The MQTT accounts tab: integrations and observers (docs/integrations.md, "MQTT accounts"). Loads both lists with
// what their forms choose from (the API keys, the groups) and the gateway's topic prefix, which the password box
// needs to name the topics.
import { api, segment } from './api.js';
import { drawIntegrations, setUpIntegrations } from './mqtt-integrations.js';
import { drawObservers, setUpObservers } from './mqtt-observers.js';
import { clearPassword, showPassword } from './mqtt-password.js';
import { $, h, announce, busy, confirmAction, showError } from './ui.js';

const context = { prefix: 'hookcast/v1', keys: [], groups: [] };

export async function loadMqttAccounts() {
  const error = $('#mqtt-error');
  try {
    const [settings, integrations, observers, keys, groups] = await Promise.all([
      api('GET', 'settings'), api('GET', 'integrations'), api('GET', 'observers'), api('GET', 'keys'),
      api('GET', 'groups')]);
    context.prefix = settings.topic_prefix;
    context.keys = keys.items;
    context.groups = groups.items;
    showError(error, '');
    drawIntegrations(integrations.items, context, accountButtons);
    drawObservers(observers.items, context, accountButtons);
  } catch (failure) {
    showError(error, failure.message);
  }
}

/** The row buttons both kinds share: New password and Delete, wired to `accountActions`. */
function accountButtons(account) {
  const actions = accountActions(account);
  const rotate = h('button', { type: 'button', class: 'secondary small',
    'aria-label': `New password for ${account.username}` }, 'New password');
  rotate.addEventListener('click', () => actions.rotate(rotate));
  const remove = h('button', { type: 'button', class: 'danger secondary small',
    'aria-label': `Delete ${account.username}` }, 'Delete');
  remove.addEventListener('click', () => actions.remove(remove));
  return [rotate, remove];
}

/** What those buttons do: a new password (after a confirmation, shown once) and delete. */
function accountActions(account) {
  const kind = account.kind;
  const plural = `${kind}s`;
  const error = $('#mqtt-error');
  const status = $('#mqtt-status');
  return {
    async rotate(button) {
      const sure = await confirmAction(`Give ${account.username} a new password? The old one stops working and `
        + 'every client connected with it is disconnected.', 'New password');
      if (!sure) return;
      await busy(button, error, async () => {
        const rotated = await api('POST', `${plural}/${segment(account.name)}/password`);
        showPassword(rotated, context.prefix, true);
        announce(status, `New password for ${account.username} shown.`);
      });
    },
    async remove(button) {
      const sure = await confirmAction(`Delete the ${kind} “${account.name}” (${account.username})? Its clients are `
        + 'disconnected and its password stops working. This cannot be undone.');
      if (!sure) return;
      await busy(button, error, async () => {
        await api('DELETE', `${plural}/${segment(account.name)}`);
        // Its password, if still shown, belongs to nothing any more.
        if ($('#mqtt-new-password')?.getAttribute('aria-label')?.endsWith(account.username)) clearPassword();
        announce(status, `${account.username} deleted.`);
        await loadMqttAccounts();
      });
    },
  };
}

export function setUpMqttAccounts() {
  const created = (account) => {
    showPassword(account, context.prefix, false);
    return loadMqttAccounts();
  };
  setUpIntegrations(created);
  setUpObservers(created, loadMqttAccounts);
  // A field the last refusal named is no longer wrong once it is being changed.
  for (const form of ['#integration-form', '#observer-form']) {
    $(form).addEventListener('input', (event) => {
      if (!event.target.hasAttribute('aria-invalid')) return;
      event.target.removeAttribute('aria-invalid');
      showError($(`${form}-error`), '');
    });
  }
}
