//! A stranger's rollup with its own circom circuit, mined by the real node: its prover
//! package (the example circuit `prover/tests/circom/statement10.circom`, compiled with
//! circom 2 and set up with snarkjs) and its sequences are published by the rollup
//! (`zkpow-prover publish`), the miner sends the sequence to the one prover host that
//! proves circom packages, the host fetches the package, checks its hash, fills in the
//! statement and proves; the miner commits, reveals, and the chain verifies the proof
//! with the key the rollup registered (imported from snarkjs). A rollup that declares no
//! package is proven the same way by a host whose operator configured a native prover
//! for its key (the command backend).

use pallet_zkpow::{
	BaseChain, Event as ZkpowEvent, ProverPackageKind, ProverPackageSpec, RollupGenesis,
	RollupParams, VerifierKind, VerifierSpec,
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};
use std::{path::Path, time::Duration};
use zkpow_integration_tests::{
	circom::CircomCircuit, mining::*, submit_and_find, Node, ProverHost, Rpc,
};
use zkpow_primitives::{BatchHeader, Bytes32};
use zkpow_runtime::RuntimeEvent;

const GENESIS_ROOT: Bytes32 = [0x11; 32];

/// The circuit's verifying key in the chain's encoding (imported from snarkjs).
fn chain_key(circuit: &CircomCircuit) -> Vec<u8> {
	let vk = std::fs::read_to_string(circuit.verification_key()).unwrap();
	zkpow_primitives::import::vk_from_snarkjs(&vk).expect("the snarkjs key imports")
}

/// Registers a Groth16Bn254 rollup with the circuit's key and a Circom package pinned by
/// `hash` (none if `None`), its data at `url`; funds it. Its id.
async fn register(
	rpc: &Rpc,
	node: &Node,
	circuit: &CircomCircuit,
	url: &str,
	hash: Option<Bytes32>,
) -> u32 {
	let key = chain_key(circuit);
	let register = pallet_zkpow::Call::register_rollup {
		name: b"circom-rollup".to_vec(),
		base_chain: BaseChain { chain_id: 31338, inbox: [0x33; 20] },
		verifier: VerifierSpec { kind: VerifierKind::Groth16Bn254, key },
		sequencer: sp_runtime::MultiAddress::Id(Bob.to_account_id()),
		params: RollupParams {
			commit_window: Some(3),
			reveal_window: Some(4),
			reward_per_sequence: REWARD,
			min_miner_bond: MIN_BOND,
			no_proof_penalty: None,
			invalid_proof_penalty: None,
		},
		genesis: RollupGenesis { state_root: GENESIS_ROOT, last_batch: 0 },
		prover_package: hash.map(|hash| ProverPackageSpec {
			kind: ProverPackageKind::Circom,
			url: format!("{url}/package").into_bytes(),
			hash,
		}),
	};
	let (_, id) = submit_and_find(rpc, node, Alice, zkpow(register), "registration", |e| match e {
		RuntimeEvent::Zkpow(ZkpowEvent::RollupRegistered { rollup_id, .. }) => Some(*rollup_id),
		_ => None,
	})
	.await;
	let set_url = pallet_zkpow::Call::set_data_url { rollup_id: id, url: Some(url.into()) };
	submit_and_find(rpc, node, Alice, zkpow(set_url), "data URL", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::DataUrlSet { .. })).then_some(())
	})
	.await;
	let fund = pallet_zkpow::Call::fund_rollup { rollup_id: id, amount: 20 * REWARD };
	submit_and_find(rpc, node, Alice, zkpow(fund), "funding", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::RollupFunded { .. })).then_some(())
	})
	.await;
	id
}

/// Publishes sequence 0 (one batch, the circuit's private input) in `dir` and has Bob
/// submit it; its index.
async fn post(rpc: &Rpc, node: &Node, dir: &Path, rollup_id: u32) -> u64 {
	let header = BatchHeader { state_root: [0x21; 32], data_hash: [0x31; 32] };
	let hex = |b: &Bytes32| format!("0x{}", hex::encode(b));
	let file = serde_json::json!({
		"prev_root": hex(&GENESIS_ROOT),
		"batches": [{
			"state_root": hex(&header.state_root),
			"data_hash": hex(&header.data_hash),
			"witness": { "secret": "12345", "secret_squared": "152399025" },
		}],
	});
	std::fs::write(dir.join(zkpow_prover::publish::sequence_file_name(0)), file.to_string())
		.unwrap();
	let submit = pallet_zkpow::Call::submit_sequence {
		rollup_id,
		start_batch: 1,
		prev_state_root: GENESIS_ROOT,
		batches: vec![header].try_into().unwrap(),
	};
	let (_, index) = submit_and_find(rpc, node, Bob, zkpow(submit), "sequence", |e| match e {
		RuntimeEvent::Zkpow(ZkpowEvent::SequenceSubmitted {
			rollup_id: r, sequence_index, ..
		}) if *r == rollup_id => Some(*sequence_index),
		_ => None,
	})
	.await;
	index
}

/// The example package in `dir/package/`; its hash.
fn publish_package(dir: &Path, circuit: &CircomCircuit) -> Bytes32 {
	let wasm = std::fs::read(circuit.file("statement10_js/statement10.wasm")).unwrap();
	let zkey = std::fs::read(circuit.file("statement10.zkey")).unwrap();
	std::fs::create_dir_all(dir.join("package")).unwrap();
	std::fs::write(dir.join("package/circuit.wasm"), &wasm).unwrap();
	std::fs::write(dir.join("package/circuit.zkey"), &zkey).unwrap();
	zkpow_prover::circom::package_hash(&wasm, &zkey)
}

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

	let good_dir = tempfile::tempdir().unwrap();
	let hash = publish_package(good_dir.path(), &circuit);
	let good_url = publish(good_dir.path()).await;
	let good = register(&rpc, &node, &circuit, &good_url, Some(hash)).await;

	let bad_dir = tempfile::tempdir().unwrap();
	publish_package(bad_dir.path(), &circuit);
	let bad_url = publish(bad_dir.path()).await;
	let bad = register(&rpc, &node, &circuit, &bad_url, Some([0xaa; 32])).await;

	let index = post(&rpc, &node, good_dir.path(), good).await;
	let trap = post(&rpc, &node, bad_dir.path(), bad).await;

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

	let dir = tempfile::tempdir().unwrap();
	let url = publish(dir.path()).await;
	let rollup = register(&rpc, &node, &circuit, &url, None).await;
	let index = post(&rpc, &node, dir.path(), rollup).await;
	let status = status(&rpc, rollup, index).await;
	let key_hash =
		format!("0x{}", hex::encode(zkpow_primitives::verifying_key_hash(&chain_key(&circuit))));
	assert_eq!(status["key_hash"], key_hash.as_str(), "{status}");

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
