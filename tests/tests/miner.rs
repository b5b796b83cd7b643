//! The miner inside the real node: real prover hosts (`zkpow-prover serve`), a rollup
//! whose sequencer tool publishes its batch witnesses (`publish`), real proofs verified
//! on chain. Each test drives the network only through extrinsics and watches what the
//! miner does by itself.

use jsonrpsee::rpc_params;
use pallet_zkpow::{BaseChain, Event as ZkpowEvent, RollupParams, VerifierKind};
use serde_json::Value;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave};
use std::{path::Path, sync::Mutex, time::Duration};
use zkpow_circuits::config::TEST;
use zkpow_integration_tests::{submit_and_find, wait_for, Node, ProverHost, Rpc};
use zkpow_prover::sequencer::{self, SequencerOptions};
use zkpow_runtime::{RuntimeCall, RuntimeEvent, UNIT};

const REWARD: u128 = 100 * UNIT;
const MIN_BOND: u128 = 1_000 * UNIT;
/// The default no-proof penalty: 1/50 of the minimum bond.
const NO_PROOF_PENALTY: u128 = MIN_BOND / 50;

/// The tests prove for real on a small machine: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn zkpow(call: pallet_zkpow::Call<zkpow_runtime::Runtime>) -> RuntimeCall {
	RuntimeCall::Zkpow(call)
}

/// The reference rollup: its sequencer's output directory, served as its data endpoint.
struct Rollup {
	id: u32,
	dir: tempfile::TempDir,
}

impl Rollup {
	/// Generates the genesis, serves it, registers the rollup (Alice owner, Bob sequencer)
	/// with the data URL and funds it.
	async fn register(rpc: &Rpc, node: &Node, t1: u32, t2: u32) -> Rollup {
		let dir = tempfile::Builder::new().prefix("zkpow-rollup-").tempdir().unwrap();
		sequencer::run(&options(dir.path(), 0, 1), &|_| {}).unwrap();
		let genesis: Value =
			serde_json::from_str(&std::fs::read_to_string(dir.path().join("genesis.json")).unwrap()).unwrap();
		let root: [u8; 32] =
			hex::decode(&genesis["root"].as_str().unwrap()[2..]).unwrap().try_into().unwrap();

		let (tx, rx) = tokio::sync::oneshot::channel();
		let served = dir.path().to_path_buf();
		tokio::spawn(async move {
			let bound = move |addr| {
				let _ = tx.send(addr);
			};
			zkpow_prover::publish::serve("127.0.0.1:0".parse().unwrap(), served, bound, std::future::pending())
				.await
				.unwrap();
		});
		let data_url = format!("http://{}", rx.await.unwrap());

		let register = pallet_zkpow::Call::register_rollup {
			name: b"reference-rollup".to_vec(),
			base_chain: BaseChain { chain_id: 31337, inbox: [0x22; 20] },
			verifier: VerifierKind::ReferenceArtifactV1,
			verifying_key: zkpow_contracts::fixtures::vk_set(),
			sequencer: sp_runtime::MultiAddress::Id(Bob.to_account_id()),
			params: RollupParams {
				commit_window: Some(t1),
				reveal_window: Some(t2),
				reward_per_sequence: REWARD,
				min_miner_bond: MIN_BOND,
				no_proof_penalty: None,
				invalid_proof_penalty: None,
			},
			genesis_state_root: root,
			last_batch: 0,
		};
		let (_, id) = submit_and_find(rpc, node, Alice, zkpow(register), "registration", |e| match e {
			RuntimeEvent::Zkpow(ZkpowEvent::RollupRegistered { rollup_id, .. }) => Some(*rollup_id),
			_ => None,
		})
		.await;
		let set_url = pallet_zkpow::Call::set_data_url { rollup_id: id, url: Some(data_url.into_bytes()) };
		submit_and_find(rpc, node, Alice, zkpow(set_url), "data URL", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::DataUrlSet { .. })).then_some(())
		})
		.await;
		let fund = pallet_zkpow::Call::fund_rollup { rollup_id: id, amount: 20 * REWARD };
		submit_and_find(rpc, node, Alice, zkpow(fund), "funding", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::RollupFunded { .. })).then_some(())
		})
		.await;
		Rollup { id, dir }
	}

	/// The sequencer makes one sequence of `batches` batches and Bob posts it; returns its
	/// index.
	async fn post(&self, rpc: &Rpc, node: &Node, batches: usize) -> u64 {
		sequencer::run(&options(self.dir.path(), 1, batches), &|_| {}).unwrap();
		let state: Value =
			serde_json::from_str(&std::fs::read_to_string(self.dir.path().join("state.json")).unwrap()).unwrap();
		let index = state["next_sequence"].as_u64().unwrap() - 1;
		let file = sequencer::read_sequence(
			&self.dir.path().join(zkpow_prover::publish::sequence_file_name(index)),
		)
		.unwrap();
		let submit = pallet_zkpow::Call::submit_sequence {
			rollup_id: self.id,
			batches: file.headers().try_into().unwrap(),
		};
		// The chain numbers sequences as the sequencer does.
		submit_and_find(rpc, node, Bob, zkpow(submit), "sequence", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::SequenceSubmitted { rollup_id, sequence_index, .. })
				if *rollup_id == self.id && *sequence_index == index)
			.then_some(())
		})
		.await;
		index
	}
}

