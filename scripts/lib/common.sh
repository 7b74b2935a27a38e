# Shared by scripts/run and scripts/test: installing what is missing, and starting mosquitto from broker.conf.
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

# Debian packages Hookcast needs at build and run time.
REQUIRED_PACKAGES=(mosquitto mosquitto-clients libmosquitto-dev mosquitto-dev pkg-config curl python3 python3-paho-mqtt)

# ensure_packages [EXTRA...]: the required packages and, for one script's own needs, EXTRA ones.
ensure_packages() {
    local missing=()
    local package
    for package in "${REQUIRED_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing ${missing[*]} ..." >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free loopback port, below the kernel's range for outgoing connections' local ports: a port from that range
# can be taken by any connection a busy test run opens between choosing it and the broker binding it ("Address
# already in use", seen once in CI). Checked by binding it, not by connecting to it.
free_port() {
    python3 - <<'PY'
import random, socket, sys
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_start = int(f.read().split()[0])
except OSError:
    ephemeral_start = 32768
low, high = 10000, max(ephemeral_start - 1, 10001)
for _ in range(200):
    port = random.randint(low, high)
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    sys.exit(0)
sys.exit("no free port found")
PY
}

wait_for_port() {
    local port=$1 seconds=${2:-10}
    for _ in $(seq 1 $((seconds * 20))); do
        port_in_use "$port" && return 0
        sleep 0.05
    done
    echo "nothing listens on 127.0.0.1:$port after ${seconds}s" >&2
    return 1
}

# Where Debian (or a local build) installed mosquitto's dynamic-security plugin.
dynsec_plugin() {
    local path
    for path in /usr/lib/*/mosquitto_dynamic_security.so /usr/lib/mosquitto_dynamic_security.so \
        /usr/local/lib/mosquitto_dynamic_security.so; do
        [ -f "$path" ] && { echo "$path"; return 0; }
    done
    echo "mosquitto's dynamic-security plugin is not installed (package mosquitto)" >&2
    return 1
}

# broker_conf PORT [open]: the shipped broker.conf with its first (plain) listener on PORT (an enabled TLS listener
# keeps its own port) and the plugin path of this machine; with `open`, the access-control block becomes
# `allow_anonymous true` (the tests' shared broker).
broker_conf() {
    local port=$1 mode=${2:-secure} root plugin
    root=$(repo_root)
    if [ "$mode" = open ]; then
        sed -e "0,/^listener [0-9]* /s//listener $port /" \
            -e '/^# >>> access control/,/^# <<< access control/c\allow_anonymous true' "$root/broker.conf"
    else
        plugin=$(dynsec_plugin) || return 1
        sed -e "0,/^listener [0-9]* /s//listener $port /" -e "s|^plugin .*mosquitto_dynamic_security.so|plugin $plugin|" \
            "$root/broker.conf"
    fi
}

# start_broker DIR PORT [open]: writes DIR/broker.conf (see broker_conf) and starts mosquitto in DIR, where its
# database, log and (secure) dynamic-security.json live. Sets BROKER_PID.
start_broker() {
    local dir=$1 port=$2 mode=${3:-secure}
    mkdir -p "$dir"
    broker_conf "$port" "$mode" > "$dir/broker.conf"
    # Started as root, mosquitto drops to the 'mosquitto' user, which must be able to write its database and the
    # plugin's file (not -R: a TLS directory beside them keeps its own owners).
    if [ "$(id -u)" -eq 0 ] && id mosquitto >/dev/null 2>&1; then
        chown mosquitto "$dir"
        [ ! -f "$dir/dynamic-security.json" ] || chown mosquitto "$dir/dynamic-security.json"
    fi
    (cd "$dir" && exec /usr/sbin/mosquitto -c "$dir/broker.conf" >> "$dir/broker.log" 2>&1) &
    BROKER_PID=$!
    wait_for_port "$port" 10 || { tail -n 20 "$dir/broker.log" >&2; return 1; }
}

stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
}
