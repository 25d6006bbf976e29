# Shared by the bench scripts (sourced, not run): the options every benchmark starts parleyd with, and for
# the scripts that measure one parleyd at a time, building, starting and stopping it.

# The limits off: one bench process is a deliberate flood of registrations, logins and messages from one
# address, `offline` queues 100,000 messages for one user (ten times what may wait by default), and bench
# clients idle for minutes. The password cost and the database are each script's own.
PARLEYD_BENCH_LIMITS=(
    --host 127.0.0.1 --timeout 0 --command-rate 0 --max-waiting-messages 0
    --login-attempts-per-minute 0 --registrations-per-hour 0 --max-pending-logins 100000 --login-deadline 0
    --log-level warning
)
# Plain TCP like the IRC peers (bench/tls.sh measures parleyd's default, TLS, against it).
PARLEYD_BENCH_OPTIONS=(--insecure-plaintext "${PARLEYD_BENCH_LIMITS[@]}")

# Builds parley-bench, and parleyd unless PARLEYD names one; sets BIN (the release binaries), BENCH and
# PARLEYD, makes DIR (removed on exit, with the server stopped) and allows 20,000 open files.
prepare_one_parleyd() {
    export PATH="/opt/swift/usr/bin:$PATH"
    swift build -c release --product parley-bench >/dev/null
    BIN="$(swift build -c release --show-bin-path)"
    BENCH="$BIN/parley-bench"
    if [[ -z ${PARLEYD:-} ]]; then
        swift build -c release --product parleyd >/dev/null
        PARLEYD="$BIN/parleyd"
    fi
    DIR=$(mktemp -d)
    SERVER=
    trap 'stop_parleyd; rm -rf "$DIR"' EXIT
    ulimit -n 20000
}

# Starts PARLEYD (or $3) on PORT with the bench options and the store at $1 (scrypt cost $2, default 10), and
# waits until it listens (up to a minute); sets SERVER to its pid and STARTUP to the seconds that took. Further
# arguments are more parleyd options. With TRANSPORT=tls it serves TLS (a self-signed certificate made beside
# the store), otherwise plain TCP.
start_parleyd() {
    local database=$1 cost=${2:-10} binary=${3:-$PARLEYD} began
    shift $(($# < 3 ? $# : 3))
    local options=("${PARLEYD_BENCH_OPTIONS[@]}")
    if [[ ${TRANSPORT:-plain} == tls ]]; then options=("${PARLEYD_BENCH_LIMITS[@]}"); fi
    options+=("$@")
    known_options "$binary"
    began=$(date +%s.%N)
    "$binary" --port "$PORT" --password-cost "$cost" --database "$database" "${options[@]}" \
        >"$DIR/parleyd.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 1200); do
        if grep -q "listening on" "$DIR/parleyd.log"; then
            STARTUP=$(seconds_since "$began")
            return 0
        fi
        sleep 0.05
    done
    echo "parleyd did not start: $(cat "$DIR/parleyd.log")" >&2
    return 1
}

# Whether parleyd $1 has the option $2: bench/ab.sh and bench/history.sh also run builds older than some.
parleyd_knows() {
    "$1" --help | grep -qE -- "(^|[ ,])$2( |,|$)"
}

# Leaves out of the array `options` each option (with its value) that parleyd $1 does not have, so an older
# build starts with the limits it knows rather than not at all.
known_options() {
    local help known=() i
    help=$("$1" --help)
    for ((i = 0; i < ${#options[@]}; i++)); do
        local has_value=$((i + 1 < ${#options[@]} && ${#options[i + 1]} > 0))
        [[ ${options[i + 1]:-} == --* ]] && has_value=0
        if grep -qE -- "(^|[ ,])${options[i]}( |,|$)" <<<"$help"; then
            known+=("${options[i]}")
            ((has_value)) && known+=("${options[i + 1]}")
        fi
        ((has_value)) && i=$((i + 1))
    done
    options=("${known[@]}")
}

# Seconds (to the millisecond) since $1, a `date +%s.%N` reading.
seconds_since() {
    awk -v from="$1" -v to="$(date +%s.%N)" 'BEGIN { printf "%.3f", to - from }'
}

# The parley-bench flag for TRANSPORT: `--tls` or nothing.
bench_transport_flag() {
    if [[ ${TRANSPORT:-plain} == tls ]]; then echo --tls; fi
}

stop_parleyd() {
    if [[ -n ${SERVER:-} ]]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
        SERVER=
    fi
}

# The number in the line of parley-bench's report $2 that contains $1 (the word before the unit).
figure() {
    grep "$1" <<<"$2" | awk '{print $(NF-1)}'
}

# Writes N accounts idle0... with the bench's password, as `parleyd --credentials` imports them, to $2: the
# `idle` scenario's users exist before anyone connects (`parley-bench run idle --accounts-exist`).
write_idle_credentials() {
    for i in $(seq 0 $(($1 - 1))); do echo "idle$i benchpass"; done >"$2"
}

# Installs Debian's package $2 if the command $1 is missing.
install_if_missing() {
    command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
}
