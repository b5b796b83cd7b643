#!/usr/bin/env bash
# Brings up the whole ZKPoW system on loopback and supervises it:
#
#   zkpow-node --dev   the appchain (2 s blocks), mining with Charlie's `zkpw` key
#   zkpow-prover       a prover host, and the rollup's data endpoint (`publish`)
#   anvil              the EVM base chain, with the rollup's inbox contract
#   zkpow-relayer      carries finalized sequences to the inbox
#   sequencer.js       the reference rollup's sequencer, posting a sequence every 20 s
#   status.js          a live status line per block
#
#   scripts/devnet.sh           # runs until Ctrl-C or SIGTERM, which stop everything it started
#   scripts/devnet.sh --check   # runs until one sequence is relayed to anvil, exits 0
#
# Ports (override with the variables): RPC_PORT 9944, P2P_PORT 30333, NODE_METRICS_PORT
# 9615, EVM_PORT 8545, PROVER_PORT 8547, DATA_PORT 8548, RELAYER_METRICS_PORT 9616. Logs and state go to a fresh directory
# printed at start (DEVNET_DIR to choose it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

CHECK=0
for arg in "$@"; do
	case "$arg" in
		--check) CHECK=1 ;;
		-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "devnet.sh: unknown argument \`$arg\` (try --help)" >&2; exit 2 ;;
	esac
done

ensure_all
cd "$ZKPOW_ROOT"

RPC_PORT="${RPC_PORT:-9944}"
P2P_PORT="${P2P_PORT:-30333}"
NODE_METRICS_PORT="${NODE_METRICS_PORT:-9615}"
EVM_PORT="${EVM_PORT:-8545}"
PROVER_PORT="${PROVER_PORT:-8547}"
DATA_PORT="${DATA_PORT:-8548}"
RELAYER_METRICS_PORT="${RELAYER_METRICS_PORT:-9616}"
CHECK_TIMEOUT="${CHECK_TIMEOUT:-900}"
WORK="${DEVNET_DIR:-$(mktemp -d /tmp/zkpow-devnet.XXXXXX)}"
mkdir -p "$WORK"

for port in "$RPC_PORT" "$P2P_PORT" "$NODE_METRICS_PORT" "$EVM_PORT" "$PROVER_PORT" "$DATA_PORT" "$RELAYER_METRICS_PORT"; do
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

