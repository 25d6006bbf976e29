#!/usr/bin/env bash
# What `whoelsesince` costs on a server with many accounts: a store with ACCOUNTS users (default 100,000),
# each last seen long ago, then one client that asks `whoelsesince` again and again over plain TCP and
# reports the time per request from sending it to its reply: for a window nobody was seen in (the reply is
# empty) and for one that takes in every user (the reply lists them all). The server answers requests one at
# a time on its event loop, so that time is also how long every other user waits behind each request.
#
#   bench/whoelse.sh                          # the working tree's parleyd
#   PARLEYD=/tmp/parleyd-before bench/whoelse.sh
#   ACCOUNTS=10000 bench/whoelse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/parleyd.sh
ACCOUNTS=${ACCOUNTS:-100000}
PORT=${PORT:-4831}
install_if_missing sqlite3 sqlite3
install_if_missing python3 python3
prepare_one_parleyd

# The schema from parleyd itself, then the accounts and one old session each, straight into the store.
start_parleyd "$DIR/whoelse.db"
stop_parleyd
sqlite3 "$DIR/whoelse.db" "
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $ACCOUNTS)
    INSERT INTO accounts (name, password_hash, failed_attempts, created_at)
    SELECT 'user' || i, 'scrypt\$1024\$8\$1\$c2FsdA\$aGFzaA', 0, 1700000000 FROM n;
    INSERT INTO sessions (name, login_at, logout_at) SELECT name, 1700000000, 1700000005 FROM accounts;"
start_parleyd "$DIR/whoelse.db"

echo "parleyd: $PARLEYD"
echo "accounts: $ACCOUNTS, each last seen on 2023-11-14"
python3 - "$PORT" <<'EOF'
import json, socket, sys, time

connection = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
stream = connection.makefile("rwb")
next_id = 0

def ask(request):
    global next_id
    next_id += 1
    request["id"] = next_id
    stream.write((json.dumps(request) + "\n").encode())
    stream.flush()
    while True:
        line = stream.readline()
        reply = json.loads(line)
        if reply.get("id") == next_id:
            return reply, len(line)

ask({"op": "hello", "version": 1})
ask({"op": "register", "username": "asker", "password": "pw", "confirmation": "pw"})
for seconds, count in [(3600, 2000), (10**9, 10)]:
    began = time.perf_counter()
    for _ in range(count):
        reply, size = ask({"op": "whoelsesince", "seconds": seconds})
    each = (time.perf_counter() - began) / count
    print(f"whoelsesince {seconds}: {each * 1e3:.3f} ms per request ({count} requests),"
          f" {len(reply['users'])} users in a reply of {size:,} bytes")
EOF
