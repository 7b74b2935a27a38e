#!/usr/bin/env python3
"""A complete Hookcast device written from docs/protocol.md alone, with paho-mqtt 1.6 (Debian's python3-paho-mqtt).

Copy it as the start of your own firmware: every rule of the document that a device has to follow is here, in
the order the document gives them, and PythonDeviceTests runs it against the gateway.

  python_device.py --id lobby-1 --port 8883 --tls-ca ca.crt --password-file lobby-1.password

--password-file holds the password the gateway answered when the device was created (`mqtt_password`); without
it (and without HOOKCAST_MQTT_PASSWORD) the device connects without credentials, which only an open test broker
admits. --tls-ca is the CA the broker's certificate is from; without it the connection is plain text.

It prints one line per executed command, "executed <function> <command id>", and what the screen does:
"toast <level> <seconds> <message>", "snoozed until <time or woken>", "screen on", "emergency on <message>",
"emergency off", and for a cancel_command "cancel <command id> dropped" or "cancel <command id> already handled".
"""
import argparse
import datetime
import json
import os
import signal
import sys
import urllib.parse

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def now():
    """ISO-8601 UTC with milliseconds, the only timestamp form to write (docs/protocol.md, "Timestamps")."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def json_properties():
    properties = Properties(PacketTypes.PUBLISH)
    properties.ContentType = "application/json"
    return properties


class Emergency:
    """The latched emergency state (docs/protocol.md, "Emergency state"): one retained state per scope this device
    belongs to, combined into what the screen shows."""

    SPECIFICITY = {"all": 0, "group": 1, "device": 2}

    def __init__(self, device):
        self.device = device
        self.latched = {}  # (kind, id or None) -> state message
        self.shown = {"active": False, "message": None}

    @staticmethod
    def key(scope):
        return (scope.get("kind"), scope.get("id"))

    def command(self, params):
        """An emergency command shows at once; the retained state that follows it has the last word."""
        if params.get("state") == "on":
            self.shown = {"active": True, "message": params.get("message")}
        else:
            self.shown = {"active": False, "message": None}

    def state(self, message, groups):
        """A retained state arrived; returns whether it was read (an empty or unreadable one changes nothing)."""
        if not message:
            return False
        self.latched[self.key(message["scope"])] = message
        self.resolve(groups)
        return True

    def left_group(self, group, groups):
        """A group the device left no longer applies: its state is forgotten and the scopes combine again."""
        self.latched.pop(("group", group), None)
        self.resolve(groups)

    def resolve(self, groups):
        if not self.latched:
            return  # No state heard yet (a gateway that publishes none): the commands alone decide.

        def applies(kind, scope_id):
            return kind == "all" or (kind == "device" and scope_id == self.device) or (
                kind == "group" and scope_id in groups)

        on = [s for (kind, scope_id), s in self.latched.items() if applies(kind, scope_id) and s["state"] == "on"]
        if not on:
            self.shown = {"active": False, "message": None}
            return
        # The most specific scope that is on; among groups, the newest.
        shown = max(on, key=lambda s: (self.SPECIFICITY[s["scope"]["kind"]], parse_time(s["since"])))
        self.shown = {"active": True, "message": shown.get("message")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument("--password-file", help="the device's broker password (or HOOKCAST_MQTT_PASSWORD)")
    parser.add_argument("--tls-ca", help="the CA file the broker's certificate is from; enables TLS")
    parser.add_argument("--fail-function", help="answer this function `failed` (for tests)")
    # The gateway's --topic-prefix: every topic of docs/protocol.md lives under it.
    parser.add_argument("--topic-prefix", default="hookcast/v1")
    args = parser.parse_args()
    device = args.id
    root = args.topic_prefix
    status_topic = f"{root}/devices/{device}/status"
    seen = {}  # command id -> (status, detail); a real device keeps it on disk (rule 5)
    groups = set()
    tags = set()
    emergency = Emergency(device)
    screen_state = {"current_url": None, "loop_paused": False, "commands_executed": 0}
    since = now()  # when this connection came up; the same in every presence of the connection
    reported = {}  # the last state published

    def state():
        return dict(screen_state, emergency=dict(emergency.shown))

    def presence(status, with_state):
        body = {"v": 1, "device_id": device, "status": status, "agent_version": "python-example-1", "since": since}
        if with_state:
            body["state"] = state()
        return json.dumps(body, sort_keys=True)

    client = mqtt.Client(client_id=device, protocol=mqtt.MQTTv5)
    password = None
    if args.password_file:
        with open(args.password_file, encoding="utf-8") as file:
            password = file.read().strip()
    password = password or os.environ.get("HOOKCAST_MQTT_PASSWORD")
    if password:
        client.username_pw_set(device, password)  # user name = client id = device id
    if args.tls_ca:
        client.tls_set(ca_certs=args.tls_ca)  # checks the certificate and that it names --host
    client.will_set(status_topic, presence("offline", False), qos=1, retain=True, properties=json_properties())

    def report(force=False):
        """Rule 6: the retained online presence again, same since, when what the device shows changed."""
        current = state()
        if force or current != reported:
            reported.clear()
            reported.update(current)
            client.publish(status_topic, presence("online", True), qos=1, retain=True, properties=json_properties())

    def show_emergency(before):
        if emergency.shown != before:
            if emergency.shown["active"]:
                print(f"emergency on {emergency.shown['message']}", flush=True)
            else:
                print("emergency off", flush=True)

    def acknowledge(command_id, status, detail, message):
        body = {"v": 1, "command_id": command_id, "device_id": device, "status": status, "executed_at": now()}
        if detail:
            body["detail"] = detail
        properties = json_properties()
        incoming = message.properties
        if getattr(incoming, "CorrelationData", None) is not None:
            properties.CorrelationData = incoming.CorrelationData
        # Trace context: every traceparent and tracestate user property, echoed unchanged and in order.
        echoed = [(k, v) for (k, v) in getattr(incoming, "UserProperty", []) if k in ("traceparent", "tracestate")]
        if echoed:
            properties.UserProperty = echoed
        client.publish(f"{root}/devices/{device}/acks", json.dumps(body, sort_keys=True), qos=1,
                       properties=properties)

    def on_connect(client, userdata, flags, reason_code, properties):
        nonlocal since
        if reason_code != 0:
            # 134/135: wrong password, a reset or a deleted device. Retrying fast will not help (docs/protocol.md,
            # "Connection"); paho backs off by itself.
            print(f"connection refused: {reason_code}", flush=True)
            return
        since = now()
        report(force=True)  # rule 2
        subscriptions = [f"{root}/devices/{device}/commands", f"{root}/all/commands",
                         f"{root}/devices/{device}/config", f"{root}/state/emergency/all",
                         f"{root}/state/emergency/devices/{device}"]
        subscriptions += [f"{root}/groups/{g}/commands" for g in groups]
        subscriptions += [f"{root}/state/emergency/groups/{g}" for g in groups]
        subscriptions += [tag_topic(t) for t in tags]
        client.subscribe([(topic, 1) for topic in subscriptions])  # rule 3

    def screen(function, params):
        """What the functions table says each function does; others just succeed."""
        if function == "load_url":
            url = urllib.parse.urlparse(params.get("url", ""))
            if url.scheme not in ("http", "https") or not url.netloc:
                return ("failed", "url refused: not http(s) with a host")
            screen_state["current_url"] = params["url"]
        elif function == "pause_loop":
            screen_state["loop_paused"] = True
        elif function == "resume_loop":
            screen_state["loop_paused"] = False
        elif function == "emergency":
            before = dict(emergency.shown)
            emergency.command(params)
            show_emergency(before)
        elif function == "show_toast":
            seconds = params.get("duration_seconds", 10)
            print(f"toast {params.get('level', 'info')} {seconds} {params['message']}", flush=True)
        elif function == "snooze_device":
            if "until" in params:
                if parse_time(params["until"]) <= datetime.datetime.now(datetime.timezone.utc):
                    return ("failed", "until has passed")
                print(f"snoozed until {params['until']}", flush=True)
            elif "duration_seconds" in params:
                print(f"snoozed until {params['duration_seconds']} s from now", flush=True)
            else:
                print("snoozed until woken", flush=True)
        elif function == "wake_device":
            print("screen on", flush=True)
        screen_state["commands_executed"] += 1
        return ("ok", None)

    def tag_topic(tag):
        return f"{root}/tags/{urllib.parse.quote(tag, safe='')}/commands"

    def selects(target):
        """Whether a tag target names this device's tags (match any: one of them; all: every one)."""
        wanted = set(target.get("tags", []))
        return wanted <= tags if target.get("match") == "all" else bool(wanted & tags)

    def on_config(message):
        """Rule 4: follow the groups and tags of the retained config; empty means the device was deleted."""
        config = json.loads(message.payload) if message.payload else {}
        if config and (config.get("v") != 1 or config.get("device_id") != device):
            return
        wanted = set(config.get("groups", []))
        for group in sorted(wanted - groups):
            client.subscribe([(f"{root}/groups/{group}/commands", 1), (f"{root}/state/emergency/groups/{group}", 1)])
        left = groups - wanted
        for group in sorted(left):
            client.unsubscribe([f"{root}/groups/{group}/commands", f"{root}/state/emergency/groups/{group}"])
        groups.clear()
        groups.update(wanted)
        before = dict(emergency.shown)
        for group in left:
            emergency.left_group(group, groups)
        show_emergency(before)
        wanted_tags = set(config.get("tags", []))
        for tag in wanted_tags - tags:
            client.subscribe(tag_topic(tag), qos=1)
        for tag in tags - wanted_tags:
            client.unsubscribe(tag_topic(tag))
        tags.clear()
        tags.update(wanted_tags)
        report()

    def on_emergency_state(message):
        try:
            latched = json.loads(message.payload) if message.payload else None
            scope = latched["scope"] if latched else None
        except (ValueError, KeyError, TypeError):
            return
        if latched is not None:
            expected = {"all": "all", "group": f"groups/{scope.get('id')}", "device": f"devices/{scope.get('id')}"}
            if latched.get("v") != 1 or message.topic != f"{root}/state/emergency/{expected.get(scope.get('kind'))}":
                return
        before = dict(emergency.shown)
        if emergency.state(latched, groups):
            show_emergency(before)
            report()

    def on_command(message):
        """Rule 5."""
        try:
            envelope = json.loads(message.payload)
            command_id = envelope["id"]
        except (ValueError, KeyError, TypeError):
            return  # no id to answer to
        if message.topic.startswith(f"{root}/tags/"):
            target = envelope.get("target", {})
            if command_id in seen or (target.get("kind") == "tag" and not selects(target)):
                return
        if command_id in seen:
            acknowledge(command_id, *seen[command_id], message)
            return
        if envelope.get("v") != 1:
            result = ("rejected", "unknown envelope version")
        elif parse_time(envelope["expires_at"]) < datetime.datetime.now(datetime.timezone.utc):
            result = ("expired", None)
        elif envelope["function"] == "cancel_command":
            target = envelope.get("params", {}).get("command_id")
            if target in seen:
                print(f"cancel {target} already handled", flush=True)
                result = ("ok", "already handled")
            else:
                # Recorded as answered: if the command arrives after all, it is refused, not run.
                seen[target] = ("rejected", "cancelled before it ran")
                print(f"cancel {target} dropped", flush=True)
                result = ("ok", "cancelled before it ran")
        elif envelope["function"] == args.fail_function:
            result = ("failed", "configured to fail")
        else:
            result = screen(envelope["function"], envelope.get("params", {}))
            if result[0] == "ok":
                print(f"executed {envelope['function']} {command_id}", flush=True)
        seen[command_id] = result  # a real device writes this to disk before executing
        report()  # before the acknowledgement, so the gateway shows the new state with the answer
        acknowledge(command_id, *result, message)

    def on_message(client, userdata, message):
        if message.topic == f"{root}/devices/{device}/config":
            on_config(message)
        elif message.topic.startswith(f"{root}/state/emergency/"):
            on_emergency_state(message)
        else:
            on_command(message)

    client.on_connect = on_connect
    client.on_message = on_message
    # Clean start off and a session expiry (rule 1): the broker keeps the commands published while the device is
    # away. paho reconnects by itself, waiting 1 s doubling to 120 s between attempts.
    connect_properties = Properties(PacketTypes.CONNECT)
    connect_properties.SessionExpiryInterval = 86_400
    client.connect(args.host, args.port, keepalive=30, clean_start=False, properties=connect_properties)

    def stop(*_):
        # Rule 7: say offline, then disconnect cleanly (which suppresses the Last Will).
        client.publish(status_topic, presence("offline", False), qos=1, retain=True,
                       properties=json_properties()).wait_for_publish(2)
        client.disconnect()

    signal.signal(signal.SIGTERM, stop)
    client.loop_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
