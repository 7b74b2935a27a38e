// CAP feeds (docs/cap.md, "Feeds"): the URLs the gateway polls for alerts, with what the last poll found; add,
// edit (PUT), delete after a confirmation, and "Poll now", whose answer replaces the feed's row.
import { api, segment } from './api.js';
import { $, h, announce, busy, confirmAction, emptyRow, showError, timeElement } from './ui.js';

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const COLUMNS = 9;

let feeds = [];
let editing = null; // the id of the feed in the form, or null when adding

/** The section's markup: the table and the form, built once into the placeholder in index.html. */
function build() {
  const field = (id, label, input, hint) => h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint ? h('small', { id: `${id}-hint` }, hint) : null);
  $('#cap-feeds').replaceChildren(
    h('h2', { id: 'cap-feeds-title' }, 'Feeds'),
    h('p', { class: 'muted' }, 'URLs the gateway polls for alerts: an Atom or RSS feed whose entries are CAP alerts, ',
      'or one alert. What it reads goes through the rules above, as a posted alert does.'),
    h('p', { id: 'cap-feeds-error', class: 'error', role: 'alert' }),
    h('div', { class: 'table-wrap' }, h('table', { id: 'cap-feeds-table' },
      h('caption', {}, 'Feeds polled'),
      h('thead', {}, h('tr', {}, ['ID', 'URL', 'Every', 'Enabled', 'Last polled', 'Last answer', 'Alerts received',
        'Problem', 'Manage'].map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody'))),
    h('form', { id: 'cap-feed-form', class: 'card', novalidate: true, 'aria-labelledby': 'cap-feed-form-title' },
      h('h3', { id: 'cap-feed-form-title' }, 'Add a feed'),
      h('div', { class: 'grid' },
        field('cap-feed-id', 'Feed ID', h('input', { id: 'cap-feed-id', required: true, maxlength: '128',
          placeholder: 'county', 'aria-describedby': 'cap-feed-id-hint' }),
        'Letters, digits, _ - . : ; it cannot change later.'),
        field('cap-feed-url', 'URL', h('input', { id: 'cap-feed-url', type: 'url', required: true, maxlength: '2048',
          placeholder: 'https://alerts.example.org/cap/atom.xml' })),
        field('cap-feed-interval', 'Poll every (seconds)', h('input', { id: 'cap-feed-interval', type: 'number',
          min: '10', max: '86400', value: '60', required: true, 'aria-describedby': 'cap-feed-interval-hint' }),
        '10 to 86400; an unchanged feed costs one 304.'),
        h('div', { class: 'field check' }, h('input', { id: 'cap-feed-enabled', type: 'checkbox', checked: true }),
          h('label', { for: 'cap-feed-enabled' }, 'Enabled'))),
      h('p', { id: 'cap-feed-form-error', class: 'error', role: 'alert' }),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', id: 'cap-feed-save' }, 'Add feed'),
        h('button', { type: 'button', id: 'cap-feed-cancel', class: 'secondary', hidden: true }, 'Cancel editing'))));
}

export async function loadFeeds() {
  const error = $('#cap-feeds-error');
  try {
    feeds = (await api('GET', 'cap/feeds')).items;
    showError(error, '');
    render();
  } catch (failure) {
    showError(error, failure.message);
  }
}

function lastAnswer(feed) {
  if (feed.last_status === 304) return '304 (unchanged)';
  if (feed.last_status !== null) return `HTTP ${feed.last_status}`;
  return feed.last_polled_at ? 'no answer' : '—';
}

function feedRow(feed) {
  const error = $('#cap-feeds-error');
  const poll = h('button', { type: 'button', class: 'small', 'aria-label': `Poll feed ${feed.id} now` }, 'Poll now');
  poll.addEventListener('click', () => busy(poll, error, async () => {
    const polled = await api('POST', `cap/feeds/${segment(feed.id)}/poll`);
    feeds = feeds.map((known) => (known.id === polled.id ? polled : known));
    const row = $(`#cap-feeds-table tr[data-feed-id="${CSS.escape(polled.id)}"]`);
    if (row) row.replaceWith(feedRow(polled));
    announce($('#cap-status'), `Feed ${polled.id} polled: ${polled.last_error || lastAnswer(polled)}.`);
  }));
  const edit = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit feed ${feed.id}` }, 'Edit');
  edit.addEventListener('click', () => startEditing(feed));
  const remove = h('button', { type: 'button', class: 'danger secondary small', 'aria-label': `Delete feed ${feed.id}` }, 'Delete');
  remove.addEventListener('click', async () => {
    if (!await confirmAction(`Stop polling the feed “${feed.id}” (${feed.url})? Alerts it already brought stay as they are.`)) return;
    await busy(remove, error, async () => {
      await api('DELETE', `cap/feeds/${segment(feed.id)}`);
      if (editing === feed.id) resetForm();
      announce($('#cap-status'), `Feed ${feed.id} deleted.`);
      await loadFeeds();
    });
  });
  return h('tr', { 'data-feed-id': feed.id },
    h('td', { class: 'mono' }, feed.id),
    h('td', { 'data-role': 'url' }, h('div', { class: 'url mono' }, feed.url)),
    h('td', { class: 'nowrap', 'data-role': 'interval' }, `${feed.interval_seconds} s`),
    h('td', {}, h('span', { class: `badge ${feed.enabled ? 'on' : 'off'}` }, feed.enabled ? 'Enabled' : 'Disabled')),
    h('td', { 'data-role': 'polled' }, timeElement(feed.last_polled_at)),
    h('td', { class: 'nowrap', 'data-role': 'status' }, lastAnswer(feed)),
    h('td', { 'data-role': 'alerts' }, String(feed.alerts_received)),
    h('td', { 'data-role': 'problem' }, feed.last_error || '—'),
    h('td', {}, h('div', { class: 'buttons' }, poll, edit, remove)));
}

function render() {
  const body = $('#cap-feeds-table tbody');
  body.replaceChildren();
  if (feeds.length === 0) body.append(emptyRow(COLUMNS, 'No feeds: alerts come only from what is posted to the gateway.'));
  for (const feed of feeds) body.append(feedRow(feed));
}

function resetForm() {
  editing = null;
  $('#cap-feed-form').reset();
  $('#cap-feed-id').disabled = false;
  $('#cap-feed-form-title').textContent = 'Add a feed';
  $('#cap-feed-save').textContent = 'Add feed';
  $('#cap-feed-cancel').hidden = true;
  refuse('');
}

function startEditing(feed) {
  resetForm();
  editing = feed.id;
  $('#cap-feed-id').value = feed.id;
  $('#cap-feed-id').disabled = true;
  $('#cap-feed-url').value = feed.url;
  $('#cap-feed-interval').value = feed.interval_seconds;
  $('#cap-feed-enabled').checked = feed.enabled;
  $('#cap-feed-form-title').textContent = `Edit feed ${feed.id}`;
  $('#cap-feed-save').textContent = 'Save changes';
  $('#cap-feed-cancel').hidden = false;
  $('#cap-feed-form').scrollIntoView({ block: 'start' });
  $('#cap-feed-url').focus();
}

/** The request body, or a sentence saying what is wrong and the field to fix. */
function feedFromForm() {
  const id = $('#cap-feed-id').value.trim();
  if (!ID.test(id)) return { problem: 'The feed ID may use letters, digits and _ - . : only (1 to 128).', field: '#cap-feed-id' };
  const url = $('#cap-feed-url').value.trim();
  if (!/^https?:\/\/[^\s/?#]+/i.test(url)) return { problem: 'The URL must be http or https, with a host.', field: '#cap-feed-url' };
  const seconds = Number($('#cap-feed-interval').value);
  if (!Number.isInteger(seconds) || seconds < 10 || seconds > 86400) {
    return { problem: 'Poll every must be a whole number of seconds from 10 to 86400 (a day).', field: '#cap-feed-interval' };
  }
  return { body: { id, url, interval_seconds: seconds, enabled: $('#cap-feed-enabled').checked } };
}

// The API names the field at fault in its error code: `invalid_url`, `invalid_interval_seconds`.
const FIELDS = {
  invalid_id: ['#cap-feed-id', 'Feed ID'], conflict: ['#cap-feed-id', 'Feed ID'], invalid_url: ['#cap-feed-url', 'URL'],
  invalid_interval_seconds: ['#cap-feed-interval', 'Poll every'], invalid_enabled: ['#cap-feed-enabled', 'Enabled'],
};

/** Says what is wrong, marks the field at fault (if any) and moves the focus there. */
function refuse(problem, field) {
  for (const marked of $('#cap-feed-form').querySelectorAll('[aria-invalid="true"]')) marked.setAttribute('aria-invalid', 'false');
  showError($('#cap-feed-form-error'), problem);
  if (!field) return;
  $(field).setAttribute('aria-invalid', 'true');
  $(field).focus();
}

async function save(body) {
  const button = $('#cap-feed-save');
  button.disabled = true;
  try {
    if (editing) await api('PUT', `cap/feeds/${segment(editing)}`, body);
    else await api('POST', 'cap/feeds', body);
    announce($('#cap-status'), `Feed ${body.id} ${editing ? 'saved' : 'added'}.`);
    resetForm();
    await loadFeeds();
  } catch (failure) {
    const named = FIELDS[failure.code];
    refuse(named ? `${named[1]}: ${failure.message}` : failure.message, named ? named[0] : undefined);
  } finally {
    button.disabled = false;
  }
}

export function setUpFeeds() {
  build();
  $('#cap-feed-cancel').addEventListener('click', resetForm);
  $('#cap-feed-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const { body, problem, field } = feedFromForm();
    refuse(problem || '', problem ? field : undefined);
    if (!problem) save(body);
  });
}
