# The first-run demo of scripts/run: a key, three demo devices in a group, one action per function.
# shellcheck shell=bash

DEMO_DEVICES=(demo-1 demo-2 demo-3)

# seed_demo HOOKCAST_BINARY: registers everything through the admin API (HOOKCAST_SERVER, HOOKCAST_ADMIN_TOKEN)
# and prints the demo API key.
seed_demo() {
    local hookcast=$1 device
    mkdir -p "$DATA_DIR/devices"
    for device in "${DEMO_DEVICES[@]}"; do
        "$hookcast" devices create "$device" --name "Demo screen ${device#demo-}" --tag demo \
            --password-file "$DATA_DIR/devices/$device.password" >/dev/null
    done
    "$hookcast" groups create demo --name "Demo screens" --member demo-1 --member demo-2 --member demo-3 >/dev/null
    "$hookcast" actions create demo-load-url --function load_url --param url=https://example.com --target group:demo >/dev/null
    "$hookcast" actions create demo-emergency-on --function emergency --param state=on \
        --param "message=This is a drill" --target all >/dev/null
    "$hookcast" actions create demo-emergency-off --function emergency --param state=off --target all >/dev/null
    "$hookcast" actions create demo-refresh-datasource --function refresh_datasource --target group:demo >/dev/null
    "$hookcast" actions create demo-pause-loop --function pause_loop --target group:demo >/dev/null
    "$hookcast" actions create demo-resume-loop --function resume_loop --target group:demo >/dev/null
    "$hookcast" actions create demo-sensor --function send_sensor_event --target device:demo-1 >/dev/null
    "$hookcast" actions create demo-refresh-content --function refresh_content --target all >/dev/null
    "$hookcast" actions create demo-restart --function restart_device --target device:demo-3 >/dev/null
    "$hookcast" actions create demo-toast --function show_toast --param "message=Coffee in the lobby" \
        --param level=info --param duration_seconds=30 --target group:demo >/dev/null
    "$hookcast" actions create demo-snooze --function snooze_device --param duration_seconds=600 --target device:demo-2 >/dev/null
    "$hookcast" actions create demo-wake --function wake_device --target device:demo-2 >/dev/null
    # Printed, not stored: the gateway keeps keys hashed and encrypted, and `hookcast keys show` reveals them.
    "$hookcast" keys create "demo" --json | sed -n 's/.*"key" *: *"\(hk_[^"]*\)".*/\1/p'
}

print_demo_help() {
    local key=$1 payload
    payload=$(printf '{"event_id":"demo-load-url"}' | base64 -w0 | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
    cat >&2 <<TXT

Demo: devices demo-1..3 (group "demo") are running and acknowledge commands. Try:

  curl -s -X POST 'http://127.0.0.1:$HTTP_PORT/public-api/integration/webhooks?wait=5' \\
    -H 'Content-Type: application/json' -H 'x-webhook-apikey: $key' -d '{"event_id":"demo-emergency-on"}'

  curl -s 'http://127.0.0.1:$HTTP_PORT/public-api/integration/webhooks?apiKey=$key&payload=$payload'

  curl -s -X POST http://127.0.0.1:$HTTP_PORT/public-api/integration/webhooks \\
    -H 'Content-Type: application/json' -H 'x-webhook-apikey: $key' \\
    -d '{"event_id":"demo-sensor","sensor_data":{"id":"door-1","event":"opened","value":"1"}}'

Results:  curl -s -H "Authorization: Bearer \$HOOKCAST_ADMIN_TOKEN" http://127.0.0.1:$HTTP_PORT/api/v1/commands
The broker admits its accounts only: docs/guide.md shows how to watch the traffic with an observer account.
Other demo actions:  demo-emergency-off, demo-refresh-datasource, demo-pause-loop, demo-resume-loop,
                     demo-refresh-content, demo-restart, demo-toast, demo-snooze, demo-wake
TXT
}
