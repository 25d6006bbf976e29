#!/usr/bin/env bash
# Runs the same scenarios against Parley, ngircd and InspIRCd on this machine, in one run, and prints one
# table with the ratio of Parley to each peer per figure, then which of the benchmark issue's targets the run
# met (its last line: the ratios of the headline figures).
#
#   bench/compare.sh                 # the full run (about 15 minutes)
#   ROUNDS=1 DURATION=3 CLIENTS=200 IDLE_CLIENTS=2000 bench/compare.sh   # a quick look
#   PARLEYD=/path/to/older/parleyd bench/compare.sh                # measure another build of parleyd
#
# Scenarios run interleaved (each scenario against the three servers one after the other), so slow drift
# of a shared machine moves all three alike. The message scenarios (dm, fanout) run ROUNDS times, the
# servers' order turning each round, and the table shows each figure's median over the rounds: on this shared
# machine one build's CPU per message moves by a quarter between runs minutes apart.
# Reports land in $OUT as JSON; the table is printed last, below the machine's own stalls (`parley-bench
# hiccups`) measured before and after the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
source bench/parleyd.sh  # PARLEYD_BENCH_OPTIONS, write_idle_credentials

CLIENTS=${CLIENTS:-1000}
IDLE_CLIENTS=${IDLE_CLIENTS:-10000}
WARMUP=${WARMUP:-2}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
OFFLINE_MESSAGES=${OFFLINE_MESSAGES:-100000}
OUT=${OUT:-bench/results/$(date -u +%Y%m%d-%H%M%S)}
PARLEY_PORT=4700
PARLEY_LOGIN_PORT=4701
NGIRCD_PORT=6767
INSPIRCD_PORT=6768
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# The peers, from Debian, if missing.
if ! command -v ngircd >/dev/null || ! command -v inspircd >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ngircd inspircd >/dev/null
fi
ulimit -n 20000

swift build -c release --product parleyd >/dev/null
swift build -c release --product parley-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
BENCH="$BIN/parley-bench"
PARLEYD=${PARLEYD:-$BIN/parleyd}

PIDS=()
stop_all() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
trap stop_all EXIT

wait_for_port() {  # up to two minutes: parleyd hashes imported passwords before it listens
    for _ in $(seq 1 1200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

# parleyd with cheap scrypt (2^10) for every scenario but `login`, which gets the real cost (2^14).
start_parley() {  # port cost [more parleyd options]
    local port=$1 cost=$2
    shift 2
    rm -f "$OUT/parley-$port.db"*
    "$PARLEYD" --port "$port" --password-cost "$cost" --database "$OUT/parley-$port.db" \
        "${PARLEYD_BENCH_OPTIONS[@]}" "$@" >"$OUT/parleyd-$port.log" 2>&1 &
    PIDS+=($!)
    wait_for_port "$port"
}
start_servers() {  # [more parleyd options]
    start_parley "$PARLEY_PORT" 10 "$@"
    PARLEY_PID=${PIDS[-1]}
    ngircd -n -f "$PWD/bench/ngircd.conf" >>"$OUT/ngircd.log" 2>&1 &
    NGIRCD_PID=$!
    PIDS+=("$NGIRCD_PID")
    wait_for_port "$NGIRCD_PORT"
    inspircd --runasroot --nofork --nopid --config="$PWD/bench/inspircd.conf" >>"$OUT/inspircd.log" 2>&1 &
    INSPIRCD_PID=$!
    PIDS+=("$INSPIRCD_PID")
    wait_for_port "$INSPIRCD_PORT"
}
start_servers

# Waits (up to two minutes) until the machine is nearly idle: a server still cleaning up after the last run
# (1,000 logouts mean a million presence events), or someone else's build, would be measured too.
wait_quiet() {
    local cpu u1 n1 s1 i1 w1 q1 sq1 st1 u2 n2 s2 i2 w2 q2 sq2 st2 rest busy total
    for _ in $(seq 1 120); do
        read -r cpu u1 n1 s1 i1 w1 q1 sq1 st1 rest </proc/stat
        sleep 1
        read -r cpu u2 n2 s2 i2 w2 q2 sq2 st2 rest </proc/stat
        busy=$(((u2 + n2 + s2 + q2 + sq2 + st2) - (u1 + n1 + s1 + q1 + sq1 + st1)))
        total=$((busy + (i2 + w2) - (i1 + w1)))
        if ((total > 0 && busy * 100 / total < 10)); then return 0; fi
    done
    echo "warning: the machine stayed busy; the next figures may be disturbed" >&2
}

# run VARIANT SCENARIO [options...]: the scenario against each of the three servers, in the order of
# $ORDER; reports named after $ROUND.
# ngircd listens with a backlog of 10, so it gets logins 10 at a time; the others 200.
ORDER=(parley ngircd inspircd)
ROUND=1
run() {
    local variant=$1 scenario=$2
    shift 2
    for server in "${ORDER[@]}"; do
        case $server in
            parley) target=(--wire parley --port "$PARLEY_PORT" --pid "$PARLEY_PID") ;;
            ngircd) target=(--wire irc --port "$NGIRCD_PORT" --pid "$NGIRCD_PID" --connect-concurrency 10) ;;
            inspircd) target=(--wire irc --port "$INSPIRCD_PORT" --pid "$INSPIRCD_PID") ;;
        esac
        wait_quiet
        echo "== $variant on $server (round $ROUND)" >&2
        "$BENCH" run "$scenario" --label "$server" --variant "$variant" --json "$OUT/$server-$variant-r$ROUND.json" \
            "${target[@]}" "$@" >&2
    done
}

