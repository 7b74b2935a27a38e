# Shared by scripts/run and scripts/test: installing what is missing, and starting mosquitto from broker.conf.
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

# Debian packages Hookcast needs at build and run time.
REQUIRED_PACKAGES=(mosquitto mosquitto-clients libmosquitto-dev pkg-config curl python3 python3-paho-mqtt)

ensure_packages() {
    local missing=()
    local package
    for package in "${REQUIRED_PACKAGES[@]}"; do
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

# A free loopback port: random ones from the dynamic range until one answers nothing.
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 30000))
        port_in_use "$port" || { echo "$port"; return 0; }
    done
    echo "no free port found" >&2
    return 1
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

# start_broker DIR PORT: writes DIR/broker.conf (the shipped one, listener on PORT) and starts mosquitto in DIR,
# where its database and log live. Sets BROKER_PID.
start_broker() {
    local dir=$1 port=$2 root
    root=$(repo_root)
    mkdir -p "$dir"
    # Only the first (plain) listener moves; an enabled TLS listener keeps its own port.
    sed "0,/^listener [0-9]* /s//listener $port /" "$root/broker.conf" > "$dir/broker.conf"
    # Started as root, mosquitto drops to the 'mosquitto' user, which must be able to write its database.
    if [ "$(id -u)" -eq 0 ] && id mosquitto >/dev/null 2>&1; then chown mosquitto "$dir"; fi
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
