#!/usr/bin/env bash
# Brings up the whole ZKPoW system on loopback and supervises it, with two rollups on two
# EVM base chains:
#
#   zkpow-node --dev   the appchain (2 s blocks), mining with Charlie's `zkpw` key
#   zkpow-prover       a prover host proving both rollups (the reference circuits, and
#                      circom packages fetched into a cache), and each rollup's data
#                      endpoint (`publish`)
#   anvil (x2)         chain 31337 with the reference rollup's inbox, chain 31338 with the
#                      circom rollup's (rollups/circom-balances)
#   zkpow-relayer      one relayer carrying finalized sequences to both chains
#   sequencer.js (x2)  each rollup's sequencer, posting a sequence every 20 s
#   status.js          a live status line per block, one part per rollup
#
#   scripts/devnet.sh           # runs until Ctrl-C or SIGTERM, which stop everything it started
#   scripts/devnet.sh --check   # runs until each rollup has a sequence relayed to its own
#                               # chain, prints one line per rollup saying which, exits 0
#
# Ports (override with the variables): RPC_PORT 9944, P2P_PORT 30333, NODE_METRICS_PORT
# 9615, EVM_PORT 8545, EVM2_PORT 8549, PROVER_PORT 8547, DATA_PORT 8548, DATA2_PORT 8550,
# RELAYER_METRICS_PORT 9616. Logs and state go to a fresh directory printed at start
# (DEVNET_DIR to choose it). The circom rollup's package is built once into ~/.cache/zkpow
# (the first time takes minutes: scripts/setup.sh, circom_balances_build).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

CHECK=0
for arg in "$@"; do
	case "$arg" in
		--check) CHECK=1 ;;
		-h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "devnet.sh: unknown argument \`$arg\` (try --help)" >&2; exit 2 ;;
	esac
done

ensure_all
cd "$ZKPOW_ROOT"

RPC_PORT="${RPC_PORT:-9944}"
P2P_PORT="${P2P_PORT:-30333}"
NODE_METRICS_PORT="${NODE_METRICS_PORT:-9615}"
EVM_PORT="${EVM_PORT:-8545}"
EVM2_PORT="${EVM2_PORT:-8549}"
PROVER_PORT="${PROVER_PORT:-8547}"
DATA_PORT="${DATA_PORT:-8548}"
DATA2_PORT="${DATA2_PORT:-8550}"
RELAYER_METRICS_PORT="${RELAYER_METRICS_PORT:-9616}"
CHECK_TIMEOUT="${CHECK_TIMEOUT:-900}"
WORK="${DEVNET_DIR:-$(mktemp -d /tmp/zkpow-devnet.XXXXXX)}"
mkdir -p "$WORK"

for port in "$RPC_PORT" "$P2P_PORT" "$NODE_METRICS_PORT" "$EVM_PORT" "$EVM2_PORT" "$PROVER_PORT" \
	"$DATA_PORT" "$DATA2_PORT" "$RELAYER_METRICS_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		echo "devnet.sh: port $port is in use (another devnet?); free it or set the *_PORT variables" >&2
		exit 1
	fi
done

log "building zkpow-node, zkpow-prover and zkpow-relayer (target dir: $CARGO_TARGET_DIR)"
cargo build --locked -p zkpow-node -p zkpow-prover -p zkpow-relayer
BIN="$CARGO_TARGET_DIR/debug"
ANVIL="$ZKPOW_ROOT/contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
EXAMPLES="$ZKPOW_ROOT/tests/e2e/examples"
CIRCOM_BUILD="$(circom_balances_build "$BIN/zkpow-prover")"

