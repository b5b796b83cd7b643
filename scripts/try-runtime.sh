#!/usr/bin/env bash
# Checks every storage migration the way a live upgrade runs it, through the node.
#
# Builds the runtime's WASM with the `try-runtime` feature (in its own target directory,
# so the node's build keeps its WASM), then runs `tests/tests/try_upgrade.rs`: a chain in
# the oldest storage layout goes through `zkpow-node try-upgrade`, which runs every
# migration with its pre- and post-upgrade checks and every pallet's `try_state`, with the
# node's own host functions.
#
# To check an upgrade of a live chain instead:
#   zkpow-node export-state --chain <spec> --base-path <db> > state.json
#   zkpow-node try-upgrade --chain state.json --runtime <try-runtime wasm>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_rust
cd "$ZKPOW_ROOT"

try_target="$CARGO_TARGET_DIR/try-runtime"
log "runtime WASM with try-runtime (target dir: $try_target)"
# `check` is enough: the build script compiles the WASM; the native crate is not needed.
CARGO_TARGET_DIR="$try_target" cargo check --locked -p zkpow-runtime --features try-runtime
wasm="$try_target/debug/wbuild/zkpow-runtime/zkpow_runtime.wasm"
[ -f "$wasm" ] || { echo "no WASM at $wasm" >&2; exit 1; }

log "every migration through zkpow-node try-upgrade"
ZKPOW_TRY_RUNTIME_WASM="$wasm" cargo test --locked -p zkpow-integration-tests \
	--test try_upgrade -- --ignored
