#!/usr/bin/env bash
# Proving time of the circom-balances circuit: zkpow-prover's circom backend against
# snarkjs on the same package, input and machine.
#   bench.sh BUILD_DIR ZKPOW_PROVER [RUNS]
# BUILD_DIR is setup.sh's output (balances.wasm, balances.zkey, verification_key.json),
# ZKPOW_PROVER a zkpow-prover binary (a release build: `cargo build --release -p
# zkpow-prover`), RUNS the runs of each command (default 7).
#
# It makes one sequence with the sequencer, the full circuit input a prover host would
# build for it (lib/statement.mjs `proverInput`), and the witness (`snarkjs wtns
# calculate`), then times as whole processes, taking turns so that a drift of the
# machine's speed touches all three alike:
#   A  zkpow-prover circom prove      load the package, witness, prove, self-check, write
#   B  snarkjs groth16 fullprove      witness, prove
#   C  snarkjs groth16 prove          prove (witness given)
# and prints each one's median and the ratios B/A and C/A. It checks the first proof of A
# with `snarkjs groth16 verify` before timing anything. Last, `zkpow-prover circom bench`
# prints where A's time goes in process (load, witness, proof).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage="usage: bench.sh BUILD_DIR ZKPOW_PROVER [RUNS]"
build="$(realpath "${1:?$usage}")"
prover="$(realpath "${2:?$usage}")"
runs="${3:-7}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: RUNS must be a positive integer" >&2; exit 2; }
for file in balances.wasm balances.zkey verification_key.json; do
	[[ -f "$build/$file" ]] || { echo "bench.sh: $build/$file missing: run setup.sh $build" >&2; exit 1; }
done
[[ -x "$prover" ]] || { echo "bench.sh: $prover is not an executable" >&2; exit 1; }
snarkjs="$here/node_modules/.bin/snarkjs"
[[ -x "$snarkjs" ]] || { echo "bench.sh: run 'npm ci' in $here first" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node "$here/sequencer.mjs" --out "$work/rollup" --sequences 1 >/dev/null
node --input-type=module -e "
import { readFileSync, writeFileSync } from 'node:fs';
import { proverInput } from '$here/lib/statement.mjs';
const sequence = JSON.parse(readFileSync('$work/rollup/sequence-000000.json', 'utf8'));
const prover = '0x' + 'd4'.repeat(32);
writeFileSync('$work/input.json', JSON.stringify(proverInput(sequence, { rollupId: 2, prover })));
"
"$snarkjs" wtns calculate "$build/balances.wasm" "$work/input.json" "$work/witness.wtns" >/dev/null

ours() {
	"$prover" circom prove --wasm "$build/balances.wasm" --zkey "$build/balances.zkey" \
		--input "$work/input.json" --out "$work/ours-proof.json" --public "$work/ours-public.json"
}
fullprove() {
	"$snarkjs" groth16 fullprove "$work/input.json" "$build/balances.wasm" "$build/balances.zkey" \
		"$work/full-proof.json" "$work/full-public.json"
}
prove() {
	"$snarkjs" groth16 prove "$build/balances.zkey" "$work/witness.wtns" \
		"$work/prove-proof.json" "$work/prove-public.json"
}
ours >/dev/null
"$snarkjs" groth16 verify "$build/verification_key.json" "$work/ours-public.json" \
	"$work/ours-proof.json" | grep -q "OK" || { echo "bench.sh: zkpow-prover's proof does not verify" >&2; exit 1; }

# Milliseconds one run of "$@" takes.
timed() {
	local started ended
	started="$(date +%s%N)"
	"$@" >/dev/null 2>&1
	ended="$(date +%s%N)"
	echo $(((ended - started) / 1000000))
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
a=() b=() c=()
for ((i = 0; i < runs; i++)); do
	a+=("$(timed ours)")
	b+=("$(timed fullprove)")
	c+=("$(timed prove)")
done
ma="$(median "${a[@]}")" mb="$(median "${b[@]}")" mc="$(median "${c[@]}")"
echo "| command (whole process, median of $runs) | ms |"
echo "|---|---:|"
echo "| zkpow-prover circom prove | $ma |"
echo "| snarkjs groth16 fullprove | $mb |"
echo "| snarkjs groth16 prove (witness given) | $mc |"
awk -v a="$ma" -v b="$mb" -v c="$mc" 'BEGIN { printf "fullprove / ours: %.1fx, prove / ours: %.1fx\n", b / a, c / a }'
echo
"$prover" circom bench --wasm "$build/balances.wasm" --zkey "$build/balances.zkey" \
	--input "$work/input.json" --runs "$runs"
