#!/usr/bin/env python3
"""Trigger a Hookcast webhook: signed when a signing secret is given, idempotent, retried with backoff.

Python 3.8+ standard library only. docs/integrating.md explains every step; this file is tested against a real
gateway (Tests/HookcastServerTests/Integrating/CallerExamplesTests.swift).

    export HOOKCAST_API_KEY=hk_...                 # or --key-file FILE
    export HOOKCAST_SIGNING_SECRET=whsec_...       # only for a key with a signing secret (or --secret-file FILE)
    python3 trigger.py --url https://hookcast.example.net fire-alarm --sensor-data '{"id":"smoke-3","event":"alarm","value":"1"}'

Prints the verified answer (one JSON line) on standard output. Exit status: 0 triggered (also when the gateway
recognised a repeat: "duplicate": true), 1 refused (an answer that retrying cannot change), 2 gave up after
--attempts, 3 the answer was not what Hookcast promises, 64 wrong usage.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

WEBHOOK_PATH = "/public-api/integration/webhooks"
# Worth sending again, with the same id and body: the gateway stored nothing (429, 503), or the answer may have
# been lost on the way (500, 502, 504, no answer at all). Every other status is final.
RETRYABLE = {429, 500, 502, 503, 504}
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def log(message):
    print(f"trigger: {message}", file=sys.stderr, flush=True)


def read_secret(file_name, variable):
    """A secret from a file ('-' for standard input) or the environment, never from the command line."""
    if file_name == "-":
        return sys.stdin.readline().strip()
    if file_name:
        with open(file_name, encoding="utf-8") as handle:
            return handle.read().strip()
    return os.environ.get(variable, "").strip()


def sign(secret, message_id, timestamp, body):
    """Standard Webhooks: v1,base64(HMAC-SHA256(secret bytes, "id.timestamp.body"))."""
    if not secret.startswith("whsec_"):
        raise ValueError("a signing secret starts with whsec_")
    key = base64.b64decode(secret[len("whsec_"):])
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def send(url, api_key, body, request_id, secret, timeout):
    """One attempt. Returns (status, headers, parsed JSON or None); raises OSError when no answer came."""
    headers = {"Content-Type": "application/json", "x-webhook-apikey": api_key}
    if secret:
        # Signed fresh on every attempt (the gateway refuses a timestamp 5 minutes off), always with the same id:
        # the id is what makes a repeat a duplicate rather than a second command.
        timestamp = str(int(time.time()))
        headers["webhook-id"] = request_id
        headers["webhook-timestamp"] = timestamp
        headers["webhook-signature"] = sign(secret, request_id, timestamp, body)
    else:
        headers["Idempotency-Key"] = request_id
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except ValueError:
        parsed = None
    return status, answer_headers, parsed


def delay_before(attempt, headers, max_delay):
    """Retry-After when the gateway gave one, else 1, 2, 4, ... seconds with jitter; never above max_delay."""
    retry_after = headers.get("Retry-After") if headers is not None else None
    if retry_after and retry_after.isdigit():
        delay = float(retry_after)
    else:
        delay = min(2.0 ** (attempt - 1), 60.0) * random.uniform(0.8, 1.2)
    return min(delay, max_delay)


def verify(answer):
    """What a 200 promises (docs/integrating.md, "The answer"); a list of what is wrong, empty when all is well."""
    if not isinstance(answer, dict):
        return ["the answer is not a JSON object"]
    problems = []
    command_id = answer.get("command_id")
    if answer.get("message") != "success":
        problems.append('"message" is not "success"')
    if not isinstance(command_id, str) or not UUID_PATTERN.match(command_id):
        problems.append('"command_id" is not a lower-case UUID')
    elif answer.get("status_url") != f"/api/v1/commands/{command_id}":
        problems.append('"status_url" does not name the command')
    if not isinstance(answer.get("targets"), int) or isinstance(answer.get("targets"), bool) or answer["targets"] < 0:
        problems.append('"targets" is not a count')
    if not isinstance(answer.get("queued"), bool):
        problems.append('"queued" is not true or false')
    report_url = answer.get("report_url")
    if report_url is not None and (not isinstance(report_url, str) or command_id not in report_url):
        problems.append('"report_url" does not name the command')
    return problems


def follow(base_url, api_key, secret, answer, timeout, deadline_seconds):
    """Reads the command's delivery report until every device answered or the time is up; returns the last one."""
    report_url = answer.get("report_url")
    if not report_url:
        log("this gateway's answer has no report_url (a version before it): nothing to follow")
        return None
    url = urllib.parse.urljoin(base_url, report_url)
    deadline = time.monotonic() + deadline_seconds
    pause = 0.5
    while True:
        headers = {"x-webhook-apikey": api_key}
        if secret:
            # A key that requires signatures signs its reads as a POST with an empty body, each read with an id of
            # its own.
            read_id, timestamp = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
            headers.update({"webhook-id": read_id, "webhook-timestamp": timestamp,
                            "webhook-signature": sign(secret, read_id, timestamp, b"")})
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                report = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            if error.code == 429 and time.monotonic() < deadline:  # reads have a bucket of their own
                time.sleep(delay_before(1, error.headers, 5.0))
                continue
            log(f"report: HTTP {error.code}")
            return None
        if report.get("complete") or time.monotonic() >= deadline:
            return report
        time.sleep(pause)
        pause = min(pause * 2, 5.0)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        log(message)
        sys.exit(64)  # argparse's own 2 would read as "gave up"


