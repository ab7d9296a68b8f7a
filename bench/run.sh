#!/usr/bin/env bash
# Runs the whole benchmark on this machine from a clean checkout and writes docs/benchmarks.md.
#   bench/run.sh                      the full benchmark (about 20 minutes on 2 cores)
#   bench/run.sh --quick              tiny sizes, under a minute: shows that it still works (Chat.Tests runs it)
#   bench/run.sh --output FILE        write the report elsewhere (--quick writes to a temporary file by default)
#   bench/run.sh --configuration Debug
#   bench/run.sh --only chat,signalr --workloads direct --clients 100 --seconds 5
#                                     some systems, workloads (direct, fanout, idle, slow, e2ee, storm, floor, attachments), sizes, durations: for investigating
#   bench/run.sh --only chat --workloads scaleout --output docs/benchmarks-scaleout.md
#                                     the direct workload on 2, 4 and 8 realtime nodes (eight are started only for this);
#                                     with --only chat,signalr, the bare SignalR peer on as many nodes beside it
#   BENCH_POSTGRES_OPTIONS="-c shared_buffers=2GB" bench/run.sh ...
#                                     extra PostgreSQL server settings, for investigating
#   BENCH_NODE_ENV="DOTNET_PROCESSOR_COUNT=1" bench/run.sh ...
#                                     extra environment of every realtime node, for investigating
# Starts PostgreSQL and Redis (the same local binaries the AppHost runs without containers), our API, two realtime
# nodes and the worker with production settings, and the peers: two bare SignalR nodes, two socket.io nodes and a
# Kestrel WebSocket echo; runs every workload against each; stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=false output="" configuration=Release extra=() workloads=""
command_line="bench/run.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=true ;;
    --only) extra+=(--Only "$2"); shift ;;
    --seconds) extra+=(--Seconds "$2"); shift ;;
    --workloads) extra+=(--Workloads "$2"); workloads=$2; shift ;;
    --clients) extra+=(--Clients "$2"); shift ;;
    --output) output=$2; shift ;;
    --configuration) configuration=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$output" ] || { $quick && output=$(mktemp --suffix=.md) || output=docs/benchmarks.md; }

