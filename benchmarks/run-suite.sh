#!/usr/bin/env bash
# Runs the server benchmarks side by side on this machine and rewrites the generated section of
# docs/BENCHMARKS.md (between its BEGIN/END GENERATED markers) and docs/benchmarks-suite.svg.
#
#   benchmarks/run-suite.sh                 # build, then run everything (about 7 minutes)
#   SKIP_BUILD=1 benchmarks/run-suite.sh    # reuse the jars in target/
#   MVN_FLAGS="-o -Dmaven.repo.local=..." benchmarks/run-suite.sh
#   SECONDS_MEASURED=10 WARMUP=5 benchmarks/run-suite.sh
#   CROWD=1 benchmarks/run-suite.sh         # then the crowd benchmark too (benchmarks/crowd/run-crowd.sh,
#                                           # HeTu beside Colyseus; needs Node and npm; about 25 minutes more)
#
# Needs Java 25 (JAVA_HOME), Maven, python3 (to pick free ports) and, for the Redis rows,
# redis-server and redis-benchmark (Debian: redis-server, redis-tools); without them those rows
# say "not run". The JMH sections of docs/BENCHMARKS.md are not touched: their commands are in
# those sections.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
MEASURE=${SECONDS_MEASURED:-10}
WARMUP=${WARMUP:-5}
CONNECTIONS=16
IN_FLIGHT=8
RUN=$(mktemp -d /tmp/hetu-suite.XXXXXX)
RESULTS=$RUN/results
mkdir -p "$RESULTS"
# shellcheck source=lib.sh
source "$ROOT/benchmarks/lib.sh"

if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "== building hetu.jar, the bench app and the report generator"
    mvn -q ${MVN_FLAGS:-} -pl hetu-server,samples/bench-app,benchmarks -am package -DskipTests
fi
# The servers run from copies, so a rebuild during the run cannot pull classes from under them.
cp hetu-server/target/hetu.jar samples/bench-app/target/bench-app.jar benchmarks/target/hetu-bench.jar "$RUN/"

{
    echo "\$ lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|MHz|L3'"
    lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|MHz|L3' || true
    echo "\$ nproc; free -h | head -2"
    nproc
    free -h | head -2
    echo "\$ uname -srm; grep PRETTY_NAME /etc/os-release"
    uname -srm
    grep PRETTY_NAME /etc/os-release | cut -d= -f2 | tr -d '"'
    echo "\$ java -version"
    "$JAVA" -version 2>&1
    echo "\$ redis-server --version"
    (redis-server --version 2>/dev/null || echo "not installed")
    echo "\$ uptime   # load from other work on the machine when the suite started"
    uptime
} > "$RESULTS/machine.txt"
date -u '+%Y-%m-%d %H:%M UTC' > "$RESULTS/date.txt"
: > "$RESULTS/commands.txt"

HETU_PORT=
HETU_PID=
start_hetu() { # fsync policy
    HETU_PORT=$(free_port)
    rm -rf "$RUN/data"
    note "$JAVA" -jar "$RUN/hetu.jar" start --app "$RUN/bench-app.jar" --db "embedded:$RUN/data" --host 127.0.0.1 \
        --port "$HETU_PORT" --fsync "$1"
    HETU_LIMITS_CALLS_PER_SECOND=1000000000 "$JAVA" -jar "$RUN/hetu.jar" start --app "$RUN/bench-app.jar" \
        --db "embedded:$RUN/data" --host 127.0.0.1 --port "$HETU_PORT" --fsync "$1" > "$RUN/hetu-$1.log" 2>&1 &
    HETU_PID=$!
    PIDS+=("$HETU_PID")
    wait_for_line "$RUN/hetu-$1.log" "HeTu is serving"
}

bench() { # result name, url, bench options...
    local name=$1 url=$2
    shift 2
    echo "== $name"
    record "$JAVA" -jar "$RUN/hetu-bench.jar" --url "$url" --json --quiet --warmup "$WARMUP" --duration "$MEASURE" \
        "$@" > "$RESULTS/$name.json" || echo "   $name reported errors; see $RESULTS/$name.json"
}

MANY=(--connections "$CONNECTIONS" --in-flight "$IN_FLIGHT")
ONE=(--connections 1 --in-flight 1)

