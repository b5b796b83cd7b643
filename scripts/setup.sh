#!/usr/bin/env bash
# Installs what a fresh Debian machine with rustup lacks for building and testing the
# project. Idempotent: each step checks first and does nothing when already satisfied.
# Sourced by devnet.sh and test.sh; can also be run on its own.
set -euo pipefail

ZKPOW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ZKPOW_ROOT
# One target directory outside the checkout, shared by every checkout and CI run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zkpow-target}"
# What is slow to make and the same every time (the example circom rollup's package and
# its powers of tau), shared by every checkout.
ZKPOW_CACHE="${ZKPOW_CACHE:-$HOME/.cache/zkpow}"

# Each step is stamped with the time of day (UTC), so a slow step stands out in a CI log.
log() { printf '\033[1;34m==>\033[0m [%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages the build needs: protoc (libp2p protobufs), pkg-config and OpenSSL
# headers (a WebRTC dependency of the networking stack), a C compiler.
ensure_apt_packages() {
	local missing=()
	command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
	command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
	command -v cc >/dev/null 2>&1 || missing+=(build-essential)
	dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
	# Node.js runs solc (the Solidity compiler) and ships anvil (the local EVM chain).
	command -v node >/dev/null 2>&1 || missing+=(nodejs)
	command -v npm >/dev/null 2>&1 || missing+=(npm)
	if [ "${#missing[@]}" -gt 0 ]; then
		log "installing apt packages: ${missing[*]}"
		as_root apt-get update -qq
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
	fi
}

# The toolchain pinned in rust-toolchain.toml with its WASM targets and rust-src
# (rustup does not install them on its own here).
ensure_rust() {
	command -v rustup >/dev/null 2>&1 || { echo "rustup is required: https://rustup.rs" >&2; exit 1; }
	local toolchain
	toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$ZKPOW_ROOT/rust-toolchain.toml")"
	if ! rustup toolchain list | grep -q "^$toolchain"; then
		log "installing Rust $toolchain"
		rustup toolchain install "$toolchain" --profile minimal
	fi
	local installed
	installed="$(rustup +"$toolchain" target list --installed)"
	for target in wasm32v1-none wasm32-unknown-unknown; do
		grep -qx "$target" <<<"$installed" || { log "adding target $target"; rustup +"$toolchain" target add "$target"; }
	done
	rustup +"$toolchain" component list --installed | grep -q '^rust-src' ||
		{ log "adding rust-src"; rustup +"$toolchain" component add rust-src; }
}

# npm packages, pinned by lock files and reinstalled only when a lock file changed: the
# EVM side (contracts/: solc, anvil), polkadot.js (tests/e2e/: the rollup-owner
# examples and tests, the devnet's sequencer and status scripts) and the tools rollup
# developers make Groth16 keys and proofs with (prover/tests/circom/: circom 2 as WASM,
# snarkjs, circomlib), which the import tests run for real, and the example circom rollup
# (rollups/circom-balances/: the same tools, pinned by its own lock file).
ensure_npm_packages() {
	local dir stamp
	for dir in "$ZKPOW_ROOT/contracts" "$ZKPOW_ROOT/tests/e2e" "$ZKPOW_ROOT/prover/tests/circom" \
		"$ZKPOW_ROOT/rollups/circom-balances"; do
		stamp="$dir/node_modules/.package-lock.json"
		if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
			log "installing npm packages of ${dir#"$ZKPOW_ROOT"/}"
			npm ci --prefix "$dir" --no-audit --no-fund
		fi
	done
}

# The example circom rollup's prover package and verifying key (its setup.sh), built once
# per version of its sources into $ZKPOW_CACHE/circom-balances/<digest>, with the local
# powers of tau it needs kept in $ZKPOW_CACHE/ptau (preparing it the first time takes
# 6-8 minutes on two cores; a build that finds it takes under a minute). With a
# zkpow-prover binary as $1, the package hash is checked by it too. Prints the directory.
circom_balances_build() {
	local src="$ZKPOW_ROOT/rollups/circom-balances" digest out
	digest="$(cat "$src/balances.circom" "$src/setup.sh" "$src/package-lock.json" | sha256sum | cut -c1-16)"
	out="$ZKPOW_CACHE/circom-balances/$digest"
	if [ ! -s "$out/package-hash.txt" ]; then
		log "building the circom-balances package into $out (log: $out.log)"
		rm -rf "$out.tmp"
		mkdir -p "$ZKPOW_CACHE/circom-balances"
		if ! PTAU_DIR="$ZKPOW_CACHE/ptau" ZKPOW_PROVER="${1:-}" bash "$src/setup.sh" "$out.tmp" >"$out.log" 2>&1; then
			tail -20 "$out.log" >&2
			echo "circom-balances setup failed; its log: $out.log" >&2
			return 1
		fi
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

ensure_all() {
	ensure_apt_packages
	ensure_rust
	ensure_npm_packages
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	ensure_all
fi
