//! A reference rollup on a running network, for the miner tests and benchmarks: its
//! sequencer's output served as its data endpoint, registration, sequences posted by the
//! sequencer account, and what the chain and the miner report about them.

use crate::{submit_and_find, wait_for, Node, Rpc};
use jsonrpsee::rpc_params;
use pallet_zkpow::{
	BaseChain, Event as ZkpowEvent, RollupGenesis, RollupParams, VerifierKind, VerifierSpec,
};
use serde_json::Value;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie};
use std::{path::Path, time::Duration};
use zkpow_circuits::config::TEST;
use zkpow_prover::sequencer::{self, SequencerOptions};
use zkpow_runtime::{RuntimeCall, RuntimeEvent, UNIT};

/// Reward per sequence of the test rollup.
pub const REWARD: u128 = 100 * UNIT;
/// Minimum miner bond of the test rollup.
pub const MIN_BOND: u128 = 1_000 * UNIT;
/// The default no-proof penalty: 1/50 of the minimum bond.
pub const NO_PROOF_PENALTY: u128 = MIN_BOND / 50;

/// A call of the zkpow pallet as a runtime call.
pub fn zkpow(call: pallet_zkpow::Call<zkpow_runtime::Runtime>) -> RuntimeCall {
	RuntimeCall::Zkpow(call)
}

/// The reference rollup: its sequencer's output directory, served as its data endpoint.
pub struct Rollup {
	/// Its id.
	pub id: u32,
	dir: tempfile::TempDir,
}

impl Rollup {
	/// Generates the genesis, serves it, registers the rollup (Alice owner, Bob sequencer)
	/// with the data URL and funds it.
	pub async fn register(rpc: &Rpc, node: &Node, t1: u32, t2: u32) -> Rollup {
		let dir = tempfile::Builder::new().prefix("zkpow-rollup-").tempdir().unwrap();
		sequencer::run(&options(dir.path(), 0, 1), &|_| {}).unwrap();
		let genesis: Value = serde_json::from_str(
			&std::fs::read_to_string(dir.path().join("genesis.json")).unwrap(),
		)
		.unwrap();
		let root: [u8; 32] = hex::decode(&genesis["root"].as_str().unwrap()[2..])
			.unwrap()
			.try_into()
			.unwrap();

		let data_url = publish(dir.path()).await;

		let register = pallet_zkpow::Call::register_rollup {
			name: b"reference-rollup".to_vec(),
			base_chain: BaseChain { chain_id: 31337, inbox: [0x22; 20] },
			verifier: VerifierSpec {
				kind: VerifierKind::ReferenceArtifactV1,
				key: zkpow_contracts::fixtures::vk_set(),
			},
			sequencer: sp_runtime::MultiAddress::Id(Bob.to_account_id()),
			params: RollupParams {
				commit_window: Some(t1),
				reveal_window: Some(t2),
				reward_per_sequence: REWARD,
				min_miner_bond: MIN_BOND,
				no_proof_penalty: None,
				invalid_proof_penalty: None,
			},
			genesis: RollupGenesis { state_root: root, last_batch: 0 },
			prover_package: None,
		};
		let id = register_and_fund(rpc, node, register, &data_url).await;
		Rollup { id, dir }
	}

	/// Alice points the rollup's data URL at `url`.
	pub async fn set_data_url(&self, rpc: &Rpc, node: &Node, url: &str) {
		set_data_url(rpc, node, self.id, url).await
	}

	/// The sequencer makes one sequence of `batches` batches and Bob posts it; returns its
	/// index.
	pub async fn post(&self, rpc: &Rpc, node: &Node, batches: usize) -> u64 {
		self.post_at(rpc, node, batches).await.0
	}

