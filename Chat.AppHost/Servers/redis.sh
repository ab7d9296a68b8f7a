#!/usr/bin/env bash
# Runs the locally installed redis-server for the AppHost when no container runtime is available.
# Usage: redis.sh DATA_DIR PORT   (password in REDIS_PASSWORD)
set -euo pipefail
source "$(dirname "$0")/run-as-service-user.sh"
data_dir=$1 port=$2
: "${REDIS_PASSWORD:?}"

command -v redis-server >/dev/null || { echo "redis-server is not installed: run ./run.sh, or apt-get install redis-server" >&2; exit 1; }

# A restart can begin while the previous server still writes its files and holds the port: wait for it first, or
# the ownership change below fails on a file its final save renames away, and the new server on the held port.
for _ in $(seq 1 1200); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  sleep 0.1
done
prepare_service_user redis "$data_dir"

# The configuration arrives on standard input so that the password never shows in the process list.
# Append-only file, fsync once a second: what Redis holds (presence, routing) can be rebuilt; messages live in PostgreSQL.
exec "${as_user[@]}" redis-server - <<CONF
port $port
bind 127.0.0.1
protected-mode yes
daemonize no
dir $data_dir
appendonly yes
appendfsync everysec
requirepass $REDIS_PASSWORD
CONF
