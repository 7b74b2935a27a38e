// What an observer sees: the whole fleet, or only some groups. Used by the create form and the edit dialog; every
// element's id starts with the picker's prefix, so both live on one page.
import { h } from './ui.js';

/** Draws the choice into `fieldset` for `groups` (the fleet's groups); `selected` is null for the whole fleet, or
 *  the observer's groups (empty: its groups were all deleted, so it sees nothing until given some). */
export function drawScope(fieldset, prefix, groups, selected) {
  const fleet = selected === null || selected === undefined;
  const chosen = new Set(fleet ? [] : selected);
  const boxes = h('div', { class: 'radios', id: `${prefix}-groups`, role: 'group', 'aria-label': 'Groups it sees' },
    groups.length === 0
      ? h('span', { class: 'muted' }, 'There are no groups yet: add them in Devices and groups.')
      : groups.map((group) => h('span', { class: 'choice' },
        h('input', { type: 'checkbox', id: `${prefix}-group-${group.id}`, value: group.id, checked: chosen.has(group.id),
          disabled: fleet }),
        h('label', { for: `${prefix}-group-${group.id}` },
          group.name && group.name !== group.id ? `${group.id} (${group.name})` : group.id))));
  const radio = (value, label, checked) => h('span', { class: 'choice' },
    h('input', { type: 'radio', name: `${prefix}-kind`, id: `${prefix}-${value}`, value, checked }),
    h('label', { for: `${prefix}-${value}` }, label));
  const kinds = h('div', { class: 'radios' },
    radio('fleet', 'The whole fleet', fleet), radio('some', 'Only the devices of these groups', !fleet));
  kinds.addEventListener('change', () => {
    const some = fieldset.querySelector(`#${prefix}-some`).checked;
    for (const box of boxes.querySelectorAll('input')) box.disabled = !some;
  });
  fieldset.replaceChildren(h('legend', {}, 'What it sees'), kinds, boxes);
}

/** `{groups}` as the API takes it (null: the whole fleet), or `{problem, focus}` when no group is chosen. */
export function readScope(fieldset, prefix) {
  if (fieldset.querySelector(`#${prefix}-fleet`).checked) return { groups: null };
  const groups = [...fieldset.querySelectorAll(`#${prefix}-groups input:checked`)].map((box) => box.value);
  if (groups.length === 0) {
    return { problem: 'Choose at least one group, or the whole fleet.', focus: fieldset.querySelector(`#${prefix}-some`) };
  }
  return { groups };
}

/** The scope in words, for the table. */
export function scopeText(observer) {
  if (observer.fleet) return 'Whole fleet';
  if (observer.groups.length === 0) return 'Nothing (its groups were deleted)';
  return `Groups: ${observer.groups.join(', ')}`;
}
