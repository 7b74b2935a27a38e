// The console's entry point: signing in and out, the tabs, and the live event stream.
import { api, setCsrfToken, whenSignedOut } from './api.js';
import { loadActions, setUpActions } from './actions.js';
import { loadAudit, setUpAudit } from './audit.js';
import { loadCallbacks, setUpCallbacks } from './callbacks.js';
import { capCommandChanged, loadCap, setUpCap } from './cap.js';
import { loadCommands, openCommand, setAcknowledgementDeadline, upsertCommand } from './commands.js';
import { loadDevices, setUpDevices, updatePresence } from './devices.js';
import { loadKeys, setUpKeys } from './keys.js';
import { loadMqttAccounts, setUpMqttAccounts } from './mqtt-accounts.js';
import { clearPassword } from './mqtt-password.js';
import { $, showError } from './ui.js';

const TABS = ['keys', 'actions', 'devices', 'mqtt', 'commands', 'cap', 'audit', 'callbacks'];
const loaders = {
  keys: loadKeys, actions: loadActions, devices: loadDevices, mqtt: loadMqttAccounts, commands: loadCommands,
  cap: loadCap, audit: loadAudit, callbacks: loadCallbacks,
};
let events = null;
let current = null;

function selectTab(name, focus = false) {
  if (!TABS.includes(name)) name = 'keys';
  current = name;
  for (const tab of TABS) {
    const button = $(`#tab-${tab}`);
    const selected = tab === name;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`#panel-${tab}`).hidden = !selected;
  }
  if (focus) $(`#tab-${name}`).focus();
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  loaders[name]();
}

function setUpTabs() {
  for (const tab of TABS) {
    $(`#tab-${tab}`).addEventListener('click', () => selectTab(tab));
  }
  // Arrow keys move between tabs, as for any tab list (WAI-ARIA authoring practices).
  $('[role=tablist]').addEventListener('keydown', (event) => {
    const index = TABS.indexOf(current);
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: TABS.length - 1 - index };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectTab(TABS[(index + moves[event.key] + TABS.length) % TABS.length], true);
  });
  window.addEventListener('hashchange', () => selectTab(location.hash.slice(1)));
}

function liveStatus(text, on) {
  const status = $('#live-status');
  status.textContent = text;
  status.className = `live ${on ? 'on' : 'off'}`;
}

function connectLive() {
  if (events) events.close();
  events = new EventSource('/api/v1/events');
  events.addEventListener('hello', (event) => {
    setAcknowledgementDeadline(JSON.parse(event.data).ack_deadline_seconds);
    liveStatus('Live', true);
    // Whatever happened while the stream was away: the open tab reloads once.
    if (current === 'commands' || current === 'devices' || current === 'cap') loaders[current]();
  });
  events.addEventListener('command', (event) => {
    const command = JSON.parse(event.data);
    upsertCommand(command);
    if (current === 'cap') capCommandChanged(command);
  });
  events.addEventListener('presence', (event) => updatePresence(JSON.parse(event.data)));
  events.addEventListener('resync', () => loadCommands());
  events.addEventListener('error', async () => {
    liveStatus('Live updates interrupted: reconnecting…', false);
    if (events.readyState !== EventSource.CLOSED) return; // the browser retries by itself
    // Closed for good: the answer was not a stream, most likely because the session ended.
    try {
      await api('GET', 'session');
      setTimeout(connectLive, 3000);
    } catch {
      signedOut('Your session has ended; sign in again.');
    }
  });
}

function showConsole() {
  $('#loading').hidden = true;
  $('#sign-in').hidden = true;
  $('#console').hidden = false;
  $('#sign-out').hidden = false;
  connectLive();
  selectTab(location.hash.slice(1));
}

function signedOut(message) {
  if (events) { events.close(); events = null; }
  setCsrfToken(null);
  // A password shown once must not outlive the session that asked for it.
  clearPassword();
  liveStatus('', false);
  $('#loading').hidden = true;
  $('#console').hidden = true;
  $('#sign-out').hidden = true;
  $('#sign-in').hidden = false;
  showError($('#sign-in-error'), message || '');
  $('#admin-token').focus();
}

function setUpSignIn() {
  $('#sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const field = $('#admin-token');
    const error = $('#sign-in-error');
    if (!field.value.trim()) {
      field.setAttribute('aria-invalid', 'true');
      showError(error, 'Enter the admin token (it starts with hka_).');
      field.focus();
      return;
    }
    const button = event.target.querySelector('button');
    button.disabled = true;
    try {
      const session = await api('POST', 'session', { token: field.value.trim() });
      setCsrfToken(session.csrf_token);
      field.value = '';
      field.removeAttribute('aria-invalid');
      showError(error, '');
      showConsole();
    } catch (failure) {
      field.setAttribute('aria-invalid', 'true');
      showError(error, failure.code === 'invalid_admin_token'
        ? 'That is not the admin token. It is the hka_… line hookcast serve printed on its first start.'
        : failure.message);
      field.focus();
    } finally {
      button.disabled = false;
    }
  });
  $('#sign-out').addEventListener('click', async () => {
    try { await api('DELETE', 'session'); } catch { /* signed out either way */ }
    signedOut('Signed out.');
  });
}

async function start() {
  setUpSignIn();
  setUpTabs();
  setUpKeys();
  const showCommand = (id) => { selectTab('commands'); openCommand(id); };
  setUpActions(showCommand);
  setUpCap(showCommand);
  setUpAudit();
  setUpCallbacks();
  setUpDevices();
  setUpMqttAccounts();
  whenSignedOut((error) => signedOut(error.code === 'session_expired' ? error.message : 'Your session has ended; sign in again.'));
  try {
    const session = await api('GET', 'session');
    setCsrfToken(session.csrf_token);
    showConsole();
  } catch {
    signedOut('');
  }
}

start();
