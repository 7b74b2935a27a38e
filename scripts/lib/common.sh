# Shared by scripts/run and scripts/test: installing what is missing, and starting mosquitto from broker.conf.
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

# Debian packages Hookcast needs at build and run time.
REQUIRED_PACKAGES=(mosquitto mosquitto-clients libmosquitto-dev mosquitto-dev libsqlite3-dev pkg-config curl python3 python3-paho-mqtt)

# The commit a benchmark measures, "-dirty" when tracked files differ from it. Call it before the pipeline that
# writes the results: a `| tee` of a tracked results file truncates it while the pipeline starts, and a
# `$(git diff)` in that pipeline's first command raced it (results recorded "-dirty" for clean trees).
measured_commit() {
    echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo -dirty)"
}

# bench_results_dir RECORD: where a benchmark writes its results. Out of the tree by default
# ($HOOKCAST_BENCH_RESULTS, or .build/bench-results), so that no run, a --quick one least of all, overwrites the
# figures bench/README.md cites; into bench/results only when RECORD is true (the scripts' --record).
bench_results_dir() {
    if [ "$1" = true ]; then
        echo "$(repo_root)/bench/results"
    else
        echo "${HOOKCAST_BENCH_RESULTS:-$(repo_root)/.build/bench-results}"
    fi
}

# usage_from_header SCRIPT: prints SCRIPT's header comment (its lines after the #! line, up to the first line that
# is not a comment), so a script's --help and its header cannot disagree.
usage_from_header() {
    awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"
}

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

# broker_conf PORT [open|secure|bench]: the shipped broker.conf with its first (plain) listener on PORT (an enabled
# TLS listener keeps its own port) and, secure, its plugin line pointing at $HOOKCAST_BROKER_PLUGIN (the built
# libhookcast-broker-plugin.so); with `open`, the access-control block becomes `allow_anonymous true` (the tests'
# shared broker); `bench` is secure, with the names the plugin does not manage left (`plugin_opt_other_accounts
# defer`) to mosquitto's `password_file bench-passwords` and `acl_file bench-acl` in the broker's directory, which
# the caller writes (scripts/bench: the benchmark's peers and its own clients). The plugin's topic prefix is
# $HOOKCAST_TOPIC_PREFIX when set, as the gateway's and the devices' are.
broker_conf() {
    local port=$1 mode=${2:-secure} root
    root=$(repo_root)
    if [ "$mode" = open ]; then
        sed -e "0,/^listener [0-9]* /s//listener $port /" \
            -e '/^# >>> access control/,/^# <<< access control/c\allow_anonymous true' "$root/broker.conf"
    else
        if [ ! -f "${HOOKCAST_BROKER_PLUGIN:-}" ]; then
            echo "HOOKCAST_BROKER_PLUGIN must name the built plugin (swift build --product hookcast-broker-plugin)" >&2
            return 1
        fi
        local other=deny
        [ "$mode" = bench ] && other=defer
        sed -e "0,/^listener [0-9]* /s//listener $port /" \
            -e "s|^plugin .*libhookcast-broker-plugin.so|plugin $HOOKCAST_BROKER_PLUGIN|" \
            -e "s|^plugin_opt_other_accounts .*|plugin_opt_other_accounts $other|" \
            -e "s|^plugin_opt_topic_prefix .*|plugin_opt_topic_prefix ${HOOKCAST_TOPIC_PREFIX:-hookcast/v1}|" \
            "$root/broker.conf"
        if [ "$mode" = bench ]; then
            printf '%s\n' "" "# The benchmark's own accounts (scripts/bench), never a device's." \
                "password_file bench-passwords" "acl_file bench-acl" "plugin_opt_other_accounts_file bench-passwords"
        fi
    fi
}

# start_broker DIR PORT [open|secure|bench]: writes DIR/broker.conf (see broker_conf) and starts mosquitto in DIR,
# where its database, log, (secure) the plugin's state directory and gateway accounts file and (bench) the
# bench-passwords and bench-acl files live. Sets BROKER_PID.
start_broker() {
    local dir=$1 port=$2 mode=${3:-secure}
    mkdir -p "$dir"
    broker_conf "$port" "$mode" > "$dir/broker.conf"
    # Made here with its mode, and handed to the broker's user below (the plugin, loaded after mosquitto dropped
    # root, would also make it, as that user).
    [ "$mode" = open ] || { mkdir -p "$dir/hookcast-accounts" && chmod 0700 "$dir/hookcast-accounts"; }
    # Started as root, mosquitto drops to the 'mosquitto' user, which must be able to write its database and the
    # plugin's state, and read the gateway accounts file and (bench) the password and ACL files (not -R: a TLS
    # directory beside them keeps its own owners).
    if [ "$(id -u)" -eq 0 ] && id mosquitto >/dev/null 2>&1; then
        chown mosquitto "$dir"
        local owned
        for owned in "$dir/hookcast-accounts" "$dir/hookcast-accounts"/* "$dir/gateway-accounts" \
            "$dir/bench-passwords" "$dir/bench-acl"; do
            [ ! -e "$owned" ] || chown mosquitto "$owned"
        done
    fi
    (cd "$dir" && exec /usr/sbin/mosquitto -c "$dir/broker.conf" >> "$dir/broker.log" 2>&1) &
    BROKER_PID=$!
    wait_for_port "$port" 10 || { tail -n 20 "$dir/broker.log" >&2; return 1; }
}

# The newest PostgreSQL server programs Debian's `postgresql` package installed (initdb, postgres).
postgres_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bin/postgres" ] || { echo "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2; return 1; }
    echo "$bin"
}

# start_postgres DIR PORT [SETTING=VALUE…]: a private PostgreSQL in DIR, made by initdb on first use, listening on
# 127.0.0.1:PORT only (its socket in DIR too), with one superuser `hookcast` trusted on loopback, as the tests and the
# local demonstration need and nothing else should; each further argument is a server setting (`-c`). Run as root,
# the server runs as Debian's `postgres` user (it refuses root). `postgres` is started directly, not through
# pg_ctl, so POSTGRES_PID is the server's own pid.
start_postgres() {
    local dir=$1 port=$2 bin as=() settings=()
    shift 2
    for setting in "$@"; do settings+=(-c "$setting"); done
    bin=$(postgres_bin) || return 1
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$dir"
        as=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        "${as[@]}" "$bin/initdb" -D "$dir/data" -U hookcast --auth=trust -E UTF8 --no-locale --no-sync \
            >> "$dir/postgres.log" 2>&1 || { tail -n 20 "$dir/postgres.log" >&2; return 1; }
    fi
    (cd "$dir" && exec "${as[@]}" "$bin/postgres" -D "$dir/data" -p "$port" -c listen_addresses=127.0.0.1 \
        -c unix_socket_directories="$dir" "${settings[@]}" >> "$dir/postgres.log" 2>&1) &
    POSTGRES_PID=$!
    wait_for_port "$port" 30 || { tail -n 20 "$dir/postgres.log" >&2; return 1; }
}

# stop_postgres PID: PostgreSQL's fast shutdown (SIGINT: clients are disconnected, work is rolled back), then
# stop_pid's SIGTERM and SIGKILL if it still runs.
stop_postgres() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -INT "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
    stop_pid "$pid"
}

stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
}
