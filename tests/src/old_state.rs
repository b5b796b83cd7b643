//! A chain in the oldest storage layout the runtime migrates from, for the node's
//! `try-upgrade` command.
//!
//! [`write_v0_chain_spec`] starts from the dev chain's genesis (the node's raw dev spec), runs
//! what a live chain would have seen natively with the runtime's own pallets: a rollup
//! registered and funded, three sequences submitted, two miners bonded, one sequence
//! proven by one miner while the other revealed nothing (finalized: one reward, one
//! slash), one window open, one sequence waiting. It then rewrites `pallet-zkpow`'s
//! storage in its v0 layout (miner ledgers in the v1 layout, which v0 shared), releases
//! the sequence deposits v0 did not hold, drops what v0 did not have, and sets storage
//! version 0. The result is a raw chain spec whose state every migration has work on.

use frame_support::{
	storage::unhashed,
	traits::{GetStorageVersion, Hooks, StorageVersion},
};
use pallet_zkpow::{
	migrations::{v1::v0, v2::v1},
	BaseChain, BatchHeader, Bytes32, RollupGenesis, RollupParams, VerifierKind, VerifierSpec,
};
use sp_keyring::Sr25519Keyring;
use std::{collections::BTreeMap, path::Path};
use zkpow_primitives::testing;
use zkpow_runtime::{BlockNumber, Runtime, RuntimeOrigin, System, Zkpow, UNIT};

type Pallet = pallet_zkpow::Pallet<Runtime>;

/// A flaw to leave in the old state, so that a check has something to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
	/// A consistent state.
	None,
	/// The open window's settlement is missing from the agenda (it would never settle):
	/// the migrations carry it over and `try_state` must refuse the result.
	WindowOffTheAgenda,
}

/// Writes the raw chain spec of a v0 chain to `out`, from the node's raw dev spec
/// (`zkpow-node build-spec --chain dev --raw`).
pub fn write_v0_chain_spec(dev_raw_spec: &str, out: &Path, flaw: Flaw) -> Result<(), crate::Error> {
	let mut spec: serde_json::Value = serde_json::from_str(dev_raw_spec)?;
	let top = spec
		.pointer("/genesis/raw/top")
		.and_then(|t| t.as_object())
		.ok_or("the dev spec is not raw: no genesis.raw.top")?;
	let mut storage = sp_core::storage::Storage::default();
	for (k, v) in top {
		let v = v.as_str().ok_or("a raw storage value is not a string")?;
		storage.top.insert(from_hex(k)?, from_hex(v)?);
	}
	let mut ext = sp_io::TestExternalities::new(storage);
	let state = ext.execute_with(|| {
		live_chain();
		downgrade_to_v0();
		if flaw == Flaw::WindowOffTheAgenda {
			let _ = pallet_zkpow::Agenda::<Runtime>::clear(u32::MAX, None);
		}
		all_storage()
	});
	let top: serde_json::Map<_, _> = state
		.into_iter()
		.map(|(k, v)| (format!("0x{}", hex::encode(k)), format!("0x{}", hex::encode(v)).into()))
		.collect();
	spec["genesis"]["raw"]["top"] = top.into();
	std::fs::write(out, serde_json::to_vec_pretty(&spec)?)?;
	Ok(())
}

fn from_hex(s: &str) -> Result<Vec<u8>, crate::Error> {
	Ok(hex::decode(s.trim_start_matches("0x"))?)
}

/// Every key and value of the top trie.
fn all_storage() -> BTreeMap<Vec<u8>, Vec<u8>> {
	let mut out = BTreeMap::new();
	let mut key = Vec::new();
	while let Some(next) = sp_io::storage::next_key(&key) {
		if let Some(value) = sp_io::storage::get(&next) {
			out.insert(next.clone(), value.to_vec());
		}
		key = next;
	}
	out
}

fn to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Zkpow::on_initialize(next);
	}
}

fn ok(result: frame_support::dispatch::DispatchResult, what: &str) {
	result.unwrap_or_else(|e| panic!("{what}: {e:?}"));
}

