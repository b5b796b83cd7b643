#!/usr/bin/env bash
# Builds the circom-balances prover package and its verifying key:
#   setup.sh OUT_DIR
# compiles balances.circom with circom2 (circom 2 as WASM), makes a local powers of tau
# sized for the circuit (one contribution, phase 2 prepared), runs a Groth16 setup with one
# phase-2 contribution and exports the verifying key. OUT_DIR receives
#   balances.wasm           the witness generator (the package's WASM)
#   balances.zkey           the Groth16 proving key (the package's zkey)
#   verification_key.json   the snarkjs verifying key (for `zkpow-prover keys import`)
#   package-hash.txt        keccak256(keccak256(wasm) ++ keccak256(zkey)), also printed
# and the intermediate files (balances.r1cs, the ptau files, balances_js/).
#
# Both contributions are snarkjs beacons with fixed beacon values (`contribute` would mix
# in fresh randomness), so the whole output is reproducible: the same sources and tool
# versions give the same zkey and the same package hash. This is a development ceremony,
# NOT a trusted setup: anyone can recompute its secrets. A rollup in production takes the prepared ptau of a public
# ceremony (PTAU=path/to/file.ptau, of at least the circuit's power) and runs its phase 2
# with contributions from independent parties.
#
# Preparing phase 2 of the local powers of tau is by far the slowest step (minutes for
# 2^14 on two cores); its result, pot<power>_final.ptau, is kept in PTAU_DIR (default
# OUT_DIR) and reused when setup.sh runs again, for any output directory.
# Needs `npm ci` in this directory first; runs offline. When ZKPOW_PROVER names a
# zkpow-prover binary, the package hash is also checked with `zkpow-prover circom hash`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: setup.sh OUT_DIR}"
bin="$here/node_modules/.bin"
if [[ ! -x "$bin/snarkjs" || ! -x "$bin/circom2" ]]; then
	echo "setup.sh: run 'npm ci' in $here first" >&2
	exit 1
fi
mkdir -p "$out"
out="$(realpath "$out")"
public_ptau=""
if [[ -n "${PTAU:-}" ]]; then
	public_ptau="$(realpath "$PTAU")"
fi
ptau_dir="${PTAU_DIR:-$out}"
mkdir -p "$ptau_dir"
ptau_dir="$(realpath "$ptau_dir")"
snarkjs() { "$bin/snarkjs" "$@"; }
# The fixed beacon values (32 bytes of hex each) of the two contributions.
ptau_beacon=636972636f6d2d62616c616e63657320646576656c6f706d656e742074617521
zkey_beacon=636972636f6d2d62616c616e636573206465762070686173652074776f212121
step() { echo "setup.sh [${SECONDS}s]: $*" >&2; }

# circom2 runs under WASI with the working directory's ancestors preopened: compile from
# here so that the include path resolves.
step "compiling balances.circom"
(cd "$here" && "$bin/circom2" balances.circom --r1cs --wasm --O2 -l node_modules -o "$out")
cd "$out"

# The smallest power of two that holds the constraints, the public inputs and one more.
constraints="$(snarkjs r1cs info balances.r1cs | sed -n 's/.*# of Constraints: \([0-9]*\).*/\1/p')"
power=1
while (( (1 << power) < constraints + 10 + 1 )); do power=$((power + 1)); done
step "$constraints constraints: powers of tau 2^$power"

if [[ -n "$public_ptau" ]]; then
	ptau="$public_ptau"
	step "using the prepared powers of tau $ptau"
else
	ptau="$ptau_dir/pot${power}_final.ptau"
	if [[ ! -s "$ptau" ]]; then
		step "local powers of tau 2^$power (preparing phase 2 takes a while)"
		snarkjs powersoftau new bn128 "$power" "pot${power}_0000.ptau"
		snarkjs powersoftau beacon "pot${power}_0000.ptau" "pot${power}_0001.ptau" \
			"$ptau_beacon" 10 --name=circom-balances-dev
		snarkjs powersoftau prepare phase2 "pot${power}_0001.ptau" "$ptau.tmp.$$"
		mv "$ptau.tmp.$$" "$ptau"
		rm -f "pot${power}_0000.ptau" "pot${power}_0001.ptau"
	else
		step "reusing $ptau"
	fi
fi

step "Groth16 setup and phase-2 contribution"
snarkjs groth16 setup balances.r1cs "$ptau" balances_0000.zkey
snarkjs zkey beacon balances_0000.zkey balances.zkey "$zkey_beacon" 10 --name=circom-balances-dev
rm -f balances_0000.zkey
snarkjs zkey export verificationkey balances.zkey verification_key.json
cp balances_js/balances.wasm balances.wasm

hash="$(node "$here/lib/package-hash.mjs" balances.wasm balances.zkey)"
if [[ -n "${ZKPOW_PROVER:-}" ]]; then
	native="$("$ZKPOW_PROVER" circom hash --wasm balances.wasm --zkey balances.zkey)"
	if [[ "$native" != "$hash" ]]; then
		echo "setup.sh: package hash $hash, but zkpow-prover circom hash says $native" >&2
		exit 1
	fi
fi
echo "$hash" > package-hash.txt
step "done"
step "package: $out/balances.wasm $out/balances.zkey"
step "verifying key: $out/verification_key.json"
echo "$hash"
