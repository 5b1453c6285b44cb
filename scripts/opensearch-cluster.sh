#!/usr/bin/env bash
# Start/stop a real two-node OpenSearch 2.19 test cluster on 127.0.0.1,
# built from Maven Central jars (see tests/opensearch/README.md).
#
#   scripts/opensearch-cluster.sh start [DIR]      build launcher if needed, start 2 nodes,
#                                                  wait for green; last stdout line = URL
#   scripts/opensearch-cluster.sh url [DIR]        print the URL (node 1's HTTP address)
#   scripts/opensearch-cluster.sh status [DIR]     print each node's pid, URL and liveness
#   scripts/opensearch-cluster.sh kill-node N [DIR]  SIGKILL node N (1 or 2) by its recorded pid
#   scripts/opensearch-cluster.sh stop [DIR]       stop exactly the recorded pids, wait for exit
#   scripts/opensearch-cluster.sh build            only build the launcher (mvn -q -B package)
#
# DIR defaults, for start, to a new folder target/opensearch/cluster.XXXXXX in the
# repository; its path is recorded in target/opensearch/current, which the other
# subcommands use when DIR is not given. DIR holds:
#   url                  http://127.0.0.1:<node 1 http port>
#   node1.url node2.url  each node's own HTTP URL
#   node1.pid node2.pid  each node's java pid (kill one to test failover)
#   node1.log node2.log  each node's log
#   node1/ node2/        each node's path.home (data under nodeN/data)
#
# Environment knobs:
#   OPENSEARCH_JAVA            java binary (default $JAVA_HOME/bin/java, else java)
#   OPENSEARCH_HEAP_MIN/MAX    heap per node (default 256m / 512m)
#   OPENSEARCH_START_TIMEOUT   seconds to wait for green (default 180)
#   OPENSEARCH_HTTP_PORT       first HTTP port to try (default 9200)
#   OPENSEARCH_TRANSPORT_PORT  first transport port to try (default 9300)
#   OPENSEARCH_CLUSTER_NAME    cluster.name (default lede-test)
#   MVN                        maven command (default mvn)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAUNCHER_DIR="$ROOT/tests/opensearch"
LAUNCHER_JAR="$LAUNCHER_DIR/target/opensearch-launcher.jar"
LAUNCHER_LIB="$LAUNCHER_DIR/target/lib"
STATE_ROOT="$ROOT/target/opensearch"
CURRENT_FILE="$STATE_ROOT/current"
MAIN_CLASS="lede.opensearch.Launcher"

log() { echo "opensearch-cluster: $*" >&2; }
die() { log "error: $*"; exit 1; }

java_bin() {
    if [[ -n "${OPENSEARCH_JAVA:-}" ]]; then echo "$OPENSEARCH_JAVA"
    elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"
    else echo java; fi
}

# Build the launcher unless target/ is newer than the pom and every source file.
build() {
    local stale=0
    if [[ ! -f "$LAUNCHER_JAR" || ! -d "$LAUNCHER_LIB" ]]; then
        stale=1
    elif [[ -n "$(find "$LAUNCHER_DIR/pom.xml" "$LAUNCHER_DIR/src" -newer "$LAUNCHER_JAR" -print -quit)" ]]; then
        stale=1
    fi
    if (( stale )); then
        log "building launcher (mvn -q -B package in tests/opensearch)"
        local out
        if ! out=$(cd "$LAUNCHER_DIR" && ${MVN:-mvn} -q -B -Dstyle.color=never package 2>&1); then
            echo "$out" >&2
            die "mvn package failed in $LAUNCHER_DIR"
        fi
        touch "$LAUNCHER_JAR"
    fi
}

# DIR argument, or the one recorded by the last default `start`.
resolve_dir() {
    if [[ -n "${1:-}" ]]; then
        echo "$1"
    elif [[ -f "$CURRENT_FILE" ]]; then
        cat "$CURRENT_FILE"
    else
        die "no DIR given and no cluster recorded in $CURRENT_FILE"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# First port >= $1 that nothing listens on and that is not in the taken list ($2..).
free_port() {
    local p=$1; shift
    while :; do
        local taken=0 t
        for t in "$@"; do [[ "$t" == "$p" ]] && taken=1; done
        if (( !taken )) && ! port_in_use "$p"; then echo "$p"; return; fi
        p=$((p + 1))
        (( p < 65000 )) || die "no free port found"
    done
}

# Is $1 a live java process that we started from DIR $2?
is_our_node() {
    local pid=$1 dir=$2
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    local cmd
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ "$cmd" == *"$MAIN_CLASS"* && "$cmd" == *"$dir/"* ]]
}

