//! Unit tests, one module per behaviour (`commit_should::reject_after_commit_window`, ...).
//!
//! Proofs are real Groth16/BN254 proofs from `zkpow_primitives::testing` (a circuit over
//! the ten-input sequence statement with deterministic keys), verified through the same
//! host function the runtime uses.

mod attacks_should;
mod block_records_should;
mod bonding_should;
mod commit_should;
mod docs_should;
mod emergency_should;
mod errors_should;
mod key_rotation_should;
mod limits_should;
mod migrations_should;
mod prover_package_should;
mod queries_should;
mod registration_should;
mod reveal_should;
mod rewards_should;
mod sequence_should;
mod settlement_should;
mod slashing_should;
mod verifier_should;
mod weights_should;

use crate::{mock::*, *};
use frame_support::{
	assert_ok, pallet_prelude::DispatchResult, traits::fungible::InspectHold, BoundedVec,
};
use std::sync::OnceLock;
use zkpow_primitives::testing::{self, StatementKeys};

/// T1 and T2 of the test rollup (the protocol defaults).
pub const T1: u64 = 20;
pub const T2: u64 = 32;
/// Reward per sequence of the test rollup.
pub const REWARD: Balance = 1_000;
/// Minimum miner bond of the test rollup; default penalties are 1/50 and 1/5 of it.
pub const MIN_BOND: Balance = 5_000;
pub const NO_PROOF_PENALTY: Balance = MIN_BOND / 50;
pub const INVALID_PROOF_PENALTY: Balance = MIN_BOND / 5;
/// Pool the test rollup is funded with.
pub const POOL: Balance = 10_000;

/// Keys of the test statement circuit (set up once per test binary).
pub fn keys() -> &'static StatementKeys {
	static KEYS: OnceLock<StatementKeys> = OnceLock::new();
	KEYS.get_or_init(|| testing::setup(42))
}

pub fn name() -> Vec<u8> {
	b"test rollup".to_vec()
}

pub fn base_chain() -> BaseChain {
	BaseChain { chain_id: 31337, inbox: [0xaa; 20] }
}

/// The test rollup's verifier: a single Groth16 proof with the test key.
pub fn vk(bytes: &[u8]) -> VerifierSpec {
	VerifierSpec { kind: VerifierKind::Groth16Bn254, key: bytes.to_vec() }
}

/// A rollup that starts from the zero root before batch 1.
pub fn genesis() -> RollupGenesis {
	RollupGenesis { state_root: [0u8; 32], last_batch: 0 }
}

pub fn params() -> RollupParamsOf<Test> {
	RollupParams {
		commit_window: None,
		reveal_window: None,
		reward_per_sequence: REWARD,
		min_miner_bond: MIN_BOND,
		no_proof_penalty: None,
		invalid_proof_penalty: None,
	}
}

/// Registers a rollup of the owner with the test key and `params`.
pub fn try_register(params: RollupParamsOf<Test>) -> DispatchResult {
	Zkpow::register_rollup(
		RuntimeOrigin::signed(owner()),
		name(),
		base_chain(),
		vk(&keys().vk_bytes),
		sequencer(),
		params,
		genesis(),
		None,
	)
}

/// Registers a rollup with the test key and parameters; returns its id.
pub fn register_with(params: RollupParamsOf<Test>) -> RollupId {
	let id = NextRollupId::<Test>::get();
	assert_ok!(try_register(params));
	id
}

/// Registers and funds the test rollup; returns its id.
pub fn setup_rollup() -> RollupId {
	let id = register_with(params());
	assert_ok!(Zkpow::fund_rollup(RuntimeOrigin::signed(owner()), id, POOL));
	id
}

/// `n` batches whose roots and data hashes derive from `seed`.
pub fn batches(n: u8, seed: u8) -> BatchesOf<Test> {
	BoundedVec::truncate_from(
		(0..n)
			.map(|i| BatchHeader {
				state_root: [seed.wrapping_add(i + 1); 32],
				data_hash: [seed ^ 0x55; 32],
			})
			.collect(),
	)
}