def main():
    parser = Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("event_id", help="the event id of the action to run")
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the gateway's base URL")
    parser.add_argument("--key-file", help="file holding the API key ('-': standard input); else HOOKCAST_API_KEY")
    parser.add_argument("--secret-file", help="file holding the signing secret; else HOOKCAST_SIGNING_SECRET")
    parser.add_argument("--sensor-data", help="a JSON object sent as sensor_data")
    parser.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                        help="a body field an action's template uses (repeatable)")
    parser.add_argument("--request-id", help="the id that makes retries one request (default: a new msg_<uuid>)")
    parser.add_argument("--wait", type=float, help="hold the answer until the devices acknowledged, at most SECONDS")
    parser.add_argument("--attempts", type=int, default=6, help="attempts before giving up (default 6)")
    parser.add_argument("--max-delay", type=float, default=60.0, help="longest pause between attempts, s (60)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer (10)")
    parser.add_argument("--follow", action="store_true", help="then read the delivery report at report_url")
    parser.add_argument("--follow-timeout", type=float, default=60.0, help="how long to follow, s (60)")
    options = parser.parse_args()

    api_key = read_secret(options.key_file, "HOOKCAST_API_KEY")
    if not api_key:
        parser.error("no API key: set HOOKCAST_API_KEY or give --key-file")
    secret = read_secret(options.secret_file, "HOOKCAST_SIGNING_SECRET") or None
    body_fields = {"event_id": options.event_id}
    if options.sensor_data:
        body_fields["sensor_data"] = json.loads(options.sensor_data)
    for field in options.field:
        name, _, value = field.partition("=")
        body_fields[name] = value
    # The exact bytes are signed and sent again on every attempt.
    body = json.dumps(body_fields, separators=(",", ":")).encode("utf-8")
    request_id = options.request_id or f"msg_{uuid.uuid4().hex}"
    url = options.url.rstrip("/") + WEBHOOK_PATH
    if options.wait:
        url += "?" + urllib.parse.urlencode({"wait": f"{options.wait:g}"})
    timeout = options.timeout + (options.wait or 0)

    for attempt in range(1, options.attempts + 1):
        try:
            status, headers, answer = send(url, api_key, body, request_id, secret, timeout)
        except OSError as error:  # refused, reset, timed out: the request may or may not have been stored
            status, headers, answer = None, None, None
            log(f"attempt {attempt}: no answer ({error})")
        if status == 200:
            problems = verify(answer)
            if problems:
                log("the answer is not what Hookcast promises: " + "; ".join(problems))
                print(json.dumps(answer), flush=True)
                return 3
            if answer.get("duplicate"):
                log(f"the gateway had this request already (id {request_id}): the original command is answered")
            print(json.dumps(answer, sort_keys=True), flush=True)
            if options.follow:
                report = follow(options.url, api_key, secret, answer, options.timeout, options.follow_timeout)
                if report is not None:
                    print(json.dumps(report, sort_keys=True), flush=True)
            return 0
        code = answer.get("error") if isinstance(answer, dict) else None
        detail = answer.get("detail") if isinstance(answer, dict) else None
        if status is not None and status not in RETRYABLE:
            log(f"refused: HTTP {status} {code or ''}: {detail or ''}".rstrip(": "))
            return 1
        if attempt == options.attempts:
            break
        delay = delay_before(attempt, headers, options.max_delay)
        if status is not None:
            log(f"attempt {attempt}: HTTP {status} {code or ''}; retrying in {delay:.1f} s with the same id")
        else:
            log(f"attempt {attempt}: retrying in {delay:.1f} s with the same id")
        time.sleep(delay)
    log(f"gave up after {options.attempts} attempts; send it again later with --request-id {request_id}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
