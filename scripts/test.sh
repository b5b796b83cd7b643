#!/usr/bin/env bash
# Runs every test of the project: unit tests, pallet tests, and the end-to-end tests
# that start the real zkpow-node binary. Installs what is missing first.
#
#   scripts/test.sh            # everything
#   scripts/test.sh -p pallet-zkpow   # extra arguments go to `cargo test`
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_all
cd "$ZKPOW_ROOT"

log "cargo test (target dir: $CARGO_TARGET_DIR)"
if [ "$#" -gt 0 ]; then
	cargo test --locked "$@"
else
	# Also builds the zkpow-node binary that the end-to-end tests start.
	cargo test --locked --workspace
	log "polkadot.js suite (tests/e2e) against the real node"
	npm ci --prefix tests/e2e --no-audit --no-fund
	npm test --prefix tests/e2e
fi
log "all tests passed"
