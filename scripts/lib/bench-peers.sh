# The benchmark's peers (bench/peers/, bench/README.md): what they need installed. Sourced after common.sh.
# shellcheck shell=bash

# ensure_bench_peers: Debian's webhook, jq and python3-venv, and the venv .build-venv-bench with the pinned
# bench/peers/requirements.txt (FastAPI bridge and bench/plot.py). The venv is rebuilt only when the pins or the
# Python it was made with change. Exports BENCH_PYTHON.
ensure_bench_peers() {
    local root venv requirements stamp want
    root=$(repo_root)
    venv="$root/.build-venv-bench"
    requirements="$root/bench/peers/requirements.txt"
    ensure_packages webhook jq python3-venv wrk
    want="$(sha256sum < "$requirements" | cut -d' ' -f1) $(python3 -c 'import sys; print(sys.version.split()[0])')"
    stamp="$venv/.requirements.sha256"
    if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "Installing the benchmark peers' Python packages into $venv ..." >&2
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2
        echo "$want" > "$stamp"
    fi
    export BENCH_PYTHON="$venv/bin/python"
}

# bench_peer_specs: one line per peer, NAME;LABEL;PATH;COMMAND as the harness's --peer takes it, with the
# placeholders {port}, {mqtt_port}, {routes}, {key_file}, {mqtt_username} and {mqtt_password_file} (bench/README.md).
# Needs BENCH_PYTHON (ensure_bench_peers).
BENCH_PEER_PATH=/public-api/integration/webhooks
bench_peer_specs() {
    local root arguments="--port {port} --mqtt-port {mqtt_port} --routes {routes} --api-key-file {key_file}"
    arguments+=" --mqtt-username {mqtt_username} --mqtt-password-file {mqtt_password_file}"
    root=$(repo_root)
    echo "fastapi-uvloop;FastAPI + paho (uvloop);$BENCH_PEER_PATH;$BENCH_PYTHON $root/bench/peers/fastapi_bridge.py --server uvloop $arguments"
    echo "fastapi-h11;FastAPI + paho (h11);$BENCH_PEER_PATH;$BENCH_PYTHON $root/bench/peers/fastapi_bridge.py --server h11 $arguments"
    echo "webhook;adnanh webhook + mosquitto_pub;$BENCH_PEER_PATH;$root/bench/peers/webhook_peer.sh $arguments"
}