	/// Like [`Rollup::post`]; also returns the block the sequence was submitted in.
	pub async fn post_at(&self, rpc: &Rpc, node: &Node, batches: usize) -> (u64, u32) {
		sequencer::run(&options(self.dir.path(), 1, batches), &|_| {}).unwrap();
		let state: Value = serde_json::from_str(
			&std::fs::read_to_string(self.dir.path().join("state.json")).unwrap(),
		)
		.unwrap();
		let index = state["next_sequence"].as_u64().unwrap() - 1;
		let read = |i| {
			sequencer::read_sequence(
				&self.dir.path().join(zkpow_prover::publish::sequence_file_name(i)),
			)
			.unwrap()
		};
		let file = read(index);
		// The rollup starts at batch 1; each sequence continues after the previous ones.
		let start_batch = 1 + (0..index).map(|i| read(i).batches.len() as u64).sum::<u64>();
		let submit = pallet_zkpow::Call::submit_sequence {
			rollup_id: self.id,
			start_batch,
			prev_state_root: file.prev_root,
			batches: file.headers().try_into().unwrap(),
		};
		// The chain numbers sequences as the sequencer does.
		let (block, ()) = submit_and_find(rpc, node, Bob, zkpow(submit), "sequence", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::SequenceSubmitted { rollup_id, sequence_index, .. })
				if *rollup_id == self.id && *sequence_index == index)
			.then_some(())
		})
		.await;
		(index, block)
	}
}

/// Alice submits `register` (a `register_rollup` call), points the new rollup's data URL
/// at `data_url` and funds it for 20 rewards; its id.
pub async fn register_and_fund(
	rpc: &Rpc,
	node: &Node,
	register: pallet_zkpow::Call<zkpow_runtime::Runtime>,
	data_url: &str,
) -> u32 {
	let (_, id) = submit_and_find(rpc, node, Alice, zkpow(register), "registration", |e| match e {
		RuntimeEvent::Zkpow(ZkpowEvent::RollupRegistered { rollup_id, .. }) => Some(*rollup_id),
		_ => None,
	})
	.await;
	set_data_url(rpc, node, id, data_url).await;
	let fund = pallet_zkpow::Call::fund_rollup { rollup_id: id, amount: 20 * REWARD };
	submit_and_find(rpc, node, Alice, zkpow(fund), "funding", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::RollupFunded { .. })).then_some(())
	})
	.await;
	id
}

/// Alice points rollup `rollup_id`'s data URL at `url`.
pub async fn set_data_url(rpc: &Rpc, node: &Node, rollup_id: u32, url: &str) {
	let set = pallet_zkpow::Call::set_data_url { rollup_id, url: Some(url.as_bytes().to_vec()) };
	submit_and_find(rpc, node, Alice, zkpow(set), "data URL", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::DataUrlSet { .. })).then_some(())
	})
	.await;
}

/// Serves `dir` as a rollup's data endpoint (`zkpow-prover publish`: its sequence files,
/// genesis and `package/`) until the test ends; its URL.
pub async fn publish(dir: &Path) -> String {
	let (tx, rx) = tokio::sync::oneshot::channel();
	let served = dir.to_path_buf();
	tokio::spawn(async move {
		let bound = move |addr| {
			let _ = tx.send(addr);
		};
		zkpow_prover::publish::serve(
			"127.0.0.1:0".parse().unwrap(),
			served,
			bound,
			std::future::pending(),
		)
		.await
		.unwrap();
	});
	format!("http://{}", rx.await.unwrap())
}

/// Sequencer options writing `sequences` sequences of `batches` batches into `out`.
pub fn options(out: &Path, sequences: usize, batches: usize) -> SequencerOptions {
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

/// Bonds `amount` for `miner` and waits for the `Bonded` event.
pub async fn bond(rpc: &Rpc, node: &Node, miner: Sr25519Keyring, amount: u128) {
	submit_and_find(rpc, node, miner, zkpow(pallet_zkpow::Call::bond { amount }), "bond", |e| {
		matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::Bonded { miner: m, .. }) if *m == miner.to_account_id())
			.then_some(())
	})
	.await;
}

/// Puts the miner key into a running node's keystore, as an operator would.
pub async fn insert_miner_key(rpc: &Rpc, miner: Sr25519Keyring) {
	let public = format!("0x{}", hex::encode(miner.public()));
	let suri = format!("//{miner}");
	rpc.call("author_insertKey", rpc_params!["zkpw", suri, public]).await.unwrap();
}

