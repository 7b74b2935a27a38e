// The target picker (one device, a group, all devices, devices with tags; optionally none), shared by the
// Actions form and the CAP rule form. Every element's id starts with the picker's prefix, so one page holds several.
import { $, h } from './ui.js';

/** The registered devices and groups every picker offers; set by the tab that loads them. */
const known = { devices: [], groups: [] };

export function setKnownTargets(devices, groups) {
  known.devices = devices;
  known.groups = groups;
}

const KIND_LABELS = { device: 'One device', group: 'A group', all: 'All devices', tag: 'Devices with tags' };

/**
 * A picker built into `container` (a `fieldset` with `legend`). With `noneLabel`, a first choice "none" stands for
 * no target at all (read as null). Ids: `${prefix}-device`…, `${prefix}-id`, `${prefix}-tags`, `${prefix}-match`.
 */
export function targetPicker(container, { prefix, legend, noneLabel }) {
  const id = (name) => `${prefix}-${name}`;
  const kinds = [...(noneLabel ? ['none'] : []), 'device', 'group', 'all', 'tag'];
  const labels = { none: noneLabel, ...KIND_LABELS };
  container.replaceChildren(
    h('legend', {}, legend),
    h('div', { class: 'radios' }, kinds.flatMap((kind, index) => [
      h('input', { type: 'radio', name: id('kind'), id: id(kind), value: kind, checked: index === 0 }),
      h('label', { for: id(kind) }, labels[kind])])),
    h('div', { class: 'field', id: id('tags-field'), hidden: true },
      h('label', { for: id('tags') }, 'Tags (separated by commas)'),
      h('input', { id: id('tags'), list: id('tag-options'), autocomplete: 'off', 'aria-describedby': id('tags-hint') }),
      h('datalist', { id: id('tag-options') }),
      h('select', { id: id('match'), 'aria-label': 'Which devices' },
        h('option', { value: 'any' }, 'with any of these tags'),
        h('option', { value: 'all' }, 'with all of these tags')),
      h('small', { id: id('tags-hint') })),
    h('div', { class: 'field', id: id('id-field') },
      h('label', { for: id('id') }, 'Search devices'),
      h('input', { id: id('id'), list: id('options'), autocomplete: 'off', 'aria-describedby': id('hint') }),
      h('datalist', { id: id('options') }),
      h('small', { id: id('hint') })));

  const kind = () => container.querySelector(`input[name="${id('kind')}"]:checked`).value;

  /** Shows the fields the chosen kind takes and offers the known devices, groups or tags. */
  function refresh() {
    const chosen = kind();
    $(`#${id('id-field')}`).hidden = chosen !== 'device' && chosen !== 'group';
    $(`#${id('tags-field')}`).hidden = chosen !== 'tag';
    const inUse = [...new Set(known.devices.flatMap((device) => device.tags || []))].sort();
    $(`#${id('tag-options')}`).replaceChildren(...inUse.map((tag) => h('option', { value: tag })));
    $(`#${id('tags-hint')}`).textContent = inUse.length === 0
      ? 'No device has a tag yet; give devices tags on the Devices and groups tab.'
      : `Tags in use: ${inUse.slice(0, 12).join(', ')}${inUse.length > 12 ? ', …' : ''}.`;
    $(`label[for="${id('id')}"]`).textContent = chosen === 'group' ? 'Search groups' : 'Search devices';
    const items = chosen === 'group' ? known.groups : known.devices;
    $(`#${id('options')}`).replaceChildren(...items.map((item) => h('option', { value: item.id }, item.name && item.name !== item.id ? item.name : null)));
    const hint = $(`#${id('hint')}`);
    const noun = chosen === 'group' ? 'group' : 'device';
    if (chosen !== 'device' && chosen !== 'group') hint.textContent = '';
    else if (items.length === 0) hint.textContent = `There are no ${noun}s yet; add them on the Devices and groups tab.`;
    else hint.textContent = `Type to search ${items.length} ${noun}(s) by id or name.`;
    $(`#${id('id')}`).setAttribute('aria-invalid', 'false');
  }

  for (const radio of container.querySelectorAll(`input[name="${id('kind')}"]`)) {
    radio.addEventListener('change', () => { $(`#${id('id')}`).value = ''; refresh(); });
  }

  /** Shows `target` (null: the "none" choice, or the first kind without one). */
  function fill(target) {
    const chosen = target ? target.kind : kinds[0];
    container.querySelector(`input[name="${id('kind')}"][value="${chosen}"]`).checked = true;
    refresh();
    $(`#${id('id')}`).value = (target && target.id) || '';
    $(`#${id('tags')}`).value = ((target && target.tags) || []).join(', ');
    $(`#${id('match')}`).value = (target && target.match) || 'any';
  }

  /** The target chosen (null for "none"), or a sentence saying what is missing and the field to fix. */
  function read() {
    const chosen = kind();
    if (chosen === 'none') return { target: null };
    if (chosen === 'all') return { target: { kind: 'all' } };
    if (chosen === 'tag') {
      const tags = $(`#${id('tags')}`).value.split(',').map((tag) => tag.trim()).filter((tag) => tag);
      if (tags.length === 0) return { problem: 'Name at least one tag to send to.', field: `#${id('tags')}` };
      if (tags.length > 20) return { problem: 'A target names at most 20 tags.', field: `#${id('tags')}` };
      return { target: { kind: 'tag', tags, match: $(`#${id('match')}`).value } };
    }
    const value = $(`#${id('id')}`).value.trim();
    const registered = (chosen === 'group' ? known.groups : known.devices).some((item) => item.id === value);
    if (!registered) {
      return { problem: value ? `There is no ${chosen} “${value}”. Pick one from the list.` : `Choose the ${chosen} to send to.`, field: `#${id('id')}` };
    }
    return { target: { kind: chosen, id: value } };
  }

  /** The element to mark and focus for a problem with this target as a whole. */
  const focusTarget = () => container.querySelector(`input[name="${id('kind')}"]:checked`);

  refresh();
  return { fill, read, refresh, focusTarget };
}
