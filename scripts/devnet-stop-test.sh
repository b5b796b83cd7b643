#!/usr/bin/env bash
# Checks that `devnet.sh` stops everything it started when a supervisor sends it SIGTERM
# while its status printer runs (not only on Ctrl-C, which signals the whole process
# group): starts the devnet on its own ports, waits for the status line, sends SIGTERM to
# the script alone, and fails if the script has not exited within 60 s or if anything it
# started still listens on its ports or runs on its work directory.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ZKPOW_ROOT"

work="$(mktemp -d /tmp/zkpow-devnet-stop.XXXXXX)"
ports=(RPC_PORT=29944 P2P_PORT=32333 NODE_METRICS_PORT=29615 EVM_PORT=28545 PROVER_PORT=28547
	DATA_PORT=28548 RELAYER_METRICS_PORT=29616 EVM2_PORT=28549 DATA2_PORT=28550)
env "${ports[@]}" DEVNET_DIR="$work" scripts/devnet.sh >"$work/devnet.out" 2>&1 &
devnet=$!

for ((i = 0; i < 1200; i++)); do
	grep -q "Stop with Ctrl-C" "$work/devnet.out" 2>/dev/null && break
	kill -0 "$devnet" 2>/dev/null || { cat "$work/devnet.out" >&2; echo "devnet.sh exited early" >&2; exit 1; }
	sleep 0.5
done
grep -q "Stop with Ctrl-C" "$work/devnet.out" || { echo "devnet.sh never came up" >&2; exit 1; }
sleep 3 # the status printer is running now

log "SIGTERM to devnet.sh (pid $devnet) alone"
kill -TERM "$devnet"
for ((i = 0; i < 120; i++)); do
	kill -0 "$devnet" 2>/dev/null || break
	sleep 0.5
done
if kill -0 "$devnet" 2>/dev/null; then
	echo "devnet.sh still runs 60 s after SIGTERM" >&2
	pkill -KILL -P "$devnet" || true
	kill -KILL "$devnet" || true
	exit 1
fi
status=0
wait "$devnet" || status=$?
[ "$status" = 143 ] || { echo "devnet.sh exited with $status after SIGTERM (expected 143)" >&2; exit 1; }

left=()
for spec in "${ports[@]}"; do
	port="${spec#*=}"
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then left+=("port $port"); fi
done
if pgrep -f "$work" >/dev/null; then left+=("$(pgrep -af "$work")"); fi
if [ "${#left[@]}" -gt 0 ]; then
	printf 'still running after devnet.sh stopped: %s\n' "${left[@]}" >&2
	exit 1
fi
rm -rf "$work"
log "devnet.sh stopped everything it started on SIGTERM"
