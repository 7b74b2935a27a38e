// An MQTT account's password, shown once (created or replaced) with what the other system needs to connect: its
// user name, the client id rule and its topics. The password lives only in this box; Done removes it from the page.
import { $, h, copyButton } from './ui.js';

const NOTICE = '#mqtt-created';

export function clearPassword() {
  const notice = $(NOTICE);
  notice.hidden = true;
  notice.replaceChildren();
}

function topicsOf(account, prefix) {
  if (account.kind === 'integration') {
    return [
      ['Triggers', h('code', {}, `${prefix}/triggers/{event_id}`), ' (MQTT v5, QoS 1; the body is the webhook\'s)'],
      ['Answers', 'set the trigger\'s response topic to ', h('code', {}, `${prefix}/answers/${account.name}`),
        ' or below it, such as ', h('code', {}, `${prefix}/answers/${account.name}/r1`)],
    ];
  }
  const receives = [`${prefix}/devices/+/acks`, `${prefix}/devices/+/status`, `${prefix}/state/emergency/#`];
  if (account.include_commands) receives.push(`${prefix}/devices/+/commands`);
  return [['Subscribe to', receives.flatMap((topic, index) => [index ? ', ' : '', h('code', {}, topic)]),
    ' (it receives only what its scope allows, and may publish nothing)']];
}

/** Shows `account.password` once. `rotated`: it replaces the old one, whose clients were disconnected. */
export function showPassword(account, prefix, rotated) {
  const notice = $(NOTICE);
  const status = $('#mqtt-status');
  const kind = account.kind === 'integration' ? 'integration' : 'observer';
  const field = h('input', { class: 'mono', readonly: true, id: 'mqtt-new-password',
    'aria-label': `MQTT password of ${account.username}` });
  field.value = account.password;
  const parts = [
    h('p', {}, h('strong', {}, rotated ? `New password for the ${kind} “${account.name}”.`
      : `${kind[0].toUpperCase()}${kind.slice(1)} “${account.name}” created.`),
      ' The password is shown this once; the broker keeps only its hash.',
      rotated ? ' The old one no longer works, and its clients were disconnected.' : ''),
    h('dl', { class: 'facts' },
      h('dt', {}, 'MQTT user name'), h('dd', {}, h('code', { 'data-role': 'username' }, account.username)),
      h('dt', {}, 'Client id'), h('dd', { 'data-role': 'client-id' }, h('code', {}, account.username), ' or ',
        h('code', {}, `${account.username}:`), ' and anything, such as ', h('code', {}, `${account.username}:worker-1`),
        ', so several clients can share the account'),
      ...topicsOf(account, prefix).flatMap(([term, ...description]) =>
        [h('dt', {}, term), h('dd', { 'data-role': 'topics' }, ...description)])),
    h('div', { class: 'secret-row' }, field, copyButton('Copy password', () => field.value || null, status)),
  ];
  if (account.kind === 'integration') {
    const command = `mosquitto_pub -V mqttv5 -u ${account.username} -P "$PASSWORD" -i ${account.username}:1 -q 1 `
      + `-t ${prefix}/triggers/EVENT_ID -m '{}' -D publish response-topic ${prefix}/answers/${account.name}/r1`;
    parts.push(h('p', {}, 'For example, with the password in ', h('code', {}, '$PASSWORD'), ' and your broker\'s ',
      h('code', {}, '-h'), ' and ', h('code', {}, '-p'), ':'),
    h('div', { class: 'secret-row' }, h('pre', { class: 'command' }, command),
      copyButton('Copy command', () => command, status)));
  }
  const close = h('button', { type: 'button', class: 'secondary small', id: 'mqtt-created-done' }, 'Done');
  close.addEventListener('click', clearPassword);
  parts.push(h('p', {}), close);
  notice.replaceChildren(...parts);
  notice.hidden = false;
  field.focus();
  field.select();
}