PIDS=()
cleanup() {
	trap - EXIT INT TERM
	if [ "${#PIDS[@]}" -gt 0 ]; then
		log "stopping ${#PIDS[@]} processes"
		# Each process leads a group of its own (`start`): killing the groups also stops
		# what they started (the sequencers' in-flight `sequencer.mjs` runs).
		local pid
		for pid in "${PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
		wait "${PIDS[@]}" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts `name` in the background, in a process group of its own, with its output in
# $WORK/name.log.
start() {
	local name="$1"
	shift
	setsid "$@" >"$WORK/$name.log" 2>&1 &
	PIDS+=("$!")
}

# Runs `$@` in the background and waits for it, returning its status. Bash runs a trap
# only after the foreground command ends, but a `wait` ends at once on a signal: a
# supervisor's SIGTERM (sent to this script alone, unlike Ctrl-C, which reaches the whole
# process group) then stops everything at once.
supervised() {
	"$@" &
	local pid=$!
	PIDS+=("$pid")
	wait "$pid"
}

# Waits until something listens on 127.0.0.1:$2 (for at most $3 seconds).
wait_port() {
	local name="$1" port="$2" limit="${3:-120}" i
	for ((i = 0; i < limit * 4; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
		sleep 0.25
	done
	echo "devnet.sh: $name did not come up on port $port; its log ($WORK/$name.log):" >&2
	tail -20 "$WORK/$name.log" >&2
	exit 1
}

# Dev accounts: Alice owns the reference rollup, Bob sequences it; Dave owns the circom
# rollup, Eve sequences it; Charlie mines both.
CHARLIE=5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y
# anvil's first dev account deploys the inbox and relays.
EVM_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
UNIT=1000000000000

log "work directory: $WORK"
# The prover host takes tasks only with this token; the miner in the node sends it (both
# read ZKPOW_PROVER_TOKEN).
export ZKPOW_PROVER_TOKEN="${ZKPOW_PROVER_TOKEN:-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}"
start anvil "$ANVIL" --port "$EVM_PORT" --chain-id 31337
start anvil2 "$ANVIL" --port "$EVM2_PORT" --chain-id 31338
start prover "$BIN/zkpow-prover" serve --config test --listen "127.0.0.1:$PROVER_PORT" \
	--circom-cache "$WORK/circom-cache"
"$BIN/zkpow-node" key insert --base-path "$WORK/node" --chain dev \
	--key-type zkpw --scheme sr25519 --suri //Charlie
start node "$BIN/zkpow-node" --dev --base-path "$WORK/node" --rpc-port "$RPC_PORT" --rpc-cors all \
	--port "$P2P_PORT" --prometheus-port "$NODE_METRICS_PORT" \
	--miner --prover-url "http://127.0.0.1:$PROVER_PORT"
wait_port anvil "$EVM_PORT"
wait_port anvil2 "$EVM2_PORT"
wait_port node "$RPC_PORT"
wait_port prover "$PROVER_PORT" 600

log "the reference rollup: keys, genesis, data endpoint"
"$BIN/zkpow-prover" export-keys --config test --out "$WORK/keys" >/dev/null
"$BIN/zkpow-prover" sequencer --config test --out "$WORK/rollup" --sequences 0 >/dev/null 2>&1
GENESIS_ROOT="$(sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p' "$WORK/rollup/genesis.json")"
start publish "$BIN/zkpow-prover" publish --dir "$WORK/rollup" --listen "127.0.0.1:$DATA_PORT"
wait_port publish "$DATA_PORT"

log "the circom rollup: package, genesis, data endpoint"
mkdir -p "$WORK/circom-rollup/package"
cp "$CIRCOM_BUILD/balances.wasm" "$WORK/circom-rollup/package/circuit.wasm"
cp "$CIRCOM_BUILD/balances.zkey" "$WORK/circom-rollup/package/circuit.zkey"
PACKAGE_HASH="$(cat "$CIRCOM_BUILD/package-hash.txt")"
node "$ZKPOW_ROOT/rollups/circom-balances/sequencer.mjs" --out "$WORK/circom-rollup" --sequences 0 >/dev/null
CIRCOM_GENESIS_ROOT="$(sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p' "$WORK/circom-rollup/genesis.json")"
start publish2 "$BIN/zkpow-prover" publish --dir "$WORK/circom-rollup" --listen "127.0.0.1:$DATA2_PORT"
wait_port publish2 "$DATA2_PORT"

RELAYER=("$BIN/zkpow-relayer" --appchain-url "ws://127.0.0.1:$RPC_PORT" --db "$WORK/relayer.db"
	--chain "31337=http://127.0.0.1:$EVM_PORT" --chain "31338=http://127.0.0.1:$EVM2_PORT"
	--key-env ZKPOW_DEVNET_EVM_KEY
	# A local anvil mines only on demand and never reorgs: a delivery is final once mined
	# (on a public chain the default, the `finalized` tag, is what counts).
	--finality 31337=confirmations --confirmations 31337=1
	--finality 31338=confirmations --confirmations 31338=1)
export ZKPOW_DEVNET_EVM_KEY="$EVM_KEY"
INBOX="$("${RELAYER[@]}" predict-address --chain-id 31337 --salt reference-rollup)"
INBOX2="$("${RELAYER[@]}" predict-address --chain-id 31338 --salt circom-rollup)"

log "registering the rollup (inbox $INBOX) and bonding the miner"
node "$EXAMPLES/register.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Alice --name reference-rollup \
	--vk "$WORK/keys/vk_set.hex" --sequencer 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty \
	--chain-id 31337 --inbox "$INBOX" --t1 3 --t2 3 --reward $((100 * UNIT)) --min-bond $((1000 * UNIT)) \
	--genesis-root "$GENESIS_ROOT" --data-url "http://127.0.0.1:$DATA_PORT" >"$WORK/rollup.json"
ROLLUP_ID="$(sed -n 's/.*"rollupId": \([0-9]*\).*/\1/p' "$WORK/rollup.json")"
node "$EXAMPLES/fund.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Alice --rollup "$ROLLUP_ID" \
	--amount $((10000 * UNIT)) >/dev/null

log "registering the circom rollup (inbox $INBOX2 on chain 31338, package $PACKAGE_HASH)"
ZKPOW_PROVER_BIN="$BIN/zkpow-prover" node "$EXAMPLES/register.js" --url "ws://127.0.0.1:$RPC_PORT" \
	--suri //Dave --name circom-balances --snarkjs-vk "$CIRCOM_BUILD/verification_key.json" \
	--sequencer 5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw \
	--chain-id 31338 --inbox "$INBOX2" --t1 3 --t2 3 --reward $((100 * UNIT)) --min-bond $((1000 * UNIT)) \
	--genesis-root "$CIRCOM_GENESIS_ROOT" --data-url "http://127.0.0.1:$DATA2_PORT" \
	--package-kind Circom --package-url "http://127.0.0.1:$DATA2_PORT/package" \
	--package-hash "$PACKAGE_HASH" >"$WORK/circom-rollup.json"
ROLLUP2_ID="$(sed -n 's/.*"rollupId": \([0-9]*\).*/\1/p' "$WORK/circom-rollup.json")"
node "$EXAMPLES/fund.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Dave --rollup "$ROLLUP2_ID" \
	--amount $((10000 * UNIT)) >/dev/null
node "$EXAMPLES/bond.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Charlie --amount $((2000 * UNIT)) >/dev/null

log "deploying the inboxes and starting the relayer and the sequencers"
"${RELAYER[@]}" deploy --rollup-id "$ROLLUP_ID" --salt reference-rollup >"$WORK/deploy.log" 2>&1
"${RELAYER[@]}" deploy --rollup-id "$ROLLUP2_ID" --salt circom-rollup >>"$WORK/deploy.log" 2>&1
start relayer "${RELAYER[@]}" --metrics-addr "127.0.0.1:$RELAYER_METRICS_PORT" run
start sequencer node "$EXAMPLES/sequencer.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Bob \
	--rollup "$ROLLUP_ID" --dir "$WORK/rollup" --prover-bin "$BIN/zkpow-prover" --batches 2 --interval 20
start sequencer2 node "$EXAMPLES/sequencer.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Eve \
	--rollup "$ROLLUP2_ID" --dir "$WORK/circom-rollup" --kind circom-balances --interval 20

cat <<INFO
ZKPoW local network (logs in $WORK)
  appchain RPC:   ws://127.0.0.1:$RPC_PORT
  polkadot.js:    https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT
  node metrics:   http://127.0.0.1:$NODE_METRICS_PORT/metrics
  prover host:    http://127.0.0.1:$PROVER_PORT/metrics
  rollup data:    http://127.0.0.1:$DATA_PORT/sequences/0 (reference), http://127.0.0.1:$DATA2_PORT/sequences/0 (circom)
  anvil:          http://127.0.0.1:$EVM_PORT (chain 31337), inbox $INBOX
  anvil:          http://127.0.0.1:$EVM2_PORT (chain 31338), inbox $INBOX2
  relayer:        http://127.0.0.1:$RELAYER_METRICS_PORT/metrics
  rollup $ROLLUP_ID:      reference-rollup on chain 31337: owner Alice, sequencer Bob, miner Charlie
  rollup $ROLLUP2_ID:      circom-balances on chain 31338: owner Dave, sequencer Eve, miner Charlie
INFO

STATUS=(node "$EXAMPLES/status.js" --url "ws://127.0.0.1:$RPC_PORT" --miner "$CHARLIE"
	--rollup "$ROLLUP_ID" --evm-url "http://127.0.0.1:$EVM_PORT" --inbox "$INBOX"
	--rollup "$ROLLUP2_ID" --evm-url "http://127.0.0.1:$EVM2_PORT" --inbox "$INBOX2")
if [ "$CHECK" = 1 ]; then
	if ! supervised "${STATUS[@]}" --until-relayed 1 --timeout "$CHECK_TIMEOUT"; then
		for name in node prover relayer sequencer sequencer2; do
			echo "--- $name.log" >&2
			tail -15 "$WORK/$name.log" >&2
		done
		exit 1
	fi
	log "check passed: each rollup had a sequence proven by the miner, finalized and relayed to its inbox"
else
	echo "Stop with Ctrl-C (or SIGTERM)."
	supervised "${STATUS[@]}"
fi
