#!/usr/bin/env bash
# Starts adnanh's webhook (Debian package `webhook`) as a benchmark peer (bench/README.md):
#   webhook_peer.sh --port HTTP_PORT --mqtt-port MQTT_PORT --routes ROUTES_JSON --api-key-file FILE \
#       [--mqtt-username NAME --mqtt-password-file FILE]
# Serves POST http://127.0.0.1:HTTP_PORT/public-api/integration/webhooks (webhook's -urlprefix
# public-api/integration, hook id `webhooks`). Writes the hooks file and one small route file per event id into a
# temporary directory, then execs webhook, so the pid the caller started is webhook's and SIGTERM stops it; the
# directory is removed once that pid has gone. With a broker account, the user name and password go into a
# mosquitto_pub options file in that directory (mode 0600; XDG_CONFIG_HOME for mosquitto_pub), so the password
# never appears on a command line.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
    echo "usage: $0 --port HTTP_PORT --mqtt-port MQTT_PORT --routes ROUTES_JSON --api-key-file FILE" \
        "[--mqtt-username NAME --mqtt-password-file FILE]" >&2
    exit 2
}
port= mqtt_port= routes= key_file= mqtt_username= mqtt_password_file=
while [ $# -gt 0 ]; do
    case $1 in
        --port) port=${2:?}; shift 2 ;;
        --mqtt-port) mqtt_port=${2:?}; shift 2 ;;
        --routes) routes=${2:?}; shift 2 ;;
        --api-key-file) key_file=${2:?}; shift 2 ;;
        --mqtt-username) mqtt_username=${2:?}; shift 2 ;;
        --mqtt-password-file) mqtt_password_file=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done
[ -n "$port" ] && [ -n "$mqtt_port" ] && [ -n "$routes" ] && [ -n "$key_file" ] || usage
[ -z "$mqtt_username" ] || [ -n "$mqtt_password_file" ] || usage
command -v webhook >/dev/null || { echo "webhook is not installed (Debian package webhook)" >&2; exit 1; }

umask 077
dir=$(mktemp -d -t hookcast-webhook-peer.XXXXXX)
mkdir "$dir/routes" "$dir/mqtt"
if [ -n "$mqtt_username" ]; then
    # mosquitto_pub reads default options from $XDG_CONFIG_HOME/mosquitto_pub, one per line.
    printf '%s\n' "-u $mqtt_username" "-P $(head -n 1 "$mqtt_password_file")" > "$dir/mqtt/mosquitto_pub"
fi
python3 - "$routes" "$key_file" "$dir" "$mqtt_port" "$here/webhook_publish.sh" <<'PY'
import json, sys
routes_file, key_file, out, mqtt_port, publish = sys.argv[1:]
with open(routes_file, encoding="utf-8") as f:
    routes = json.load(f)
with open(key_file, encoding="utf-8") as f:
    key = f.readline().strip()
for event_id, route in routes.items():
    # EventID's rule (1-128 of [A-Za-z0-9_.:-]); the "e-" prefix keeps "." and ".." ordinary names
    with open(f"{out}/routes/e-{event_id}.json", "w", encoding="utf-8") as f:
        json.dump(route, f, separators=(",", ":"))
hooks = [{
    "id": "webhooks",
    "execute-command": publish,
    "command-working-directory": out,
    "http-methods": ["POST"],
    "incoming-payload-content-type": "application/json",
    "pass-arguments-to-command": [
        {"source": "string", "name": f"{out}/routes"},
        {"source": "string", "name": mqtt_port},
        {"source": "string", "name": f"{out}/mqtt"},
        {"source": "payload", "name": "event_id"},
        {"source": "payload", "name": "sensor_data"},
    ],
    "trigger-rule": {"match": {"type": "value", "value": key,
                               "parameter": {"source": "header", "name": "x-webhook-apikey"}}},
    "trigger-rule-mismatch-http-response-code": 401,
    "include-command-output-in-response": False,
    "response-message": '{"message":"success"}',
    "response-headers": [{"name": "Content-Type", "value": "application/json"}],
}]
with open(f"{out}/hooks.json", "w", encoding="utf-8") as f:
    json.dump(hooks, f, indent=2)
PY

# Removes the directory after webhook (this very pid, once exec'd) exits.
pid=$$
(while kill -0 "$pid" 2>/dev/null; do sleep 1; done; rm -rf "$dir") </dev/null >/dev/null 2>&1 &

exec webhook -ip 127.0.0.1 -port "$port" -urlprefix public-api/integration -hooks "$dir/hooks.json"
