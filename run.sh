#!/usr/bin/env bash
# Starts the whole chat system with the Aspire dashboard. Installs missing prerequisites first.
# Redis and PostgreSQL run as containers when a container runtime answers, else as local executables
# (force either with Chat__Servers=Containers or Chat__Servers=Executables).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh

cat <<INFO

  Dashboard:        the login URL printed below (http://localhost:15170)
  Web app:          http://localhost:5170   (the browser client: sign up and chat)
  API:              http://localhost:5180   (OpenAPI document: /openapi/v1.json)
  Realtime hub:     http://localhost:5190/hubs/chat   (SignalR over WebSockets; see docs/protocol.md)
  Stop with Ctrl+C: every server the AppHost started stops with it; data stays in .data/

INFO
exec dotnet run --project Chat.AppHost --launch-profile http -- "$@"
