#!/usr/bin/env bash
# How parleyd copes with a long login history: a store whose `sessions` table holds SESSIONS earlier logins
# (default 3,000,000: 3,000 for each of 1,000 users, all long ago), then the time parleyd takes to start on it
# and the CPU time it spends on 1,000 logins and logouts of those users (`parley-bench run idle`), counted
# until it is idle again (the store writes each logout after the client is gone), with the whole history
# kept (`--login-history-days 0`). Then parleyd as shipped starts on the same store and forgets the old
# sessions: how long that takes, and what is left.
#
#   bench/history.sh                          # the working tree's parleyd
#   PARLEYD=/tmp/parleyd-before bench/history.sh
#   SESSIONS=300000 bench/history.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/parleyd.sh
SESSIONS=${SESSIONS:-3000000}
USERS=1000
PORT=${PORT:-4830}
install_if_missing sqlite3 sqlite3
prepare_one_parleyd

cpu_seconds() {  # utime + stime of the server, in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$SERVER/stat"
}
wait_until_idle() {  # until the server's CPU time stands still for a second (at most a minute)
    local before after
    after=$(cpu_seconds)
    for _ in $(seq 1 60); do
        before=$after
        sleep 1
        after=$(cpu_seconds)
        [[ $before == "$after" ]] && return 0
    done
}
idle_run() {
    "$BENCH" run idle --wire parley --port "$PORT" --pid "$SERVER" --clients "$USERS" \
        --name-prefix h 2>&1
}

# The accounts h0...h999, registered the ordinary way, then the history written straight into the store.
start_parleyd "$DIR/history.db"
idle_run >/dev/null
wait_until_idle
stop_parleyd
sqlite3 "$DIR/history.db" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $SESSIONS)
    INSERT INTO sessions (name, login_at, logout_at)
    SELECT 'h' || (i % $USERS), 1700000000 + i * 10, 1700000000 + i * 10 + 5 FROM n;"

sessions() { sqlite3 "$DIR/history.db" 'SELECT COUNT(*) FROM sessions'; }

echo "parleyd: $PARLEYD"
echo "history: $(sessions) sessions of $USERS users"
start_parleyd "$DIR/history.db" 10 "$PARLEYD" --login-history-days 0  # left out for a build that keeps all
echo "start: $STARTUP s (from launch to listening)"
before=$(cpu_seconds)
idle_run | grep -E "time to log all in"
wait_until_idle
echo "parleyd CPU for $USERS logins and logouts: $(awk -v from="$before" -v to="$(cpu_seconds)" 'BEGIN { print to - from }') s"
stop_parleyd

if parleyd_knows "$PARLEYD" --login-history-days; then
    # The default retention (90 days) on the same store: every session but each user's last is older.
    start_parleyd "$DIR/history.db" 10 "$PARLEYD" --log-level info
    began=$(date +%s.%N)
    for _ in $(seq 1 9000); do  # at most 15 minutes
        grep -q "old login history forgotten" "$DIR/parleyd.log" && break
        sleep 0.1
    done
    forgot=$(grep -o 'sessions=[0-9]*' "$DIR/parleyd.log" | tail -1)
    echo "forgetting the old history: $(seconds_since "$began") s" \
        "after listening ($forgot), $(sessions) sessions left"
fi
