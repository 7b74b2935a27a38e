"""The webhook-to-MQTT bridge an integrator writes in an afternoon: FastAPI + uvicorn + paho-mqtt.

A peer in Hookcast's benchmark (bench/README.md). It answers the product page's POST webhook the way Hookcast does
and publishes the command envelope of docs/protocol.md, QoS 1, on the route's topic — and then forgets about it:
paho's `publish()` hands the message to its network thread and the HTTP answer goes out without waiting for the
broker's PUBACK, with paho's default in-flight window (20) and outgoing queue (unbounded). No store, no
acknowledgement tracking, no redelivery. That is deliberate: the benchmark measures what such a bridge delivers.

    python fastapi_bridge.py --port 8081 --mqtt-port 1883 --routes routes.json --api-key-file key.txt \
        [--mqtt-username NAME --mqtt-password-file FILE] --server uvloop|h11
"""

import argparse
import json
import logging
import os
import threading
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import paho.mqtt.client as mqtt
import uvicorn
from fastapi import FastAPI, Header
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from pydantic import BaseModel

log = logging.getLogger("fastapi_bridge")

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--port", type=int, required=True, help="HTTP port (127.0.0.1)")
parser.add_argument("--mqtt-port", type=int, required=True, help="the broker's port (127.0.0.1)")
parser.add_argument("--mqtt-username", help="the bridge's broker account (anonymous without it)")
parser.add_argument("--mqtt-password-file", help="file whose first line is that account's password")
parser.add_argument("--routes", required=True, help='JSON file: {"event_id": {"topic", "target", "function", "params"}}')
parser.add_argument("--api-key-file", required=True, help="file whose first line is the API key")
parser.add_argument("--server", choices=["uvloop", "h11"], default="uvloop",
                    help="uvloop: uvloop + httptools; h11: asyncio + h11")
args = parser.parse_args()

with open(args.routes, encoding="utf-8") as f:
    ROUTES: dict[str, dict[str, Any]] = json.load(f)
with open(args.api_key_file, encoding="utf-8") as f:
    API_KEY = f.readline().strip()
MQTT_PASSWORD = None
if args.mqtt_password_file:
    with open(args.mqtt_password_file, encoding="utf-8") as f:
        MQTT_PASSWORD = f.readline().strip()

COMMAND_TTL = timedelta(minutes=5)

connected = threading.Event()


def on_connect(client, userdata, flags, reason_code, properties):
    if reason_code.is_failure:
        log.warning("MQTT connection refused: %s", reason_code)
    else:
        connected.set()


def on_disconnect(client, userdata, flags, reason_code, properties):
    log.warning("MQTT disconnected: %s", reason_code)


mqttc = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"fastapi-bridge-{os.getpid()}",
                    protocol=mqtt.MQTTv5)
mqttc.on_connect = on_connect
mqttc.on_disconnect = on_disconnect
if args.mqtt_username:
    mqttc.username_pw_set(args.mqtt_username, MQTT_PASSWORD)


@asynccontextmanager
async def lifespan(app: FastAPI):
    mqttc.connect("127.0.0.1", args.mqtt_port, keepalive=60)
    mqttc.loop_start()
    if not connected.wait(10):
        log.warning("no CONNACK from the broker within 10 s")
    yield
    mqttc.disconnect()
    mqttc.loop_stop()


app = FastAPI(lifespan=lifespan)


class Webhook(BaseModel):
    event_id: str
    sensor_data: dict[str, Any] | None = None


def error(status: int) -> JSONResponse:
    return JSONResponse({"message": "Error"}, status_code=status)


@app.exception_handler(RequestValidationError)
async def bad_request(request, exc):
    return error(400)


def iso(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@app.post("/public-api/integration/webhooks")
async def webhook(body: Webhook, x_webhook_apikey: str | None = Header(default=None)):
    if x_webhook_apikey != API_KEY:
        return error(401)
    route = ROUTES.get(body.event_id)
    if route is None:
        return error(404)

    command_id = str(uuid.uuid4())
    now = datetime.now(timezone.utc)
    envelope = {
        "v": 1,
        "id": command_id,
        "function": route["function"],
        "params": route.get("params", {}),
        "event_id": body.event_id,
        "target": route["target"],
        "issued_at": iso(now),
        "expires_at": iso(now + COMMAND_TTL),
    }
    if body.sensor_data is not None:
        envelope["sensor_data"] = body.sensor_data

    properties = Properties(PacketTypes.PUBLISH)
    properties.CorrelationData = command_id.encode()
    properties.ContentType = "application/json"
    properties.MessageExpiryInterval = int(COMMAND_TTL.total_seconds())
    info = mqttc.publish(route["topic"], json.dumps(envelope, sort_keys=True, separators=(",", ":")),
                         qos=1, properties=properties)
    if info.rc != mqtt.MQTT_ERR_SUCCESS:
        log.warning("publish of %s returned %s", command_id, mqtt.error_string(info.rc))
    return {"message": "success"}


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    if args.server == "uvloop":
        loop, http = "uvloop", "httptools"
    else:
        loop, http = "asyncio", "h11"
    uvicorn.run(app, host="127.0.0.1", port=args.port, loop=loop, http=http, workers=1,
                access_log=False, log_level="warning")