# The machine's own stalls, measured with nothing running (the servers idle) before and after the run: a
# latency target below what they take from a thread cannot be met by any server here.
hiccups() {  # file
    wait_quiet
    echo "== machine hiccups ($1)" >&2
    "$BENCH" hiccups --duration 10 >"$OUT/hiccups-$1.txt"
}
hiccups before

COMMON=(--warmup "$WARMUP" --duration "$DURATION")
for ROUND in $(seq 1 "$ROUNDS"); do
    run dm-10k dm --clients "$CLIENTS" --rate 10000 "${COMMON[@]}"
    run dm-50k dm --clients "$CLIENTS" --rate 50000 "${COMMON[@]}"
    run dm-100k dm --clients "$CLIENTS" --rate 100000 "${COMMON[@]}"
    run dm-max dm --clients "$CLIENTS" --rate 0 --window 8 "${COMMON[@]}"
    run fanout fanout --clients "$CLIENTS" --rate 100 --senders 5 "${COMMON[@]}"
    ORDER=("${ORDER[@]:1}" "${ORDER[0]}")
done
ROUND=1
ORDER=(parley ngircd inspircd)
# On fresh servers, so memory left from the other scenarios does not count; two processes of 5,000 sockets.
# Parley's idle users are imported at its start (`--credentials`), so no connection precedes the first
# memory reading and the measured logins are real ones.
stop_all
write_idle_credentials "$IDLE_CLIENTS" "$OUT/idle-credentials.txt"
start_servers --credentials "$OUT/idle-credentials.txt"
run idle idle --clients "$IDLE_CLIENTS" --processes 2 --name-prefix idle --accounts-exist

# Parley only, each on a fresh server: IRC has no offline messages and no passwords.
stop_all
start_parley "$PARLEY_PORT" 10
PARLEY_PID=${PIDS[-1]}
wait_quiet
echo "== offline on parley" >&2
"$BENCH" run offline --port "$PARLEY_PORT" --pid "$PARLEY_PID" --label parley --senders 4 --window 256 \
    --offline-messages "$OFFLINE_MESSAGES" --json "$OUT/parley-offline.json" >&2
start_parley "$PARLEY_LOGIN_PORT" 14
wait_quiet
echo "== login on parley (real scrypt cost 2^14)" >&2
"$BENCH" run login --port "$PARLEY_LOGIN_PORT" --pid "${PIDS[-1]}" --label parley --storm-logins 200 \
    --online-users 100 --rate 2000 --warmup 1 --duration 3 --json "$OUT/parley-login.json" >&2

stop_all
hiccups after
{
    echo "Before the run, $(cat "$OUT/hiccups-before.txt")"
    echo "After the run, $(cat "$OUT/hiccups-after.txt")"
    echo
    "$BENCH" table "$OUT"/*.json
} | tee "$OUT/table.txt"
