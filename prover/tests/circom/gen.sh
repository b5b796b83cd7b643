#!/usr/bin/env bash
# Builds the statement10 circuit with the real rollup tools and proves one input:
#   gen.sh OUT_DIR [INPUT_JSON]
# compiles statement10.circom with circom2 (circom 2 as WASM), runs a tiny local powers
# of tau (2^8, one contribution, phase 2 prepared), a Groth16 setup with one phase-2
# contribution, exports verification_key.json and proves INPUT_JSON (default input.json)
# with `snarkjs groth16 fullprove`, then checks the proof with `snarkjs groth16 verify`.
# OUT_DIR receives verification_key.json, proof.json, public.json, the .zkey and the
# circuit's WASM. Needs `npm ci` in this directory first. Everything runs offline.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: gen.sh OUT_DIR [INPUT_JSON]}"
input="$(realpath "${2:-$here/input.json}")"
bin="$here/node_modules/.bin"
if [[ ! -x "$bin/snarkjs" || ! -x "$bin/circom2" ]]; then
	echo "gen.sh: run 'npm ci' in $here first" >&2
	exit 1
fi
mkdir -p "$out"
out="$(realpath "$out")"
snarkjs() { "$bin/snarkjs" "$@"; }

# circom2 runs under WASI with the working directory's ancestors preopened: compile from
# here so that the include path resolves.
(cd "$here" && "$bin/circom2" statement10.circom --r1cs --wasm -l node_modules -o "$out")
cd "$out"
snarkjs powersoftau new bn128 8 pot_0000.ptau
snarkjs powersoftau contribute pot_0000.ptau pot_0001.ptau --name=zkpow-test -e="zkpow statement10 tau"
snarkjs powersoftau prepare phase2 pot_0001.ptau pot_final.ptau
snarkjs groth16 setup statement10.r1cs pot_final.ptau statement10_0000.zkey
snarkjs zkey contribute statement10_0000.zkey statement10.zkey --name=zkpow-test -e="zkpow statement10 phase2"
snarkjs zkey export verificationkey statement10.zkey verification_key.json
snarkjs groth16 fullprove "$input" statement10_js/statement10.wasm statement10.zkey proof.json public.json
snarkjs groth16 verify verification_key.json public.json proof.json
