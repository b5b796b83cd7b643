//! A stranger's rollup proven by the example circom circuit ([`CircomCircuit`]): registered
//! as a `Groth16Bn254` rollup with the circuit's verifying key (imported from snarkjs),
//! its data (and, when it declares one, its prover package) served by
//! `zkpow-prover publish`, its sequences one batch each, submitted by Bob.

use crate::{circom::CircomCircuit, mining::*, submit_and_find, Node, Rpc};
use pallet_zkpow::{
	BaseChain, Event as ZkpowEvent, ProverPackageKind, ProverPackageSpec, RollupGenesis,
	RollupParams, VerifierKind, VerifierSpec,
};
use sp_keyring::Sr25519Keyring::Bob;
use std::path::Path;
use zkpow_primitives::{BatchHeader, Bytes32};
use zkpow_runtime::RuntimeEvent;

/// The state root the rollup starts from.
pub const GENESIS_ROOT: Bytes32 = [0x11; 32];

/// The circuit's verifying key in the chain's encoding (imported from snarkjs).
pub fn chain_key(circuit: &CircomCircuit) -> Vec<u8> {
	let vk = std::fs::read_to_string(circuit.verification_key()).unwrap();
	zkpow_primitives::import::vk_from_snarkjs(&vk).expect("the snarkjs key imports")
}

/// What a rollup says of its prover package.
#[derive(Clone, Copy, Debug)]
pub enum Package {
	/// It publishes the example package and registers its true hash.
	Pinned,
	/// It publishes the example package and registers this hash instead (a honeypot).
	Mispinned(Bytes32),
	/// It declares none (a host's native command proves it).
	Absent,
}

/// A registered, funded circom rollup and its data endpoint.
pub struct CircomRollup {
	/// Its id on chain.
	pub id: u32,
	/// Its data URL.
	pub url: String,
	dir: tempfile::TempDir,
	posted: u64,
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

/// The state root after sequence `index` (the circuit does not constrain roots, so any
/// distinct values chain).
fn root_after(index: u64) -> Bytes32 {
	let mut root = [0x21; 32];
	root[24..].copy_from_slice(&index.to_be_bytes());
	root
}

impl CircomRollup {
	/// Registers (Alice) a rollup with the circuit's key, windows `t1`/`t2` and `package`,
	/// serves its data, sets its data URL and funds it for 20 rewards.
	pub async fn register(
		rpc: &Rpc,
		node: &Node,
		circuit: &CircomCircuit,
		package: Package,
		(t1, t2): (u32, u32),
	) -> CircomRollup {
		let dir = tempfile::tempdir().unwrap();
		let hash = match package {
			Package::Pinned => Some(publish_package(dir.path(), circuit)),
			Package::Mispinned(hash) => {
				publish_package(dir.path(), circuit);
				Some(hash)
			},
			Package::Absent => None,
		};
		let url = publish(dir.path()).await;
		let register = pallet_zkpow::Call::register_rollup {
			name: b"circom-rollup".to_vec(),
			base_chain: BaseChain { chain_id: 31338, inbox: [0x33; 20] },
			verifier: VerifierSpec { kind: VerifierKind::Groth16Bn254, key: chain_key(circuit) },
			sequencer: sp_runtime::MultiAddress::Id(Bob.to_account_id()),
			params: RollupParams {
				commit_window: Some(t1),
				reveal_window: Some(t2),
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
		let id = register_and_fund(rpc, node, register, &url).await;
		CircomRollup { id, url, dir, posted: 0 }
	}

	/// Publishes the next sequence (one batch with the circuit's private input, chained
	/// on the previous one's root) and has Bob submit it; its index and the block it was
	/// submitted in.
	pub async fn post(&mut self, rpc: &Rpc, node: &Node) -> (u64, u32) {
		let index = self.posted;
		let prev_root = if index == 0 { GENESIS_ROOT } else { root_after(index - 1) };
		let header = BatchHeader { state_root: root_after(index), data_hash: [0x31; 32] };
		let hex = |b: &Bytes32| format!("0x{}", hex::encode(b));
		let file = serde_json::json!({
			"prev_root": hex(&prev_root),
			"batches": [{
				"state_root": hex(&header.state_root),
				"data_hash": hex(&header.data_hash),
				"witness": { "secret": "12345", "secret_squared": "152399025" },
			}],
		});
		let name = zkpow_prover::publish::sequence_file_name(index);
		std::fs::write(self.dir.path().join(name), file.to_string()).unwrap();
		let submit = pallet_zkpow::Call::submit_sequence {
			rollup_id: self.id,
			start_batch: index + 1,
			prev_state_root: prev_root,
			batches: vec![header].try_into().unwrap(),
		};
		let id = self.id;
		let (block, ()) = submit_and_find(rpc, node, Bob, zkpow(submit), "sequence", |e| {
			matches!(e, RuntimeEvent::Zkpow(ZkpowEvent::SequenceSubmitted {
				rollup_id, sequence_index, ..
			}) if *rollup_id == id && *sequence_index == index)
			.then_some(())
		})
		.await;
		self.posted += 1;
		(index, block)
	}
}
