#!/usr/bin/env bash
# Rehearses a live runtime upgrade with the real node and miner.
#
# Builds the runtime's WASM with the `next-spec-version` feature (the same runtime with
# `spec_version` one higher) in its own target directory, so the node's build keeps its
# WASM, then runs `tests/tests/runtime_upgrade.rs`: `sudo(set_code)` with that WASM lands
# between a miner's commit and its reveal, and the reveal must still land; then
# `relayer/tests/runtime_upgrade.rs`: the relayer's follower reads on through the upgrade.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_rust
cd "$ZKPOW_ROOT"

next_target="$CARGO_TARGET_DIR/next-spec-version"
log "runtime WASM with next-spec-version (target dir: $next_target)"
# `check` is enough: the build script compiles the WASM; the native crate is not needed.
CARGO_TARGET_DIR="$next_target" cargo check --locked -p zkpow-runtime --features next-spec-version
wasm="$next_target/debug/wbuild/zkpow-runtime/zkpow_runtime.wasm"
[ -f "$wasm" ] || { echo "no WASM at $wasm" >&2; exit 1; }

# Both tests are named `runtime_upgrade` (the miner's in zkpow-integration-tests, the
# relayer's in zkpow-relayer): one workspace invocation runs both with the features of
# `cargo test --workspace`, so nothing is compiled again.
log "a runtime upgrade in the middle of a miner's window, and the relayer reading on through it"
ZKPOW_UPGRADE_WASM="$wasm" cargo test --locked --workspace --test runtime_upgrade -- --ignored
