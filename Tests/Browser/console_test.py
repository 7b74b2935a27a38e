"""The web console in a real headless Chromium, against a real `hookcast serve`, broker and device agents.

scripts/browser-tests starts the broker and the gateway and runs this file with:
HOOKCAST_URL, HOOKCAST_ADMIN_TOKEN, HOOKCAST_MQTT_PORT, HOOKCAST_BIN (the agent), BROWSER_TEST_OUTPUT (screenshots,
agent logs), CHROMIUM and CHROMEDRIVER (Debian's). The steps run in order and build on each other, as an operator
would: sign in, create a key, add devices and a group, create an action for each target kind, generate its URL,
open it, watch the command reach 100 % ok, delete the key and see the trigger refused.
"""

import json
import os
import subprocess
import time
import unittest
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["HOOKCAST_URL"]
TOKEN = os.environ["HOOKCAST_ADMIN_TOKEN"]
MQTT_PORT = os.environ["HOOKCAST_MQTT_PORT"]
HOOKCAST = os.environ["HOOKCAST_BIN"]
OUTPUT = Path(os.environ.get("BROWSER_TEST_OUTPUT", ".build-browser-tests"))

# docs/cap.md's worked example; `sent` is filled in when the step runs.
CAP_ALERT = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>alerts@city.example</sender>
  <sent>{sent}</sent>
  <status>Actual</status>
  <msgType>{msg_type}</msgType>
  <scope>Public</scope>{references}
  <info>
    <category>Geo</category>
    <event>Earthquake</event>
    <urgency>Immediate</urgency>
    <severity>Extreme</severity>
    <certainty>Observed</certainty>
    <headline>Strong earthquake: take cover</headline>
    <instruction>Drop, cover and hold on. Stay away from windows.</instruction>
    <area><areaDesc>City of Springfield</areaDesc></area>
  </info>