/// The calls of a live chain: see the module docs.
fn live_chain() {
	let keys = testing::setup(7);
	let owner = Sr25519Keyring::Alice.to_account_id();
	let miners = [Sr25519Keyring::Bob.to_account_id(), Sr25519Keyring::Charlie.to_account_id()];
	let signed = |who: &zkpow_runtime::AccountId| RuntimeOrigin::signed(who.clone());
	to_block(1);
	let id = pallet_zkpow::NextRollupId::<Runtime>::get();
	let limits = pallet_zkpow::Limits::<Runtime>::get();
	let min_bond = limits.min_miner_bond.max(10 * UNIT);
	let reward = limits.min_reward_per_sequence.max(UNIT);
	ok(
		Zkpow::register_rollup(
			signed(&owner),
			b"old rollup".to_vec(),
			BaseChain { chain_id: 31337, inbox: [0xaa; 20] },
			VerifierSpec { kind: VerifierKind::Groth16Bn254, key: keys.vk_bytes.clone() },
			owner.clone().into(),
			RollupParams {
				commit_window: None,
				reveal_window: None,
				reward_per_sequence: reward,
				min_miner_bond: min_bond,
				no_proof_penalty: None,
				invalid_proof_penalty: None,
			},
			RollupGenesis { state_root: [0; 32], last_batch: 0 },
			None,
		),
		"register",
	);
	ok(Zkpow::fund_rollup(signed(&owner), id, 100 * reward), "fund");
	for n in 0..3u8 {
		let r = pallet_zkpow::Rollups::<Runtime>::get(id).expect("registered");
		let batch = BatchHeader { state_root: [n + 1; 32], data_hash: [0x55; 32] };
		ok(
			Zkpow::submit_sequence(
				signed(&owner),
				id,
				r.last_batch + 1,
				r.last_state_root,
				vec![batch].try_into().expect("one batch fits"),
			),
			"submit",
		);
	}
	for m in &miners {
		ok(Zkpow::bond(signed(m), 10 * min_bond), "bond");
	}
	let proof = |index, prover: &zkpow_runtime::AccountId| {
		let seq = pallet_zkpow::Sequences::<Runtime>::get(id, index).expect("in flight");
		testing::prove(&keys, &Pallet::statement_of(id, index, &seq, prover), 1 + index)
	};
	let hash = |p: &[u8], who: &zkpow_runtime::AccountId| -> Bytes32 {
		zkpow_primitives::proof_hash(p, who.as_ref())
	};
	// Sequence 0: both commit, Bob proves, Charlie reveals nothing.
	let proofs: Vec<_> = miners.iter().map(|m| proof(0, m)).collect();
	for (m, p) in miners.iter().zip(&proofs) {
		ok(
			Zkpow::commit_proof_hash(signed(m), id, 0, hash(p, m))
				.map(|_| ())
				.map_err(|e| e.error),
			"commit",
		);
	}
	let window = pallet_zkpow::Sequences::<Runtime>::get(id, 0)
		.and_then(|s| s.window)
		.expect("open");
	to_block(window.commit_ends_at);
	ok(
		Zkpow::reveal_proof(signed(&miners[0]), id, 0, proofs[0].clone().try_into().expect("fits"))
			.map(|_| ())
			.map_err(|e| e.error),
		"reveal",
	);
	to_block(window.reveal_ends_at);
	assert!(pallet_zkpow::FinalizedSequences::<Runtime>::contains_key(id, 0), "finalized");
	// Sequence 1: a window open; sequence 2 waits.
	let p = proof(1, &miners[0]);
	ok(
		Zkpow::commit_proof_hash(signed(&miners[0]), id, 1, hash(&p, &miners[0]))
			.map(|_| ())
			.map_err(|e| e.error),
		"commit",
	);
}

/// Rewrites the pallet's storage in its v0 layout; see the module docs.
fn downgrade_to_v0() {
	use pallet_zkpow::{
		FinalizedExpiry, Frozen, HoldReason, Limits, MinerHistory, Miners, PendingKeys, Rollups,
		Sequences,
	};
	for (id, r) in Rollups::<Runtime>::iter() {
		let old = v0::RollupInfo::<Runtime> {
			owner: r.owner,
			name: r.name,
			base_chain: r.base_chain,
			verifier: r.verifier,
			sequencer: r.sequencer,
			terms: r.terms,
			status: r.status,
			deposit: r.deposit,
			pool: r.pool,
			escrowed: r.escrowed,
			in_flight: r.in_flight,
			last_batch: r.last_batch,
			last_state_root: r.last_state_root,
			next_sequence: r.next_sequence,
			stats: r.stats,
		};
		unhashed::put(&Rollups::<Runtime>::hashed_key_for(id), &old);
	}
	for (id, index, s) in Sequences::<Runtime>::iter() {
		use frame_support::traits::{fungible::MutateHold, tokens::Precision};
		<Runtime as pallet_zkpow::Config>::Currency::release(
			&HoldReason::SequenceDeposit.into(),
			&s.depositor,
			s.deposit,
			Precision::Exact,
		)
		.expect("the deposit is held");
		let window = s.window.map(|w| v0::Window::<Runtime> {
			opened_at: w.opened_at,
			commit_ends_at: w.commit_ends_at,
			reveal_ends_at: w.reveal_ends_at,
			no_proof_penalty: w.no_proof_penalty,
			invalid_proof_penalty: w.invalid_proof_penalty,
			committers: w.committers,
			accepted: w.accepted,
		});
		let old = v0::SequenceInfo::<Runtime> {
			start_batch: s.start_batch,
			batch_count: s.batch_count,
			prev_state_root: s.prev_state_root,
			new_state_root: s.new_state_root,
			data_commitment: s.data_commitment,
			submitted_at: s.submitted_at,
			reward: s.reward,
			attempt: s.attempt,
			window,
		};
		unhashed::put(&Sequences::<Runtime>::hashed_key_for(id, index), &old);
	}
	let l = Limits::<Runtime>::get();
	let old = v0::ProtocolLimits {
		min_commit_window: l.min_commit_window,
		max_commit_window: l.max_commit_window,
		default_commit_window: l.default_commit_window,
		min_reveal_window: l.min_reveal_window,
		max_reveal_window: l.max_reveal_window,
		default_reveal_window: l.default_reveal_window,
		unbonding_period: l.unbonding_period,
		min_miner_bond: l.min_miner_bond,
	};
	unhashed::put(&Limits::<Runtime>::hashed_key(), &old);
	for (miner, l) in Miners::<Runtime>::iter() {
		let totals = MinerHistory::<Runtime>::get(&miner);
		let old = v1::MinerLedger::<Runtime> {
			bonded: l.bonded,
			unbonding: l.unbonding,
			open_commitments: l.open_commitments,
			total_rewards: totals.rewards,
			total_slashed: totals.slashed,
		};
		unhashed::put(&Miners::<Runtime>::hashed_key_for(&miner), &old);
	}
	let _ = MinerHistory::<Runtime>::clear(u32::MAX, None);
	let _ = FinalizedExpiry::<Runtime>::clear(u32::MAX, None);
	assert!(PendingKeys::<Runtime>::iter().next().is_none(), "v0 had no key rotation");
	assert!(Frozen::<Runtime>::iter().next().is_none(), "v0 had no freeze");
	StorageVersion::new(0).put::<Pallet>();
	assert_eq!(Pallet::on_chain_storage_version(), 0);
}
