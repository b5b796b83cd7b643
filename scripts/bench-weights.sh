#!/usr/bin/env bash
# Builds the node with the FRAME benchmarks and regenerates `pallets/zkpow/src/weights.rs`
# from them on this machine.
#
#   scripts/bench-weights.sh            # 50 steps, 20 repeats (the committed weights)
#   STEPS=5 REPEAT=2 scripts/bench-weights.sh --extrinsic reveal_proof_valid
#
# Extra arguments go to `zkpow-node benchmark pallet`. Run it on an otherwise idle
# machine: the weights are timings.
#
# The raw results go through `scripts/bench-fit.mjs`, which raises any base weight whose
# linear fit passes below a measured point and records the measured costs in
# `pallets/zkpow/src/weights-measured.json`; the pallet's `weights_should` tests check the
# committed weights against that record.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zkpow-target}"
steps="${STEPS:-50}"
repeat="${REPEAT:-20}"
output="${OUTPUT:-pallets/zkpow/src/weights.rs}"
measured="${MEASURED:-pallets/zkpow/src/weights-measured.json}"
raw="$CARGO_TARGET_DIR/bench-weights-raw.json"

cargo build --locked --release -p zkpow-node --features runtime-benchmarks

extrinsics=("--extrinsic" "*")
for arg in "$@"; do
	if [[ "$arg" == --extrinsic* ]]; then
		extrinsics=()
	fi
done

"$CARGO_TARGET_DIR/release/zkpow-node" benchmark pallet \
	--chain dev \
	--pallet pallet_zkpow \
	"${extrinsics[@]}" \
	--steps "$steps" \
	--repeat "$repeat" \
	--template scripts/weight-template.hbs \
	--output "$output" \
	--json-file "$raw" \
	"$@"

node scripts/bench-fit.mjs "$raw" "$output" "$measured"
echo "wrote $output and $measured"
