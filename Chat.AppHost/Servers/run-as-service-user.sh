# Sourced by the server scripts. PostgreSQL refuses to run as root and Redis should not, so when the AppHost runs
# as root the server runs as its Debian service user (or nobody when that user is missing). setpriv execs in
# place: the server keeps the PID that Aspire watches and receives Aspire's stop signal directly.
# Sets: as_user (a command prefix, empty when not root); makes and owns the data directory.
prepare_service_user() {
  local user=$1 data_dir=$2
  as_user=()
  mkdir -p "$data_dir"
  if [ "$(id -u)" = 0 ]; then
    id -u "$user" >/dev/null 2>&1 || user=nobody
    chown -R "$user:$(id -g "$user")" "$data_dir"
    as_user=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups --)
  fi
  chmod 700 "$data_dir"
}
