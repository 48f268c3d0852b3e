# Shell functions the benchmark scripts share. Source it after setting ROOT, JAVA, RUN and RESULTS;
# it registers the EXIT trap that ends the processes a script started (their PIDs in PIDS).
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Records a command for the report.
note() {
    echo "$*" | sed "s#^$JAVA #java #; s#$RUN#\$RUN#g; s#$ROOT/##g" >> "$RESULTS/commands.txt"
}

# Records a command for the report, then runs it.
record() {
    note "$@"
    "$@"
}

wait_for_line() { # file, text
    for _ in $(seq 600); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "timed out waiting for '$2' in $1:" >&2
    cat "$1" >&2
    exit 1
}

stop() { # pid
    kill "$1"
    wait "$1" 2>/dev/null || true
}
