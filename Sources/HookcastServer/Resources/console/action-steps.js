// Actions with several steps: how a step reads in the table and the list of steps kept so far in the form.
import { describeTarget, FUNCTION_LABELS } from './actions.js';
import { h } from './ui.js';

/** "Show toast message → Devices with any of the tags lobby" */
export function stepSummary(step) {
  return `${FUNCTION_LABELS[step.function] || step.function} → ${describeTarget(step.target)}`;
}

/** The steps kept so far, numbered, each with a Remove button that calls `onRemove(index)`. */
export function renderStepList(list, steps, onRemove) {
  list.replaceChildren(...steps.map((step, index) => {
    const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove step ${index + 1}` }, 'Remove');
    remove.addEventListener('click', () => onRemove(index));
    return h('li', {}, h('span', {}, `Step ${index + 1}: ${stepSummary(step)}`), ' ', remove);
  }));
  list.parentElement.hidden = steps.length === 0;
}
