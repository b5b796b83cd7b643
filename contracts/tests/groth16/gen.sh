#!/usr/bin/env bash
# Regenerates the Groth16Inbox vectors with the real tools:
#   contracts/tests/groth16/gen.sh [OUT_JSON]
# (default primitives/test-vectors/groth16-inbox/vectors.json).
#
# 1. prover/tests/circom/gen.sh builds statement10.circom (circom2) and runs a snarkjs
#    Groth16 setup into a temporary directory (it also proves its own input.json; unused);
# 2. sequences.js writes the circom inputs of two consecutive sequences of rollup 7, and
#    `snarkjs groth16 fullprove` proves both with that one zkey (`snarkjs groth16 verify`
#    checks them);
# 3. the importer converts key and proofs to the chain encoding
#    (`zkpow-prover keys import` / `proofs import --format snarkjs`), and `--check-vk`
#    verifies each proof with the chain's Rust verifier for its public signals;
# 4. sequences.js assembles the JSON.
#
# Needs `npm ci` in prover/tests/circom (snarkjs, circom2) and in contracts/ (js-sha3),
# and the importer: `cargo build --bin zkpow-prover` (found in
# $CARGO_TARGET_DIR/debug, else target/debug; or set ZKPOW_PROVER_BIN). Offline.
# snarkjs draws fresh entropy, so every run gives different, equally valid, vectors.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
circom="$repo/prover/tests/circom"
out="${1:-$repo/primitives/test-vectors/groth16-inbox/vectors.json}"
importer="${ZKPOW_PROVER_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/zkpow-prover}"
if [[ ! -x "$importer" ]]; then
	echo "gen.sh: $importer not found: run 'cargo build --bin zkpow-prover' (or set ZKPOW_PROVER_BIN)" >&2
	exit 1
fi
snarkjs="$circom/node_modules/.bin/snarkjs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bash "$circom/gen.sh" "$work/setup"
wasm="$work/setup/statement10_js/statement10.wasm"
zkey="$work/setup/statement10.zkey"
"$importer" keys import --format snarkjs --vk "$work/setup/verification_key.json" --out "$work/vk.hex"

node "$here/sequences.js" inputs "$work"
for i in 0 1; do
	"$snarkjs" groth16 fullprove "$work/seq$i.input.json" "$wasm" "$zkey" \
		"$work/seq$i.proof.json" "$work/seq$i.public.json"
	"$snarkjs" groth16 verify "$work/setup/verification_key.json" "$work/seq$i.public.json" "$work/seq$i.proof.json"
	"$importer" proofs import --format snarkjs --proof "$work/seq$i.proof.json" \
		--check-vk "$work/vk.hex" --public "$work/seq$i.public.json" --out "$work/seq$i.proof.hex"
done

mkdir -p "$(dirname "$out")"
node "$here/sequences.js" assemble "$work" >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
