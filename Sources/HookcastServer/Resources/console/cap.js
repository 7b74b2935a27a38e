// The CAP tab: rules (cap-rules.js), the feeds polled (cap-feeds.js) and the alerts received (cap-alerts.js); all
// reload when the tab is shown.
import { loadAlerts, setUpAlerts } from './cap-alerts.js';
import { loadFeeds, setUpFeeds } from './cap-feeds.js';
import { loadRules, setUpRules } from './cap-rules.js';

export { capCommandChanged } from './cap-alerts.js';

export async function loadCap() {
  // Rules first: the alert detail names the rules that took it.
  await loadRules();
  await Promise.all([loadFeeds(), loadAlerts()]);
}

/** `openCommand(id)` shows a command on the Commands tab. */
export function setUpCap(openCommand) {
  setUpRules();
  setUpFeeds();
  setUpAlerts(openCommand);
}
