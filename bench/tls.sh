#!/usr/bin/env bash
# What TLS, parleyd's default transport, costs against plain TCP (which the comparison with the IRC peers
# uses): the same scenarios on a fresh parleyd of each kind in turn, `ROUNDS` times, so the machine's drift
# moves both alike. Prints one line per run.
#
#   bench/tls.sh
#   ROUNDS=3 DURATION=8 IDLE_CLIENTS=10000 bench/tls.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/parleyd.sh
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-8}
IDLE_CLIENTS=${IDLE_CLIENTS:-10000}
PORT=${PORT:-4820}
prepare_one_parleyd
start() {  # a fresh store (and certificate) each time; $1 the scrypt cost, then more parleyd options
    rm -rf "$DIR/store" && mkdir "$DIR/store"
    start_parleyd "$DIR/store/tls.db" "$1" "$PARLEYD" "${@:2}"
}

for round in $(seq 1 "$ROUNDS"); do
    for TRANSPORT in plain tls; do
        start 10
        for scenario in "dm --rate 10000" "dm --rate 50000" "fanout --rate 100 --senders 5"; do
            # shellcheck disable=SC2086,SC2046  # the scenario is its words; the flag is one or none
            out=$("$BENCH" run $scenario $(bench_transport_flag) --port "$PORT" --pid "$SERVER" --clients 1000 \
                --warmup 2 --duration "$DURATION" 2>&1)
            echo "round $round $TRANSPORT | $scenario | CPU $(figure "CPU per" "$out") µs" \
                "| p50 $(figure "latency p50:" "$out") ms | p99 $(figure "latency p99:" "$out") ms" \
                "| p99.9 $(figure "latency p99.9:" "$out") ms | lost $(figure "lost:" "$out")" \
                "| server / bench busy $(figure "server CPU busy" "$out") / $(figure "bench CPU busy" "$out") %"
        done
        stop_parleyd

        # 200 logins at the real scrypt cost (2^14), a TLS handshake each over TLS, while 100 users chat.
        start 14
        # shellcheck disable=SC2046
        out=$("$BENCH" run login $(bench_transport_flag) --port "$PORT" --pid "$SERVER" --storm-logins 200 \
            --online-users 100 --rate 2000 --warmup 1 --duration 3 2>&1)
        echo "round $round $TRANSPORT | login storm of 200 | $(grep -E 'logins per second|online p99 during storm' <<<"$out" |
            sed 's/^ *//' | paste -sd '|' | sed 's/|/ | /g')"
        stop_parleyd
    done
done

# Memory per idle client, once each (it moves little between runs): accounts imported at start, so the
# first reading precedes every connection; two bench processes of IDLE_CLIENTS/2 sockets.
write_idle_credentials "$IDLE_CLIENTS" "$DIR/idle-credentials.txt"
for TRANSPORT in plain tls; do
    start 10 --credentials "$DIR/idle-credentials.txt"
    # shellcheck disable=SC2046
    out=$("$BENCH" run idle $(bench_transport_flag) --port "$PORT" --pid "$SERVER" --clients "$IDLE_CLIENTS" --processes 2 \
        --name-prefix idle --accounts-exist 2>&1)
    echo "idle $TRANSPORT | $IDLE_CLIENTS clients | RSS per client $(figure "RSS per connected client" "$out") B" \
        "| time to log all in $(figure "time to log all in" "$out") s"
    stop_parleyd
done
