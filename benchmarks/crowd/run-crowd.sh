#!/usr/bin/env bash
# The crowd benchmark: N players each moving R times a second, on HeTu (samples/crowd) and on the
# same game on Colyseus 0.18 (benchmarks/crowd/colyseus), driven by one Node load client
# (benchmarks/crowd/load), alternating the two servers. Rewrites the crowd section of
# docs/BENCHMARKS.md (between its BEGIN/END GENERATED markers).
#
#   benchmarks/crowd/run-crowd.sh                       # build, then N = 50 200 500 1000 (about 25 minutes)
#   SKIP_BUILD=1 benchmarks/crowd/run-crowd.sh          # reuse hetu.jar and crowd.jar in target/
#   CROWD_PLAYERS="50 200" CROWD_VIEWS=full CROWD_DEFLATE="off on" benchmarks/crowd/run-crowd.sh
#   SECONDS_MEASURED=10 WARMUP=3 CROWD_RATE=10 CROWD_PATCH_MS=16 CROWD_REPEAT=1 MVN_FLAGS=-o ...
#
# Each N gets a fresh HeTu server (--fsync no) and a fresh Colyseus server; every combination of
# view (full: all players; aoi: the 4 × 4 cells around each player) and deflate (whether the client
# offers permessage-deflate) runs on HeTu, then on Colyseus, CROWD_REPEAT times (the table shows
# medians). Needs Java 25 (JAVA_HOME), Maven, Node 20+ with npm, and python3 (to pick free ports).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CROWD=$ROOT/benchmarks/crowd
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
MEASURE=${SECONDS_MEASURED:-10}
WARMUP=${WARMUP:-3}
RATE=${CROWD_RATE:-10}
PATCH_MS=${CROWD_PATCH_MS:-16}
REPEAT=${CROWD_REPEAT:-1}
read -r -a PLAYER_COUNTS <<< "${CROWD_PLAYERS:-50 200 500 1000}"
read -r -a VIEWS <<< "${CROWD_VIEWS:-full aoi}"
read -r -a DEFLATES <<< "${CROWD_DEFLATE:-off on}"
RUN=$(mktemp -d /tmp/hetu-crowd.XXXXXX)
RESULTS=$RUN/results
mkdir -p "$RESULTS"
# shellcheck source=../lib.sh
source "$ROOT/benchmarks/lib.sh"

if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "== building hetu.jar and the crowd app (with its TypeScript SDK)"
    mvn -q ${MVN_FLAGS:-} -pl hetu-server,hetu-maven-plugin,samples/crowd -am package -DskipTests -Dinvoker.skip
fi
# The servers run from copies, so a rebuild during the run cannot pull classes from under them.
cp hetu-server/target/hetu.jar samples/crowd/target/crowd.jar "$RUN/"

echo "== npm tools (pinned in each package.json; no lockfile)"
for dir in "$CROWD/colyseus" "$CROWD/load" "$ROOT/sdk-generators/src/test/node"; do
    npm install --no-audit --no-fund --silent --no-package-lock --prefix "$dir"
done
cp -r samples/crowd/target/hetu-sdk/typescript "$RUN/sdk"
(cd "$RUN/sdk" && node "$ROOT/sdk-generators/src/test/node/node_modules/typescript/bin/tsc" -p tsconfig.json)

{
    echo "\$ lscpu | grep -E 'Model name|^CPU\(s\)'; nproc; uname -srm"
    lscpu | grep -E 'Model name|^CPU\(s\)' || true
    nproc
    uname -srm
    echo "\$ java -version; node --version; colyseus packages"
    "$JAVA" -version 2>&1 | head -1
    node --version
    grep -h '"@colyseus/' "$CROWD/colyseus/package.json" "$CROWD/load/package.json" | tr -d ' ,'
    echo "\$ uptime   # load from other work on the machine when the run started"
    uptime
} > "$RESULTS/machine.txt"
date -u '+%Y-%m-%d %H:%M UTC' > "$RESULTS/date.txt"
echo "Each run: ${WARMUP} s warm-up, then ${MEASURE} s measured; ${RATE} moves a second per player; Colyseus patch rate ${PATCH_MS} ms; ${REPEAT} run(s) per cell of the table." \
    > "$RESULTS/settings.txt"
: > "$RESULTS/commands.txt"
: > "$RESULTS/results.jsonl"

load() { # target, url, server pid, players, view, deflate, extra options...
    local target=$1 url=$2 pid=$3 players=$4 view=$5 deflate=$6
    shift 6
    local command=(node "$CROWD/load/crowd-load.mjs" --target "$target" --url "$url" --server-pid "$pid"
        --players "$players" --rate "$RATE" --view "$view" --deflate "$deflate" --warmup "$WARMUP"
        --duration "$MEASURE" "$@")
    echo "== $target N=$players view=$view deflate=$deflate"
    note "${command[@]}"
    # The guard is for a hung client only.
    if ! timeout $(( WARMUP + MEASURE + 180 )) "${command[@]}" > "$RUN/load.out" 2> "$RUN/load.err"; then
        echo "   the load client failed; see below" >&2
        cat "$RUN/load.out" "$RUN/load.err" >&2
    fi
    grep '"event":"result"' "$RUN/load.out" | tee -a "$RESULTS/results.jsonl" || true
}

for players in "${PLAYER_COUNTS[@]}"; do
    HETU_PORT=$(free_port)
    rm -rf "$RUN/data"
    note "$JAVA" -jar "$RUN/hetu.jar" start --app "$RUN/crowd.jar" --db "embedded:$RUN/data" --host 127.0.0.1 \
        --port "$HETU_PORT" --fsync no
    "$JAVA" -jar "$RUN/hetu.jar" start --app "$RUN/crowd.jar" --db "embedded:$RUN/data" --host 127.0.0.1 \
        --port "$HETU_PORT" --fsync no > "$RUN/hetu-$players.log" 2>&1 &
    HETU_PID=$!
    PIDS+=("$HETU_PID")
    COLYSEUS_PORT=$(free_port)
    note node "$CROWD/colyseus/server.mjs" --port "$COLYSEUS_PORT" --patch-ms "$PATCH_MS"
    node "$CROWD/colyseus/server.mjs" --port "$COLYSEUS_PORT" --patch-ms "$PATCH_MS" > "$RUN/colyseus-$players.log" 2>&1 &
    COLYSEUS_PID=$!
    PIDS+=("$COLYSEUS_PID")
    wait_for_line "$RUN/hetu-$players.log" "HeTu is serving"
    wait_for_line "$RUN/colyseus-$players.log" "crowd colyseus listening"
    for _ in $(seq "$REPEAT"); do
        for view in "${VIEWS[@]}"; do
            for deflate in "${DEFLATES[@]}"; do
                load hetu "ws://127.0.0.1:$HETU_PORT/hetu" "$HETU_PID" "$players" "$view" "$deflate" \
                    --sdk "$RUN/sdk/dist/index.js"
                load colyseus "ws://127.0.0.1:$COLYSEUS_PORT" "$COLYSEUS_PID" "$players" "$view" "$deflate"
            done
        done
    done
    stop "$HETU_PID"
    stop "$COLYSEUS_PID"
done

echo "== writing docs/BENCHMARKS.md"
node "$CROWD/report.mjs" "$RESULTS" docs/BENCHMARKS.md
rm -rf "$ROOT/benchmarks/target/crowd-results"
mkdir -p "$ROOT/benchmarks/target"
cp -r "$RESULTS" "$ROOT/benchmarks/target/crowd-results"
echo "Results: $RESULTS (also benchmarks/target/crowd-results)"
