#!/usr/bin/env bash
# Runs Azurite, Microsoft's Azure Storage emulator (blob service only), for the AppHost where no container runtime
# answers. Usage: azurite.sh DATA_DIR PORT   (the account, "name:key", in AZURITE_ACCOUNTS)
set -euo pipefail
data_dir=$1 port=$2
: "${AZURITE_ACCOUNTS:?}"
here=$(cd "$(dirname "$0")" && pwd)

[ -x "$here/azurite/node_modules/.bin/azurite-blob" ] || { echo "Azurite is not installed: run ./run.sh, or scripts/install-prerequisites.sh" >&2; exit 1; }
mkdir -p "$data_dir"
chmod 700 "$data_dir"

# The account and its key come from the environment (AZURITE_ACCOUNTS), never the command line.
exec "$here/azurite/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" --location "$data_dir" \
  --skipApiVersionCheck --disableTelemetry
