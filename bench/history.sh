#!/usr/bin/env bash
# How parleyd copes with a long login history: a store whose `sessions` table holds SESSIONS earlier logins
# (default 3,000,000: 3,000 for each of 1,000 users), then the time parleyd takes to start on it and the CPU
# time it spends on 1,000 logins and logouts of those users (`parley-bench run idle`), counted until it is
# idle again (the store writes each logout after the client is gone).
#
#   bench/history.sh                          # the working tree's parleyd
#   PARLEYD=/tmp/parleyd-before bench/history.sh
#   SESSIONS=300000 bench/history.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
SESSIONS=${SESSIONS:-3000000}
USERS=1000
PORT=${PORT:-4830}
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
swift build -c release --product parley-bench >/dev/null
BIN="$(swift build -c release --show-bin-path)"
if [[ -z ${PARLEYD:-} ]]; then
    swift build -c release --product parleyd >/dev/null
    PARLEYD="$BIN/parleyd"
fi
DIR=$(mktemp -d)
ulimit -n 20000

SERVER=
stop() { if [[ -n $SERVER ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi; }
trap 'stop; rm -rf "$DIR"' EXIT
start() {  # sets STARTUP: how long parleyd took to listen, in seconds
    local began
    began=$(date +%s.%N)
    "$PARLEYD" --port "$PORT" --host 127.0.0.1 --insecure-plaintext --timeout 0 --password-cost 10 \
        --command-rate 0 --login-attempts-per-minute 0 --max-pending-logins 100000 --login-deadline 0 \
        --database "$DIR/history.db" --log-level warning >"$DIR/parleyd.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 1200); do
        if grep -q "listening on" "$DIR/parleyd.log"; then
            STARTUP=$(echo "$(date +%s.%N) - $began" | bc)
            return 0
        fi
        sleep 0.05
    done
    echo "parleyd did not start: $(cat "$DIR/parleyd.log")" >&2
    return 1
}
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
    "$BIN/parley-bench" run idle --wire parley --port "$PORT" --pid "$SERVER" --clients "$USERS" \
        --name-prefix h 2>&1
}

# The accounts h0...h999, registered the ordinary way, then the history written straight into the store.
start
idle_run >/dev/null
wait_until_idle
stop
sqlite3 "$DIR/history.db" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $SESSIONS)
    INSERT INTO sessions (name, login_at, logout_at)
    SELECT 'h' || (i % $USERS), 1700000000 + i * 10, 1700000000 + i * 10 + 5 FROM n;"

echo "parleyd: $PARLEYD"
echo "history: $(sqlite3 "$DIR/history.db" 'SELECT COUNT(*) FROM sessions') sessions of $USERS users"
start
echo "start: $STARTUP s (from launch to listening)"
before=$(cpu_seconds)
idle_run | grep -E "time to log all in"
wait_until_idle
echo "parleyd CPU for $USERS logins and logouts: $(echo "$(cpu_seconds) - $before" | bc) s"
