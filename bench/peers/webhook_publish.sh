#!/usr/bin/env bash
# adnanh's webhook runs this once per accepted request (hooks file written by webhook_peer.sh):
#   webhook_publish.sh ROUTES_DIR MQTT_PORT MQTT_CONFIG_DIR EVENT_ID [SENSOR_DATA_JSON]
# It looks the event id up in ROUTES_DIR/e-EVENT_ID.json, builds the command envelope of docs/protocol.md with jq
# and publishes it once, QoS 1, with mosquitto_pub, which logs in with the options in MQTT_CONFIG_DIR/mosquitto_pub
# (the peer's broker account; anonymous when the file is missing). webhook does not wait for it: the HTTP caller
# already has its {"message":"success"} and nobody sees this script fail.
set -euo pipefail
routes=$1 port=$2 mqtt_config=$3 event=${4:-} sensor=${5:-}

[[ $event =~ ^[A-Za-z0-9_.:-]{1,128}$ ]] || { echo "invalid event id: '$event'" >&2; exit 1; }
route="$routes/e-$event.json"
[ -f "$route" ] || { echo "unknown event id: $event" >&2; exit 1; }
# webhook passes a missing or null sensor_data as "" or "<nil>"
case $sensor in "<nil>" | null) sensor= ;; esac

read -r id < /proc/sys/kernel/random/uuid

out=$(jq -r -c -S --arg id "$id" --arg event "$event" --arg sensor "$sensor" '
    def iso($s; $ms): ($s | strftime("%Y-%m-%dT%H:%M:%S")) + "." + ("00\($ms)" | .[-3:]) + "Z";
    now as $t | ($t | floor) as $s | ((($t - $s) * 1000) | floor) as $ms
    | .topic,
      ({v: 1, id: $id, function, params: (.params // {}), event_id: $event, target,
        issued_at: iso($s; $ms), expires_at: iso($s + 300; $ms)}
       + (if $sensor == "" then {} else {sensor_data: ($sensor | fromjson)} end))
    ' "$route")
topic=${out%%$'\n'*}
envelope=${out#*$'\n'}

export XDG_CONFIG_HOME=$mqtt_config
exec mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -V mqttv5 -t "$topic" -m "$envelope" \
    -D publish correlation-data "$id" -D publish content-type application/json \
    -D publish message-expiry-interval 300
