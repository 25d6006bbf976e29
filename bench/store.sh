#!/usr/bin/env bash
# What the store costs: the scenarios that write to it (offline messages accepted and delivered, a login
# storm's login records, a storm of sessions resumed after dropped connections) on parleyd with its default SQLite file and with a PostgreSQL database on this
# machine, in turn, `ROUNDS` times, each on a fresh store. PostgreSQL runs with its defaults (fsync on) in a
# cluster of its own (`.ci/postgres`, port 54330), and parleyd reaches it over TCP on loopback. Prints one
# line per run.
#
#   bench/store.sh
#   ROUNDS=3 OFFLINE=100000 bench/store.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/parleyd.sh
ROUNDS=${ROUNDS:-2}
OFFLINE=${OFFLINE:-100000}
PORT=${PORT:-4830}
export PARLEY_POSTGRES_PORT=${PARLEY_POSTGRES_PORT:-54330}
prepare_one_parleyd
eval "$(PARLEY_POSTGRES_DURABLE=1 .ci/postgres start 2>/dev/null)"
trap 'stop_parleyd; rm -rf "$DIR"; .ci/postgres stop 2>/dev/null' EXIT
postgres_url="${PARLEY_TEST_POSTGRES%/postgres}/parley_bench"

fresh_store() {  # $1: sqlite or postgres; echoes what --database takes
    if [[ $1 == sqlite ]]; then
        rm -rf "$DIR/store" && mkdir "$DIR/store"
        echo "$DIR/store/parley.db"
    else
        psql -q "$PARLEY_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS parley_bench WITH (FORCE)" \
            -c "CREATE DATABASE parley_bench" >/dev/null
        echo "$postgres_url"
    fi
}

for round in $(seq 1 "$ROUNDS"); do
    for store in sqlite postgres; do
        start_parleyd "$(fresh_store $store)" 10
        out=$("$BENCH" run offline --port "$PORT" --pid "$SERVER" --senders 4 --window 256 \
            --offline-messages "$OFFLINE" 2>&1)
        echo "round $round $store | offline $OFFLINE | $(grep -E 'accepted durably per second|delivered on login|time to deliver all|server CPU per' <<<"$out" |
            sed 's/^ *//' | paste -sd '|' | sed 's/|/ | /g')"
        stop_parleyd

        # 200 logins at the real scrypt cost (2^14) while 100 users chat: each login is a row in the store.
        start_parleyd "$(fresh_store $store)" 14
        out=$("$BENCH" run login --port "$PORT" --pid "$SERVER" --storm-logins 200 --online-users 100 \
            --rate 2000 --warmup 1 --duration 3 2>&1)
        echo "round $round $store | login storm of 200 | $(grep -E 'logins per second|online p99 during storm' <<<"$out" |
            sed 's/^ *//' | paste -sd '|' | sed 's/|/ | /g')"

        # The same 200 coming back after their connections dropped, with resume tokens instead of passwords.
        out=$("$BENCH" run login --resume --port "$PORT" --pid "$SERVER" --storm-logins 200 --online-users 100 \
            --rate 2000 --warmup 1 --duration 3 2>&1)
        echo "round $round $store | resume storm of 200 | $(grep -E 'resumes per second|online p99 during storm' <<<"$out" |
            sed 's/^ *//' | paste -sd '|' | sed 's/|/ | /g')"
        stop_parleyd
    done
done
