#!/usr/bin/env bash
# A/B of the PostgreSQL store's offline scenario: OLD and NEW parleyd alternating, ROUNDS rounds.
set -euo pipefail
cd /work/main
source bench/parleyd.sh
ROUNDS=${ROUNDS:-3}
OFFLINE=${OFFLINE:-100000}
PORT=4831
export PARLEY_POSTGRES_PORT=54330
PARLEYD=$NEW
prepare_one_parleyd
eval "$(PARLEY_POSTGRES_DURABLE=1 .ci/postgres start 2>/dev/null)"
trap 'stop_parleyd; rm -rf "$DIR"; .ci/postgres stop 2>/dev/null' EXIT
url="${PARLEY_TEST_POSTGRES%/postgres}/parley_bench"
for round in $(seq 1 "$ROUNDS"); do
  for which in old new; do
    binary=$OLD; [[ $which == new ]] && binary=$NEW
    psql -q "$PARLEY_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS parley_bench WITH (FORCE)" -c "CREATE DATABASE parley_bench" >/dev/null
    start_parleyd "$url" 10 "$binary"
    out=$("$BENCH" run offline --port "$PORT" --pid "$SERVER" --senders 4 --window 256 --offline-messages "$OFFLINE" 2>&1)
    echo "round $round $which | $(grep -E 'accepted durably per second|time to deliver all|server CPU per' <<<"$out" | sed 's/^ *//' | paste -sd '|' | sed 's/|/ | /g')"
    stop_parleyd
  done
done
