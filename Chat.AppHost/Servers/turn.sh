#!/usr/bin/env bash
# Runs Debian's coturn (turnserver) for the AppHost: a TURN relay for calls on loopback.
# Usage: turn.sh DATA_DIR PORT   (the shared secret in TURN_SECRET)
set -euo pipefail
source "$(dirname "$0")/run-as-service-user.sh"
data_dir=$1 port=$2
: "${TURN_SECRET:?}"

command -v turnserver >/dev/null || { echo "turnserver is not installed: run ./run.sh, or apt-get install coturn" >&2; exit 1; }
prepare_service_user turnserver "$data_dir"

# A hundred relay ports of this instance's own (a test run and a developer's run side by side do not collide).
min_port=$((50000 + (port % 150) * 100))

# The secret goes in a file only the server's user reads, never on the command line (the process list shows that).
config="$data_dir/turnserver.conf"
umask 077
cat > "$config" <<CONF
listening-ip=127.0.0.1
relay-ip=127.0.0.1
listening-port=$port
min-port=$min_port
max-port=$((min_port + 99))
realm=chat
use-auth-secret
static-auth-secret=$TURN_SECRET
no-tls
no-dtls
no-cli
no-multicast-peers
no-tcp-relay
# Both call peers of a local run are this machine.
allow-loopback-peers
log-file=stdout
simple-log
pidfile=$data_dir/turnserver.pid
CONF
chown --reference="$data_dir" "$config"

exec "${as_user[@]}" turnserver -c "$config"
