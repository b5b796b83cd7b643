//! Real sequences for tests (feature `test-fixtures`): the reference rollup of
//! `zkpow-circuits` runs random valid transfers, and its `test` configuration's
//! deterministic dev keys prove them into real version-1 artifacts.
//!
//! Keys are cached where the prover host caches them (`$ZKPOW_KEYS_DIR`, else
//! `~/.cache/zkpow/keys`), so only the first run on a machine pays for the setup.

use crate::SequenceDelivery;
use std::{
	path::PathBuf,
	sync::{Arc, OnceLock},
};
use zkpow_circuits::{
	config::TEST,
	keys::{quiet, KeySet},
	prove_sequence,
	rollup::{
		generator::{funded_genesis, TransferGenerator},
		state::RollupState,
	},
	Groth16Bundle, ProofBackend, DEV_SEED,
};
use zkpow_primitives::{sequence_commitment, BatchHeader, BatchNumber, Bytes32, RollupId};

/// The miner the fixtures' artifacts are bound to.
pub const PROVER: Bytes32 = [0x11; 32];

fn keys_dir() -> PathBuf {
	std::env::var_os("ZKPOW_KEYS_DIR").map(PathBuf::from).unwrap_or_else(|| {
		let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
		home.join(".cache/zkpow/keys")
	})
}

/// The proving backend over the `test` configuration's dev keys (loaded once).
pub fn backend() -> &'static Groth16Bundle {
	static BACKEND: OnceLock<Groth16Bundle> = OnceLock::new();
	BACKEND.get_or_init(|| {
		let keys = KeySet::load_or_generate(&keys_dir(), TEST, DEV_SEED, &quiet)
			.expect("dev keys of the `test` configuration");
		Groth16Bundle::new(Arc::new(keys)).expect("the dev key set is valid")
	})
}

/// The verifying-key set the fixtures' artifacts verify against.
pub fn vk_set() -> Vec<u8> {
	backend().vk_set().to_vec()
}

/// A rollup whose sequences are proven for real, one after the other.
pub struct ProvingRollup {
	/// Rollup id bound into the statements.
	pub rollup_id: RollupId,
	/// Root before the first sequence.
	pub genesis_root: Bytes32,
	/// Number of the first batch.
	pub first_batch: BatchNumber,
	state: RollupState,
	generator: TransferGenerator,
	next_index: u64,
	next_batch: BatchNumber,
}

impl ProvingRollup {
	/// A fresh reference rollup (accounts 0..8 funded) whose first batch is number 1.
	pub fn new(rollup_id: RollupId, seed: u64) -> Self {
		let state = funded_genesis(TEST.tree_depth, 8, 1_000_000).expect("genesis state");
		let generator = TransferGenerator::new(seed, (0..12).collect()).expect("accounts");
		Self {
			rollup_id,
			genesis_root: state.root_bytes(),
			first_batch: 1,
			state,
			generator,
			next_index: 0,
			next_batch: 1,
		}
	}

	/// Runs `n` random batches and proves them as the next sequence, bound to `prover`.
	pub fn next_sequence(&mut self, n: usize, prover: Bytes32) -> SequenceDelivery {
		let prev_state_root = self.state.root_bytes();
		let witnesses = self.generator.sequence(&mut self.state, n, TEST.batch_size);
		let batches: Vec<BatchHeader> = witnesses
			.iter()
			.map(|w| w.execute(&TEST).expect("generated batches execute").header())
			.collect();
		let proof = prove_sequence(backend(), self.rollup_id, self.next_index, &prover, &witnesses)
			.expect("proving a valid sequence");
		let delivery = SequenceDelivery {
			rollup_id: self.rollup_id,
			sequence_index: self.next_index,
			start_batch: self.next_batch,
			prev_state_root,
			new_state_root: batches.last().expect("n >= 1").state_root,
			data_commitment: sequence_commitment(&batches),
			proof,
			prover,
			provers: vec![prover],
			batches,
		};
		self.next_index += 1;
		self.next_batch += n as u64;
		delivery
	}
}