/// Submits `batches` as the rollup's sequencer, continuing where the rollup stands.
pub fn submit_batches(rollup_id: RollupId, batches: BatchesOf<Test>) -> DispatchResult {
	let r = Rollups::<Test>::get(rollup_id).ok_or(Error::<Test>::RollupNotFound)?;
	Zkpow::submit_sequence(
		RuntimeOrigin::signed(sequencer()),
		rollup_id,
		r.last_batch + 1,
		r.last_state_root,
		batches,
	)
}

/// Submits a sequence of `n` batches; returns its index.
pub fn submit(rollup_id: RollupId, n: u8) -> SequenceIndex {
	let index = Rollups::<Test>::get(rollup_id).unwrap().next_sequence;
	assert_ok!(submit_batches(rollup_id, batches(n, (index as u8).wrapping_mul(16))));
	index
}

/// Bonds `amount` for a miner.
pub fn bond(who: &AccountId, amount: Balance) {
	assert_ok!(Zkpow::bond(RuntimeOrigin::signed(who.clone()), amount));
}

/// A real proof of the sequence's statement bound to `prover`.
pub fn proof_for(rollup_id: RollupId, index: SequenceIndex, prover: &AccountId) -> Vec<u8> {
	let seq = Sequences::<Test>::get(rollup_id, index).expect("sequence in flight");
	let statement = Zkpow::statement_of(rollup_id, index, &seq, prover);
	testing::prove(keys(), &statement, 1 + index)
}

pub fn hash_of(proof: &[u8], who: &AccountId) -> Bytes32 {
	zkpow_primitives::proof_hash(proof, who.as_ref())
}

/// Commits the hash of `proof` for `who`.
pub fn commit(who: &AccountId, rollup_id: RollupId, index: SequenceIndex, proof: &[u8]) {
	assert_ok!(Zkpow::commit_proof_hash(
		RuntimeOrigin::signed(who.clone()),
		rollup_id,
		index,
		hash_of(proof, who)
	));
}

pub fn proof_arg(proof: &[u8]) -> ProofOf<Test> {
	BoundedVec::truncate_from(proof.to_vec())
}

/// Reveals `proof` for `who`.
pub fn reveal(who: &AccountId, rollup_id: RollupId, index: SequenceIndex, proof: &[u8]) {
	assert_ok!(Zkpow::reveal_proof(
		RuntimeOrigin::signed(who.clone()),
		rollup_id,
		index,
		proof_arg(proof)
	));
}

/// The miner's held bond.
pub fn held_bond(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::MinerBond.into(), who)
}

pub fn free(who: &AccountId) -> Balance {
	use frame_support::traits::fungible::Inspect;
	Balances::balance(who)
}

pub fn rollup(id: RollupId) -> RollupInfoOf<Test> {
	Rollups::<Test>::get(id).expect("rollup registered")
}

pub fn window(id: RollupId, index: SequenceIndex) -> WindowOf<Test> {
	Sequences::<Test>::get(id, index).unwrap().window.expect("window open")
}

/// A rollup with one submitted sequence, `miners` bonded with `MIN_BOND * 2` each, and a
/// window opened at `b` by the first miner. Returns (rollup, sequence, b, proofs per
/// miner).
pub struct Scenario {
	pub rollup_id: RollupId,
	pub index: SequenceIndex,
	pub b: BlockNumber,
	pub proofs: Vec<Vec<u8>>,
}

pub fn open_window(miners: u8) -> Scenario {
	let rollup_id = setup_rollup();
	let index = submit(rollup_id, 2);
	let proofs: Vec<_> = (0..miners)
		.map(|n| {
			bond(&miner(n), MIN_BOND * 2);
			proof_for(rollup_id, index, &miner(n))
		})
		.collect();
	run_to_block(10);
	commit(&miner(0), rollup_id, index, &proofs[0]);
	Scenario { rollup_id, index, b: 10, proofs }
}

pub fn last_event() -> pallet::Event<Test> {
	zkpow_events().pop().expect("an event")
}

#[test]
fn mock_genesis_is_consistent() {
	new_test_ext().execute_with(|| {
		check_invariants();
		assert_eq!(free(&Zkpow::pot_account()), ED);
		assert_eq!(free(&TreasuryAccount::get()), ED);
		assert_eq!(Limits::<Test>::get(), ProtocolLimits::default());
	});
}
