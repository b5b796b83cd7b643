#!/usr/bin/env bash
# Brings up a local ZKPoW network: builds the node and runs a single-validator
# development chain (`--dev`) that produces and finalizes a block every 2 seconds.
# Ctrl-C stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_all
cd "$ZKPOW_ROOT"

RPC_PORT="${RPC_PORT:-9944}"

log "building zkpow-node (target dir: $CARGO_TARGET_DIR)"
cargo build --locked -p zkpow-node
NODE="$CARGO_TARGET_DIR/debug/zkpow-node"

cat <<INFO
ZKPoW development chain
  RPC endpoint:    ws://127.0.0.1:$RPC_PORT
  polkadot.js:     https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:$RPC_PORT
  Prometheus:      http://127.0.0.1:9615/metrics
  Stop with Ctrl-C.
INFO
exec "$NODE" --dev --rpc-port "$RPC_PORT" --rpc-cors all "$@"
