// The CAP tab: rules (cap-rules.js) above the alerts received (cap-alerts.js); both reload when the tab is shown.
import { loadAlerts, setUpAlerts } from './cap-alerts.js';
import { loadRules, setUpRules } from './cap-rules.js';

export { capCommandChanged } from './cap-alerts.js';

export async function loadCap() {
  // Rules first: the alert detail names the rules that took it.
  await loadRules();
  await loadAlerts();
}

/** `openCommand(id)` shows a command on the Commands tab. */
export function setUpCap(openCommand) {
  setUpRules();
  setUpAlerts(openCommand);
}
