#!/usr/bin/env bash
# Installs what the AppHost needs on a Debian machine that has only the .NET SDK: redis-server and the
# PostgreSQL server binaries (used when no container runtime answers), Node.js (the web app's build and the
# JavaScript client interop test), Chromium (the browser tests drive it; Playwright downloads no browser), coturn
# (the TURN relay for calls), then
# restores NuGet packages, tools, the interop test's npm packages and Azurite (the Azure Storage emulator, for
# attachments). Building Chat.Web restores its own.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v chromium >/dev/null || missing+=(chromium)
command -v turnserver >/dev/null || missing+=(coturn)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  echo "Installing ${missing[*]} with apt-get..."
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's packages start their own servers when an init system runs; the AppHost runs its own instead.
for service in redis-server postgresql coturn; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    echo "note: the system's $service service is running too; the AppHost uses its own instance on a free port."
  fi
done

dotnet tool restore >/dev/null
dotnet restore Chat.sln --verbosity quiet
# Only when the lock file changed: npm ci empties node_modules first, and the benchmark's quick test runs this
# script while the interop test may be using them.
(cd Chat.Tests/Interop && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null; })
(cd Chat.AppHost/Servers/azurite && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null; })
