#!/usr/bin/env bash
# Interleaved A/B of two parleyd builds on the scenarios a change to the hot path moves: each build in turn,
# on a fresh server, `ROUNDS` times, so the machine's drift moves both alike. Prints one line per run.
#
#   bench/ab.sh OLD_PARLEYD NEW_PARLEYD
#   ROUNDS=3 DURATION=8 bench/ab.sh /tmp/parleyd-before .build/release/parleyd
#   TRANSPORT=tls bench/ab.sh OLD NEW    # both over TLS, parleyd's default, instead of plain TCP
#
# To get the old binary: check the old commit's Sources out, `swift build -c release --product parleyd`,
# copy `.build/release/parleyd` away, and check Sources out again.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/parleyd.sh
OLD=$1 NEW=$2
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-8}
PORT=${PORT:-4810}
PARLEYD=$NEW  # so that prepare_one_parleyd builds no parleyd of its own
prepare_one_parleyd
start() {  # a fresh store each time
    rm -f "$DIR"/ab.db*
    start_parleyd "$DIR/ab.db" 10 "$1"
}

for round in $(seq 1 "$ROUNDS"); do
    for build in old new; do
        if [[ $build == old ]]; then start "$OLD"; else start "$NEW"; fi
        for scenario in "dm --rate 10000" "dm --rate 50000" "fanout --rate 100 --senders 5"; do
            # shellcheck disable=SC2086,SC2046  # the scenario is its words; the flag is one or none
            out=$("$BENCH" run $scenario $(bench_transport_flag) --wire parley --port "$PORT" --pid "$SERVER" --clients 1000 \
                --warmup 2 --duration "$DURATION" 2>&1)
            echo "round $round $build | $scenario | CPU $(figure "CPU per" "$out") µs" \
                "| p99 $(figure "latency p99:" "$out") ms | p99.9 $(figure "latency p99.9:" "$out") ms" \
                "| lost $(figure "lost:" "$out")"
        done
        stop_parleyd
    done
done