wait_gone() { # pid seconds
    local pid=$1 n=$(( $2 * 10 ))
    while (( n-- > 0 )); do
        kill -0 "$pid" 2>/dev/null || return 0
        # A zombie is gone for our purposes (its parent may not be us).
        [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && return 0
        sleep 0.1
    done
    return 1
}

show_logs() {
    local dir=$1 i
    for i in 1 2; do
        if [[ -f "$dir/node$i.log" ]]; then
            echo "----- tail of $dir/node$i.log -----" >&2
            tail -n 40 "$dir/node$i.log" >&2
        fi
    done
}

# Send signal $2 to each recorded node ($3...) of DIR $1 that is still ours,
# then wait for all of them to exit (SIGKILL after 30 s). Removes their pid files.
signal_nodes() { # dir signal i...
    local dir=$1 sig=$2 i pid; shift 2
    local -a pids=() names=()
    for i in "$@"; do
        [[ -f "$dir/node$i.pid" ]] || continue
        pid=$(cat "$dir/node$i.pid")
        if is_our_node "$pid" "$dir"; then
            kill "-$sig" "$pid" 2>/dev/null || true
            pids+=("$pid"); names+=("node$i")
        else
            log "node$i (pid $pid) was not running"
        fi
        rm -f "$dir/node$i.pid"
    done
    for i in "${!pids[@]}"; do
        pid=${pids[$i]}
        if ! wait_gone "$pid" 30; then
            log "${names[$i]} (pid $pid) did not exit 30 s after SIG$sig, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" 10 || log "${names[$i]} (pid $pid) still present after SIGKILL"
        fi
        log "${names[$i]} (pid $pid) stopped (SIG$sig)"
    done
}

current_manager() { # url
    curl -s -m 10 "$1/_cat/cluster_manager?h=node" | tr -d '[:space:]'
}

# Make node $2 the elected cluster manager (and sole voter) instead of node $3.
pin_manager() { # url want other
    local url=$1 want=$2 other=$3 n mgr
    mgr=$(current_manager "$url")
    [[ "$mgr" == "$want" ]] && return 0
    log "$other won the election; moving the cluster manager role to $want"
    curl -s -m 70 -XPOST "$url/_cluster/voting_config_exclusions?node_names=$other&timeout=60s" >/dev/null || return 1
    for ((n = 0; n < 60; n++)); do
        mgr=$(current_manager "$url")
        [[ "$mgr" == "$want" ]] && break
        sleep 1
    done
    [[ "$mgr" == "$want" ]] || return 1
    # Lifting the exclusion keeps the voting configuration at {want}: with two
    # eligible nodes it stays at one voter and prefers the current manager.
    curl -s -m 30 -XDELETE "$url/_cluster/voting_config_exclusions?wait_for_removal=false" >/dev/null || return 1
    local body
    body=$(curl -s -m 70 "$url/_cluster/health?wait_for_status=green&wait_for_nodes=2&timeout=60s")
    [[ "$body" == *'"status":"green"'* && "$(current_manager "$url")" == "$want" ]]
}

cmd_start() {
    local dir="${1:-}"
    command -v curl >/dev/null || die "curl is needed"
    build
    if [[ -z "$dir" ]]; then
        mkdir -p "$STATE_ROOT"
        dir=$(mktemp -d "$STATE_ROOT/cluster.XXXXXX")
        echo "$dir" >"$CURRENT_FILE"
    else
        mkdir -p "$dir"
        dir=$(cd "$dir" && pwd)
    fi
    local i
    for i in 1 2; do
        if [[ -f "$dir/node$i.pid" ]] && is_our_node "$(cat "$dir/node$i.pid")" "$dir"; then
            die "a node is already running from $dir (pid $(cat "$dir/node$i.pid")); stop it first"
        fi
    done

    local h1 h2 t1 t2
    h1=$(free_port "${OPENSEARCH_HTTP_PORT:-9200}")
    h2=$(free_port "$((h1 + 1))" "$h1")
    t1=$(free_port "${OPENSEARCH_TRANSPORT_PORT:-9300}" "$h1" "$h2")
    t2=$(free_port "$((t1 + 1))" "$h1" "$h2" "$t1")
    local seeds="127.0.0.1:$t1,127.0.0.1:$t2"
    local java; java=$(java_bin)
    local cluster="${OPENSEARCH_CLUSTER_NAME:-lede-test}"

    local http tr pid
    for i in 1 2; do
        if (( i == 1 )); then http=$h1 tr=$t1; else http=$h2 tr=$t2; fi
        rm -rf "$dir/node$i"
        mkdir -p "$dir/node$i/tmp"
        # stdin/stdout/stderr are detached from the caller so that
        # `url=$(scripts/opensearch-cluster.sh start | tail -n1)` does not hang.
        nohup "$java" \
            "-Xms${OPENSEARCH_HEAP_MIN:-256m}" "-Xmx${OPENSEARCH_HEAP_MAX:-512m}" \
            -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
            "-Djava.io.tmpdir=$dir/node$i/tmp" \
            -Dfile.encoding=UTF-8 \
            -Dopensearch.set.netty.runtime.available.processors=false \
            -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
            -Dio.netty.recycler.maxCapacityPerThread=0 \
            -Dlog4j2.disable.jmx=true -Dlog4j.shutdownHookEnabled=false \
            "-Dlede.node.name=node$i" \
            -cp "$LAUNCHER_JAR:$LAUNCHER_LIB/*" "$MAIN_CLASS" \
            --home "$dir/node$i" --node-name "node$i" --cluster-name "$cluster" \
            --http-port "$http" --transport-port "$tr" \
            --seed-hosts "$seeds" --initial-cluster-managers node1,node2 \
            </dev/null >"$dir/node$i.log" 2>&1 &
        pid=$!
        echo "$pid" >"$dir/node$i.pid"
        echo "http://127.0.0.1:$http" >"$dir/node$i.url"
        log "node$i pid $pid http 127.0.0.1:$http transport 127.0.0.1:$tr log $dir/node$i.log"
    done
    local url="http://127.0.0.1:$h1"
    echo "$url" >"$dir/url"

    local timeout="${OPENSEARCH_START_TIMEOUT:-180}" start=$SECONDS body=""
    while :; do
        for i in 1 2; do
            if ! is_our_node "$(cat "$dir/node$i.pid")" "$dir"; then
                log "node$i exited during start-up"
                show_logs "$dir"
                cmd_stop "$dir" >/dev/null 2>&1 || true
                exit 1
            fi
        done
        body=$(curl -s -m 10 "$url/_cluster/health?wait_for_status=green&wait_for_nodes=2&timeout=5s" || true)
        if [[ "$body" == *'"status":"green"'* && "$body" == *'"number_of_nodes":2,'* && "$body" == *'"timed_out":false'* ]]; then
            break
        fi
        if (( SECONDS - start >= timeout )); then
            log "cluster not green with 2 nodes after ${timeout}s; last health: ${body:-<no answer>}"
            show_logs "$dir"
            cmd_stop "$dir" >/dev/null 2>&1 || true
            exit 1
        fi
        sleep 1
    done
    # With two cluster-manager-eligible nodes the voting configuration holds only
    # the elected one, so only the *other* node may die without taking the cluster
    # down. Make that deterministic: node1 is always the manager, node2 is killable.
    if ! pin_manager "$url" node1 node2; then
        log "could not make node1 the cluster manager"
        show_logs "$dir"
        cmd_stop "$dir" >/dev/null 2>&1 || true
        exit 1
    fi
    log "cluster green with 2 nodes after $((SECONDS - start)) s, node1 is cluster manager (dir $dir)"
    echo "$url"
}

cmd_stop() {
    local dir; dir=$(resolve_dir "${1:-}")
    [[ -d "$dir" ]] || die "no such cluster folder: $dir"
    dir=$(cd "$dir" && pwd)
    # SIGTERM both at once (a clean node close), wait for each to exit.
    signal_nodes "$dir" TERM 1 2
    # Keep the logs, drop the node homes (index data).
    rm -rf "$dir/node1" "$dir/node2"
    if [[ -f "$CURRENT_FILE" && "$(cat "$CURRENT_FILE")" == "$dir" ]]; then
        rm -f "$CURRENT_FILE"
    fi
}

cmd_kill_node() {
    local n="${1:-}"
    [[ "$n" == 1 || "$n" == 2 ]] || die "usage: kill-node 1|2 [DIR]"
    local dir; dir=$(resolve_dir "${2:-}")
    dir=$(cd "$dir" && pwd)
    signal_nodes "$dir" KILL "$n"
}

cmd_url() {
    local dir; dir=$(resolve_dir "${1:-}")
    [[ -f "$dir/url" ]] || die "no url recorded in $dir"
    cat "$dir/url"
}

cmd_status() {
    local dir; dir=$(resolve_dir "${1:-}")
    dir=$(cd "$dir" && pwd)
    local i pid state
    for i in 1 2; do
        pid=$(cat "$dir/node$i.pid" 2>/dev/null || echo -)
        if [[ "$pid" != - ]] && is_our_node "$pid" "$dir"; then state=running; else state=stopped; fi
        echo "node$i pid=$pid url=$(cat "$dir/node$i.url" 2>/dev/null || echo -) $state"
    done
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    url) shift; cmd_url "$@" ;;
    status) shift; cmd_status "$@" ;;
    kill-node) shift; cmd_kill_node "$@" ;;
    build) build ;;
    *)
        awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
        exit 2
        ;;
esac
