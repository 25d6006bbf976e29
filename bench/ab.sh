#!/usr/bin/env bash
# Interleaved A/B of two parleyd builds on the scenarios a change to the hot path moves: each build in turn,
# on a fresh server, `ROUNDS` times, so the machine's drift moves both alike. Prints one line per run.
#
#   bench/ab.sh OLD_PARLEYD NEW_PARLEYD
#   ROUNDS=3 DURATION=8 bench/ab.sh /tmp/parleyd-before .build/release/parleyd
#
# To get the old binary: check the old commit's Sources out, `swift build -c release --product parleyd`,
# copy `.build/release/parleyd` away, and check Sources out again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
OLD=$1 NEW=$2
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-8}
PORT=${PORT:-4810}
DIR=$(mktemp -d)
ulimit -n 20000
swift build -c release --product parley-bench >/dev/null
BENCH="$(swift build -c release --show-bin-path)/parley-bench"

SERVER=
stop() { if [[ -n $SERVER ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi; }
trap 'stop; rm -rf "$DIR"' EXIT
start() {  # the same options as bench/compare.sh
    rm -f "$DIR"/ab.db*
    "$1" --port "$PORT" --host 127.0.0.1 --insecure-plaintext --timeout 0 --password-cost 10 --command-rate 0 \
        --max-waiting-messages 0 --login-attempts-per-minute 0 --max-pending-logins 100000 --login-deadline 0 \
        --database "$DIR/ab.db" --log-level warning >"$DIR/parleyd.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "parleyd did not start: $(cat "$DIR/parleyd.log")" >&2
    return 1
}
figure() { grep "$1" <<<"$2" | awk '{print $(NF-1)}'; }

for round in $(seq 1 "$ROUNDS"); do
    for build in old new; do
        if [[ $build == old ]]; then start "$OLD"; else start "$NEW"; fi
        for scenario in "dm --rate 10000" "dm --rate 50000" "fanout --rate 100 --senders 5"; do
            # shellcheck disable=SC2086  # the scenario is its words
            out=$("$BENCH" run $scenario --wire parley --port "$PORT" --pid "$SERVER" --clients 1000 \
                --warmup 2 --duration "$DURATION" 2>&1)
            echo "round $round $build | $scenario | CPU $(figure "CPU per" "$out") µs" \
                "| p99 $(figure "latency p99:" "$out") ms | p99.9 $(figure "latency p99.9:" "$out") ms" \
                "| lost $(figure "lost:" "$out")"
        done
        stop
    done
done
