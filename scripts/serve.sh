#!/usr/bin/env bash
# Builds the app and serves it with live reload: trunk serve.
#   RAFT_VIZ_ADDRESS (default 127.0.0.1), RAFT_VIZ_PORT (default 8080); extra args go to trunk.
set -euo pipefail

# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RAFT_ROOT"
"$RAFT_ROOT/scripts/setup.sh"

address="${RAFT_VIZ_ADDRESS:-127.0.0.1}"
port="${RAFT_VIZ_PORT:-8080}"
echo "serve: http://$address:$port/"
exec trunk serve --address "$address" --port "$port" "$@"