echo "== bare Netty echo server"
ECHO_PORT=$(free_port)
echo "HETU_LIMITS_CALLS_PER_SECOND=1000000000 # for every hetu start below" >> "$RESULTS/commands.txt"
note "$JAVA" -cp "$RUN/hetu-bench.jar" io.hetu.bench.EchoServer "$ECHO_PORT" 127.0.0.1
"$JAVA" -cp "$RUN/hetu-bench.jar" io.hetu.bench.EchoServer "$ECHO_PORT" 127.0.0.1 > "$RUN/echo.log" 2>&1 &
ECHO_PID=$!
PIDS+=("$ECHO_PID")
wait_for_line "$RUN/echo.log" "Echo server on"
ECHO_URL="ws://127.0.0.1:$ECHO_PORT/hetu"
bench echo "$ECHO_URL" --workload echo "${MANY[@]}"
bench one-echo "$ECHO_URL" --workload echo "${ONE[@]}"
stop "$ECHO_PID"

echo "== HeTu, --fsync no"
start_hetu no
URL="ws://127.0.0.1:$HETU_PORT/hetu"
for workload in hello get get-update get2-update2; do
    bench "$workload" "$URL" --workload "$workload" "${MANY[@]}"
done
bench transfer-0 "$URL" --workload transfer --zipf 0 "${MANY[@]}"
bench transfer-1.5 "$URL" --workload transfer --zipf 1.5 "${MANY[@]}"
bench push "$URL" --workload push --connections 100 --range 10 --rate 2000 --in-flight 64
for workload in hello get get-update get2-update2; do
    bench "one-$workload" "$URL" --workload "$workload" "${ONE[@]}"
done
stop "$HETU_PID"

echo "== HeTu, --fsync always"
start_hetu always
URL="ws://127.0.0.1:$HETU_PORT/hetu"
bench always-get-update "$URL" --workload get-update "${MANY[@]}"
bench one-always-get-update "$URL" --workload get-update "${ONE[@]}"
stop "$HETU_PID"

cpu_ticks() { # pid: user + system clock ticks of the process
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

redis_run() { # result name, command, clients, requests
    local name=$1 command=$2 clients=$3 requests=$4 before after csv
    echo "== $name"
    before=$(cpu_ticks "$REDIS_PID")
    csv=$(record redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t "$command" -c "$clients" -n "$requests" -P 1 \
        --csv | tail -1)
    after=$(cpu_ticks "$REDIS_PID")
    # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    echo "$csv" | tr -d '"' | awk -F, -v c="$clients" -v n="$requests" -v t="$(( after - before ))" \
        -v hz="$(getconf CLK_TCK)" '{ printf "{\"command\":\"%s\",\"clients\":%d,\"rps\":%s,\"p50Ms\":%s,\"p99Ms\":%s,\"cpuMicrosPerOp\":%.3f}\n", $1, c, $2, $5, $7, t / hz * 1e6 / n }' \
        > "$RESULTS/$name.json"
}

if command -v redis-server > /dev/null && command -v redis-benchmark > /dev/null; then
    echo "== Redis"
    REDIS_PORT=$(free_port)
    note redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "''" --appendonly no --daemonize no
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
        > "$RUN/redis.log" 2>&1 &
    REDIS_PID=$!
    PIDS+=("$REDIS_PID")
    wait_for_line "$RUN/redis.log" "Ready to accept connections"
    redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t set,get -n 200000 -c "$CONNECTIONS" -q > /dev/null # warm-up
    redis_run redis-get get "$CONNECTIONS" 2000000
    redis_run redis-set set "$CONNECTIONS" 2000000
    redis_run redis-one-get get 1 200000
    redis_run redis-one-set set 1 200000
    stop "$REDIS_PID"
else
    echo "== Redis: redis-server or redis-benchmark is not installed; its rows stay empty"
fi

echo "== writing docs/BENCHMARKS.md and docs/benchmarks-suite.svg"
"$JAVA" -cp "$RUN/hetu-bench.jar" io.hetu.benchmarks.suite.SuiteReport "$RESULTS" docs/BENCHMARKS.md \
    docs/benchmarks-suite.svg
rm -rf "$ROOT/benchmarks/target/suite-results"
cp -r "$RESULTS" "$ROOT/benchmarks/target/suite-results"
echo "Results: $RESULTS (also benchmarks/target/suite-results)"

if [[ -n "${CROWD:-}" ]]; then
    echo "== the crowd benchmark (benchmarks/crowd/run-crowd.sh)"
    "$ROOT/benchmarks/crowd/run-crowd.sh"
fi