scripts/install-prerequisites.sh
command -v node >/dev/null || { echo "node and npm are needed for the socket.io peer: apt-get install nodejs npm" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

echo "building ($configuration)..."
for project in Chat.Api Chat.Realtime Chat.Worker bench/Chat.Bench.Peers bench/Chat.Bench; do
  dotnet build "$project" -c "$configuration" --nologo --verbosity quiet >/dev/null
done
(cd bench/socketio-peer && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

run_dir=$root/.data/bench
rm -rf "$run_dir"
mkdir -p "$run_dir/logs"
pids=()
cleanup() {
  # Newest first: the services let go of PostgreSQL and Redis before those stop.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

# Ports below the kernel's ephemeral range, which outgoing connections and port-0 binds (the AppHost's, when
# the tests run alongside) draw from; each picked once, since a port is taken only when its server starts.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
picked=" "
# free_port NAME...: sets each variable NAME to a free port (not through $(...): the picks must be remembered).
free_port() {
  local name port
  for name in "$@"; do
    while :; do
      port=$(shuf -i 10000-$((ephemeral_low - 1)) -n 1)
      [[ $picked == *" $port "* ]] && continue
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
      picked+="$port "
      printf -v "$name" '%s' "$port"
      break
    done
  done
}

# start NAME COMMAND...: runs a server in the background with its output in .data/bench/logs/NAME.log.
start() {
  local name=$1; shift
  "$@" >"$run_dir/logs/$name.log" 2>&1 &
  pids+=($!)
  declare -g "pid_$name=$!"
}

wait_http() {
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return
    sleep 0.5
  done
  echo "$1 did not answer; see $run_dir/logs" >&2
  exit 1
}

secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export REDIS_PASSWORD POSTGRES_PASSWORD
REDIS_PASSWORD=$(secret) POSTGRES_PASSWORD=$(secret)
jwt_key=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null)

# The PostgreSQL server's directory, picked once: postgres.sh starts the server from it and psql below comes from
# it too, so both are the same version.
export POSTGRES_BIN=${POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

free_port redis_port postgres_port azurite_port
start redis Chat.AppHost/Servers/redis.sh "$run_dir/redis" "$redis_port"
# Attachments' storage: the emulator, as the AppHost runs it, with an account key of this run's own.
export AZURITE_ACCOUNTS="chat:$(head -c 48 /dev/urandom | base64 -w0)"
start azurite Chat.AppHost/Servers/azurite.sh "$run_dir/azurite" "$azurite_port"
# pg_stat_statements: the report ends with the statements PostgreSQL spent its time on during the run.
start postgres Chat.AppHost/Servers/postgres.sh "$run_dir/postgres" "$postgres_port" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on ${BENCH_POSTGRES_OPTIONS:-}
for _ in $(seq 1 60); do
  (exec 3<>"/dev/tcp/127.0.0.1/$postgres_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null \
    && (exec 3<>"/dev/tcp/127.0.0.1/$azurite_port") 2>/dev/null && break
  sleep 0.5
done

# The server's own process, whose CPU the report counts: postgres.sh stays as its parent (it turns a stop into a
# fast shutdown), so the script's PID is not the server's.
pid_postgres=$(head -n 1 "$run_dir/postgres/postmaster.pid")

bin() { echo "$root/$1/bin/$configuration/net10.0/$2.dll"; }
# dotnet_app DLL [NAME=value...]: runs a .NET service from its own directory, as Aspire (the project's) and the
# container image (/app) do. Its content root then holds its appsettings.json, and the configuration file watcher,
# recursive on the content root, no longer watches the PostgreSQL data under .data: it did, and every WAL write
# woke every .NET process of the benchmark.
dotnet_app() { cd "$(dirname "$1")" && exec env "${@:2}" dotnet "$1"; }
# The migrations connect as the owner and create the services' role; the services connect as that role, as in the AppHost.
app_role_password=$(secret)
owner_connection="Host=127.0.0.1;Port=$postgres_port;Username=postgres;Password=$POSTGRES_PASSWORD;Database=chatdb"
export ConnectionStrings__chatdb="Host=127.0.0.1;Port=$postgres_port;Username=chat_app;Password=$app_role_password;Database=chatdb"
export ConnectionStrings__redis="127.0.0.1:$redis_port,password=$REDIS_PASSWORD"
export ConnectionStrings__blobs="DefaultEndpointsProtocol=http;AccountName=chat;AccountKey=${AZURITE_ACCOUNTS#chat:};BlobEndpoint=http://127.0.0.1:$azurite_port/chat;"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
# The load generator plays thousands of users from one address and sends far above a person's rate: the abuse
# limits (per address, per user) are raised; nothing else differs from production settings.
export RateLimits__ClientAddressPermits=100000 RateLimits__UserBurst=100000 RateLimits__UserPermitsPerSecond=100000
for budget in Writes Typing Receipts Sync Connects; do
  export "HubBudgets__${budget}__PerSecond=100000" "HubBudgets__${budget}__Burst=100000"
done

for _ in $(seq 1 30); do
  (cd "$(dirname "$(bin Chat.Worker Chat.Worker)")" && ConnectionStrings__chatdb="$owner_connection" Database__AppRolePassword="$app_role_password" \
    dotnet Chat.Worker.dll migrate) >"$run_dir/logs/migrations.log" 2>&1 && break
  sleep 1
done

free_port api_port node1_port node2_port worker_port
# Only the API holds the signing key; the nodes read its public half from the API, as in the AppHost.
keys="http://127.0.0.1:$api_port/.well-known/openid-configuration"
start realtime1 dotnet_app "$(bin Chat.Realtime Chat.Realtime)" ${BENCH_NODE_ENV:-} ASPNETCORE_URLS="http://127.0.0.1:$node1_port" Jwt__MetadataAddress="$keys"
start realtime2 dotnet_app "$(bin Chat.Realtime Chat.Realtime)" ${BENCH_NODE_ENV:-} ASPNETCORE_URLS="http://127.0.0.1:$node2_port" Jwt__MetadataAddress="$keys"
# The scale-out workload runs on up to eight nodes; the others, and every other workload, on the first two.
scale_nodes=("http://127.0.0.1:$node1_port" "http://127.0.0.1:$node2_port") scale_pids=()
if [[ ",$workloads," == *",scaleout,"* ]]; then
  for n in 3 4 5 6 7 8; do
    free_port "node${n}_port"
    port_var="node${n}_port"
    start "realtime$n" dotnet_app "$(bin Chat.Realtime Chat.Realtime)" ${BENCH_NODE_ENV:-} ASPNETCORE_URLS="http://127.0.0.1:${!port_var}" Jwt__MetadataAddress="$keys"
    scale_nodes+=("http://127.0.0.1:${!port_var}")
  done
fi
start api dotnet_app "$(bin Chat.Api Chat.Api)" ASPNETCORE_URLS="http://127.0.0.1:$api_port" Jwt__SigningKey="$jwt_key" RealtimeRegions__DefaultRegion=default \
  RealtimeRegions__Regions__0__Name=default RealtimeRegions__Regions__0__Url="http://127.0.0.1:$node1_port/hubs/chat"
start worker dotnet_app "$(bin Chat.Worker Chat.Worker)" ASPNETCORE_URLS="http://127.0.0.1:$worker_port"

free_port peer1_port peer2_port echo_port sio1_port sio2_port
peers=$(bin bench/Chat.Bench.Peers Chat.Bench.Peers)
start signalr1 dotnet_app "$peers" ASPNETCORE_URLS="http://127.0.0.1:$peer1_port"
start signalr2 dotnet_app "$peers" ASPNETCORE_URLS="http://127.0.0.1:$peer2_port"
# The scale-out workload runs the bare SignalR peer on as many nodes too: what running more processes on this
# machine costs any system, against what ours adds.
scale_peer_nodes=("http://127.0.0.1:$peer1_port" "http://127.0.0.1:$peer2_port") scale_peer_pids=()
if [[ ",$workloads," == *",scaleout,"* ]]; then
  for n in 3 4 5 6 7 8; do
    free_port "peer${n}_port"
    port_var="peer${n}_port"
    start "signalr$n" dotnet_app "$peers" ASPNETCORE_URLS="http://127.0.0.1:${!port_var}"
    scale_peer_nodes+=("http://127.0.0.1:${!port_var}")
  done
fi
start echo dotnet_app "$peers" ASPNETCORE_URLS="http://127.0.0.1:$echo_port"
export REDIS_URL="redis://:$REDIS_PASSWORD@127.0.0.1:$redis_port"
start socketio1 env PORT="$sio1_port" node bench/socketio-peer/server.js
start socketio2 env PORT="$sio2_port" node bench/socketio-peer/server.js

for port in "$api_port" "$node1_port" "$node2_port" "$worker_port" "$peer1_port" "$peer2_port" "$echo_port" "$sio1_port" "$sio2_port"; do
  wait_http "http://127.0.0.1:$port/health"
done
for node in "${scale_nodes[@]}" "${scale_peer_nodes[@]}"; do
  wait_http "$node/health"
done
for n in 1 2 3 4 5 6 7 8; do
  pid_var="pid_realtime$n"
  [ -z "${!pid_var:-}" ] || scale_pids+=("${!pid_var}")
  pid_var="pid_signalr$n"
  [ -z "${!pid_var:-}" ] || scale_peer_pids+=("${!pid_var}")
done

psql_chat() { PGPASSWORD=$POSTGRES_PASSWORD "$POSTGRES_BIN/psql" -h 127.0.0.1 -p "$postgres_port" -U postgres -d chatdb -X -q "$@"; }
psql_chat -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null

echo "running workloads$($quick && echo ' (quick)')..."
dotnet "$(bin bench/Chat.Bench Chat.Bench)" \
  --Quick "$quick" --Output "$output" --Command "$command_line" --Analysis bench/analysis.md --GcDumps "$run_dir/gcdumps" \
  --ChatApi "http://127.0.0.1:$api_port" --ChatNodes "http://127.0.0.1:$node1_port,http://127.0.0.1:$node2_port" \
  --ChatPids "$pid_realtime1,$pid_realtime2" --JwtSigningKey "$jwt_key" \
  --ScaleNodes "$(IFS=,; echo "${scale_nodes[*]}")" --ScalePids "$(IFS=,; echo "${scale_pids[*]}")" \
  --ScalePeerNodes "$(IFS=,; echo "${scale_peer_nodes[*]}")" --ScalePeerPids "$(IFS=,; echo "${scale_peer_pids[*]}")" \
  --PostgresConnection "$owner_connection" --PostgresPid "$pid_postgres" --RedisPid "$pid_redis" --StorageConnection "$ConnectionStrings__blobs" \
  --SignalRNodes "http://127.0.0.1:$peer1_port,http://127.0.0.1:$peer2_port" --SignalRPids "$pid_signalr1,$pid_signalr2" \
  --SocketIoNodes "http://127.0.0.1:$sio1_port,http://127.0.0.1:$sio2_port" --SocketIoPids "$pid_socketio1,$pid_socketio2" \
  --Echo "http://127.0.0.1:$echo_port" --EchoPid "$pid_echo" "${extra[@]}"
{
  echo
  echo "## PostgreSQL statements over the whole run"
  echo
  echo "From \`pg_stat_statements\` (set-up included), the ten that took longest in total; execution time includes waiting for row locks; plans counts the times PostgreSQL planned the statement (a prepared statement planned at every call gets a custom plan each time)."
  echo
  echo "| calls | total ms | mean ms | plans | plan ms | rows | WAL MiB | statement |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---|"
  psql_chat -At -F ' | ' -c "SELECT calls, round(total_exec_time), round((total_exec_time / NULLIF(calls, 0))::numeric, 3), plans, round(total_plan_time), rows,
      round(wal_bytes / 1048576.0, 1), '\`' || left(regexp_replace(regexp_replace(query, '\s+', ' ', 'g'), '\|', '/', 'g'), 110) || '…\`'
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'chatdb')
    ORDER BY total_exec_time DESC LIMIT 10" | sed 's/^/| /; s/$/ |/'
} >>"$output"
echo "report: $output"