fn options(out: &Path, sequences: usize, batches: usize) -> SequencerOptions {
	SequencerOptions {
		out: out.to_path_buf(),
		config: TEST,
		sequences,
		batches,
		transfers: 2,
		accounts: 12,
		funded: 6,
		balance: 1_000_000,
		seed: 3,
	}
}

async fn bond(rpc: &Rpc, node: &Node, miner: Sr25519Keyring, amount: u128) {
	submit_and_find(rpc, node, miner, zkpow(pallet_zkpow::Call::bond { amount }), "bond", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::Bonded { miner: m, .. }) if *m == miner.to_account_id())
			.then_some(())
	})
	.await;
}

/// Puts the miner key into a running node's keystore, as an operator would.
async fn insert_miner_key(rpc: &Rpc, miner: Sr25519Keyring) {
	let public = format!("0x{}", hex::encode(miner.public()));
	let suri = format!("//{miner}");
	rpc.call("author_insertKey", rpc_params!["zkpw", suri, public]).await.unwrap();
}

async fn status(rpc: &Rpc, rollup: u32, index: u64) -> Value {
	rpc.call("zkpow_sequenceStatus", rpc_params![rollup, index]).await.unwrap()
}

/// Waits until the sequence is finalized; returns its status.
async fn finalized(rpc: &Rpc, node: &Node, rollup: u32, index: u64, timeout: Duration) -> Value {
	wait_for(&format!("sequence {index} to be finalized"), timeout, || async {
		let status = status(rpc, rollup, index).await;
		Ok(status["phase"].get("Finalized").is_some().then_some(status))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(60)))
}

async fn miner_totals(rpc: &Rpc, miner: Sr25519Keyring) -> (u128, u128) {
	let info = rpc.call("zkpow_minerInfo", rpc_params![miner.to_account_id().to_string()]).await.unwrap();
	let amount = |v: &Value| v.as_u64().map(u128::from).or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap();
	(amount(&info["total_rewards"]), amount(&info["total_slashed"]))
}

/// Lines of the node's log about one sequence that contain `what`.
fn lines(node: &Node, rollup: u32, index: u64, what: &str) -> usize {
	let prefix = format!("rollup {rollup} sequence {index}: ");
	node.log().lines().filter(|l| l.contains(&prefix) && l.contains(what)).count()
}

