#!/usr/bin/env bash
# One parleyd under ROUNDS rounds of the same 1,000 users logging in, chatting and logging out (odd rounds dm
# at 20k msgs/s, even rounds fanout at 100 broadcasts/s, each 2.5 s), printing after each round what was lost
# and parleyd's anonymous memory: memory that keeps growing round after round is a leak; the store's growth
# (a row of login history per login) shows in its file size at the end.
#
#   bench/soak.sh                             # 80 rounds, the working tree's parleyd
#   ROUNDS=20 PARLEYD=/tmp/parleyd-before bench/soak.sh
#   TRANSPORT=tls bench/soak.sh               # the same over TLS, parleyd's default
#   SETTLE=3 bench/soak.sh                    # read the memory 3 s after each round, once parleyd has
#                                             # given freed memory back (it does after a quiet second)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/parleyd.sh
ROUNDS=${ROUNDS:-80}
SETTLE=${SETTLE:-0}
PORT=${PORT:-4832}
prepare_one_parleyd
start_parleyd "$DIR/soak.db"

echo "parleyd: $PARLEYD (${TRANSPORT:-plain})"
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then scenario="dm --rate 20000"; else scenario="fanout --rate 100 --senders 5"; fi
    # shellcheck disable=SC2086,SC2046  # the scenario is its words; the flag is one or none
    out=$("$BENCH" run $scenario $(bench_transport_flag) --name-prefix soak --wire parley --port "$PORT" --pid "$SERVER" \
        --clients 1000 --warmup 0.5 --duration 2 2>&1)
    lost=$(grep "lost:" <<<"$out" | awk '{print $2}')
    sleep "$SETTLE"
    anon=$(awk '/RssAnon/ {print $2}' "/proc/$SERVER/status")
    echo "round $round | ${scenario%% *} | lost ${lost:-?} | parleyd anonymous memory $anon kB"
done
echo "store: $(du -k "$DIR/soak.db" | cut -f1) kB ($(du -k "$DIR/soak.db-wal" 2>/dev/null | cut -f1 || echo 0) kB WAL)"
