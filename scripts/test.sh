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

if [ "$#" -eq 0 ]; then
	# Style and lints first: a finding fails the run before any test starts.
	# (`scripts/fmt.sh` fixes formatting.)
	log "cargo fmt --check"
	cargo fmt --all --check
	# The runtime's WASM is not needed to lint (SKIP_WASM_BUILD); the benchmark-only code of
	# the runtime and the pallet is linted in a second pass with its feature.
	log "cargo clippy (warnings are errors)"
	SKIP_WASM_BUILD=1 cargo clippy --locked --workspace --all-targets -- -D warnings
	SKIP_WASM_BUILD=1 cargo clippy --locked -p pallet-zkpow -p zkpow-runtime --all-targets \
		--features runtime-benchmarks -- -D warnings
	log "cargo doc (warnings are errors)"
	SKIP_WASM_BUILD=1 RUSTDOCFLAGS="-D warnings" cargo doc --locked --workspace --no-deps
fi

log "cargo test (target dir: $CARGO_TARGET_DIR)"
if [ "$#" -gt 0 ]; then
	cargo test --locked "$@"
else
	# Also builds the zkpow-node binary that the end-to-end tests start.
	cargo test --locked --workspace
	# Every storage migration with its checks, through the node (builds a try-runtime WASM).
	"$ZKPOW_ROOT/scripts/try-runtime.sh"
	# A live upgrade (sudo set_code) between a miner's commit and reveal (builds the runtime
	# once more with spec_version one higher).
	"$ZKPOW_ROOT/scripts/upgrade-test.sh"
	log "polkadot.js suite (tests/e2e) against the real node"
	npm ci --prefix tests/e2e --no-audit --no-fund
	npm test --prefix tests/e2e
	log "the example circom rollup (rollups/circom-balances): proofs with snarkjs and zkpow-prover"
	CIRCOM_BALANCES_BUILD="$(circom_balances_build "$CARGO_TARGET_DIR/debug/zkpow-prover")" \
		ZKPOW_PROVER="$CARGO_TARGET_DIR/debug/zkpow-prover" npm test --prefix rollups/circom-balances
	log "the whole local network: scripts/devnet.sh --check"
	RPC_PORT=19944 P2P_PORT=31333 NODE_METRICS_PORT=19615 EVM_PORT=18545 PROVER_PORT=18547 \
		DATA_PORT=18548 RELAYER_METRICS_PORT=19616 EVM2_PORT=18549 DATA2_PORT=18550 \
		"$ZKPOW_ROOT/scripts/devnet.sh" --check
	log "devnet.sh stops everything it started on SIGTERM"
	"$ZKPOW_ROOT/scripts/devnet-stop-test.sh"
fi
log "all tests passed"