/// The value of a node metric (`<name>{...} <value>`).
fn metric(text: &str, name: &str) -> Option<f64> {
	text.lines()
		.find(|l| l.strip_prefix(name).is_some_and(|rest| rest.starts_with([' ', '{'])))
		.and_then(|l| l.rsplit(' ').next())
		.and_then(|v| v.parse().ok())
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
	SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[tokio::test(flavor = "multi_thread")]
async fn one_miner_proves_sequences_of_one_two_and_four_batches() {
	let _serial = lock();
	let (host_a, host_b) = (ProverHost::spawn().await, ProverHost::spawn().await);
	let hosts = format!("{},{}", host_a.url(), host_b.url());
	let mut node = Node::spawn(&["--dev", "--miner", "--prover-url", &hosts]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let rollup = Rollup::register(&rpc, &node, 3, 4).await;
	bond(&rpc, &node, Charlie, 2 * MIN_BOND).await;
	insert_miner_key(&rpc, Charlie).await;

	let mut indices = Vec::new();
	for batches in [1, 2, 4] {
		indices.push(rollup.post(&rpc, &node, batches).await);
	}
	for index in &indices {
		let status = finalized(&rpc, &node, rollup.id, *index, Duration::from_secs(300)).await;
		assert_eq!(status["prover"], Charlie.to_account_id().to_string(), "{status}");
	}
	assert_eq!(miner_totals(&rpc, Charlie).await, (3 * REWARD, 0), "the escrowed rewards, nothing slashed");

	let log = node.log();
	for (index, batches) in indices.iter().zip([1, 2, 4]) {
		assert_eq!(lines(&node, rollup.id, *index, "commit sent"), 1, "one commit each\n{log}");
		assert_eq!(lines(&node, rollup.id, *index, "reveal sent"), 1, "one reveal each\n{log}");
		let proven = batches + usize::from(batches > 1);
		assert_eq!(lines(&node, rollup.id, *index, " proven"), proven, "batch and aggregator proofs\n{log}");
		assert_eq!(lines(&node, rollup.id, *index, "aggregator proof proven"), usize::from(batches > 1), "{log}");
		assert_eq!(lines(&node, rollup.id, *index, "final proof ready"), 1, "{log}");
	}
	for host in [&host_a, &host_b] {
		assert!(log.contains(&format!("dispatched to {}", host.url())), "both hosts get tasks\n{log}");
	}
	let metrics = zkpow_integration_tests::http_get(node.prometheus_port, "/metrics");
	assert_eq!(metric(&metrics, "zkpow_miner_reveals_total"), Some(3.0), "{metrics}");
	assert_eq!(metric(&metrics, "zkpow_miner_rewards"), Some((3 * REWARD) as f64), "{metrics}");
}

/// A full node next to `validator` that mines with `args`.
async fn miner_node(validator: &Node, rpc: &Rpc, args: &[&str]) -> (Node, Rpc) {
	let bootnode = validator.multiaddr(rpc).await;
	let mut all = vec!["--chain", "dev", "--bootnodes", &bootnode, "--miner"];
	all.extend_from_slice(args);
	let mut node = Node::spawn(&all);
	let miner_rpc = node.rpc(Duration::from_secs(120)).await;
	(node, miner_rpc)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_miners_commit_in_the_same_window_and_share_the_reward_by_bond() {
	let _serial = lock();
	let host = ProverHost::spawn().await;
	// Charlie mines on the validator, Dave on a full node of his own.
	let mut validator = Node::spawn(&["--dev", "--miner", "--prover-url", &host.url()]);
	let rpc = validator.rpc(Duration::from_secs(120)).await;
	let (dave_node, dave_rpc) = miner_node(&validator, &rpc, &["--prover-url", &host.url()]).await;
	// T1 leaves the second miner time to finish its proof after the first commit.
	let rollup = Rollup::register(&rpc, &validator, 12, 4).await;
	bond(&rpc, &validator, Charlie, 2 * MIN_BOND).await;
	bond(&rpc, &validator, Dave, 3 * MIN_BOND).await;
	insert_miner_key(&rpc, Charlie).await;
	insert_miner_key(&dave_rpc, Dave).await;

	let index = rollup.post(&rpc, &validator, 1).await;
	finalized(&rpc, &validator, rollup.id, index, Duration::from_secs(300)).await;

	// Both revealed valid proofs: the reward is split 2 : 3.
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD * 2 / 5, 0));
	assert_eq!(miner_totals(&rpc, Dave).await, (REWARD * 3 / 5, 0));
	for node in [&validator, &dave_node] {
		assert_eq!(lines(node, rollup.id, index, "commit sent"), 1, "{}", node.log());
		assert_eq!(lines(node, rollup.id, index, "reveal sent"), 1, "{}", node.log());
	}
}

#[tokio::test(flavor = "multi_thread")]
async fn a_miner_restarted_after_committing_reveals_without_sending_anything_twice() {
	let _serial = lock();
	let host = ProverHost::spawn().await;
	let mut node = Node::spawn(&["--dev", "--miner", "--prover-url", &host.url()]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let rollup = Rollup::register(&rpc, &node, 4, 6).await;
	bond(&rpc, &node, Charlie, 2 * MIN_BOND).await;
	insert_miner_key(&rpc, Charlie).await;
	let index = rollup.post(&rpc, &node, 2).await;

	// Killed as soon as its commit is on chain (the chain stops with it: it is the only
	// validator, so the reveal window waits for it).
	wait_for("Charlie's commit", Duration::from_secs(300), || async {
		let status = status(&rpc, rollup.id, index).await;
		Ok(status["committers"].as_array().is_some_and(|c| !c.is_empty()).then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(60)));
	node.restart();
	let rpc = node.rpc(Duration::from_secs(120)).await;

	let status = finalized(&rpc, &node, rollup.id, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string());
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0));
	let log = node.log();
	assert_eq!(lines(&node, rollup.id, index, "resumed (commit sent"), 1, "{log}");
	assert_eq!(lines(&node, rollup.id, index, "commit sent"), 2, "one commit, then the resumed line\n{log}");
	assert_eq!(lines(&node, rollup.id, index, "reveal sent"), 1, "{log}");
	assert_eq!(lines(&node, rollup.id, index, "final proof ready"), 1, "nothing proven twice\n{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_miner_waits_for_its_prover_host_and_is_slashed_for_a_missed_reveal_then_proves_again() {
	let _serial = lock();
	// The prover host is down when the sequence arrives.
	let mut host = ProverHost::new();
	let mut validator = Node::spawn(&["--dev"]);
	let rpc = validator.rpc(Duration::from_secs(120)).await;
	let (mut miner, miner_rpc) = miner_node(&validator, &rpc, &["--prover-url", &host.url()]).await;
	let rollup = Rollup::register(&rpc, &validator, 8, 4).await;
	bond(&rpc, &validator, Charlie, 2 * MIN_BOND).await;
	insert_miner_key(&miner_rpc, Charlie).await;
	let index = rollup.post(&rpc, &validator, 1).await;

	wait_for("the miner to notice the host is down", Duration::from_secs(60), || async {
		Ok(miner.log().contains("unreachable").then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", miner.log_tail(40)));
	host.start().await;

	// It proves and commits once the host is back; then its node goes down for the whole
	// reveal window.
	wait_for("Charlie's commit", Duration::from_secs(300), || async {
		let status = status(&rpc, rollup.id, index).await;
		Ok(status["committers"].as_array().is_some_and(|c| !c.is_empty()).then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", miner.log_tail(60)));
	miner.kill();
	assert!(miner.log().contains(&format!("prover host {} is back", host.url())), "{}", miner.log());

	wait_for("the window to fail and the sequence to reopen", Duration::from_secs(120), || async {
		Ok((status(&rpc, rollup.id, index).await["attempt"] == 1).then_some(()))
	})
	.await
	.unwrap_or_else(|e| panic!("{e}\n{}", validator.log_tail(40)));
	assert_eq!(miner_totals(&rpc, Charlie).await, (0, NO_PROOF_PENALTY), "slashed exactly the no-proof penalty");

	// Back up, the miner commits its proof in the new window and reveals it.
	miner.restart();
	let _miner_rpc = miner.rpc(Duration::from_secs(120)).await;
	let status = finalized(&rpc, &validator, rollup.id, index, Duration::from_secs(300)).await;
	assert_eq!(status["prover"], Charlie.to_account_id().to_string());
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, NO_PROOF_PENALTY));
	let log = miner.log();
	assert_eq!(lines(&miner, rollup.id, index, "re-queued for attempt 1"), 1, "{log}");
	assert_eq!(lines(&miner, rollup.id, index, "final proof ready"), 1, "the proof is reused\n{log}");
	assert!(log.contains("slashed"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn start_batch_skips_earlier_sequences() {
	let _serial = lock();
	let host = ProverHost::spawn().await;
	// Batches 1 and 2 form sequence 0; sequence 1 starts at batch 3.
	let mut node =
		Node::spawn(&["--dev", "--miner", "--prover-url", &host.url(), "--miner-start-batch", "3"]);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let rollup = Rollup::register(&rpc, &node, 3, 4).await;
	bond(&rpc, &node, Charlie, 2 * MIN_BOND).await;
	insert_miner_key(&rpc, Charlie).await;
	let skipped = rollup.post(&rpc, &node, 2).await;
	let proven = rollup.post(&rpc, &node, 1).await;

	finalized(&rpc, &node, rollup.id, proven, Duration::from_secs(300)).await;
	let status = status(&rpc, rollup.id, skipped).await;
	assert_eq!(status["phase"], "Pending", "{status}");
	assert_eq!(status["start_batch"], 1);
	assert_eq!(lines(&node, rollup.id, skipped, ""), 0, "{}", node.log());
	assert_eq!(miner_totals(&rpc, Charlie).await, (REWARD, 0));
}
