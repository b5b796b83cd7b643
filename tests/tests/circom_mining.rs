//! A stranger's rollup with its own circom circuit, mined by the real node: its prover
//! package (the example circuit `prover/tests/circom/statement10.circom`, compiled with
//! circom 2 and set up with snarkjs) and its sequences are published by the rollup
//! (`zkpow-prover publish`), the miner sends the sequence to the one prover host that
//! proves circom packages, the host fetches the package, checks its hash, fills in the
//! statement and proves; the miner commits, reveals, and the chain verifies the proof
//! with the key the rollup registered (imported from snarkjs). A rollup that declares no
//! package is proven the same way by a host whose operator configured a native prover
//! for its key (the command backend).

use sp_keyring::Sr25519Keyring::Charlie;
use std::{path::Path, time::Duration};
use zkpow_integration_tests::{
	circom::CircomCircuit,
	circom_rollup::{chain_key, CircomRollup, Package},
	mining::*,
	ProverHost,
};

/// Also the attack: next to it, a honeypot rollup whose registered package hash is not
/// its package's. The host refuses to prove with it, the miner never commits to its
/// sequence, and nothing is slashed. And a host that does not prove circom packages is
/// never sent either rollup's task.
#[tokio::test(flavor = "multi_thread")]
async fn a_circom_rollup_is_mined_through_the_circom_backend_and_a_mispinned_one_is_left_alone() {
	let circuit = CircomCircuit::setup();
	let plain = ProverHost::spawn().await;
	let circom = ProverHost::spawn_with_circom().await;
	let hosts = format!("{},{}", plain.url(), circom.url());
	let (node, rpc, _reference) = solo_miner(&hosts, &[], 3, 4).await;

	let mut good = CircomRollup::register(&rpc, &node, &circuit, Package::Pinned, (3, 4)).await;
	let mut bad =
		CircomRollup::register(&rpc, &node, &circuit, Package::Mispinned([0xaa; 32]), (3, 4)).await;
	let (index, _) = good.post(&rpc, &node).await;
	let (trap, _) = bad.post(&rpc, &node).await;
	let (good, bad) = (good.id, bad.id);

	let status = finalized(&rpc, &node, good, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0), "rewarded, nothing slashed");
	let log = node.log();
	assert_eq!(lines(&node, good, index, "reveal sent"), 1, "{log}");
	let dispatched = sequence_log(&node, good, index, "dispatched to");
	assert!(
		!dispatched.is_empty() && dispatched.iter().all(|l| l.contains(&circom.url())),
		"only the circom host gets the task: {dispatched:?}"
	);

	zkpow_integration_tests::wait_for(
		"the honeypot to be given up",
		Duration::from_secs(120),
		|| async {
			Ok((lines(&node, bad, trap, "giving up") > 0
				|| lines(&node, bad, trap, "given up") > 0)
				.then_some(()))
		},
	)
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", sequence_log(&node, bad, trap, "").join("\n")));
	let about_trap = sequence_log(&node, bad, trap, "");
	assert!(
		about_trap.iter().any(|l| l.contains("hashes to")),
		"the host named the mismatch: {about_trap:?}"
	);
	assert_eq!(lines(&node, bad, trap, "commit sent"), 0, "{about_trap:?}");
	assert!(
		sequence_log(&node, bad, trap, "dispatched to")
			.iter()
			.all(|l| l.contains(&circom.url())),
		"{about_trap:?}"
	);
	assert_eq!(miner_totals(&rpc, Charlie).await.1, 0, "nothing slashed");
}

/// The host's command configuration: `prove-command.sh` (the repository's own native
/// circom prover behind the command contract) for the circuit's key, every proof checked
/// against the key before it is answered.
fn command_config(circuit: &CircomCircuit, dir: &Path) -> String {
	let key = chain_key(circuit);
	let key_file = dir.join("vk.hex");
	std::fs::write(&key_file, format!("0x{}", hex::encode(&key))).unwrap();
	let script = Path::new(env!("CARGO_MANIFEST_DIR"))
		.join("../prover/tests/circom_backend/prove-command.sh");
	let args = [
		script.display().to_string(),
		zkpow_integration_tests::prover_binary().display().to_string(),
		circuit.file("statement10_js/statement10.wasm").display().to_string(),
		circuit.file("statement10.zkey").display().to_string(),
		"hex".into(),
	];
	format!(
		"[[command]]\nname = \"statement10\"\nkey_hash = \"0x{}\"\nprogram = \"/bin/sh\"\n\
		 args = {args:?}\ntimeout_secs = 300\nverifying_key = {:?}\n",
		hex::encode(zkpow_primitives::verifying_key_hash(&key)),
		key_file.display().to_string(),
	)
}

/// A rollup that declares no prover package is mined through a host whose operator
/// configured a native prover for the rollup's verifying key (matched by the key hash
/// `zkpow_sequenceStatus` reports): the miner sends its one task there and to no other
/// host, the proof verifies on chain, the miner is rewarded. A host that proves circom
/// packages cannot take it (there is no package), nor can one without the key's command.
#[tokio::test(flavor = "multi_thread")]
async fn a_rollup_without_a_package_is_mined_through_a_hosts_native_command() {
	let circuit = CircomCircuit::setup();
	let config_dir = tempfile::tempdir().unwrap();
	let plain = ProverHost::spawn().await;
	let circom = ProverHost::spawn_with_circom().await;
	let native =
		ProverHost::spawn_with_commands(&command_config(&circuit, config_dir.path())).await;
	let hosts = format!("{},{},{}", plain.url(), circom.url(), native.url());
	let (node, rpc, _reference) = solo_miner(&hosts, &[], 3, 4).await;

	let mut rollup = CircomRollup::register(&rpc, &node, &circuit, Package::Absent, (3, 4)).await;
	let (index, _) = rollup.post(&rpc, &node).await;
	let rollup = rollup.id;
	let status = status(&rpc, rollup, index).await;
	let key_hash = zkpow_primitives::verifying_key_hash(&chain_key(&circuit));
	assert_eq!(status["key_hash"], serde_json::json!(key_hash), "{status}");

	let status = finalized(&rpc, &node, rollup, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	assert_eq!(status["key_hash"], serde_json::Value::Null, "none once finalized: {status}");
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0), "rewarded, nothing slashed");
	let dispatched = sequence_log(&node, rollup, index, "dispatched to");
	assert!(
		!dispatched.is_empty() && dispatched.iter().all(|l| l.contains(&native.url())),
		"only the host with the key's command gets the task: {dispatched:?}\n{}",
		native.log()
	);
	assert_eq!(lines(&node, rollup, index, "reveal sent"), 1, "{}", node.log());
}
