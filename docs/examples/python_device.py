#!/usr/bin/env python3
"""A Hookcast device written from docs/protocol.md alone, with paho-mqtt: the test that the document suffices.

Usage: python_device.py --port PORT --id DEVICE_ID [--fail-function NAME]
Prints one line per executed command: "executed <function> <command id>", and what the screen does:
"toast <level> <seconds> <message>", "snoozed until <time or woken>", "screen on", and for a cancel_command
"cancel <command id> dropped" or "cancel <command id> already handled".
"""
import argparse
import datetime
import json
import signal
import sys
import urllib.parse

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties



def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument("--fail-function")
    # The gateway's --topic-prefix: every topic of docs/protocol.md lives under it.
    parser.add_argument("--topic-prefix", default="hookcast/v1")
    args = parser.parse_args()
    device = args.id
    root = args.topic_prefix
    status_topic = f"{root}/devices/{device}/status"
    seen = {}
    groups = set()
    tags = set()

    def presence(state):
        return json.dumps({"v": 1, "device_id": device, "status": state, "agent_version": "python-fixture",
                           "since": now()})

    client = mqtt.Client(client_id=device, protocol=mqtt.MQTTv5)
    client.will_set(status_topic, presence("offline"), qos=1, retain=True)

    def acknowledge(command_id, status, detail, correlation):
        body = {"v": 1, "command_id": command_id, "device_id": device, "status": status, "executed_at": now()}
        if detail:
            body["detail"] = detail
        properties = Properties(PacketTypes.PUBLISH)
        properties.ContentType = "application/json"
        if correlation is not None:
            properties.CorrelationData = correlation
        client.publish(f"{root}/devices/{device}/acks", json.dumps(body), qos=1, properties=properties)

    def on_connect(client, userdata, flags, reason_code, properties):
        client.publish(status_topic, presence("online"), qos=1, retain=True)
        client.subscribe([(f"{root}/devices/{device}/commands", 1), (f"{root}/all/commands", 1),
                          (f"{root}/devices/{device}/config", 1)])

    def screen(function, params):
        """show_toast, snooze_device and wake_device as the functions table describes them; others just succeed."""
        if function == "show_toast":
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
        return ("ok", None)

    def tag_topic(tag):
        return f"{root}/tags/{urllib.parse.quote(tag, safe='')}/commands"

    def selects(target):
        """Whether a tag target names this device's tags (match any: one of them; all: every one)."""
        wanted = set(target.get("tags", []))
        return wanted <= tags if target.get("match") == "all" else bool(wanted & tags)

    def on_message(client, userdata, message):
        if message.topic.endswith("/config"):
            config = json.loads(message.payload) if message.payload else {}
            wanted = set(config.get("groups", []))
            for group in wanted - groups:
                client.subscribe(f"{root}/groups/{group}/commands", qos=1)
            for group in groups - wanted:
                client.unsubscribe(f"{root}/groups/{group}/commands")
            groups.clear()
            groups.update(wanted)
            wanted_tags = set(config.get("tags", []))
            for tag in wanted_tags - tags:
                client.subscribe(tag_topic(tag), qos=1)
            for tag in tags - wanted_tags:
                client.unsubscribe(tag_topic(tag))
            tags.clear()
            tags.update(wanted_tags)
            return
        correlation = getattr(message.properties, "CorrelationData", None)
        try:
            envelope = json.loads(message.payload)
            command_id = envelope["id"]
        except (ValueError, KeyError, TypeError):
            return
        if message.topic.startswith(f"{root}/tags/"):
            target = envelope.get("target", {})
            if command_id in seen or (target.get("kind") == "tag" and not selects(target)):
                return
        if command_id in seen:
            acknowledge(command_id, *seen[command_id], correlation)
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
        seen[command_id] = result
        acknowledge(command_id, *result, correlation)

    client.on_connect = on_connect
    client.on_message = on_message
    client.connect("127.0.0.1", args.port, keepalive=30)

    def stop(*_):
        client.publish(status_topic, presence("offline"), qos=1, retain=True).wait_for_publish(2)
        client.disconnect()

    signal.signal(signal.SIGTERM, stop)
    client.loop_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