</alert>
"""


class ConsoleTest(unittest.TestCase):
    """One operator's session, step by step; a failed step skips the steps after it."""

    failed = False
    agents = []
    state = {}

    @classmethod
    def setUpClass(cls):
        OUTPUT.mkdir(parents=True, exist_ok=True)
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,1000", "--force-device-scale-factor=1", "--lang=en-GB",
                         "--no-first-run", "--disable-extensions"):
            options.add_argument(argument)
        service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"),
                          log_output=str(OUTPUT / "chromedriver.log"))
        cls.driver = webdriver.Chrome(options=options, service=service)
        cls.driver.set_page_load_timeout(30)
        # The page's "Copy" buttons use the Clipboard API; reading it back needs the permission too.
        cls.driver.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": BASE, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})

    @classmethod
    def tearDownClass(cls):
        try:
            (OUTPUT / "browser-console.log").write_text(
                "\n".join(json.dumps(entry) for entry in cls.driver.get_log("browser")))
        except Exception:  # the log is a help for debugging, not part of the verdict
            pass
        cls.driver.quit()
        for process in cls.agents:
            process.terminate()
        for process in cls.agents:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def setUp(self):
        if ConsoleTest.failed:
            self.skipTest("an earlier step failed")

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result else 0
        outcome = super().run(result)
        if result and len(result.failures) + len(result.errors) > before:
            ConsoleTest.failed = True
            self.driver.save_screenshot(str(OUTPUT / f"failed-{self._testMethodName}.png"))
        return outcome

    # --- helpers ---

    def wait(self, condition, seconds=15, message=""):
        # Tables are redrawn as data arrives: an element found a moment ago may be gone; look again.
        return WebDriverWait(self.driver, seconds, ignored_exceptions=(
            StaleElementReferenceException, NoSuchElementException)).until(condition, message)

    def read(self, read, message="the element kept being redrawn"):
        """What `read()` returns, read again if an element it reads was redrawn meanwhile (went stale). Anything
        read from a live table after a wait goes through here: the next event can redraw it at any moment."""
        return self.wait(lambda d: [read()], message=message)[0]

    def row_button(self, table, attribute, value, label):
        """Clicks the button `label` in a table row, finding the row afresh if it was redrawn meanwhile."""
        def attempt(driver):
            button = self.row(table, attribute, value).find_element(By.XPATH, f".//button[text()='{label}']")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
            button.click()
            return True
        self.wait(attempt, message=f"no {label} button in {table} row {value}")

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def visible(self, selector, seconds=15):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, selector)), seconds,
                         f"{selector} not visible")

    def click(self, selector):
        """Clicks `selector` once it is clickable, finding it afresh if it was redrawn in between (went stale)."""
        def attempt(driver):
            element = EC.element_to_be_clickable((By.CSS_SELECTOR, selector))(driver)
            if not element:
                return False
            try:
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
                element.click()
            except StaleElementReferenceException:
                return False
            return element
        return self.wait(attempt, 15, f"{selector} not clickable")

    def type_into(self, selector, text):
        element = self.visible(selector)
        element.clear()
        element.send_keys(text)
        return element

    def tab(self, name):
        self.click(f"#tab-{name}")
        self.visible(f"#panel-{name}")

    def clipboard(self):
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "navigator.clipboard.readText().then(done, (e) => done('ERROR ' + e));")

    def fetch(self, method, path, headers=None, body=None):
        """A request from the page itself (same origin, the session cookie goes along)."""
        return self.driver.execute_async_script(
            "const [method, path, headers, body, done] = arguments;"
            "fetch(path, {method, headers, body, credentials: 'same-origin'})"
            ".then(async (r) => done({status: r.status, text: await r.text()}), (e) => done({status: 0, text: String(e)}));",
            method, path, headers or {}, body)

    def screenshot(self, name, whole_page=True):
        """The page as a person sees it; `whole_page` grows the window to the page's height first."""
        path = OUTPUT / f"console-{name}.png"
        size = self.driver.get_window_size()
        if whole_page:
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(size["width"], min(max(height + 140, size["height"]), 4000))
            time.sleep(0.2)
        self.driver.save_screenshot(str(path))
        if whole_page:
            self.driver.set_window_size(size["width"], size["height"])
        return path

    def row(self, table, attribute, value):
        return self.find(f'#{table} tr[{attribute}="{value}"]')

    def start_agent(self, device_id, password, failing_restart=False):
        """Starts `hookcast device`; with `failing_restart`, its restart_device hook fails, as a screen that is off."""
        password_file = OUTPUT / f"{device_id}.password"
        password_file.write_text(password)
        password_file.chmod(0o600)
        command = [HOOKCAST, "device", "--id", device_id, "--mqtt-port", MQTT_PORT,
                   "--mqtt-password-file", str(password_file), "--state-file", str(OUTPUT / f"{device_id}.json")]
        if failing_restart:
            hooks = OUTPUT / f"{device_id}-hooks"
            hooks.mkdir(exist_ok=True)
            hook = hooks / "restart_device"
            hook.write_text("#!/bin/sh\necho 'screen is off' >&2\nexit 1\n")
            hook.chmod(0o755)
            command += ["--hooks", str(hooks)]
        with open(OUTPUT / f"{device_id}.log", "w") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        ConsoleTest.agents.append(process)

    # --- the steps ---

    def test_01_sign_in(self):
        self.driver.get(BASE + "/")
        self.visible("#sign-in")
        self.type_into("#admin-token", "hka_not-the-token")
        self.click("#sign-in-form button[type=submit]")
        self.wait(lambda d: "not the admin token" in self.find("#sign-in-error").text, message="no error in words")
        self.assertEqual(self.find("#admin-token").get_attribute("aria-invalid"), "true")
        self.screenshot("sign-in")

        self.type_into("#admin-token", TOKEN)
        self.find("#admin-token").send_keys(Keys.ENTER)
        self.visible("#panel-keys")
        cookies = {cookie["name"]: cookie for cookie in self.driver.get_cookies()}
        session = cookies["hookcast_session"]
        self.assertTrue(session["httpOnly"])
        self.assertEqual(session["sameSite"], "Strict")
        self.assertNotIn("hookcast_session", self.driver.execute_script("return document.cookie"))
        self.assertNotIn(TOKEN, self.driver.page_source)
        # Live updates are on: the event stream said hello.
        self.wait(lambda d: self.find("#live-status").text == "Live", message="event stream not connected")

    def test_02_api_key(self):
        self.tab("keys")
        self.type_into("#key-name", "emergency service")
        self.click("#key-form button[type=submit]")
        created = self.visible("#new-key-value")
        key = created.get_attribute("value")
        self.assertRegex(key, r"^hk_[A-Za-z0-9_-]{20,}$")
        ConsoleTest.state["key"] = key
        self.click("#key-created button.secondary")  # "Copy key"
        self.wait(lambda d: self.clipboard() == key, message="the new key is not on the clipboard")

        row = self.wait(lambda d: d.find_element(By.XPATH, "//table[@id='keys-table']//tr[td[1][contains(., 'emergency service')]]"))
        key_id = row.get_attribute("data-key-id")
        ConsoleTest.state["key_id"] = key_id
        masked = self.wait(lambda d: self.row("keys-table", "data-key-id", key_id)
                           .find_element(By.CSS_SELECTOR, "[data-role=key]").text)
        self.assertTrue(masked.startswith("hk_") and "…" in masked and masked != key, masked)

        # View reveals the key in the row; Hide masks it again.
        self.row_button("keys-table", "data-key-id", key_id, "View")
        self.wait(lambda d: self.row("keys-table", "data-key-id", key_id)
                  .find_element(By.CSS_SELECTOR, "[data-role=key]").text == key, message="View did not reveal the key")
        self.screenshot("keys")
        self.row_button("keys-table", "data-key-id", key_id, "Hide")
        self.wait(lambda d: self.row("keys-table", "data-key-id", key_id)
                  .find_element(By.CSS_SELECTOR, "[data-role=key]").text == masked)

        # Copy from the row (clear the clipboard first, so the check sees this copy).
        self.driver.execute_async_script("const done = arguments[0]; navigator.clipboard.writeText('-').then(done, done);")
        self.row_button("keys-table", "data-key-id", key_id, "Copy")
        self.wait(lambda d: self.clipboard() == key, message="Copy did not put the key on the clipboard")

        # Disable, then enable again.
        self.row_button("keys-table", "data-key-id", key_id, "Disable")
        self.wait(lambda d: "Disabled" in self.row("keys-table", "data-key-id", key_id).text)
        self.row_button("keys-table", "data-key-id", key_id, "Enable")
        self.wait(lambda d: "Enabled" in self.row("keys-table", "data-key-id", key_id).text)

        # A signing-secret rotation's grace period shows in the key's row (rotated through the API, as a script would:
        # the first rotation makes the key's first secret, the second replaces it).
        rotated = self.fetch("POST", f"/api/v1/keys/{key_id}/signing-secret",
                             {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
                             '{"grace_seconds":3600}')
        self.assertEqual(rotated["status"], 201, rotated)
        rotated = self.fetch("POST", f"/api/v1/keys/{key_id}/signing-secret",
                             {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
                             '{"grace_seconds":3600}')
        self.assertIn("previous_signing_secret_expires_at", rotated["text"])
        self.tab("devices")
        self.tab("keys")
        grace = self.wait(lambda d: self.row("keys-table", "data-key-id", key_id)
                          .find_element(By.CSS_SELECTOR, "[data-role=signing-grace]"))
        self.assertIn("old signing secret valid until", grace.text)

        # A state-changing call without the CSRF token is refused, even from the console's own page.
        forged = self.fetch("POST", "/api/v1/keys", {"Content-Type": "application/json"}, '{"name":"forged"}')
        self.assertEqual(forged["status"], 403, forged)
        self.assertIn("csrf_token_invalid", forged["text"])

    def test_03_devices_and_group(self):
        self.tab("devices")
        for device_id, name in (("web-1", "Lobby screen"), ("web-2", "Hall screen")):
            self.type_into("#device-id", device_id)
            self.type_into("#device-name", name)
            self.click("#device-form button[type=submit]")
            self.wait(lambda d: f"MQTT password for {device_id}" in self.find("#device-created").text)
            password = self.find("#new-device-password").get_attribute("value")
            self.assertGreaterEqual(len(password), 16)
            self.start_agent(device_id, password, failing_restart=device_id == "web-2")
        self.type_into("#group-id", "lobby")
        self.type_into("#group-name", "Lobby screens")
        self.click("#group-form button[type=submit]")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '#groups-table tr[data-group-id="lobby"]'))

        for device_id in ("web-1", "web-2"):
            self.row_button("devices-table", "data-device-id", device_id, "Groups…")
            box = self.visible("#member-lobby")
            if not box.is_selected():
                box.click()
            self.click("#groups-dialog-save")
            self.wait(lambda d: "lobby" in self.row("devices-table", "data-device-id", device_id)
                      .find_element(By.CSS_SELECTOR, "[data-role=groups]").text, message=f"{device_id} not in lobby")

        # Presence arrives through the event stream: no reload.
        self.driver.execute_script("window.__notReloaded = true")
        for device_id in ("web-1", "web-2"):
            self.wait(lambda d: "Online" in self.row("devices-table", "data-device-id", device_id)
                      .find_element(By.CSS_SELECTOR, "[data-role=presence]").text, 30, f"{device_id} never online")
        self.assertTrue(self.driver.execute_script("return window.__notReloaded === true"))

    def create_action(self, event_id, name, function, target_kind, target_id=None, fill=None):
        self.tab("actions")
        self.type_into("#action-event-id", event_id)
        self.type_into("#action-name", name)
        Select(self.find("#action-function")).select_by_value(function)
        if fill:
            fill()
        self.click(f"#target-{target_kind}")
        if target_id:
            self.type_into("#target-id", target_id)
        self.type_into("#action-ttl", "600")
        self.click("#action-save")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f'#actions-table tr[data-event-id="{event_id}"]'),
                  message=f"action {event_id} not listed: {self.find('#action-form-error').text}")

    def test_04_actions(self):
        # The form refuses what the API would, in words, before sending anything.
        self.tab("actions")
        self.type_into("#action-event-id", "incomplete")
        Select(self.find("#action-function")).select_by_value("load_url")
        self.click("#action-save")
        self.wait(lambda d: "http or https URL" in self.find("#action-form-error").text)
        self.find("#action-form").find_element(By.ID, "param-url").send_keys("https://example.com/map")
        self.click("#target-device")
        self.type_into("#target-id", "nobody")
        self.click("#action-save")
        self.wait(lambda d: "There is no device “nobody”" in self.find("#action-form-error").text)
        self.assertFalse(self.find("#action-cancel").is_displayed(), "Cancel editing shown while creating")

        self.create_action("door-map", "Door map", "load_url", "device", "web-1",
                           lambda: self.type_into("#param-url", "https://example.com/map"))
        self.create_action("lobby-refresh", "Refresh the lobby", "refresh_content", "group", "lobby")

        def emergency():
            Select(self.find("#param-state")).select_by_value("on")
            self.type_into("#param-message", "Leave the building")
        self.create_action("quake", "Earthquake", "emergency", "all", None, emergency)
        self.create_action("restart-all", "Restart every screen", "restart_device", "all")

        def toast():
            self.type_into("#param-message", "Coffee in the lobby")
            Select(self.find("#param-level")).select_by_value("warning")
            self.type_into("#param-duration", "600")
        self.create_action("coffee", "Coffee toast", "show_toast", "device", "web-1", toast)
        self.assertIn("Group lobby", self.read(lambda: self.row("actions-table", "data-event-id", "lobby-refresh").text))
        self.assertIn("All devices", self.read(lambda: self.row("actions-table", "data-event-id", "quake").text))

        # Edit: the function's own fields are filled in, and a change is saved.
        self.row_button("actions-table", "data-event-id", "door-map", "Edit")
        self.wait(lambda d: self.find("#param-url").get_attribute("value") == "https://example.com/map")
        self.assertFalse(self.find("#action-event-id").is_enabled())
        self.assertTrue(self.find("#action-cancel").is_displayed())
        self.type_into("#param-url", "https://example.com/map2")
        self.click("#action-save")
        self.wait(lambda d: "map2" in self.row("actions-table", "data-event-id", "door-map").text)

        # Generate URL: a GET URL with the key and a Base64 payload, and a curl line.
        self.row_button("actions-table", "data-event-id", "quake", "Generate URL")
        url = self.visible("#trigger-url").get_attribute("value")
        self.assertIn(f"apiKey={ConsoleTest.state['key']}", url)
        self.assertIn("payload=", url)
        curl = self.find("#trigger-curl").text
        self.assertIn(f"x-webhook-apikey: {ConsoleTest.state['key']}", curl)
        self.assertIn('"event_id":"quake"', curl)
        self.find("#action-output").find_element(By.XPATH, ".//button[text()='Copy URL']").click()
        self.wait(lambda d: self.clipboard() == url, message="Copy URL did not copy")
        self.screenshot("actions")

    def trigger_and_watch(self, event_id, expected_devices):
        """Generates the action's URL, opens it in a tab (the GET trigger) and watches the Commands tab."""
        self.tab("actions")
        self.row_button("actions-table", "data-event-id", event_id, "Generate URL")
        self.wait(lambda d: f"Trigger URL for {event_id}" in self.find("#action-output-title").text)
        url = self.find("#trigger-url").get_attribute("value")
        self.tab("commands")
        self.driver.execute_script("window.__notReloaded = true")
        console = self.driver.current_window_handle
        self.driver.switch_to.new_window("tab")
        self.driver.get(url)
        answer = json.loads(self.driver.find_element(By.TAG_NAME, "body").text)
        self.driver.close()
        self.driver.switch_to.window(console)
        self.assertEqual(answer["message"], "success", answer)
        self.assertEqual(answer["targets"], expected_devices)
        command_id = answer["command_id"]
        # The command appears and fills up through the event stream alone.
        selector = f'#commands-table tr[data-command-id="{command_id}"] .ack-progress'
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, selector), 15, "the command never appeared")
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, selector).get_attribute("data-ok-percent") == "100", 30,
                  "the command never reached 100 % ok")
        self.assertIn("100 % ok", self.read(lambda: self.find(selector).text))
        self.assertTrue(self.driver.execute_script("return window.__notReloaded === true"), "the page was reloaded")
        return command_id, url

    def test_05_trigger_each_target(self):
        for event_id, devices in (("door-map", 1), ("lobby-refresh", 2), ("coffee", 1)):
            self.trigger_and_watch(event_id, devices)
        command_id, url = self.trigger_and_watch("quake", 2)
        ConsoleTest.state["quake_url"] = url
        self.row_button("commands-table", "data-command-id", command_id, "Details")
        self.visible("#command-devices")
        self.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#command-devices tbody tr[data-device-id]")) == 2)
        rows = self.read(lambda: [row.text for row in self.driver.find_elements(
            By.CSS_SELECTOR, "#command-devices tbody tr[data-device-id]")])
        self.assertEqual(len(rows), 2)
        for text in rows:
            self.assertIn("ok", text)
        value_now, value_text = self.read(lambda: (
            self.find("#command-detail [role=progressbar]").get_attribute("aria-valuenow"),
            self.find("#command-detail [role=progressbar]").get_attribute("aria-valuetext")))
        self.assertEqual(value_now, "100")
        self.assertIn("2 ok", value_text)
        self.screenshot("commands")
        # What each device reported last, now that they have answered.
        self.tab("devices")
        self.wait(lambda d: "ok" in self.row("devices-table", "data-device-id", "web-1").text)
        # What web-1 reports it shows: the edited door-map URL and the all-devices emergency, live.
        shown = lambda role: self.row("devices-table", "data-device-id", "web-1").find_element(
            By.CSS_SELECTOR, f"[data-role={role}]").text
        self.wait(lambda d: shown("current-url") == "https://example.com/map2", 15, "web-1's URL never shown")
        self.wait(lambda d: "Emergency on" in shown("emergency") and "Leave the building" in shown("emergency"), 15,
                  "web-1's emergency never shown")
        self.wait(lambda d: "Toast (warning)" in shown("toast") and "Coffee in the lobby" in shown("toast"), 15,
                  "web-1's toast never shown")
        if self.find("#device-created").is_displayed():
            self.find("#device-created").find_element(By.XPATH, ".//button[text()='Done']").click()
        self.screenshot("devices")

    def test_05b_failure_shown_in_words(self):
        """A device whose hook fails: the bar shows it, and the table says why."""
        self.tab("commands")
        self.tab("actions")
        self.row_button("actions-table", "data-event-id", "restart-all", "Test action")
        self.click("#action-output-body button")  # "Watch it in Commands"
        self.visible("#command-devices")
        self.wait(lambda d: self.find("#command-detail .ack-progress").get_attribute("data-complete") == "true", 30,
                  "the restart never completed")
        self.assertIn("1 ok, 1 failed", self.read(
            lambda: self.find("#command-detail [role=progressbar]").get_attribute("aria-valuetext")))
        self.assertEqual(self.read(
            lambda: self.find("#command-detail .ack-progress").get_attribute("data-ok-percent")), "50")
        failed = self.read(lambda: self.find('#command-devices tr[data-device-id="web-2"]').text)
        self.assertIn("failed", failed)
        self.assertIn("screen is off", failed)
        self.screenshot("command-failed")

    def test_05e_cancel(self):
        """A command one device never answers: cancelled from its details, that device shows cancelled."""
        self.tab("devices")
        self.type_into("#device-id", "silent-1")
        self.click("#device-form button[type=submit]")
        self.wait(lambda d: "MQTT password for silent-1" in self.find("#device-created").text)
        self.find("#device-created").find_element(By.XPATH, ".//button[text()='Done']").click()
        self.create_action("silent-refresh", "Refresh the silent screen", "refresh_content", "device", "silent-1")
        self.row_button("actions-table", "data-event-id", "silent-refresh", "Test action")
        self.click("#action-output-body button")  # "Watch it in Commands"
        self.visible("#command-devices")
        self.click("#command-cancel")
        self.visible("#confirm-dialog")
        self.click("#confirm-ok")
        self.wait(lambda d: "cancelled" in self.find('#command-devices tr[data-device-id="silent-1"]').text, 15,
                  "silent-1 never shown cancelled")
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, "#command-detail [data-role=cancelled]"))
        self.assertFalse(self.driver.find_elements(By.ID, "command-cancel"))
        self.screenshot("command-cancelled")

    def test_05f_steps_and_tags(self):
        """One event, two steps: a refresh for the lobby group and a toast for the devices tagged wardens."""
        self.tab("devices")
        self.type_into("#device-id", "warden-1")
        self.type_into("#device-tags", "wardens, floor 2")
        self.click("#device-form button[type=submit]")
        self.wait(lambda d: "MQTT password for warden-1" in self.find("#device-created").text)
        self.start_agent("warden-1", self.find("#new-device-password").get_attribute("value"))
        self.find("#device-created").find_element(By.XPATH, ".//button[text()='Done']").click()
        self.wait(lambda d: "Online" in self.row("devices-table", "data-device-id", "warden-1")
                  .find_element(By.CSS_SELECTOR, "[data-role=presence]").text, 30, "warden-1 never online")

        self.tab("actions")
        self.type_into("#action-event-id", "lobby-drill")
        self.type_into("#action-name", "Lobby drill")
        Select(self.find("#action-function")).select_by_value("refresh_content")
        self.click("#target-group")
        self.type_into("#target-id", "lobby")
        self.click("#action-add-step")
        self.wait(lambda d: "Step 1: Refresh Content → Group lobby" in self.find("#action-steps").text)
        self.assertEqual(self.find("#action-step-legend").text, "Step 2")
        Select(self.find("#action-function")).select_by_value("show_toast")
        self.type_into("#param-message", "Wardens to the lobby")
        Select(self.find("#param-level")).select_by_value("critical")
        self.click("#target-tag")
        self.type_into("#target-tags", "wardens")
        self.click("#action-save")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '#actions-table tr[data-event-id="lobby-drill"]'),
                  message=f"lobby-drill not listed: {self.find('#action-form-error').text}")
        listed = self.read(lambda: self.row("actions-table", "data-event-id", "lobby-drill").text)
        self.assertIn("2 steps", listed)
        self.assertIn("Devices with any of the tags wardens", listed)

        self.row_button("actions-table", "data-event-id", "lobby-drill", "Test action")
        self.wait(lambda d: "to 3 device(s)" in self.find("#action-output-body").text, 15,
                  "the two steps did not reach 2 + 1 devices")
        self.tab("devices")
        toast = lambda: self.row("devices-table", "data-device-id", "warden-1").find_element(
            By.CSS_SELECTOR, "[data-role=toast]").text
        self.wait(lambda d: "Toast (critical)" in toast() and "Wardens to the lobby" in toast(), 15,
                  "warden-1's toast never shown")
        # Editing shows the first step in the list and the last in the form.
        self.tab("actions")
        self.row_button("actions-table", "data-event-id", "lobby-drill", "Edit")
        self.wait(lambda d: "Step 1: Refresh Content" in self.find("#action-steps").text)
        self.assertEqual(self.find("#param-message").get_attribute("value"), "Wardens to the lobby")
        self.screenshot("actions-steps")
        self.click("#action-cancel")

    def test_05g_audit(self):
        """The Audit tab: the test of lobby-drill with its two commands, the cancel, and no secret anywhere."""
        self.tab("audit")
        self.wait(lambda d: "test action lobby-drill" in self.find("#audit-table").text, 15, "the test never listed")
        row = self.read(lambda: next(r.text for r in self.driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")
                                     if "test action lobby-drill" in r.text))
        self.assertEqual(row.count("commands:"), 1)
        self.assertEqual(len(row.split("commands:")[1].split(",")), 2, row)
        Select(self.find("#audit-kind")).select_by_value("cancel")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")
                  and all(r.get_attribute("data-kind") == "cancel"
                          for r in d.find_elements(By.CSS_SELECTOR, "#audit-table tbody tr")), 15, "no cancel listed")
        self.assertIn("cancel command", self.read(lambda: self.find("#audit-table").text))
        Select(self.find("#audit-kind")).select_by_value("")
        self.wait(lambda d: "test action lobby-drill" in self.find("#audit-table").text)
        self.assertNotIn(ConsoleTest.state["key"], self.driver.page_source)
        self.screenshot("audit")

    def post_cap(self, xml):
        """A CAP message posted as an alerting platform posts it: the API key and the XML body, no browser."""
        request = urllib.request.Request(BASE + "/public-api/integration/cap", data=xml.encode(), method="POST",
                                         headers={"Content-Type": "application/cap+xml",
                                                  "x-webhook-apikey": ConsoleTest.state["key"]})
        with urllib.request.urlopen(request, timeout=15) as response:
            return json.loads(response.read())

    def test_05h_cap(self):
        """A CAP rule made in the form, an alert that it acts on, the Cancel that ends it; the rule edited, deleted."""
        self.tab("cap")
        self.type_into("#cap-rule-id", "quakes")
        self.type_into("#cap-rule-name", "Earthquakes")
        self.type_into("#cap-events", "Earthquake")
        self.click("#cap-severities-Extreme")
        self.click("#cap-severities-Severe")
        # Emergency mode cannot go to tags: the API's invalid_target_kind names the form's Target field.
        self.click("#cap-target-tag")
        self.type_into("#cap-target-tags", "wardens")
        self.click("#cap-rule-save")
        self.wait(lambda d: self.find("#cap-rule-form-error").text.startswith("Target:"), 15,
                  "the refusal does not name the target")
        self.assertEqual(self.find("#cap-target-tag").get_attribute("aria-invalid"), "true")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, '#cap-rules-table tr[data-rule-id="quakes"]'))
        self.click("#cap-target-all")
        self.click("#cap-rule-save")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '#cap-rules-table tr[data-rule-id="quakes"]'), 15,
                  f"rule quakes not listed: {self.find('#cap-rule-form-error').text}")
        listed = self.read(lambda: self.row("cap-rules-table", "data-rule-id", "quakes").text)
        for words in ("Earthquakes", "Earthquake · Extreme or Severe", "All devices", "Automatic", "Record only", "Enabled"):
            self.assertIn(words, listed)

        sent = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        answer = self.post_cap(CAP_ALERT.format(identifier="EQ-BROWSER-1", sent=sent, msg_type="Alert", references=""))
        self.assertEqual(answer["alert"]["state"], "active", answer)
        self.assertEqual(len(answer["commands"]), 1, answer)
        alert_id, command_id = answer["alert"]["id"], answer["commands"][0]["command_id"]
        # The alert appears through the live stream, without a reload.
        alert_row = lambda: self.row("cap-alerts-table", "data-alert-id", alert_id)
        cell = lambda role: alert_row().find_element(By.CSS_SELECTOR, f"[data-role={role}]").text
        self.wait(lambda d: cell("state") == "active" and cell("commands") == "1 command", 15,
                  "the alert never listed as active with 1 command")
        self.assertIn("Strong earthquake: take cover", self.read(lambda: alert_row().text))
        self.row_button("cap-alerts-table", "data-alert-id", alert_id, "Details")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f'#cap-alert-commands tr[data-command-id="{command_id}"]'),
                  15, "the detail does not list the alert's command")
        detail = self.read(lambda: self.find("#cap-alert-detail").text)
        self.assertIn("Earthquakes (quakes)", detail)
        self.assertIn("Drop, cover and hold on.", detail)

        # The all-clear: a Cancel referencing the alert; the first one becomes cancelled, ended by the Cancel.
        cancel = self.post_cap(CAP_ALERT.format(
            identifier="EQ-BROWSER-1-C", sent=sent, msg_type="Cancel",
            references=f"<references>alerts@city.example,EQ-BROWSER-1,{sent}</references>"))
        self.assertEqual(cancel["alert"]["state"], "applied", cancel)
        self.assertEqual([ended["id"] for ended in cancel["ended"]], [alert_id], cancel)
        self.click("#cap-alerts-refresh")
        self.wait(lambda d: cell("state") == "cancelled", 15, "the alert never shown cancelled")
        self.wait(lambda d: "EQ-BROWSER-1-C" in self.find("#cap-alert-detail [data-role=ended-by]").text, 15,
                  "the detail does not say what ended it")
        self.assertEqual(self.read(lambda: self.row("cap-alerts-table", "data-alert-id", cancel["alert"]["id"])
                                   .find_element(By.CSS_SELECTOR, "[data-role=state]").text), "applied")
        self.screenshot("cap")

        # Its command, on the Commands tab.
        self.row_button("cap-alert-commands", "data-command-id", command_id, "Open in Commands")
        self.visible("#panel-commands")
        self.wait(lambda d: command_id in self.find("#command-detail").text, 15, "the command was not opened")

        # Edit: toasts for the wardens instead; then delete (Escape cancels first).
        self.tab("cap")
        self.row_button("cap-rules-table", "data-rule-id", "quakes", "Edit")
        self.wait(lambda d: self.find("#cap-events").get_attribute("value") == "Earthquake")
        self.assertFalse(self.find("#cap-rule-id").is_enabled())
        self.assertTrue(self.find("#cap-severities-Severe").is_selected())
        Select(self.find("#cap-response")).select_by_value("toast")
        self.click("#cap-target-tag")
        self.type_into("#cap-target-tags", "wardens")
        self.click("#cap-rule-save")
        self.wait(lambda d: "Devices with any of the tags wardens" in self.row("cap-rules-table", "data-rule-id", "quakes").text,
                  15, f"the edit was not saved: {self.find('#cap-rule-form-error').text}")
        self.assertIn("Toast", self.read(lambda: self.row("cap-rules-table", "data-rule-id", "quakes").text))
        self.row_button("cap-rules-table", "data-rule-id", "quakes", "Delete")
        self.visible("#confirm-dialog")
        self.find("#confirm-cancel").send_keys(Keys.ESCAPE)
        self.wait(lambda d: not self.find("#confirm-dialog").is_displayed())
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, '#cap-rules-table tr[data-rule-id="quakes"]'))
        self.row_button("cap-rules-table", "data-rule-id", "quakes", "Delete")
        self.click("#confirm-ok")
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, '#cap-rules-table tr[data-rule-id="quakes"]'), 15,
                  "the rule was not deleted")

    def callback_cell(self, table, attribute, value):
        return self.read(lambda: self.row(table, attribute, value).find_element(By.CSS_SELECTOR, "[data-role=callback]").text)

    def test_05i_callbacks_and_feeds(self):
        """A callback URL set on an action in the form (its secret shown once, a bad URL refused in words, a new
        secret on edit), on a key and removed again, on a CAP rule; a CAP feed that refuses connections, polled now,
        says why."""
        reports = "http://127.0.0.1:9/reports"

        def fill():
            self.type_into("#param-url", "https://example.com/drill")
            self.type_into("#action-callback-url", reports)
        self.create_action("report-drill", "Reported drill", "load_url", "all", fill=fill)
        secret_field = "#action-output [data-role=callback-secret]"
        secret = self.visible(secret_field).get_attribute("value")
        self.assertRegex(secret, r"^whsec_[A-Za-z0-9+/=]{20,}$")
        shown = self.find("#action-output").text
        self.assertIn("shown once", shown)
        self.assertIn(reports, shown)
        self.driver.execute_async_script("const done = arguments[0]; navigator.clipboard.writeText('-').then(done, done);")
        self.find("#action-output").find_element(By.XPATH, ".//button[text()='Copy secret']").click()
        self.wait(lambda d: self.clipboard() == secret, message="Copy secret did not put the secret on the clipboard")
        self.assertEqual(self.callback_cell("actions-table", "data-event-id", "report-drill"), reports)
        self.assertEqual(self.callback_cell("actions-table", "data-event-id", "quake"), "—")
        listed = self.fetch("GET", "/api/v1/actions")
        self.assertIn(reports, listed["text"])
        self.assertNotIn(secret, listed["text"])

        # A URL with credentials passes the form's own check; the API's invalid_callback_url names the field and
        # nothing changes.
        self.row_button("actions-table", "data-event-id", "report-drill", "Edit")
        self.wait(lambda d: self.find("#action-callback-url").get_attribute("value") == reports)
        self.type_into("#action-callback-url", "http://user:secret@127.0.0.1:9/reports")
        self.click("#action-save")
        self.wait(lambda d: self.find("#action-form-error").text.startswith("Report to:"), 15,
                  "the refusal does not name the callback URL")
        self.assertEqual(self.find("#action-callback-url").get_attribute("aria-invalid"), "true")
        self.assertEqual(self.callback_cell("actions-table", "data-event-id", "report-drill"), reports)
        # "New signing secret": another secret, shown once again.
        self.type_into("#action-callback-url", reports)
        self.click("#action-callback-rotate")
        self.click("#action-save")
        self.wait(lambda d: self.find(secret_field).get_attribute("value") not in ("", secret), 15,
                  f"no new secret shown: {self.find('#action-form-error').text}")
        self.assertTrue(self.find(secret_field).get_attribute("value").startswith("whsec_"))

        # A key's callback: set in its Reports… dialog (secret shown once), then cleared, which removes it.
        self.tab("keys")
        key_id = ConsoleTest.state["key_id"]
        self.row_button("keys-table", "data-key-id", key_id, "Reports…")
        self.type_into("#key-edit-callback-url", reports)
        self.click("#key-callback-save")
        self.wait(lambda d: "shown once" in self.find("#key-created").text, 15, "the key's callback secret not shown")
        self.assertTrue(self.find("#key-created [data-role=callback-secret]").get_attribute("value").startswith("whsec_"))
        self.wait(lambda d: self.callback_cell("keys-table", "data-key-id", key_id) == reports)
        self.row_button("keys-table", "data-key-id", key_id, "Reports…")
        self.wait(lambda d: self.find("#key-edit-callback-url").get_attribute("value") == reports)
        self.find("#key-edit-callback-url").clear()
        self.click("#key-callback-save")
        self.wait(lambda d: self.callback_cell("keys-table", "data-key-id", key_id) == "—", 15, "the key's callback not removed")
        self.assertIsNone(json.loads(self.fetch("GET", f"/api/v1/keys/{key_id}")["text"])["callback_url"])

        # A CAP rule's callback: its secret shown once above the rules, the URL in the rules table.
        self.tab("cap")
        self.type_into("#cap-rule-id", "reported")
        self.type_into("#cap-events", "Tsunami")
        self.click("#cap-target-all")
        self.type_into("#cap-rule-callback-url", reports)
        self.click("#cap-rule-save")
        self.wait(lambda d: "shown once" in self.find("#cap-notice").text, 15,
                  f"the rule's callback secret not shown: {self.find('#cap-rule-form-error').text}")
        self.assertTrue(self.find("#cap-notice [data-role=callback-secret]").get_attribute("value").startswith("whsec_"))
        self.assertEqual(self.callback_cell("cap-rules-table", "data-rule-id", "reported"), reports)
        self.row_button("cap-rules-table", "data-rule-id", "reported", "Delete")
        self.click("#confirm-ok")
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, '#cap-rules-table tr[data-rule-id="reported"]'), 15,
                  "the rule was not deleted")

        # A CAP feed at a port nothing listens on: a URL with credentials is refused first, naming the URL field.
        feed_row = lambda: self.row("cap-feeds-table", "data-feed-id", "refusing")
        cell = lambda role: feed_row().find_element(By.CSS_SELECTOR, f"[data-role={role}]").text
        self.type_into("#cap-feed-id", "refusing")
        self.type_into("#cap-feed-url", "http://user:secret@127.0.0.1:9/feed.xml")
        self.type_into("#cap-feed-interval", "3600")
        self.click("#cap-feed-save")
        self.wait(lambda d: self.find("#cap-feed-form-error").text.startswith("URL:"), 15, "the refusal does not name the URL")
        self.assertEqual(self.find("#cap-feed-url").get_attribute("aria-invalid"), "true")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, '#cap-feeds-table tr[data-feed-id="refusing"]'))
        self.type_into("#cap-feed-url", "http://127.0.0.1:9/feed.xml")
        self.click("#cap-feed-save")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '#cap-feeds-table tr[data-feed-id="refusing"]'), 15,
                  f"feed not listed: {self.find('#cap-feed-form-error').text}")
        self.assertEqual(cell("interval"), "3600 s")
        self.row_button("cap-feeds-table", "data-feed-id", "refusing", "Poll now")
        self.wait(lambda d: "connection refused" in cell("problem"), 30, "the poll's problem is not shown")
        self.assertEqual(self.read(lambda: cell("status")), "no answer")
        self.assertNotEqual(self.read(lambda: cell("polled")), "never")
        self.driver.execute_script("document.getElementById('cap-feeds').scrollIntoView()")
        self.screenshot("cap-feeds", whole_page=False)

        self.row_button("cap-feeds-table", "data-feed-id", "refusing", "Delete")
        self.visible("#confirm-dialog")
        self.find("#confirm-cancel").send_keys(Keys.ESCAPE)
        self.wait(lambda d: not self.find("#confirm-dialog").is_displayed())
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, '#cap-feeds-table tr[data-feed-id="refusing"]'))
        self.row_button("cap-feeds-table", "data-feed-id", "refusing", "Delete")
        self.click("#confirm-ok")
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, '#cap-feeds-table tr[data-feed-id="refusing"]'), 15,
                  "the feed was not deleted")
        self.assertEqual(json.loads(self.fetch("GET", "/api/v1/cap/feeds")["text"])["items"], [])

    def mqtt(self, tool, username, password, *arguments):
        """Runs mosquitto_pub or mosquitto_rr as another system would, with the account the console made."""
        return subprocess.run([tool, "-h", "127.0.0.1", "-p", MQTT_PORT, "-V", "mqttv5", "-u", username, "-P", password,
                               "-q", "1", *arguments], capture_output=True, text=True, timeout=60)

    def test_05j_mqtt_accounts(self):
        """An integration bound to the key and an observer of the lobby group, made in the console: each password
        shown once with its user name, client id rule and topics, and working at the broker; both listed; the
        observer's scope widened; a new password replacing the old one; the observer deleted."""
        prefix = json.loads(self.fetch("GET", "/api/v1/settings")["text"])["topic_prefix"]
        self.tab("mqtt")
        notice = lambda: self.find("#mqtt-created").text
        # Refused in words before anything is sent: no key chosen.
        self.type_into("#integration-name", "crm")
        self.click("#integration-form button[type=submit]")
        self.wait(lambda d: self.find("#integration-form-error").text.startswith("API key:"), message="no key refused")
        Select(self.find("#integration-key")).select_by_value(ConsoleTest.state["key_id"])
        self.type_into("#integration-description", "The CRM's alarm bridge")
        self.click("#integration-form button[type=submit]")
        self.wait(lambda d: "Integration “crm” created." in notice(), 15,
                  f"no password shown: {self.find('#integration-form-error').text}")
        password = self.find("#mqtt-new-password").get_attribute("value")
        self.assertGreaterEqual(len(password), 24)
        for shown in ("integration.crm:worker-1", f"{prefix}/triggers/{{event_id}}", f"{prefix}/answers/crm"):
            self.assertIn(shown, notice())
        self.driver.execute_async_script("const done = arguments[0]; navigator.clipboard.writeText('-').then(done, done);")
        self.find("#mqtt-created").find_element(By.XPATH, ".//button[text()='Copy password']").click()
        self.wait(lambda d: self.clipboard() == password, message="Copy password did not copy")
        row = lambda: self.row("integrations-table", "data-integration", "crm").text
        self.wait(lambda d: "integration.crm" in row() and "emergency service" in row(), message="crm not listed")
        self.assertNotIn(password, self.fetch("GET", "/api/v1/integrations")["text"])
        # The name again: the API's refusal, in words, naming the field; nothing else changes.
        self.type_into("#integration-name", "crm")
        Select(self.find("#integration-key")).select_by_value(ConsoleTest.state["key_id"])
        self.click("#integration-form button[type=submit]")
        self.wait(lambda d: self.find("#integration-form-error").text.startswith("Name:"), 15, "a taken name not refused")
        self.assertEqual(self.find("#integration-name").get_attribute("aria-invalid"), "true")

        # The password works: a trigger over MQTT, answered on the account's answers topic.
        answered = self.mqtt("mosquitto_rr", "integration.crm", password, "-i", "integration.crm:browser",
                             "-t", f"{prefix}/triggers/door-map", "-e", f"{prefix}/answers/crm/r1", "-W", "30",
                             "-m", '{"event_id":"door-map"}')
        self.assertEqual(answered.returncode, 0, answered.stderr)
        self.assertEqual(json.loads(answered.stdout)["message"], "success", answered.stdout)

        # New password: confirmed first, shown once, and the old one stops working.
        self.row_button("integrations-table", "data-integration", "crm", "New password")
        self.click("#confirm-ok")
        self.wait(lambda d: "New password for the integration “crm”." in notice(), 15, "no new password shown")
        rotated = self.find("#mqtt-new-password").get_attribute("value")
        self.assertNotEqual(rotated, password)
        refused = self.mqtt("mosquitto_pub", "integration.crm", password, "-i", "integration.crm:old",
                            "-t", f"{prefix}/triggers/door-map", "-m", "{}")
        self.assertNotEqual(refused.returncode, 0, "the old password still works")
        self.click("#mqtt-created-done")
        self.wait(lambda d: not self.find("#mqtt-created").is_displayed())
        self.assertNotIn(rotated, self.driver.page_source)
        self.assertNotIn(rotated, self.driver.execute_script("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"))

        # An observer of the lobby group, with commands.
        self.type_into("#observer-name", "lobbywatch")
        self.click("#observer-scope-some")
        self.click("#observer-scope-group-lobby")
        self.click("#observer-commands")
        self.click("#observer-form button[type=submit]")
        self.wait(lambda d: "Observer “lobbywatch” created." in notice(), 15,
                  f"no password shown: {self.find('#observer-form-error').text}")
        self.assertIn(f"{prefix}/devices/+/acks", notice())
        watch = lambda role: self.row("observers-table", "data-observer", "lobbywatch") \
            .find_element(By.CSS_SELECTOR, f"[data-role={role}]").text
        self.wait(lambda d: watch("scope") == "Groups: lobby", message="the observer's scope not listed")
        self.assertEqual(self.read(lambda: watch("commands")), "Yes")
        self.screenshot("mqtt-accounts")
        observer_password = self.find("#mqtt-new-password").get_attribute("value")
        # It logs in and receives what its groups' devices report: the retained presence of a lobby screen.
        status = self.mqtt("mosquitto_sub", "observer.lobbywatch", observer_password, "-i", "observer.lobbywatch:browser",
                           "-t", f"{prefix}/devices/+/status", "-C", "1", "-W", "30", "-v")
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertTrue(status.stdout.startswith((f"{prefix}/devices/web-1/status ", f"{prefix}/devices/web-2/status ")),
                        status.stdout)
        self.click("#mqtt-created-done")

        # Scope…: the whole fleet, without commands.
        self.row_button("observers-table", "data-observer", "lobbywatch", "Scope…")
        self.visible("#observer-dialog")
        self.click("#observer-edit-fleet")
        self.click("#observer-edit-commands")
        self.click("#observer-dialog-save")
        self.wait(lambda d: watch("scope") == "Whole fleet" and watch("commands") == "No", 15,
                  f"the new scope not shown: {self.find('#observer-dialog-error').text}")
        observer = json.loads(self.fetch("GET", "/api/v1/observers/lobbywatch")["text"])
        self.assertEqual((observer["fleet"], observer["include_commands"]), (True, False))

        # Delete, after a confirmation that Escape cancels.
        self.row_button("observers-table", "data-observer", "lobbywatch", "Delete")
        self.visible("#confirm-dialog")
        self.find("#confirm-cancel").send_keys(Keys.ESCAPE)
        self.wait(lambda d: not self.find("#confirm-dialog").is_displayed())
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, '#observers-table tr[data-observer="lobbywatch"]'))
        self.row_button("observers-table", "data-observer", "lobbywatch", "Delete")
        self.click("#confirm-ok")
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, '#observers-table tr[data-observer="lobbywatch"]'), 15,
                  "the observer was not deleted")
        self.assertEqual(json.loads(self.fetch("GET", "/api/v1/observers")["text"])["items"], [])

    def test_05c_scoped_key_refused(self):
        """A key limited to one event: another event is refused, in words; widening the scope lets it through."""
        self.tab("keys")
        self.type_into("#key-name", "door only")
        self.type_into("#key-events", "door-map")
        self.click("#key-form button[type=submit]")
        # The notice names the key it shows: an earlier key's notice may still be open.
        self.wait(lambda d: "door only" in self.find("#key-created").text, message="the new key was not shown")
        secret = self.read(lambda: self.find("#new-key-value").get_attribute("value"))
        self.find("#key-created").find_element(By.XPATH, ".//button[text()='Done']").click()
        row = lambda: self.driver.find_element(By.XPATH, "//table[@id='keys-table']//tr[td[contains(., 'door only')]]")
        self.wait(lambda d: "Only: door-map" in row().text)

        def call(event_id):
            base = ConsoleTest.state["quake_url"].split("?")[0]
            console = self.driver.current_window_handle
            self.driver.switch_to.new_window("tab")
            self.driver.get(f"{base}?apiKey={secret}&eventId={event_id}")
            answer = json.loads(self.driver.find_element(By.TAG_NAME, "body").text)
            self.driver.close()
            self.driver.switch_to.window(console)
            return answer

        refused = call("quake")
        self.assertEqual(refused["error"], "event_not_in_key_scope", refused)
        self.assertIn("'quake' is not one of them", refused["detail"])

        row().find_element(By.XPATH, ".//button[text()='Scope…']").click()
        self.visible("#scope-dialog")
        self.type_into("#scope-events", "door-map quake")
        self.click("#scope-dialog-save")
        self.wait(lambda d: "Only: door-map, quake" in row().text, message="the wider scope is not shown")
        self.assertEqual(call("quake")["message"], "success")
        self.screenshot("keys-scoped")
        # Deleted, so the next test finds no usable key once it deletes the first one.
        self.wait(lambda d: row().find_element(By.XPATH, ".//button[text()='Delete']").click() or True)
        self.click("#confirm-ok")
        self.wait(lambda d: not d.find_elements(
            By.XPATH, "//table[@id='keys-table']//tr[td[contains(., 'door only')]]"), message="door only not deleted")

    def test_06_delete_key_refuses_trigger(self):
        self.tab("keys")
        key_id = ConsoleTest.state["key_id"]
        self.row_button("keys-table", "data-key-id", key_id, "Delete")
        dialog = self.visible("#confirm-dialog")
        self.assertIn("emergency service", dialog.text)
        # Escape cancels: nothing is deleted.
        self.find("#confirm-cancel").send_keys(Keys.ESCAPE)
        self.wait(lambda d: not self.find("#confirm-dialog").is_displayed())
        self.assertTrue(self.driver.find_elements(By.CSS_SELECTOR, f'#keys-table tr[data-key-id="{key_id}"]'))
        self.row_button("keys-table", "data-key-id", key_id, "Delete")
        self.click("#confirm-ok")
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, f'#keys-table tr[data-key-id="{key_id}"]'))
        # Its integration account went with it.
        self.assertEqual(json.loads(self.fetch("GET", "/api/v1/integrations")["text"])["items"], [])

        console = self.driver.current_window_handle
        self.driver.switch_to.new_window("tab")
        self.driver.get(ConsoleTest.state["quake_url"])
        answer = json.loads(self.driver.find_element(By.TAG_NAME, "body").text)
        self.driver.close()
        self.driver.switch_to.window(console)
        self.assertEqual(answer["message"], "Error", answer)
        self.assertEqual(answer["error"], "invalid_api_key", answer)

        # Generate URL now says, in words, that there is no key.
        self.tab("actions")
        self.row_button("actions-table", "data-event-id", "quake", "Generate URL")
        self.wait(lambda d: "no enabled API key" in self.find("#actions-error").text)

    def test_07_phone_width(self):
        self.driver.set_window_size(390, 844)
        try:
            for tab in ("keys", "actions", "devices", "mqtt", "commands", "cap"):
                self.tab(tab)
                time.sleep(0.3)
                overflow = self.driver.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                self.assertLessEqual(overflow, 1, f"the {tab} tab scrolls sideways at phone width")
            self.tab("commands")
            self.screenshot("phone", whole_page=False)
        finally:
            self.driver.set_window_size(1280, 1000)

    def test_08_keyboard_and_sign_out(self):
        self.tab("keys")
        tab = self.find("#tab-keys")
        tab.send_keys(Keys.ARROW_RIGHT)
        self.wait(lambda d: self.find("#tab-actions").get_attribute("aria-selected") == "true")
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("id"), "tab-actions")
        self.click("#sign-out")
        self.visible("#sign-in")
        refused = self.fetch("GET", "/api/v1/keys")
        self.assertEqual(refused["status"], 401, refused)


if __name__ == "__main__":
    unittest.main(verbosity=2)
