#!/usr/bin/env bash
# Times samples/first-game's FirstGameKitTest (20 @HetuTest tests) in a JVM of its own, JVM start
# included, as docs/BENCHMARKS.md (test kit) reports it. Run after `mvn install` (or `mvn verify`
# of the first game), with JDK 25 first on PATH:
#
#   benchmarks/test-kit/run-kit-timing.sh [runs]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
GAME="$HERE/../../samples/first-game"
RUNS=${1:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$GAME" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test \
    && mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-launcher:1.14.1 \
        -DoutputDirectory="$WORK")
CP="$GAME/target/test-classes:$GAME/target/classes:$(cat "$WORK/cp.txt"):$WORK/junit-platform-launcher-1.14.1.jar"
javac -d "$WORK" -cp "$CP" "$HERE/KitTiming.java"
for run in $(seq 1 "$RUNS"); do
    start=$(date +%s%N)
    java --enable-native-access=ALL-UNNAMED -cp "$WORK:$CP" KitTiming io.hetu.samples.firstgame.FirstGameKitTest \
        2>/dev/null | grep -E "FAILED|tests passed"
    echo "run $run: $(( ($(date +%s%N) - start) / 1000000 )) ms, JVM start included"
done