PIDS=()
cleanup() {
	trap - EXIT INT TERM
	if [ "${#PIDS[@]}" -gt 0 ]; then
		log "stopping ${#PIDS[@]} processes"
		kill "${PIDS[@]}" 2>/dev/null || true
		wait "${PIDS[@]}" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts `name` in the background with its output in $WORK/name.log.
start() {
	local name="$1"
	shift
	"$@" >"$WORK/$name.log" 2>&1 &
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

# Dev accounts: Alice owns the rollup, Bob sequences it, Charlie mines.
CHARLIE=5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y
# anvil's first dev account deploys the inbox and relays.
EVM_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
UNIT=1000000000000

log "work directory: $WORK"
# The prover host takes tasks only with this token; the miner in the node sends it (both
# read ZKPOW_PROVER_TOKEN).
export ZKPOW_PROVER_TOKEN="${ZKPOW_PROVER_TOKEN:-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}"
start anvil "$ANVIL" --port "$EVM_PORT" --chain-id 31337
start prover "$BIN/zkpow-prover" serve --config test --listen "127.0.0.1:$PROVER_PORT"
"$BIN/zkpow-node" key insert --base-path "$WORK/node" --chain dev \
	--key-type zkpw --scheme sr25519 --suri //Charlie
start node "$BIN/zkpow-node" --dev --base-path "$WORK/node" --rpc-port "$RPC_PORT" --rpc-cors all \
	--port "$P2P_PORT" --prometheus-port "$NODE_METRICS_PORT" \
	--miner --prover-url "http://127.0.0.1:$PROVER_PORT"
wait_port anvil "$EVM_PORT"
wait_port node "$RPC_PORT"
wait_port prover "$PROVER_PORT" 600

log "the reference rollup: keys, genesis, data endpoint"
"$BIN/zkpow-prover" export-keys --config test --out "$WORK/keys" >/dev/null
"$BIN/zkpow-prover" sequencer --config test --out "$WORK/rollup" --sequences 0 >/dev/null 2>&1
GENESIS_ROOT="$(sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p' "$WORK/rollup/genesis.json")"
start publish "$BIN/zkpow-prover" publish --dir "$WORK/rollup" --listen "127.0.0.1:$DATA_PORT"
wait_port publish "$DATA_PORT"

RELAYER=("$BIN/zkpow-relayer" --appchain-url "ws://127.0.0.1:$RPC_PORT" --db "$WORK/relayer.db"
	--chain "31337=http://127.0.0.1:$EVM_PORT" --key-env ZKPOW_DEVNET_EVM_KEY)
export ZKPOW_DEVNET_EVM_KEY="$EVM_KEY"
INBOX="$("${RELAYER[@]}" predict-address --chain-id 31337)"

log "registering the rollup (inbox $INBOX) and bonding the miner"
node "$EXAMPLES/register.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Alice --name reference-rollup \
	--vk "$WORK/keys/vk_set.hex" --sequencer 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty \
	--chain-id 31337 --inbox "$INBOX" --t1 3 --t2 3 --reward $((100 * UNIT)) --min-bond $((1000 * UNIT)) \
	--genesis-root "$GENESIS_ROOT" --data-url "http://127.0.0.1:$DATA_PORT" >"$WORK/rollup.json"
ROLLUP_ID="$(sed -n 's/.*"rollupId": \([0-9]*\).*/\1/p' "$WORK/rollup.json")"
node "$EXAMPLES/fund.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Alice --rollup "$ROLLUP_ID" \
	--amount $((10000 * UNIT)) >/dev/null
node "$EXAMPLES/bond.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Charlie --amount $((2000 * UNIT)) >/dev/null

log "deploying the inbox and starting the relayer and the sequencer"
"${RELAYER[@]}" deploy --rollup-id "$ROLLUP_ID" >"$WORK/deploy.log" 2>&1
start relayer "${RELAYER[@]}" --metrics-addr "127.0.0.1:$RELAYER_METRICS_PORT" run
start sequencer node "$EXAMPLES/sequencer.js" --url "ws://127.0.0.1:$RPC_PORT" --suri //Bob \
	--rollup "$ROLLUP_ID" --dir "$WORK/rollup" --prover-bin "$BIN/zkpow-prover" --batches 2 --interval 20

cat <<INFO
ZKPoW local network (logs in $WORK)
  appchain RPC:   ws://127.0.0.1:$RPC_PORT
  polkadot.js:    https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT
  node metrics:   http://127.0.0.1:$NODE_METRICS_PORT/metrics
  prover host:    http://127.0.0.1:$PROVER_PORT/metrics
  rollup data:    http://127.0.0.1:$DATA_PORT/sequences/0
  anvil:          http://127.0.0.1:$EVM_PORT (chain 31337), inbox $INBOX
  relayer:        http://127.0.0.1:$RELAYER_METRICS_PORT/metrics
  rollup $ROLLUP_ID: owner Alice, sequencer Bob, miner Charlie
INFO

STATUS=(node "$EXAMPLES/status.js" --url "ws://127.0.0.1:$RPC_PORT" --rollup "$ROLLUP_ID" --miner "$CHARLIE"
	--evm-url "http://127.0.0.1:$EVM_PORT" --inbox "$INBOX")
if [ "$CHECK" = 1 ]; then
	if ! supervised "${STATUS[@]}" --until-relayed 1 --timeout "$CHECK_TIMEOUT"; then
		for name in node prover relayer sequencer; do
			echo "--- $name.log" >&2
			tail -15 "$WORK/$name.log" >&2
		done
		exit 1
	fi
	log "check passed: a sequence was proven by the miner, finalized and relayed to the inbox"
else
	echo "Stop with Ctrl-C (or SIGTERM)."
	supervised "${STATUS[@]}"
fi
