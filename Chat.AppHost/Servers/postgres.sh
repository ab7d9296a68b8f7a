#!/usr/bin/env bash
# Runs the locally installed PostgreSQL server for the AppHost when no container runtime is available.
# Usage: postgres.sh DATA_DIR PORT [SERVER OPTION...]   (superuser password in POSTGRES_PASSWORD)
set -euo pipefail
source "$(dirname "$0")/run-as-service-user.sh"
data_dir=$1 port=$2
shift 2
: "${POSTGRES_PASSWORD:?}"

bin=${POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bin/postgres" ] || { echo "PostgreSQL server binaries not found: run ./run.sh, or apt-get install postgresql" >&2; exit 1; }

# A restart can begin while the previous server is still shutting down and holds the data directory (its lock
# file names a live process): wait for it first. Its shutdown checkpoint still creates and removes files, and the
# ownership change below fails on a file that vanishes under it; the single-user step fails on the held directory.
for _ in $(seq 1 1200); do
  pid=$(head -n 1 "$data_dir/postmaster.pid" 2>/dev/null || true)
  { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || break
  sleep 0.1
done
prepare_service_user postgres "$data_dir"

if [ ! -s "$data_dir/PG_VERSION" ]; then
  # initdb reads the first password from a file; it must be readable by the server's user and gone afterwards.
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  [ "$(id -u)" != 0 ] || chown "$(stat -c %u "$data_dir")" "$pwfile"
  "${as_user[@]}" "$bin/initdb" --pgdata="$data_dir" --username=postgres --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --pwfile="$pwfile" >/dev/null
  rm -f "$pwfile"
fi

# The password is a generated AppHost parameter; setting it on every start keeps an existing data folder usable
# when the parameter changes (a new machine, cleared user secrets).
printf "ALTER ROLE postgres PASSWORD '%s';\n" "${POSTGRES_PASSWORD//\'/\'\'}" \
  | "${as_user[@]}" "$bin/postgres" --single -D "$data_dir" -c log_min_messages=warning postgres >/dev/null

# Room for every service's connection pool; TCP on loopback only.
"${as_user[@]}" "$bin/postgres" -D "$data_dir" -p "$port" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories= -c max_connections=500 "$@" &
server=$!

# Aspire stops a resource with SIGTERM, which PostgreSQL takes as a smart shutdown: it waits until every client
# has left, and the services' connection pools never leave, so the stop timed out and a restart could fail. A
# fast shutdown (SIGINT) ends their sessions, rolls back what is open and stops cleanly.
trap 'kill -INT "$server" 2>/dev/null' TERM INT
status=0
while kill -0 "$server" 2>/dev/null; do
  wait "$server" && status=0 || status=$?
done
exit "$status"
