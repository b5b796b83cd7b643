#!/bin/sh
# A native prover behind the command backend's contract (see prover/README.md, "Command
# backend"): reads the request on stdin, proves with `zkpow-prover circom prove` (the
# repository's own native circom prover) and prints {"proof": …} on stdout.
#
# Usage: prove-command.sh ZKPOW_PROVER WASM ZKEY hex|snarkjs
#   hex:     {"proof": "0x<256 bytes>"} (through `zkpow-prover proofs import`)
#   snarkjs: {"proof": <snarkjs proof.json object>}
set -eu
prover="$1" wasm="$2" zkey="$3" shape="$4"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/request.json"
# The circuit's input: the rollup's private input plus the ten statement signals, named
# as statement10.circom names them, in the order of the request's public_inputs.
node -e '
const fs = require("fs");
const [request, out] = process.argv.slice(1);
const r = JSON.parse(fs.readFileSync(request, "utf8"));
if (r.version !== 1) { console.error(`unknown request version ${r.version}`); process.exit(2); }
const names = ["rollup_id", "sequence_index", "prev_state_root_hi", "prev_state_root_lo",
  "new_state_root_hi", "new_state_root_lo", "data_commitment_hi", "data_commitment_lo",
  "prover_hi", "prover_lo"];
const input = Object.assign({}, r.input);
names.forEach((name, i) => { input[name] = r.public_inputs[i]; });
fs.writeFileSync(out, JSON.stringify(input));
' "$work/request.json" "$work/input.json"
"$prover" circom prove --wasm "$wasm" --zkey "$zkey" --input "$work/input.json" \
  --out "$work/proof.json" >&2
if [ "$shape" = snarkjs ]; then
  printf '{"proof": %s}\n' "$(cat "$work/proof.json")"
else
  printf '{"proof": "%s"}\n' "$("$prover" proofs import --format snarkjs --proof "$work/proof.json")"
fi