/// `zkpow_sequenceStatus` of a sequence, as JSON.
pub async fn status(rpc: &Rpc, rollup: u32, index: u64) -> Value {
	rpc.call("zkpow_sequenceStatus", rpc_params![rollup, index]).await.unwrap()
}

/// Waits until the sequence is finalized; returns its status.
pub async fn finalized(
	rpc: &Rpc,
	node: &Node,
	rollup: u32,
	index: u64,
	timeout: Duration,
) -> Value {
	wait_for(&format!("sequence {index} to be finalized"), timeout, || async {
		let status = status(rpc, rollup, index).await;
		Ok(status["phase"].get("Finalized").is_some().then_some(status))
	})
	.await
	.unwrap_or_else(|e| {
		let about = sequence_log(node, rollup, index, "").join("\n");
		panic!("{e}\nwhat the node logged about the sequence:\n{about}\n\n{}", node.log_tail(30))
	})
}

/// A miner's total rewards and slashes from `zkpow_minerInfo` (zero if it has no ledger).
pub async fn miner_totals(rpc: &Rpc, miner: Sr25519Keyring) -> (u128, u128) {
	let info = rpc
		.call("zkpow_minerInfo", rpc_params![miner.to_account_id().to_string()])
		.await
		.unwrap();
	let amount = |v: &Value| {
		v.as_u64()
			.map(u128::from)
			.or_else(|| v.as_str().and_then(|s| s.parse().ok()))
			.unwrap()
	};
	(amount(&info["total_rewards"]), amount(&info["total_slashed"]))
}

/// Lines of the node's log about one sequence that contain `what`.
pub fn sequence_log(node: &Node, rollup: u32, index: u64, what: &str) -> Vec<String> {
	let prefix = format!("rollup {rollup} sequence {index}: ");
	node.log()
		.lines()
		.filter(|l| l.contains(&prefix) && l.contains(what))
		.map(str::to_owned)
		.collect()
}

/// How many lines of the node's log about one sequence contain `what`.
pub fn lines(node: &Node, rollup: u32, index: u64, what: &str) -> usize {
	sequence_log(node, rollup, index, what).len()
}

/// The value of a metric (`<name>{...} <value>`) in a Prometheus text; the sum over its
/// label sets if it has several.
pub fn metric(text: &str, name: &str) -> Option<f64> {
	let values: Vec<f64> = text
		.lines()
		.filter(|l| l.strip_prefix(name).is_some_and(|rest| rest.starts_with([' ', '{'])))
		.filter_map(|l| l.rsplit(' ').next()?.parse().ok())
		.collect();
	(!values.is_empty()).then(|| values.iter().sum())
}

/// A `--dev` node that mines on `prover_urls` (with `args` too) with Charlie's key, a test
/// rollup registered with windows `t1` and `t2`, and Charlie bonded twice the minimum.
pub async fn solo_miner(prover_urls: &str, args: &[&str], t1: u32, t2: u32) -> (Node, Rpc, Rollup) {
	let mut all = vec!["--dev", "--miner", "--prover-url", prover_urls];
	all.extend_from_slice(args);
	let mut node = Node::spawn(&all);
	let rpc = node.rpc(Duration::from_secs(120)).await;
	let rollup = Rollup::register(&rpc, &node, t1, t2).await;
	bond(&rpc, &node, Charlie, 2 * MIN_BOND).await;
	insert_miner_key(&rpc, Charlie).await;
	(node, rpc, rollup)
}

/// A full node next to `validator` that mines with `args`.
pub async fn miner_node(validator: &Node, rpc: &Rpc, args: &[&str]) -> (Node, Rpc) {
	let bootnode = validator.multiaddr(rpc).await;
	let mut all = vec!["--chain", "dev", "--bootnodes", &bootnode, "--miner"];
	all.extend_from_slice(args);
	let mut node = Node::spawn(&all);
	let miner_rpc = node.rpc(Duration::from_secs(120)).await;
	(node, miner_rpc)
}
